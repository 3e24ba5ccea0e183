"""The register's figures (人才库), registered with the figures layer (rencai/figures.py): the
工作台 reads them."""

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.figures import (
    Breakdown,
    Figure,
    Line,
    Period,
    Scope,
    by_child_unit,
    count_by_child,
    list_url,
    today,
)
from rencai.people.choices import AgeBand, CategoryGroup, PersonStatus
from rencai.people.models import Person, TalentCategory
from rencai.people.persons_filter import (
    TITLE_GROUPS,
    age_band_range,
    day_start,
    holds_certificate,
    in_category_group,
)
from rencai.standards import codes


def person_rows(scope: Scope) -> QuerySet:
    """人员 as rows: Persons of any status whose home or work unit lies in the scope (a person
    shared by two townships counts in both) — the 工作台's people of the same unit."""
    people = Person.objects.all()
    if not scope.is_everything:
        people = people.in_units(scope.subtree_ids)
    return people


def active_rows(scope: Scope) -> QuerySet:
    """在册人才 as rows: the `person_rows` of status 在册."""
    return person_rows(scope).filter(status=PersonStatus.ACTIVE)


def by_status(scope: Scope) -> Counter:
    """status → persons of the scope, from one GROUP BY, once per scope."""

    def compute() -> Counter:
        rows = person_rows(scope).values_list("status").annotate(n=Count("*")).order_by()
        return Counter(dict(rows))

    return scope.memo("people.by_status", compute)


def _list(scope: Scope, **extra: object) -> str:
    """The 人才库 list of the scope's people (the unit and every unit below it)."""
    return list_url("people:list", None, None, **extra, org=scope.unit.pk)


def _statuses(scope: Scope, period: Period) -> list[Line]:
    counts = by_status(scope)
    return [
        Line(status, str(label), counts[status], _list(scope, status=status))
        for status, label in PersonStatus.choices
    ]


def active_by_category(scope: Scope, period: Period) -> list[Line]:
    """在册人才 by active talent category (a person of two categories counts in each)."""
    counts = scope.memo("people.active_by_category", lambda: _by_category(active_rows(scope)))
    return [
        Line(
            c.pk,
            c.name,
            counts.get(c.pk, 0),
            _list(scope, status=PersonStatus.ACTIVE, category=c.pk),
        )
        for c in TalentCategory.objects.filter(is_active=True)
    ]


def _active_list(scope: Scope, period: Period) -> str:
    return _list(scope, status=PersonStatus.ACTIVE)


def new_rows(scope: Scope, period: Period) -> QuerySet:
    """新增在册人才 as rows: the `active_rows` whose 登记时间 (when the record was created, by a
    page, an import or the API) falls on a day of the period, in the installation's time zone."""
    start, end = period_bounds(period)
    return active_rows(scope).filter(created_at__gte=start, created_at__lt=end)


def period_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the period and the first moment after it, aware, where the
    installation is — what the list's 登记时间自/至 filters also take."""
    after = period.end + datetime.timedelta(days=1)
    return day_start(period.start), day_start(after)


def _new_list(scope: Scope, period: Period) -> str:
    return _list(
        scope,
        status=PersonStatus.ACTIVE,
        registered_from=period.start.isoformat(),
        registered_to=period.end.isoformat(),
    )


