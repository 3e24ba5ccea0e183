"""存栏 of a 实训基地: read and written in one cell as offices write it
("牛100头、羊300只，家禽500羽"), and the forms that keep it row by row on the base's page
(bases.py).
"""

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rencai.imports.reader import cell_text
from rencai.imports.sheets import CellError
from rencai.records.versions import VersionedForm
from rencai.standards.text import fold
from rencai.training.choices import LivestockUnit
from rencai.training.figures_bases import amount
from rencai.training.models import (
    Livestock,
    TrainingBase,
)

MAX_COUNT = 2_147_483_647  # the largest count the database keeps


# --- 存栏: reading and writing it as offices do ------------------------------------------------

# What offices write after a number, and the unit it is kept as (猪 counted in 口, horses in 匹).
UNIT_WORDS = {"头": "头", "只": "只", "羽": "羽", "箱": "箱", "口": "头", "匹": "头"}
_UNITISH = "头只羽箱口匹条尾群窝桶斤"  # read as a unit, so an unknown one gets its own message
_SEPARATORS = re.compile(r"[、,;；。/\n]+")
_ITEM = re.compile(
    rf"\s*(?P<kind>[^\d]+?)\s*(?P<count>\d+(?:\.\d+)?)\s*(?P<wan>万)?\s*(?P<unit>[{_UNITISH}])?\s*"
)
_LEAD_WORDS = ("现有", "存栏", "其中", "各种", "各类")
NO_LIVESTOCK = {"无", "没有", "0", "—", "-", "/"}

Stock = tuple[tuple[str, int, str], ...]  # (品种, 数量, 单位) in the order written


def guess_unit(kind: str) -> str:
    """The unit a kind is counted in when a cell leaves it out (鸡 in 羽, 蜂 in 箱, 羊 in 只)."""
    if any(c in kind for c in "禽鸡鸭鹅鸽"):
        return LivestockUnit.FOWL
    if "蜂" in kind:
        return LivestockUnit.BOX
    if any(c in kind for c in "羊兔"):
        return LivestockUnit.PIECE
    return LivestockUnit.HEAD


def _livestock_kind(raw: str) -> str:
    kind = raw.strip(" :：")
    changed = True
    while changed:
        changed = False
        for word in _LEAD_WORDS:
            if kind.startswith(word) and len(kind) > len(word):
                kind, changed = kind[len(word) :].strip(" :："), True
    return kind


def parse_livestock_text(raw: Any) -> Stock:
    """存栏 as offices write it — "牛100头、羊300只，家禽500羽", "牛 100 头 羊 300 只", "鸡2万羽"
    — as (品种, 数量, 单位) rows; 无 is none. Raises CellError naming every part it cannot read."""
    source = fold(cell_text(raw))
    if source in NO_LIVESTOCK:
        return ()
    found: dict[str, tuple[str, int, str]] = {}
    problems: list[str] = []
    for part in _SEPARATORS.split(source):
        part, pos = part.strip(), 0
        while pos < len(part):
            match = _ITEM.match(part, pos)
            if match is None:
                problems.append(
                    gettext("“%(t)s”无法识别，请写作 品种+数量+单位，如 牛100头、羊300只")
                    % {"t": part[pos:].strip()}
                )
                break
            pos = match.end()
            written = match.group(0).strip()
            kind = _livestock_kind(match["kind"])
            count = Decimal(match["count"]) * (10000 if match["wan"] else 1)
            word = match["unit"]
            if not kind:
                problems.append(gettext("“%(t)s”缺少品种") % {"t": written})
            elif len(kind) > 20:
                problems.append(gettext("品种“%(k)s”超过 20 个字") % {"k": kind})
            elif count != count.to_integral_value():
                problems.append(gettext("“%(t)s”的数量应为整数") % {"t": written})
            elif count > MAX_COUNT:
                problems.append(gettext("“%(t)s”的数量过大") % {"t": written})
            elif word and word not in UNIT_WORDS:
                problems.append(
                    gettext("“%(t)s”的单位“%(u)s”无法识别，可用：%(all)s")
                    % {"t": written, "u": word, "all": "、".join(LivestockUnit.values)}
                )
            elif kind in found:
                problems.append(gettext("品种“%(k)s”写了不止一次") % {"k": kind})
            else:
                found[kind] = (kind, int(count), UNIT_WORDS[word] if word else guess_unit(kind))
    if problems:
        raise CellError(gettext("存栏：") + "；".join(problems))
    return tuple(found.values())


