"""The register's filter: one FilterSet for the web list, the API and the export of 人员 (the URL
is the state: filters survive reload). Besides what a clerk looks for (name, unit, category …) it
takes the conditions the figures drill down with: `registered_from`/`registered_to` (登记时间,
the 新增 of a period), `no_category` (人才类别未填) and `stale_before` (信息更新早于某日)."""

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.orgs.fields import UnitChoiceFilter
from rencai.orgs.models import OrgUnit
from rencai.people.choices import AgeBand, CategoryGroup, PersonStatus, Source
from rencai.people.models import Person, Qualification, TalentCategory
from rencai.people.search import checked_search, record_search_reveal, reveals, search_q
from rencai.standards import codes

# 职称 as the 统计报表 counts it: TITLE_LEVEL codes per column (初级 = 助理级 and 员级).
TITLE_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("1", "正高级", ("1",)),
    ("2", "副高级", ("2",)),
    ("3", "中级", ("3",)),
    ("4", "初级", ("4", "5")),
]


def holds_certificate(day: date, person: str = "pk") -> Exists:
    """The person (`person`: the lookup to the Person's pk) holds a 资质证书 valid on `day`: issued
    on or before it (or no issue date) and valid until it or later (or no end date)."""
    valid = Qualification.objects.filter(
        Q(issued_on__isnull=True) | Q(issued_on__lte=day),
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        person_id=OuterRef(person),
    )
    return Exists(valid)


def in_category_group(group: str, person: str = "pk") -> Exists:
    """The person holds an active 人才类别 of the group (e.g. 农村实用人才类型)."""
    through = Person.categories.through.objects.filter(
        person_id=OuterRef(person), talentcategory__group=group, talentcategory__is_active=True
    )
    return Exists(through)


# One filter set for the web list, the API and the export (the URL is the state: filters survive
# reload).


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
        return checked_search(self.cleaned_data.get("q"), self.user)


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名/拼音首字母/身份证后几位"), method="filter_q")
    org = UnitChoiceFilter(
        label=_("组织"), queryset=OrgUnit.objects.none(), method="filter_org", empty_label=_("全部")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("人才类别"),
        queryset=TalentCategory.objects.all(),
        method="filter_category",
        empty_label=_("全部"),
    )
    education = django_filters.ChoiceFilter(
        label=_("学历"),
        choices=codes.EDUCATION_GROUPS,  # the one 学历 grouping (form, sheet, export alike)
        method="filter_education",
        empty_label=_("全部"),
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
    registered_from = django_filters.DateFilter(
        label=_("登记时间自"), method="filter_registered_from"
    )
    registered_to = django_filters.DateFilter(label=_("登记时间至"), method="filter_registered_to")
    no_category = django_filters.BooleanFilter(
        label=_("人才类别未填"), method="filter_no_category", widget=forms.CheckboxInput
    )
    stale_before = django_filters.DateFilter(label=_("信息更新早于"), method="filter_stale_before")
    title = django_filters.ChoiceFilter(
        label=_("职称"), choices=[(k, v) for k, v, _c in TITLE_GROUPS], method="filter_title"
    )
    certified_on = django_filters.DateFilter(
        label=_("某日持有有效证书"), method="filter_certified_on"
    )
    category_group = django_filters.ChoiceFilter(
        label=_("人才类别分组"), choices=CategoryGroup.choices, method="filter_category_group"
    )

    class Meta:
        model = Person
        fields: list[str] = []
        form = PersonFilterForm

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        org_field = self.filters["org"]
        org_field.queryset = OrgUnit.objects.visible_to(user).order_by("name_path")
        self.form.user = user  # after the choices: the form is built on first access

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        qs = qs.filter(search_q(value))
        if reveals(value):  # only a user who may reveal gets here (PersonFilterForm)
            record_search_reveal(self.form.user, qs, value)
        return qs

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
        oldest, newest = age_band_range(value, timezone.localdate())
        if oldest:
            qs = qs.filter(birth_date__gt=oldest)
        if newest:
            qs = qs.filter(birth_date__lte=newest)
        return qs

    def filter_registered_from(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        """登记时间 on or after the day, in the installation's time zone."""
        return qs.filter(created_at__gte=day_start(value))

    def filter_registered_to(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        """登记时间 on or before the day (the whole day, in the installation's time zone)."""
        return qs.filter(created_at__lt=day_start(value + timedelta(days=1)))

    def filter_no_category(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if not value:
            return qs
        through = Person.categories.through
        return qs.exclude(Exists(through.objects.filter(person_id=OuterRef("pk"))))

    def filter_stale_before(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        """Persons whose record was last changed before the day (更新时间)."""
        return qs.filter(updated_at__lt=day_start(value))

    def filter_title(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(title_level__in=dict((k, c) for k, _v, c in TITLE_GROUPS)[value])

    def filter_certified_on(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        """持证: a certificate valid on the day (people.certified)."""
        return qs.filter(holds_certificate(value))

    def filter_category_group(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(in_category_group(value))


def day_start(day: date) -> datetime:
    """The first moment of `day` where the installation is (TIME_ZONE), as an aware time."""
    return timezone.make_aware(datetime.combine(day, time.min))
