from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "rencai.orgs"
    label = "orgs"
    verbose_name = _("组织机构")

    def ready(self) -> None:
        from rencai.imports.sheets import register
        from rencai.orgs.sheets import ORG_SHEET

        register(ORG_SHEET)
