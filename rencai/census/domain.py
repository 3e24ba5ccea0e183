"""人才普查 as the spine sees it: menu and pages (rencai/domains.py); no API routes yet."""

from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.domains import Domain, MenuEntry

DOMAIN = Domain(
    key="census",
    label=_("人才普查"),
    menu=(MenuEntry(_("人才普查"), "census:rounds", "/census/", roles.reads_records, 30),),
    urls="rencai.census.urls",
    url_prefix="census/",
    sheets=("rencai.census.units", "rencai.census.demands"),
    figures="rencai.census.figures",
    tiles="rencai.census.tiles",
    tables="rencai.census.tables",
    report="rencai.census.report",
    alerts="rencai.census.alerts",
    quality="rencai.census.quality",
)
