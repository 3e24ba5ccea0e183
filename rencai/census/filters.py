"""The demand list's filters: the supply/demand page links here with the same unit and specialty
its 需求 number counts."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rencai.census.choices import DemandLevel
from rencai.census.models import Demand
from rencai.orgs.models import OrgUnit


class DemandFilter(django_filters.FilterSet):
    org = django_filters.ModelChoiceFilter(
        label=_("组织"), queryset=OrgUnit.objects.none(), method="filter_org", empty_label=_("全部")
    )
    specialty = django_filters.CharFilter(label=_("专业/领域"))
    level = django_filters.ChoiceFilter(label=_("层次"), choices=DemandLevel.choices)

    class Meta:
        model = Demand
        fields: list[str] = []

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["org"].queryset = OrgUnit.objects.visible_to(user).order_by("name_path")
        self.form.fields["org"].label_from_instance = lambda o: o.name_path

    def filter_org(self, qs: QuerySet, name: str, value: OrgUnit) -> QuerySet:
        return qs.filter(org__path__startswith=value.path)
