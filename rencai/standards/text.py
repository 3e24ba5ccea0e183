"""Text folding shared by every standard, and person-name normalisation.

Data reaches the register from Excel sheets, WeChat messages and scanned forms.
The same value then arrives with full-width digits (４３０１), ideographic spaces
(U+3000), non-breaking spaces, zero-width characters copied from web pages, and
half a dozen look-alike "middle dots" in minority names.  Every rule in this
package therefore starts from :func:`fold`, so that two spellings a person
would call "the same" compare equal before any validation happens.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "NAME_DOT",
    "NAME_MAX_LENGTH",
    "StandardError",
    "clip",
    "fold",
    "is_cjk",
    "is_cjk_run",
    "normalize_name",
]

#: Invisible characters that survive copy-and-paste and break equality.
#: U+200B..U+200D and U+2060 are zero-width (non-)joiners/spaces, U+FEFF is a
#: BOM that Excel and Notepad leave at the start of a cell, U+00AD is a soft
#: hyphen and U+200E/U+200F are direction marks from right-to-left web pages.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\ufeff\u2060\u00ad\u200e\u200f\u180e"),
    None,
)

_WHITESPACE_RUN = re.compile(r"\s+")

#: The separator that GB 18030 / the public-security household register uses
#: between the parts of a transliterated minority or foreign name.
NAME_DOT = "\u00b7"

#: Longest name accepted.  Transliterated Uyghur or foreign names can be long,
#: but anything past 50 characters is a pasted sentence, not a name.
NAME_MAX_LENGTH = 50

#: Look-alike dots people type instead of U+00B7: bullet, hyphenation point,
#: bullet operator, dot operator, katakana middle dot (full and half width),
#: word-separator middle dot, Greek ano teleia (NFKC already maps it to
#: U+00B7, listed for clarity).
_DOT_VARIANTS = "\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff65\u2e31\u0387"
_DOT_RUN = re.compile(f"\\s*[.{_DOT_VARIANTS}](?:\\s*[.{_DOT_VARIANTS}])*\\s*")

# CJK unified ideographs (basic, extension A, compatibility, extensions B-G)
# plus U+3007 "〇", which appears in names such as 王〇.
_CJK_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK = re.compile(f"[{_CJK_CLASS}]")
_CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")
_SPACE_NEXT_TO_CJK = re.compile(f"(?<=[{_CJK_CLASS}{NAME_DOT}]) | (?=[{_CJK_CLASS}{NAME_DOT}])")


class StandardError(ValueError):
    """Base class of every validation error raised by :mod:`rencai.standards`.

    It subclasses :class:`ValueError` so that generic ``except ValueError``
    code (form cleaning, CSV importers) keeps working, and carries the
    user-facing Simplified-Chinese text in :attr:`message` so callers can show
    it without parsing ``str(e)``.  ``kind`` is an optional machine-readable
    tag (e.g. ``"check_digit"``) for import reports that group errors.
    """

    def __init__(self, message: str, *, kind: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind

    def __str__(self) -> str:
        return self.message


def fold(raw: str | None) -> str:
    """Return ``raw`` in a canonical form for comparison and validation.

    Steps: drop invisible characters, apply Unicode NFKC (full-width digits,
    letters and punctuation become ASCII; U+3000 and U+00A0 become spaces),
    collapse every run of whitespace into one ASCII space and strip the ends.
    Invisible characters are removed both before and after NFKC so that the
    result is stable: ``fold(fold(x)) == fold(x)``.

    ``None`` folds to ``""`` because empty Excel cells arrive as ``None``.
    """
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raw = str(raw)
    text = raw.translate(_INVISIBLE)
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _WHITESPACE_RUN.sub(" ", text).strip()


def clip(text: str, limit: int = 20) -> str:
    """Shorten ``text`` for quoting inside an error message.

    Error messages quote the offending value so the user can find the cell;
    a pasted paragraph would drown the message, so keep ``limit`` characters.
    """
    return text if len(text) <= limit else text[:limit] + "…"


def is_cjk(char: str) -> bool:
    """Tell whether a single character is a CJK ideograph (as used in names)."""
    return bool(_CJK.fullmatch(char))


def is_cjk_run(text: str) -> bool:
    """Tell whether ``text`` is one or more CJK ideographs and nothing else."""
    return bool(_CJK_RUN.fullmatch(text))


def _unify_dots(match: re.Match[str]) -> str:
    """Replace one run of dots (with the spaces around it) for :func:`normalize_name`.

    A run containing any middle-dot look-alike becomes ``·``.  Chinese names
    never contain a full stop, so in a name with any Chinese character a
    ``.`` is a mistyped name dot (``买买提.艾力`` typed on a phone); in a Latin
    name it is left alone so ``J. K. Rowling`` survives.
    """
    run = match.group()
    if any(char in _DOT_VARIANTS for char in run) or _CJK.search(match.string):
        return NAME_DOT
    return run


def normalize_name(raw: str | None) -> str:
    """Return a person's name in the form the register stores and compares.

    * :func:`fold` first (full-width letters, odd spaces, zero-width chars).
    * Every look-alike dot, and a ``.`` in a name with Chinese characters,
      becomes U+00B7 ``·`` -- the separator used on ID cards
      (``阿依古丽•买买提`` → ``阿依古丽·买买提``); repeated dots collapse to one
      and dots at either end are dropped.
    * Spaces next to a Chinese character or the name dot are removed, because
      offices pad two-character names to the width of three (``张　三``).
      Spaces between Latin letters are kept (``John Smith``).

    Raises :class:`StandardError` when the result is empty, has no letters
    at all (``"--"``, ``"123"``), or is longer than :data:`NAME_MAX_LENGTH`
    characters.
    """
    text = _DOT_RUN.sub(_unify_dots, fold(raw))
    text = text.strip(NAME_DOT + " ")
    text = _SPACE_NEXT_TO_CJK.sub("", text)
    if not text:
        raise StandardError("姓名不能为空", kind="empty")
    if not any(char.isalpha() for char in text):
        raise StandardError(f"姓名「{clip(text)}」中没有文字，请核对", kind="no_letters")
    if len(text) > NAME_MAX_LENGTH:
        raise StandardError(
            f"姓名过长：共{len(text)}个字符，最多{NAME_MAX_LENGTH}个字符",
            kind="too_long",
        )
    return text