FIGURES = (
    Figure(
        "people.persons",
        _("人员"),
        _("人"),
        _(
            "户籍/居住地或工作单位在范围内（范围单位本身或其任一级下级单位）的人员，不论状态"
            "（在册、流出、退出、已故）；两地共享的人员在两边各计一次，在共同的上级只计一次；为"
            "当前存量，期间不适用。"
        ),
        lambda s, p: sum(by_status(s).values()),
        lambda s, p: _list(s),
        (Breakdown("status", _("按状态"), _statuses),),
    ),
    Figure(
        "people.active",
        _("在册人才"),
        _("人"),
        _(
            "状态为在册、户籍/居住地或工作单位在范围内（范围单位本身或其任一级下级单位）的人员；"
            "两地共享的人员在两边各计一次，在共同的上级只计一次；为当前存量，期间不适用。分列时："
            "年龄段按今天的周岁，学历按 GB/T 4658 分组（未填不计入任何一组），职称初级含助理级和"
            "员级（无职称、未填不计入）；一人属多个人才类别的，在各类别分别计入。"
        ),
        lambda s, p: by_status(s)[PersonStatus.ACTIVE],
        _active_list,
        (
            Breakdown("category", _("按人才类别"), active_by_category),
            by_child_unit(
                lambda s, p: count_by_child(s, active_rows(s), "home_org", "work_org"),
                _active_list,
            ),
            # the 统计报表's 人才资源总量及结构 (below: they read one pass of the persons)
            Breakdown(
                "profile", _("按性别、年龄段、学历、职称"), lambda s, p: _profile_lines(s, p)
            ),
            Breakdown(
                "category_profile",
                _("按人才类别 × 性别、年龄段、学历、职称"),
                lambda s, p: _category_profile_lines(s, p),
            ),
            Breakdown(
                "category_child_unit",
                _("按人才类别 × 下级单位"),
                lambda s, p: _category_children(s, p),
            ),
        ),
    ),
    Figure(
        "people.new",
        _("新增在册人才"),
        _("人"),
        _(
            "状态为在册、户籍/居住地或工作单位在范围内（范围单位本身或其任一级下级单位）、登记时间"
            "（在系统中建档之日，按北京时间）在期间内的人员；期间里登记后又流出、退出或已故的不计；"
            "两地共享的人员在两边各计一次，在共同的上级只计一次。"
        ),
        lambda s, p: new_rows(s, p).count(),
        _new_list,
        (
            by_child_unit(
                lambda s, p: count_by_child(s, new_rows(s, p), "home_org", "work_org"),
                _new_list,
            ),
        ),
    ),
)


# -- the register's structure: 在册人才 by 性别, 年龄段, 学历, 职称 (统计报表 columns) -----


@dataclass(frozen=True)
class ProfileColumn:
    """One column of the 人才资源结构: its key (`gender:1`), its group and label (性别 · 男),
    the Person lookups that put a person in it and the people list's filter for them."""

    key: str
    group: Any
    label: Any
    lookups: dict[str, Any]
    params: dict[str, str]

    def condition(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}{k}": v for k, v in self.lookups.items()})


def profile_columns(day: datetime.date) -> list[ProfileColumn]:
    """The columns of the structure, ages counted on `day` (today: the list's 年龄段 does)."""
    columns = [
        ProfileColumn(f"gender:{code}", _("性别"), label, {"gender": code}, {"gender": code})
        for code, label in (("1", _("男")), ("2", _("女")))
    ]
    for band, label in AgeBand.choices:
        oldest, newest = age_band_range(band, day)
        lookups = {"birth_date__gt": oldest, "birth_date__lte": newest}
        lookups = {k: v for k, v in lookups.items() if v is not None}
        columns.append(ProfileColumn(f"age:{band}", _("年龄段"), label, lookups, {"age": band}))
    for group, label in codes.EDUCATION_GROUPS:
        lo, hi = codes.education_groups_codes(group)
        lookups = {"education__gte": lo, "education__lt": hi}
        columns.append(
            ProfileColumn(f"education:{group}", _("学历"), label, lookups, {"education": group})
        )
    for key, label, levels in TITLE_GROUPS:
        lookups = {"title_level__in": levels}
        columns.append(ProfileColumn(f"title:{key}", _("职称"), label, lookups, {"title": key}))
    return columns


