"""人才培育's registered figures that the seed texts state beside the ledger's (issue 13): 实训基地
with their areas, investment and 存栏 (篇三: "大坪子养殖场占地面积有 500 亩, 圈舍占地面积 30 亩,
现有牛 100 头, 羊 300 只 … 投入资金 150 万元"), 青年培训人数 ("已有 500 名青年接受各种养殖方面的技能
培训") and 逾期未整改事项 (the report's 存在的问题 and the 预警). figures_registry.py adds them to
the domain's FIGURES; their named queries are in figures.py.

存栏 is one figure per unit of measure (头, 只, 羽, 箱), each broken down by kind: cattle and
chickens do not add up, and the report writes "牛 100 头、羊 300 只、家禽 1500 只" from the kind
lines of each."""

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, IntegerField, Sum, When
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.figures import (
    Breakdown,
    Figure,
    Line,
    Number,
    Period,
    Scope,
    by_child_unit,
    count_by_child,
    happened,
    list_url,
)
from rencai.training.choices import BaseStatus, LivestockUnit
from rencai.training.figures import (
    YOUTH_AGE,
    base_rows,
    livestock_by_kind,
    livestock_rows,
    overdue_rows,
    youth_by_category,
    youth_rows,
    youth_trainees,
)
from rencai.training.models import TrainingCategory


def amount(value: Any) -> Decimal:
    """A sum of amounts as written (600, 12.5 — not 600.00); 0 when there is none."""
    value = Decimal(value or 0)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


# -- 实训基地 ------------------------------------------------------------------------------------

STOCK = _(
    "状态为运营中（不含在建、停用）、所在单位在范围内的实训基地，计入所在单位及其各级上级单位；"
    "基地不记启用日期，为当前存量，期间不适用。"
)


def _bases_url(scope: Scope, period: Period) -> str:
    """The 实训基地 list of the scope's bases in operation (it shows their totals)."""
    return list_url("training:bases", None, None, org=scope.unit.pk, status=BaseStatus.ACTIVE)


def _base_total(field: str) -> Callable[[Scope, Period], Decimal]:
    return lambda s, p: amount(base_rows(s).aggregate(n=Sum(field))["n"])


def _base_children(total: Any = None) -> Callable[[Scope, Period], dict[int, Number]]:
    def per_child(scope: Scope, period: Period) -> dict[int, Number]:
        found = count_by_child(scope, base_rows(scope), "org", total=total)
        return {pk: amount(n) if total is not None else n for pk, n in found.items()}

    return per_child


def _livestock(measure: str) -> Figure:
    """存栏 counted in `measure` (头, 只 …): one figure per unit of measure, by kind."""

    def by_kind(scope: Scope, period: Period) -> list[Line]:
        url = _bases_url(scope, period)
        return [Line(k, k, n, url) for k, n in livestock_by_kind(scope, measure).items()]

    def per_child(scope: Scope, period: Period) -> Counter[int]:
        rows = livestock_rows(scope, measure)
        return count_by_child(scope, rows, "base__org", total=Sum("count"))

    name = LivestockUnit(measure).name.lower()
    return Figure(
        f"training.livestock_{name}",
        format_lazy(_("存栏（{m}）"), m=measure),
        measure,
        format_lazy(
            _(
                "运营中的实训基地（口径同实训基地）登记的存栏中以“{m}”计的数量之和，按品种分列；"
                "不同计量单位的存栏不相加。为当前存量，期间不适用。"
            ),
            m=measure,
        ),
        lambda s, p: livestock_rows(s, measure).aggregate(n=Sum("count"))["n"] or 0,
        _bases_url,
        (Breakdown("kind", _("按品种"), by_kind), by_child_unit(per_child, _bases_url)),
    )


# -- 青年培训人数 -------------------------------------------------------------------------------


def _youth_url(**extra: object) -> Callable[[Scope, Period], str]:
    """The 培训台账 of the youths, one line per trainee (共 N 人)."""
    return lambda s, p: list_url(
        "training:attendances", s.unit, happened(p) or p, per_person=1, youth=1, **extra
    )


