from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "rencai.people"
    label = "people"
    verbose_name = _("人才库")

    def ready(self) -> None:
        from rencai.imports.sheets import register
        from rencai.people.persons_sheet import PERSON_SHEET

        register(PERSON_SHEET)
