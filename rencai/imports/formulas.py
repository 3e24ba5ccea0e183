"""Cells that a spreadsheet would take for a formula.

Every cell rencai writes is a string or a number, never a formula; a string that begins with
= + - @ (or a tab or carriage return) is also written behind an apostrophe, as OWASP advises for
CSV injection, so that pasting it into another sheet or saving it as CSV cannot turn it into one.
Reading a workbook takes the apostrophe off again, so export → import stays a no-op.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def defuse(text: str) -> str:
    """`text` as written into a cell: behind an apostrophe when it could start a formula (or
    when it already looks defused, so that `restore` gives it back whole)."""
    if text.startswith(FORMULA_STARTS) or _looks_defused(text):
        return TEXT_MARK + text
    return text


def _looks_defused(text: str) -> bool:
    return text[:1] == TEXT_MARK and text.lstrip(TEXT_MARK).startswith(FORMULA_STARTS)


def restore(text: str) -> str:
    """A cell's text as rencai wrote it before `defuse` (other texts unchanged)."""
    return text[1:] if _looks_defused(text) else text