def _profile(scope: Scope) -> dict[tuple[int | None, str], int]:
    """(category pk or None for every 在册 person, column key) → persons, from two passes (the
    persons, and the persons joined to their categories), once per scope."""

    def compute() -> dict[tuple[int | None, str], int]:
        columns = profile_columns(today())
        counts = {f"c{i}": Count("pk", filter=c.condition()) for i, c in enumerate(columns)}
        found: dict[tuple[int | None, str], int] = {}
        whole = active_rows(scope).aggregate(**counts)
        rows = active_rows(scope).values("categories").annotate(**counts).order_by()
        for category, row in [(None, whole), *((r["categories"], r) for r in rows)]:
            if category is None and row is not whole:
                continue  # persons of no category: in the whole only
            for i, column in enumerate(columns):
                found[(category, column.key)] = row[f"c{i}"] or 0
        return found

    return scope.memo("people.profile", compute)


def _profile_lines(scope: Scope, period: Period) -> list[Line]:
    found = _profile(scope)
    return [
        Line(
            c.key,
            f"{c.group}·{c.label}",
            found[(None, c.key)],
            _list(scope, status=PersonStatus.ACTIVE, **c.params),
        )
        for c in profile_columns(today())
    ]


def _category_profile_lines(scope: Scope, period: Period) -> list[Line]:
    found = _profile(scope)
    return [
        Line(
            (category.pk, c.key),
            f"{category.name}·{c.group}·{c.label}",
            found.get((category.pk, c.key), 0),
            _list(scope, status=PersonStatus.ACTIVE, category=category.pk, **c.params),
        )
        for category in TalentCategory.objects.filter(is_active=True)
        for c in profile_columns(today())
    ]


# -- 持证 and 农村实用人才 ------------------------------------------------------------------------


def certified_rows(scope: Scope, period: Period) -> QuerySet:
    """持证人数 as rows: the `active_rows` holding a certificate valid on the period's last day."""
    return active_rows(scope).filter(holds_certificate(period.end))


def _certified_list(scope: Scope, period: Period, **extra: object) -> str:
    return _list(scope, status=PersonStatus.ACTIVE, certified_on=period.end.isoformat(), **extra)


def _by_category(rows: QuerySet) -> dict[int, int]:
    through = Person.categories.through.objects.filter(person__in=rows.values("id"))
    return dict(through.values_list("talentcategory_id").annotate(n=Count("*")).order_by())


def _certified_by_category(scope: Scope, period: Period) -> dict[int, int]:
    return scope.memo(
        ("people.certified_by_category", period.end),
        lambda: _by_category(certified_rows(scope, period)),
    )


def _certified(scope: Scope, period: Period) -> int:
    return scope.memo(
        ("people.certified", period.end), lambda: certified_rows(scope, period).count()
    )


def rate(part: int, whole: int) -> float | None:
    """part ÷ whole × 100, one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


def _certified_categories(scope: Scope, period: Period) -> list[Line]:
    found = _certified_by_category(scope, period)
    return [
        Line(c.pk, c.name, found.get(c.pk, 0), _certified_list(scope, period, category=c.pk))
        for c in TalentCategory.objects.filter(is_active=True)
    ]


def _certified_rate_categories(scope: Scope, period: Period) -> list[Line]:
    certified = _certified_by_category(scope, period)
    return [
        Line(
            line.key,
            line.label,
            rate(certified.get(line.key, 0), line.value or 0),
            _certified_list(scope, period, category=line.key),
        )
        for line in active_by_category(scope, period)
    ]


def _category_children(scope: Scope, period: Period) -> list[Line]:
    """在册人才 by (category, child unit) from one GROUP BY over the (category, home, work) of the
    scope's persons: a person counts once in each child whose subtree holds their home or work
    unit, as people.active's `child_unit` line counts them, in each of their categories."""
    found: Counter = Counter()
    grouped = active_rows(scope).values_list("categories", "home_org", "work_org")
    for category, *units, n in grouped.annotate(n=Count("*")).order_by():
        for child in {scope.child_of.get(u) for u in units} - {None}:
            found[(category, child)] += n
    return [
        Line(
            (category.pk, child.pk),
            f"{category.name}·{child.name}",
            found[(category.pk, child.pk)],
            _list(scope.below(child), status=PersonStatus.ACTIVE, category=category.pk),
        )
        for category in TalentCategory.objects.filter(is_active=True)
        for child in scope.children
    ]


