"""Cell parsers every sheet shares: codes, choices, text, dates and ID numbers.

A parser is `parse(raw, ctx) -> value` and raises `CellError` with a Chinese reason; the engine
remembers each distinct value's result per column. They live here, in the import engine, so a
domain's sheet takes them by their public names instead of from another domain's sheet. Units by
path are `rencai.orgs.resolve.UnitResolver`; people by stored values are the people app's.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

from rencai.imports.dates import DateError, ParsedDate, parse_date
from rencai.imports.reader import cell_text
from rencai.imports.sheets import CellError, Column
from rencai.standards import codes
from rencai.standards.idnumber import (
    EXCEL_NUMBER_MESSAGE,
    IdNumber,
    parse_id_number,
    region_warnings,
)
from rencai.standards.text import StandardError, fold


@dataclass(frozen=True)
class Masked:
    """A masked identifier from an export (4331**********123X): it can only mean "unchanged"."""

    text: str


def code_parser(table: codes.CodeTable) -> Callable[[Any, Any], str]:
    """A national-standard code (性别, 民族, 学历 …) by its label or code."""
    # A column holds a handful of distinct values (男, 汉族, 群众 …) over thousands of rows.
    known: dict[Any, str] = {}

    def parse(raw: Any, ctx: Any) -> str:
        code = known.get(raw)
        if code is not None:
            return code
        try:
            code = known[raw] = table.lookup(raw).code
        except StandardError as exc:
            raise CellError(exc.message) from exc
        return code

    return parse


def choice_parser(choices: type, label: str) -> Callable[[Any, Any], str]:
    """One of a model's choices, by its Chinese label (or stored value); `label` names the column
    in the message."""
    by_label = {str(lbl): value for value, lbl in choices.choices}

    def parse(raw: Any, ctx: Any) -> str:
        text = fold(cell_text(raw))
        if text in by_label:
            return by_label[text]
        if text in choices.values:
            return text
        raise CellError(
            _("%(f)s“%(v)s”无法识别，可填写：%(all)s")
            % {"f": label, "v": text, "all": "、".join(by_label)}
        )

    return parse


def folded(raw: Any) -> str:
    """A cell's text on one line, folded: full-width, zero-width, spaces."""
    return fold(cell_text(raw))


def parse_text(limit: int, clean: Callable[[Any], str] = folded) -> Callable[[Any, Any], str]:
    """Text of at most `limit` characters, as `clean` reads the cell (`folded` unless a column
    keeps its line breaks)."""

    def parse(raw: Any, ctx: Any) -> str:
        text = clean(raw)
        if len(text) > limit:
            raise CellError(
                _("不能超过 %(n)d 个字，实际 %(m)d 个字") % {"n": limit, "m": len(text)}
            )
        return text

    return parse


def parse_id(raw: Any, ctx: Any) -> IdNumber | Masked:
    """An ID number (a 15-digit one upgraded), or `Masked` when an export's mask comes back.
    A number Excel stored as a number has lost its last digits: refused, saying so."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise CellError(EXCEL_NUMBER_MESSAGE)
    text = cell_text(raw)
    if "*" in text:
        return Masked(fold(text).replace(" ", ""))
    try:
        parsed = parse_id_number(text)
    except StandardError as exc:
        raise CellError(exc.message) from exc
    warnings = region_warnings(parsed)  # the engine reports a value's warnings at its row
    return parsed if warnings == parsed.warnings else replace(parsed, warnings=warnings)


def parse_employer_post(raw: Any, ctx: Any) -> tuple[str, str]:
    """A combined 工作单位及职务 cell as (employer, post), split at its last 的 or space
    (县农业农村局 副局长, 县人民医院的医生); the whole text is the employer when it does not split
    (东关村党支部书记)."""
    text = fold(cell_text(raw)).strip()
    cut = max(text.rfind("的"), text.rfind(" "))
    employer, post = (text[:cut].strip(), text[cut + 1 :].strip()) if cut > 0 else (text, "")
    if not post:
        employer, post = text, ""
    for value in (employer, post):
        if len(value) > 100:
            raise CellError(_("不能超过 %(n)d 个字，实际 %(m)d 个字") % {"n": 100, "m": len(value)})
    return employer, post


# The combined column of offices' rosters, for a sheet's `extra_columns` (split by the sheet's
# `plan` with `split_employer_post`).
EMPLOYER_POST = Column(
    "employer_post", "工作单位及职务", ("派出单位及职务",), parse=parse_employer_post
)


def split_employer_post(values: dict[str, Any]) -> None:
    """Fill a row's employer and post from its 工作单位及职务 (`parse_employer_post`), unless the
    row has those columns filled too."""
    if pair := values.pop("employer_post", None):
        values["employer"] = values.get("employer") or pair[0]
        values["post"] = values.get("post") or pair[1] or None


def parse_partial_date(raw: Any, ctx: Any) -> ParsedDate | None:
    """A date to the year, month or day as offices write it (1985, 1985.03, 1985-03-12)."""
    try:
        parsed = parse_date(raw)
    except DateError as exc:
        raise CellError(exc.message) from exc
    return parsed
