"""The draft of the 工作开展情况汇报: the domains' declarations (`domains.declared("report", …)`)
asked for a scope and a period and put in the order offices write them — an opening paragraph,
then 一、管, 二、引, 三、育, 四、用, 五、社会工作, 存在的问题, 下一步工作打算, each only when a
domain gave it something — numbered 一、(一) 1. (1) over the parts present. The draft names no
domain; the Word file (gbt9704.py) and the HTML preview both write a `Draft`."""

import datetime
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from rencai import domains
from rencai.figures import Period, Scope, today
from rencai.reports import quality
from rencai.reports.context import (
    ATTRACT,
    CULTIVATE,
    MANAGE,
    OPENING,
    SOCIAL,
    USE,
    Item,
    ReportContext,
    Section,
    Used,
    period_words,
)

PART_TITLES = {
    MANAGE: _l("人才工作组织管理情况"),
    ATTRACT: _l("人才引进情况"),
    CULTIVATE: _l("人才培育情况"),
    USE: _l("人才使用情况"),
    SOCIAL: _l("社会工作人才队伍建设情况"),
}
PROBLEMS_TITLE = _l("存在的问题")
PLANS_TITLE = _l("下一步工作打算")
NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (a report has fewer than a hundred parts)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def mark(level: int, n: int) -> str:
    """The number of a heading at `level` (0: 一、 1: （一） 2: 1. 3: （1）)."""
    if level == 0:
        return f"{numeral(n)}、"
    if level == 1:
        return f"（{numeral(n)}）"
    if level == 2:
        return f"{n}."
    return f"（{n}）"


@dataclass(frozen=True)
class Block:
    """One paragraph of the written report: its kind (`title`, `recipient`, `body`, `h1` 一、,
    `h2` (一), `h3` 1., `h4` (1), `sign`), its number and heading, and its text."""

    kind: str
    text: str = ""
    number: str = ""
    heading: str = ""


@dataclass
class Draft:
    """A report ready to write: title, 主送 line, paragraphs and the figures it used."""

    unit: Any
    period: Period
    title: str
    recipient: str
    blocks: list[Block]
    used: list[Used]
    signed: datetime.date = field(default_factory=today)

    def snapshot(self) -> list[dict[str, Any]]:
        return [asdict(u) for u in self.used]

    def text(self) -> str:
        """The report as plain text, one paragraph a line (tests, the CLI's check)."""
        return "\n".join(
            b.number + b.heading + ("。" if b.heading and b.text else "") + b.text
            for b in self.blocks
        )


def title_of(unit: Any, period: Period) -> str:
    return _("%(u)s%(p)s人才工作开展情况汇报") % {"u": unit.name, "p": period_words(period)}


def recipient_of(unit: Any) -> str:
    """主送: the unit above (the county reports to the county's 人才工作领导小组)."""
    if unit.parent_id is not None:
        return _("%(u)s：") % {"u": unit.parent.name}
    return _("%(u)s人才工作领导小组：") % {"u": unit.name}


def _items(level: int, items: list[Item]) -> Iterator[Block]:
    """Items at `level` (1: （一）) and their children, numbered over those present."""
    for n, item in enumerate(items, 1):
        kind = f"h{level + 1}"
        if level == 1:  # （一） stands on its own line, in 楷体
            yield Block(kind, number=mark(level, n) if item.heading else "", heading=item.heading)
            yield from (Block("body", p) for p in item.paragraphs)
        else:  # 1. and （1） lead their first paragraph
            first, *rest = item.paragraphs or ("",)
            yield Block(kind, first, mark(level, n), item.heading)
            yield from (Block("body", p) for p in rest)
        yield from _items(min(level + 1, 3), list(item.children))


def _sections(part: str) -> list[Section]:
    found = [s for s in domains.declared("report", "SECTIONS") if s.part == part]
    return sorted(found, key=lambda s: s.order)


def draft(scope: Scope, period: Period) -> Draft:
    """Ask every domain for its parts of the report of `scope` and `period`."""
    ctx = ReportContext(scope, period)
    unit = scope.unit
    blocks = [Block("title", title_of(unit, period)), Block("recipient", recipient_of(unit))]
    opening = [p for s in _sections(OPENING) for i in s.write(ctx) for p in i.paragraphs]
    lead = _("现将%(p)s人才工作开展情况汇报如下：") % {"p": period_words(period)}
    opening = [*opening[:-1], opening[-1] + lead] if opening else [lead]
    blocks += [Block("body", p) for p in opening]
    parts: list[tuple[str, list[Item]]] = []
    for part, title in PART_TITLES.items():
        items = [i for s in _sections(part) for i in s.write(ctx)]
        if items:
            parts.append((str(title), items))
    for title, declared in ((PROBLEMS_TITLE, "PROBLEMS"), (PLANS_TITLE, "PLANS")):
        items = [i for write in domains.declared("report", declared) for i in write(ctx)]
        if declared == "PROBLEMS":
            items += quality.problems(ctx)  # the spine's own: the data-quality score
        if items:
            parts.append((str(title), items))
    for n, (title, items) in enumerate(parts, 1):
        blocks.append(Block("h1", number=mark(0, n), heading=title))
        blocks += list(_items(1, items))
    signed = today()
    blocks.append(Block("sign", unit.name))
    blocks.append(Block("sign", f"{signed.year}年{signed.month}月{signed.day}日"))
    return Draft(unit, period, title_of(unit, period), recipient_of(unit), blocks, ctx.used, signed)
