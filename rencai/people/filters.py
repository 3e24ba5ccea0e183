"""One filter set for the web list and the API (the URL is the state: filters survive reload)."""

from datetime import date
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.orgs.models import OrgUnit
from rencai.people.choices import AgeBand, PersonStatus, Source
from rencai.people.models import Person, TalentCategory
from rencai.people.search import MAX_MASKED_TAIL, id_tail, reveals, search_q
from rencai.standards import codes
from rencai.standards.idnumber import mask_id_number

LONG_TAIL_REFUSED = _(
    "按身份证号查找时最多输入末尾 %(n)d 位；查找完整号码需要“查看完整信息”权限"
) % {"n": MAX_MASKED_TAIL}


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def age_band_range(band: str, today: date) -> tuple[date | None, date | None]:
    """Birth dates [after, up to] of people whose age in whole years falls in `band`."""
    lo, _sep, hi = band.partition("-")
    newest = _years_ago(today, int(lo)) if lo else None  # at least `lo` years old
    oldest = _years_ago(today, int(hi) + 1) if hi else None  # younger than hi + 1
    return oldest, newest


class PersonFilterForm(forms.Form):
    """Refuses an ID tail longer than a masked user may confirm: a clear message and no rows
    (the web list, the API and the export all validate through it)."""

    user: Any = None

    def clean_q(self) -> str:
        value = self.cleaned_data.get("q") or ""
        if reveals(value) and not roles.may_reveal(self.user):
            raise forms.ValidationError(LONG_TAIL_REFUSED)
        return value


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名/拼音首字母/身份证后几位"), method="filter_q")
    org = django_filters.ModelChoiceFilter(
        label=_("组织"), queryset=OrgUnit.objects.none(), method="filter_org", empty_label=_("全部")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("人才类别"),
        queryset=TalentCategory.objects.all(),
        method="filter_category",
        empty_label=_("全部"),
    )
    education = django_filters.ChoiceFilter(
        label=_("学历"), choices=codes.EDUCATION_GROUPS, method="filter_education"
    )
    age = django_filters.ChoiceFilter(
        label=_("年龄段"), choices=AgeBand.choices, method="filter_age"
    )
    gender = django_filters.ChoiceFilter(label=_("性别"), choices=[("1", "男"), ("2", "女")])
    political_status = django_filters.ChoiceFilter(
        label=_("政治面貌"), choices=codes.POLITICAL_STATUS.choices()
    )
    source = django_filters.ChoiceFilter(label=_("来源"), choices=Source.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PersonStatus.choices)
    specialty = django_filters.CharFilter(label=_("从事产业/专业"), method="filter_specialty")

    class Meta:
        model = Person
        fields: list[str] = []
        form = PersonFilterForm

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        org_field = self.filters["org"]
        org_field.queryset = OrgUnit.objects.visible_to(user).order_by("name_path")
        self.form.fields["org"].label_from_instance = lambda o: o.name_path
        self.form.user = user  # after the choices: the form is built on first access

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        qs = qs.filter(search_q(value))
        if reveals(value):  # only a user who may reveal gets here (PersonFilterForm)
            self._record_reveal(qs, id_tail(value) or "")
        return qs

    def _record_reveal(self, qs: QuerySet, tail: str) -> None:
        """A search by more of the ID than the mask shows confirms the number: audited like
        the detail page's reveal, naming the person when exactly one matched."""
        count = qs.count()
        with acting_as(self.form.user):
            record_event(
                AuditAction.REVEAL,
                obj=qs.first() if count == 1 else None,
                detail={"search": mask_id_number(tail), "matches": count},
            )

    def filter_org(self, qs: QuerySet, name: str, value: OrgUnit) -> QuerySet:
        return qs.in_units(OrgUnit.objects.subtree_ids(value))

    def filter_category(self, qs: QuerySet, name: str, value: TalentCategory) -> QuerySet:
        # EXISTS on the (person, category) unique index: SQLite would otherwise collect every
        # member of the category to show one page.
        through = Person.categories.through
        return qs.filter(
            Exists(through.objects.filter(talentcategory_id=value.pk, person_id=OuterRef("pk")))
        )

    def filter_specialty(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Exact match, as the census counts supply against a declared demand (养殖 ≠ 生猪养殖)."""
        return qs.filter(specialty=value)

    def filter_education(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        lo, hi = codes.education_groups_codes(value)
        return qs.filter(education__gte=lo, education__lt=hi)

    def filter_age(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        from django.utils import timezone

        oldest, newest = age_band_range(value, timezone.localdate())
        if oldest:
            qs = qs.filter(birth_date__gt=oldest)
        if newest:
            qs = qs.filter(birth_date__lte=newest)
        return qs