def parse_livestock(raw: Any, ctx: Any) -> Stock:
    return parse_livestock_text(raw)


def livestock_summary(rows: Iterable[Livestock]) -> str:
    """牛 100 头、羊 300 只 — how the list, the export and the reports write a base's 存栏."""
    return "、".join(f"{r.kind} {r.count} {r.unit}" for r in rows)


def replace_livestock(base: TrainingBase, stock: Stock) -> None:
    """Make the base keep exactly `stock`: changed counts are updated, kinds no longer kept are
    removed, new kinds added (row by row, so each change is audited)."""
    current = {row.kind: row for row in base.livestock.all()}
    wanted = {kind for kind, _n, _u in stock}
    for kind, row in current.items():
        if kind not in wanted:
            row.delete()
    for kind, count, unit_word in stock:
        row = current.get(kind)
        if row is None:
            Livestock.objects.create(base=base, kind=kind, count=count, unit=unit_word)
        elif (row.count, row.unit) != (count, unit_word):
            row.count, row.unit = count, unit_word
            row.save()


# --- forms ---------------------------------------------------------------------------------------


def _count_field() -> forms.IntegerField:
    """A head count: not negative, and no larger than the database keeps (SQLite would take
    any integer, PostgreSQL would fail)."""
    return forms.IntegerField(label=_("数量"), min_value=0, max_value=MAX_COUNT)


class LivestockForm(forms.ModelForm):
    """One kind a base keeps; a kind the base already keeps is refused (change its count)."""

    count = _count_field()

    class Meta:
        model = Livestock
        fields = ["kind", "count", "unit"]

    def __init__(self, *args: Any, base: TrainingBase, **kwargs: Any):
        kwargs.setdefault("instance", Livestock(base=base))
        super().__init__(*args, **kwargs)
        self.base = base

    def clean_kind(self) -> str:
        kind = fold(self.cleaned_data.get("kind"))
        if not kind:
            raise forms.ValidationError(_("请填写品种"))
        if self.base.livestock.filter(kind=kind).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("本基地已登记“%(k)s”的存栏，请直接修改其数量") % {"k": kind}
            )
        return kind


class LivestockCountForm(VersionedForm, forms.ModelForm):
    """A row's count corrected on the base's page; its version rides in a hidden input."""

    count = _count_field()

    class Meta:
        model = Livestock
        fields = ["count", "unit"]


def list_totals(rows: Any) -> dict[str, Any]:
    """What the 实训基地 list shows after its count, of the filtered bases (the drill-down of the
    base figures, rencai/training/figures_bases.py): 占地, 建筑（圈舍）面积 and 投资 added up, and
    存栏 by kind, and every unit of measure's total (the 存栏 figures: 100 头、300 只、0 羽 …)."""
    rows = TrainingBase.objects.filter(pk__in=rows.order_by().values("pk"))
    sums = rows.aggregate(
        land=Sum("land_area_mu"), building=Sum("building_area_mu"), money=Sum("investment_wan")
    )
    stock = (
        Livestock.objects.filter(base__in=rows.values("pk"))
        .values_list("kind", "unit")
        .annotate(n=Sum("count"))
        .order_by("-n", "kind")
    )
    by_unit: dict[str, int] = {}
    for _kind, unit_word, n in stock:
        by_unit[unit_word] = by_unit.get(unit_word, 0) + n
    return {
        "land_total": amount(sums["land"]),
        "building_total": amount(sums["building"]),
        "investment_total": amount(sums["money"]),
        "stock_kinds": [(kind, n, unit_word) for kind, unit_word, n in stock],
        "stock_units": [(u, by_unit.get(u, 0)) for u in LivestockUnit.values],
    }
