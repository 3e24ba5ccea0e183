"""人才培育 as the spine sees it: menu, pages, API (rencai/domains.py)."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.domains import Domain, MenuEntry, PersonSection, Route


def api_routes() -> Iterable[Route]:
    from rencai.training import records

    return records.routes()


def person_sections(person: Any, user: Any) -> list[PersonSection]:
    from rencai.training import person_sections

    return person_sections.person_sections(person, user)


DOMAIN = Domain(
    key="training",
    label=_("人才培育"),
    menu=(MenuEntry(_("人才培育"), "training:overview", "/training/", roles.reads_records, 40),),
    urls="rencai.training.urls",
    url_prefix="training/",
    api_routes=api_routes,
    sheets=("rencai.training.records",),
    figures="rencai.training.figures_registry",
    tiles="rencai.training.tiles",
    tables="rencai.training.tables",
    report="rencai.training.report",
    alerts="rencai.training.alerts",
    person_sections=person_sections,
)