def _certified_rate_children(scope: Scope, period: Period) -> dict[int, float | None]:
    part = count_by_child(scope, certified_rows(scope, period), "home_org", "work_org")
    whole = count_by_child(scope, active_rows(scope), "home_org", "work_org")
    return {c.pk: rate(part[c.pk], whole[c.pk]) for c in scope.children}


def rural_practical_rows(scope: Scope) -> QuerySet:
    """农村实用人才 as rows: the `active_rows` holding an active category of the group
    农村实用人才类型."""
    return active_rows(scope).filter(in_category_group(CategoryGroup.RURAL_PRACTICAL))


def _rural(scope: Scope) -> tuple[int, Counter]:
    """people.rural_practical of the scope and per child unit, from one GROUP BY over the
    (home, work) units of its rows (a person has one pair: the counts add up), once per
    scope."""

    def compute() -> tuple[int, Counter]:
        rows = rural_practical_rows(scope).values_list("home_org", "work_org")
        found: Counter = Counter()
        total = 0
        for *units, n in rows.annotate(n=Count("*")).order_by():
            total += n
            for child in {scope.child_of.get(u) for u in units} - {None}:
                found[child] += n
        return total, found

    return scope.memo("people.rural_practical", compute)


def _rural_list(scope: Scope, period: Period) -> str:
    return _list(scope, status=PersonStatus.ACTIVE, category_group=CategoryGroup.RURAL_PRACTICAL)


SHARED = _("两地共享的人员在两边各计一次，在共同的上级只计一次")
IN_SCOPE = _("状态为在册、户籍/居住地或工作单位在范围内（范围单位本身或其任一级下级单位）的人员")
CERTIFIED = _(
    "中持有至少一本在期间最后一天有效的资质证书（发证日期不晚于该日或未填，有效期至不早于该日"
    "或未填）的"
)

FIGURES += (
    Figure(
        "people.certified",
        _("持证人数"),
        _("人"),
        format_lazy("{}{}人数；{}；证书按期间最后一天判断。", IN_SCOPE, CERTIFIED, SHARED),
        _certified,
        _certified_list,
        (
            Breakdown("category", _("按人才类别"), _certified_categories),
            by_child_unit(
                lambda s, p: count_by_child(s, certified_rows(s, p), "home_org", "work_org"),
                _certified_list,
            ),
        ),
    ),
    Figure(
        "people.certified_rate",
        _("持证率"),
        "%",
        format_lazy(
            "持证人数 ÷ 在册人才 × 100%，保留一位小数（四舍五入）；持证人数为{}{}人数，在册人才为"
            "其全部人数；按人才类别时分子分母都只计该类别的人员；没有在册人才为空。",
            IN_SCOPE,
            CERTIFIED,
        ),
        lambda s, p: rate(_certified(s, p), by_status(s)[PersonStatus.ACTIVE]),
        _certified_list,
        (
            Breakdown("category", _("按人才类别"), _certified_rate_categories),
            by_child_unit(_certified_rate_children, _certified_list),
        ),
    ),
    Figure(
        "people.rural_practical",
        _("农村实用人才"),
        _("人"),
        format_lazy(
            "{}中持有至少一个“农村实用人才类型”分组在用人才类别的人数：一人属多个类型只计一人；{}；"
            "为当前存量，期间不适用。",
            IN_SCOPE,
            SHARED,
        ),
        lambda s, p: _rural(s)[0],
        _rural_list,
        (by_child_unit(lambda s, p: _rural(s)[1], _rural_list),),
    ),
)
