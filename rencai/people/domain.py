"""人才库 as the spine sees it: menu, pages, API (rencai/domains.py)."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.domains import Domain, MenuEntry, Route


def api_routes() -> Iterable[Route]:
    from rencai.people import persons

    return persons.ROUTES


DOMAIN = Domain(
    key="people",
    label=_("人才库"),
    menu=(MenuEntry(_("人才库"), "people:list", "/people/", roles.reads_records, 20),),
    urls="rencai.people.urls",
    url_prefix="people/",
    api_routes=api_routes,
    sheets=("rencai.people.persons_sheet",),
    person_model="people.Person",
    unit_list="people:list",
    figures="rencai.people.figures",
    tiles="rencai.people.tiles",
    tables="rencai.people.tables",
    report="rencai.people.report",
    alerts="rencai.people.alerts",
    quality="rencai.people.quality",
)
