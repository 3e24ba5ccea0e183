"""Pinyin initials for searching people by name (``zs`` finds 张三).

Office staff search the register by typing initials on a phone.  pypinyin
reads each character with its most common reading, which is wrong for a set
of well-known surnames (单 is ``shan`` not ``dan``, 曾 ``zeng`` not ``ceng``,
解 ``xie`` not ``jie``); a wrong first letter makes the person unfindable.
The name's first character (or two-character compound surname) is therefore
read from an explicit surname table, the rest by pypinyin.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

from .text import fold, is_cjk, is_cjk_run

__all__ = ["SURNAME_READINGS", "initials"]

#: Surname readings that differ from a character's default pypinyin reading
#: (or that pypinyin only gets right inside a phrase).  Compound surnames are
#: listed as two syllables; the longest match at the start of a name wins.
#: 单于 is deliberately absent: today 单于X is far more often 单 (shan) + 于X.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    # compound surnames
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"),
    "乐正": ("yue", "zheng"),
    "令狐": ("ling", "hu"),
    "亓官": ("qi", "guan"),
    # single-character surnames
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "查": ("zha",),
    "朴": ("piao",),
    "乐": ("yue",),
    "覃": ("qin",),
    "翟": ("zhai",),
    "缪": ("miao",),
    "尉": ("wei",),
    "种": ("chong",),
    "秘": ("bi",),
    "繁": ("po",),
    "黑": ("he",),
    "召": ("shao",),
    "隗": ("wei",),
    "句": ("gou",),
    "能": ("nai",),
    "员": ("yun",),
    "折": ("she",),
    "冼": ("xian",),
    "洗": ("xian",),
    "盖": ("ge",),
    "燕": ("yan",),
    "牟": ("mou",),
    "莘": ("shen",),
    "华": ("hua",),
    "任": ("ren",),
    "沈": ("shen",),
    "纪": ("ji",),
    "重": ("chong",),
    "都": ("du",),
    "宿": ("su",),
    "车": ("che",),
    "贲": ("ben",),
    "阚": ("kan",),
    "那": ("na",),
    "郇": ("huan",),
    "柏": ("bai",),
    "薄": ("bo",),
    "卜": ("bu",),
    "藏": ("zang",),
    "长": ("chang",),
    "萨": ("sa",),
    "石": ("shi",),
    "孙": ("sun",),
    "瞿": ("qu",),
    "角": ("jue",),
}


def _surname(name: str) -> tuple[int, tuple[str, ...]]:
    """Return (characters consumed, readings) for a listed surname, else (0, ())."""
    for size in (2, 1):
        readings = SURNAME_READINGS.get(name[:size])
        if readings is not None:
            return size, readings
    return 0, ()


def _first_letter(reading: str) -> str:
    return unicodedata.normalize("NFKD", reading[0])[0].lower()


@lru_cache(maxsize=65_536)
def _certain_initial(char: str) -> str | None:
    """The first letter of a character whose every reading starts with the same letter (明 míng,
    mèng → m); None when the readings disagree (长 zhǎng, cháng) or it has none."""
    readings = PINYIN_DICT.get(ord(char))
    if not readings:
        return None
    letters = {_first_letter(r) for r in readings.split(",") if r}
    return letters.pop() if len(letters) == 1 else None


@lru_cache(maxsize=65_536)
def _default_initial(char: str) -> str:
    """The first letter of a character's first (most common) reading; "" when it has none."""
    readings = PINYIN_DICT.get(ord(char))
    return _first_letter(readings.split(",")[0]) if readings else ""


def _holds_phrase(run: str) -> bool:
    """Whether any two or more consecutive characters of `run` are in pypinyin's phrase
    dictionary (only then does its reading of a character depend on its neighbours)."""
    size = len(run)
    return any(run[i:j] in PHRASES_DICT for i in range(size - 1) for j in range(i + 2, size + 1))


@lru_cache(maxsize=262_144)
def _han_initials(run: str) -> str:
    """First letters of a run of Chinese characters, unknown characters skipped.

    Most characters' readings all share one first letter, and then the letter does not depend
    on the words around it; only a run with an ambiguous character needs pypinyin's phrase
    reading (an import of 200,000 names spends seconds in pypinyin otherwise)."""
    certain = [_certain_initial(c) for c in run]
    if all(certain):
        return "".join(certain)  # type: ignore[arg-type]
    if not _holds_phrase(run):  # pypinyin would read each character alone: its first reading
        return "".join(_default_initial(c) for c in run)
    letters = lazy_pinyin(run, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(letter.lower() for letter in letters if letter.isascii())


def initials(name: str | None) -> str:
    """Return the lowercase pinyin initials of a name, for search.

    ``'张三'`` → ``'zs'``, ``'单雄信'`` → ``'sxx'``, ``'曾国藩'`` → ``'zgf'``,
    ``'阿依古丽·买买提'`` → ``'ayglmmt'``.  The surname at the start is read
    from :data:`SURNAME_READINGS`.  ASCII letters and digits are kept
    (lower-cased) so Latin names stay searchable; the name dot, spaces and
    other punctuation are dropped.
    """
    text = fold(name)
    parts: list[str] = []
    consumed, readings = _surname(text)
    if consumed:
        parts.append("".join(reading[0] for reading in readings))
        text = text[consumed:]
    if is_cjk_run(text):  # most names: one run of characters after the surname
        parts.append(_han_initials(text))
        return "".join(parts)
    run: list[str] = []
    for char in text:
        if is_cjk(char):
            run.append(char)
            continue
        if run:
            parts.append(_han_initials("".join(run)))
            run.clear()
        if char.isascii() and char.isalnum():
            parts.append(char.lower())
    if run:
        parts.append(_han_initials("".join(run)))
    return "".join(parts)