def _youth_categories(scope: Scope, period: Period) -> list[Line]:
    found = youth_by_category(scope, period)
    names = dict(TrainingCategory.objects.filter(pk__in=found).values_list("pk", "name"))
    return [
        Line(pk, names[pk], n, _youth_url(category=pk)(scope, period)) for pk, n in found.items()
    ]


def _youth_children(scope: Scope, period: Period) -> dict[int, int]:
    """child pk → the youths counted there: a trainee counts under their home unit, a trainee
    from outside the county under the program's organiser (the 口径 of 培训人次), once per child
    however many of their rows lie there."""
    rows = youth_rows(scope, period)
    if not scope.county_is_everything:
        rows = rows.annotate(
            counting=Case(
                When(person__home_org__in=scope.county_ids, then=F("person__home_org")),
                default=F("program__organiser"),
                output_field=IntegerField(),
            )
        )
    else:
        rows = rows.annotate(counting=F("person__home_org"))
    pairs = rows.values_list("counting", "person").distinct().order_by()
    seen = {(scope.child_of.get(unit), person) for unit, person in pairs}
    return dict(Counter(child for child, _person in seen if child is not None))


# -- the figures ---------------------------------------------------------------------------------

FIGURES = (
    Figure(
        "training.bases",
        _("实训基地"),
        _("个"),
        STOCK,
        lambda s, p: base_rows(s).count(),
        _bases_url,
        (by_child_unit(_base_children(), _bases_url),),
    ),
    Figure(
        "training.base_land_area",
        _("实训基地占地面积"),
        _("亩"),
        _(
            "运营中的实训基地（口径同实训基地）登记的占地面积之和，未填计 0；为当前存量，期间"
            "不适用。"
        ),
        _base_total("land_area_mu"),
        _bases_url,
        (by_child_unit(_base_children(Sum("land_area_mu")), _bases_url),),
    ),
    Figure(
        "training.base_building_area",
        _("实训基地建筑（圈舍）面积"),
        _("亩"),
        _(
            "运营中的实训基地（口径同实训基地）登记的建筑面积（养殖场的圈舍占地面积）之和，未填"
            "计 0；为当前存量，期间不适用。"
        ),
        _base_total("building_area_mu"),
        _bases_url,
        (by_child_unit(_base_children(Sum("building_area_mu")), _bases_url),),
    ),
    Figure(
        "training.base_investment",
        _("实训基地投入资金"),
        _("万元"),
        _("运营中的实训基地（口径同实训基地）登记的投资之和，未填计 0；为当前存量，期间不适用。"),
        _base_total("investment_wan"),
        _bases_url,
        (by_child_unit(_base_children(Sum("investment_wan")), _bases_url),),
    ),
    *(_livestock(measure) for measure in LivestockUnit.values),
    Figure(
        "training.youth_trainees",
        _("青年培训人数"),
        _("人"),
        format_lazy(
            _(
                "培训人次（期间、单位的口径同培训人次）中，培训项目结束之日年龄在 {n} 周岁及以下"
                "（出生日期晚于结束日期前 {m} 年的同一天）的不同人员，一人参训多次只计一人。"
                "按培训类别分列时，一人参加两类培训在两类各计一人。"
            ),
            n=YOUTH_AGE,
            m=YOUTH_AGE + 1,
        ),
        lambda s, p: youth_trainees(s, p),
        _youth_url(),
        (
            Breakdown("category", _("按培训类别"), _youth_categories),
            by_child_unit(_youth_children, _youth_url()),
        ),
    ),
    Figure(
        "training.rectifications_overdue",
        _("逾期未整改事项"),
        _("个"),
        _(
            "被检查单位在范围内的督导检查所列整改事项中，统计日（期间最后一天；期间未结束的为"
            "今天）之前已到整改期限、而在统计日尚未完成（未填完成日期或完成日期晚于统计日）的"
            "事项；期间在今天以后才开始的，计 0。"
        ),
        lambda s, p: overdue_rows(s, p).count(),
        lambda s, p: list_url("training:rectifications", s.unit, p),
        (
            by_child_unit(
                lambda s, p: count_by_child(s, overdue_rows(s, p), "inspection__org"),
                lambda s, p: list_url("training:rectifications", s.unit, p),
            ),
        ),
    ),
)
