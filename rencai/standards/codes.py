"""National code tables (GB/T) with the labels offices actually write.

The register stores the standard *code* (so statistics line up with other
systems) and shows the *label*.  Incoming sheets use either, plus colloquial
synonyms: 性别 arrives as ``男``/``1``/``男性``/``M``; 政治面貌 as ``党员``/
``中共党员``/``01``/``1``; 学历 as ``大专``/``专科``/``大学专科``/``30``.  Each
:class:`CodeTable` therefore resolves a code, a code typed without its
leading zero, the label, or any alias, and raises a Chinese message listing
the accepted labels otherwise.

Aliases must be unambiguous *within* a table; this is checked when the module
is imported, so adding a clashing alias fails immediately rather than
silently mapping a value to the wrong code.  The same word may appear in
different tables (``中级`` is a title level and a skill level).

``Code.order`` is a rank: a smaller number means a higher level on ranked
scales (education, degree, title, skill); on unranked tables it is 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .text import StandardError, clip, fold

__all__ = [
    "DEGREE",
    "EDUCATION",
    "EDUCATION_GROUPS",
    "ETHNICITY",
    "GENDER",
    "MARITAL_STATUS",
    "POLITICAL_STATUS",
    "SKILL_LEVEL",
    "TABLES",
    "TITLE_LEVEL",
    "Code",
    "CodeError",
    "CodeTable",
    "education_group",
    "education_group_label",
    "education_group_of",
    "education_groups_codes",
    "refined",
]

#: How many labels an error message lists before ending with "等".
_HINT_LIMIT = 8
# "1.0" is how a numeric code cell looks after a round trip through Excel.
_INTEGRAL_FLOAT = re.compile(r"([0-9]+)\.0*")


class CodeError(StandardError):
    """A value that matches no code, label or alias of a code table."""


@dataclass(frozen=True)
class Code:
    """One entry of a code table."""

    code: str
    label: str
    aliases: tuple[str, ...] = ()
    order: int = 0
    """Rank on ranked scales: smaller is higher.  0 on unranked tables."""

    def __str__(self) -> str:
        return self.label


def _key(text: str) -> str:
    """Matching key: folded, without spaces, case-insensitive for Latin."""
    return fold(text).replace(" ", "").casefold()


class CodeTable:
    """An ordered code table that resolves codes, labels and aliases.

    ``name`` is the identifier used in :data:`TABLES`; ``label`` is the
    Chinese field name used in messages (e.g. ``"政治面貌"``).  ``hints``
    optionally replaces the label list shown in error messages, for tables
    whose full label list is long and hierarchical (学历).
    """

    def __init__(
        self,
        name: str,
        label: str,
        codes: Iterable[Code],
        *,
        hints: Iterable[str] | None = None,
    ) -> None:
        self.name = name
        self.label = label
        self._codes: tuple[Code, ...] = tuple(codes)
        self._by_code: dict[str, Code] = {}
        self._by_int: dict[int, Code] = {}
        self._by_key: dict[str, Code] = {}
        for entry in self._codes:
            if entry.code in self._by_code:
                raise ValueError(f"{name}: duplicate code {entry.code!r}")
            self._by_code[entry.code] = entry
            if entry.code.isdigit():
                self._register(self._by_int, int(entry.code), entry)
            for text in (entry.code, entry.label, *entry.aliases):
                self._register(self._by_key, _key(text), entry)
        # An integer typed without leading zeros must not reach a code through
        # the int index and another code through a label or alias.
        for number, entry in self._by_int.items():
            other = self._by_key.get(str(number))
            if other is not None and other is not entry:
                raise ValueError(f"{name}: {number} is ambiguous ({entry.code}/{other.code})")
        labels = list(hints) if hints is not None else [c.label for c in self._codes]
        shown = "、".join(labels[:_HINT_LIMIT])
        self._hint = shown + ("等" if len(labels) > _HINT_LIMIT else "")

    def _register(self, index: dict, key: object, entry: Code) -> None:
        """Add ``key`` to ``index``; refuse a key that already names another code."""
        other = index.get(key)
        if other is not None and other is not entry:
            raise ValueError(f"{self.name}: {key!r} maps to both {other.code!r} and {entry.code!r}")
        index[key] = entry

    def lookup(self, raw: str | int | float | None) -> Code:
        """Resolve what a person wrote to a :class:`Code`.

        Tries, in order: the exact code; an integer code without its leading
        zeros (``1`` or ``1.0`` for ``'01'``, as Excel delivers it); then the
        label or an alias, after :func:`~rencai.standards.text.fold`, ignoring
        spaces and Latin letter case.  Raises :class:`CodeError`.
        """
        if isinstance(raw, bool):
            raw = str(raw)
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = fold(raw if raw is None else str(raw))
        if not text:
            raise CodeError(f"{self.label}不能为空", kind="empty")
        exact = self._by_code.get(text)
        if exact is not None:
            return exact
        integral = _INTEGRAL_FLOAT.fullmatch(text)
        digits = integral.group(1) if integral else text
        if digits.isascii() and digits.isdigit() and int(digits) in self._by_int:
            return self._by_int[int(digits)]
        found = self._by_key.get(_key(text))
        if found is not None:
            return found
        raise CodeError(
            f"{self.label}「{clip(text)}」无法识别，可填写：{self._hint}",
            kind="unknown_code",
        )

    def get(self, code: str) -> Code | None:
        """Return the entry with exactly this code, or None."""
        return self._by_code.get(code)

    def label_of(self, code: str | None) -> str:
        """Return the label for a stored code, or ``''`` if empty or unknown.

        Meant for display, where an unknown legacy code must not crash a page.
        """
        if not code:
            return ""
        entry = self._by_code.get(code)
        return entry.label if entry is not None else ""

    def choices(self) -> list[tuple[str, str]]:
        """``(code, label)`` pairs in table order, for Django ``choices=``."""
        return [(entry.code, entry.label) for entry in self._codes]

    def codes(self) -> tuple[str, ...]:
        """All codes in table order."""
        return tuple(entry.code for entry in self._codes)

    def __iter__(self) -> Iterator[Code]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __repr__(self) -> str:
        return f"CodeTable({self.name!r}, {self.label!r}, {len(self)} codes)"


# --- GB/T 2261.1-2003 人的性别代码 -------------------------------------------

GENDER = CodeTable(
    "gender",
    "性别",
    [
        Code("1", "男", ("男性", "M", "male")),
        Code("2", "女", ("女性", "F", "female")),
        Code("0", "未知的性别", ("未知",)),
        Code("9", "未说明的性别", ("未说明",)),
    ],
)

# --- GB/T 3304-1991 中国各民族名称的罗马字母拼写法和代码 ------------------------
# (numeric code, name without 族, two-letter romanised code), official order.

_ETHNIC_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("01", "汉", "HA"),
    ("02", "蒙古", "MG"),
    ("03", "回", "HU"),
    ("04", "藏", "ZA"),
    ("05", "维吾尔", "UG"),
    ("06", "苗", "MH"),
    ("07", "彝", "YI"),
    ("08", "壮", "ZH"),
    ("09", "布依", "BY"),
    ("10", "朝鲜", "CS"),
    ("11", "满", "MA"),
    ("12", "侗", "DO"),
    ("13", "瑶", "YA"),
    ("14", "白", "BA"),
    ("15", "土家", "TJ"),
    ("16", "哈尼", "HN"),
    ("17", "哈萨克", "KZ"),
    ("18", "傣", "DA"),
    ("19", "黎", "LI"),
    ("20", "傈僳", "LS"),
    ("21", "佤", "VA"),
    ("22", "畲", "SH"),
    ("23", "高山", "GS"),
    ("24", "拉祜", "LH"),
    ("25", "水", "SU"),
    ("26", "东乡", "DX"),
    ("27", "纳西", "NX"),
    ("28", "景颇", "JP"),
    ("29", "柯尔克孜", "KG"),
    ("30", "土", "TU"),
    ("31", "达斡尔", "DU"),
    ("32", "仫佬", "ML"),
    ("33", "羌", "QI"),
    ("34", "布朗", "BL"),
    ("35", "撒拉", "SL"),
    ("36", "毛南", "MN"),
    ("37", "仡佬", "GL"),
    ("38", "锡伯", "XB"),
    ("39", "阿昌", "AC"),
    ("40", "普米", "PM"),
    ("41", "塔吉克", "TA"),
    ("42", "怒", "NU"),
    ("43", "乌孜别克", "UZ"),
    ("44", "俄罗斯", "RS"),
    ("45", "鄂温克", "EW"),
    ("46", "德昂", "DE"),
    ("47", "保安", "BN"),
    ("48", "裕固", "YG"),
    ("49", "京", "GI"),
    ("50", "塔塔尔", "TT"),
    ("51", "独龙", "DR"),
    ("52", "鄂伦春", "OR"),
    ("53", "赫哲", "HZ"),
    ("54", "门巴", "MB"),
    ("55", "珞巴", "LB"),
    ("56", "基诺", "JN"),
)

ETHNICITY = CodeTable(
    "ethnicity",
    "民族",
    [
        *(Code(code, f"{name}族", (name, alpha)) for code, name, alpha in _ETHNIC_GROUPS),
        Code("97", "其他", ("其它", "其他民族")),
        Code("98", "外国血统中国籍人士", ("外国血统",)),
    ],
)

# --- GB/T 4762-1984 政治面貌代码 --------------------------------------------
# Labels are the short forms used on cadre forms; the full official names
# are aliases.

POLITICAL_STATUS = CodeTable(
    "political_status",
    "政治面貌",
    [
        Code("01", "中共党员", ("党员", "共产党员", "中国共产党党员")),
        Code("02", "中共预备党员", ("预备党员", "中国共产党预备党员")),
        Code("03", "共青团员", ("团员", "中国共产主义青年团团员")),
        Code("04", "民革会员", ("民革党员", "民革", "中国国民党革命委员会会员")),
        Code("05", "民盟盟员", ("民盟", "中国民主同盟盟员")),
        Code("06", "民建会员", ("民建", "中国民主建国会会员")),
        Code("07", "民进会员", ("民进", "中国民主促进会会员")),
        Code("08", "农工党党员", ("农工党", "中国农工民主党党员")),
        Code("09", "致公党党员", ("致公党", "中国致公党党员")),
        Code("10", "九三学社社员", ("九三学社",)),
        Code("11", "台盟盟员", ("台盟", "台湾民主自治同盟盟员")),
        Code("12", "无党派民主人士", ("无党派人士", "无党派")),
        Code("13", "群众", ()),
    ],
)

# --- GB/T 4658-2006 学历代码 ------------------------------------------------
# Two-digit hierarchical codes: x0 is a group head, x1 毕业, x2 结业, x3 肄业.
# Forms write coarse words (本科, 大专, 中专, 高中, 初中); those map to the
# group heads, never to a leaf, because "本科" does not say 毕业 or 肄业.
# 博士 and 硕士 are the exception: they name the 毕业 leaf people mean.

EDUCATION = CodeTable(
    "education",
    "学历",
    [
        Code("10", "研究生", ("研究生教育", "研究生学历", "研究生及以上"), order=10),
        Code("11", "博士研究生毕业", ("博士", "博士研究生"), order=11),
        Code("14", "硕士研究生毕业", ("硕士", "硕士研究生"), order=14),
        Code("17", "研究生班毕业", (), order=17),
        Code("20", "大学本科", ("本科", "本科学历", "大学本科教育"), order=20),
        Code("21", "大学本科毕业", ("本科毕业",), order=21),
        Code("22", "大学本科结业", ("本科结业",), order=22),
        Code("23", "大学本科肄业", ("本科肄业",), order=23),
        Code("30", "大学专科", ("大专", "专科", "大专学历", "大学专科教育"), order=30),
        Code("31", "大学专科毕业", ("大专毕业", "专科毕业"), order=31),
        Code("40", "中等职业教育", ("中专", "中职", "职高", "技校", "中专/中职"), order=40),
        Code("41", "中等专科毕业", ("中专毕业",), order=41),
        Code("44", "职业高中毕业", ("职高毕业",), order=44),
        Code("47", "技工学校毕业", ("技校毕业",), order=47),
        Code("60", "普通高中", ("高中", "普通高中教育"), order=60),
        Code("61", "普通高中毕业", ("高中毕业",), order=61),
        Code("70", "初中", ("初中及以下", "初级中学教育"), order=70),
        Code("71", "初中毕业", (), order=71),
        Code("80", "小学", ("小学教育",), order=80),
        Code("81", "小学毕业", (), order=81),
        Code("90", "其他", ("其它", "文盲", "无"), order=90),
    ],
    hints=("研究生", "博士", "硕士", "大学本科", "大学专科", "中专", "高中", "初中及以下"),
)

#: Coarse groups for list filters and statistics, as forms print them.
#: Group ``'70'`` (初中及以下) covers codes 70-99: 初中, 小学 and 其他.
EDUCATION_GROUPS: list[tuple[str, str]] = [
    ("10", "研究生"),
    ("20", "大学本科"),
    ("30", "大学专科"),
    ("40", "中专/中职"),
    ("60", "高中"),
    ("70", "初中及以下"),
]

# Half-open code ranges [lo, hi) per filter group, compared as strings.
# '40' runs to '60' so the unused 5x block (技工学校 in the 1984 edition of
# the standard) falls into 中专/中职; '9z' sorts after every two-digit code.
_EDUCATION_GROUP_RANGES: dict[str, tuple[str, str]] = {
    "10": ("10", "20"),
    "20": ("20", "30"),
    "30": ("30", "40"),
    "40": ("40", "60"),
    "60": ("60", "70"),
    "70": ("70", "9z"),
}


def education_group(code: str) -> str:
    """Return the GB/T 4658 group head of an education code (``'31'`` → ``'30'``).

    Statistics count people by level regardless of 毕业/结业/肄业.  Raises
    :class:`CodeError` for a code that is not in :data:`EDUCATION`.
    """
    if code not in EDUCATION:
        raise CodeError(f"学历代码「{clip(str(code))}」不存在", kind="unknown_code")
    return code[0] + "0"


def education_groups_codes(group: str) -> tuple[str, str]:
    """Return the half-open code range ``[lo, hi)`` of a filter group.

    Use it as ``education__gte=lo, education__lt=hi``: ``'30'`` gives
    ``('30', '40')`` and ``'70'`` (初中及以下) gives ``('70', '9z')``.
    Raises :class:`CodeError` for a group not in :data:`EDUCATION_GROUPS`.
    """
    try:
        return _EDUCATION_GROUP_RANGES[group]
    except (KeyError, TypeError):
        raise CodeError(
            f"学历分组「{clip(str(group))}」不存在，可选："
            + "、".join(f"{code} {label}" for code, label in EDUCATION_GROUPS),
            kind="unknown_code",
        ) from None


def education_group_of(code: str) -> str:
    """The :data:`EDUCATION_GROUPS` key a stored code falls in (``'21'`` → ``'20'``,
    ``'80'`` 小学 → ``'70'`` 初中及以下), or ``''`` for no code: the one grouping the form,
    the list filter, the template's drop-down and the export show."""
    for group, (lo, hi) in _EDUCATION_GROUP_RANGES.items():
        if code and lo <= code < hi:
            return group
    return ""


def education_group_label(code: str) -> str:
    """The group label offices use for a stored code (``'31'`` → ``'大学专科'``), or ``''``."""
    return dict(EDUCATION_GROUPS).get(education_group_of(code), "")


def refined(key: str, new: Any, stored: Any) -> Any:
    """What an import writes to field `key`: the stored 学历 when `new` is only the group head
    of the group it lies in (an exported 大学本科 for a stored 大学本科毕业 changes nothing),
    otherwise `new`."""
    if key == "education" and new in dict(EDUCATION_GROUPS) and stored:
        return stored if education_group_of(stored) == new else new
    return new


# --- GB/T 6864-2003 学位代码 (level digit only) ------------------------------

DEGREE = CodeTable(
    "degree",
    "学位",
    [
        Code("1", "名誉博士", ("名誉博士学位",), order=1),
        Code("2", "博士", ("博士学位",), order=2),
        Code("3", "硕士", ("硕士学位",), order=3),
        Code("4", "学士", ("学士学位",), order=4),
        Code("0", "无", ("无学位",), order=9),
    ],
)

# --- 职称 (professional title) level --------------------------------------
# 初级 covers both 助理级 and 员级; a form that only says 初级 most often
# means 助理级 (助理工程师, 助理农艺师), so it maps there.  高级 alone is how
# 副高 titles are named (高级工程师), hence an alias of 副高级.

TITLE_LEVEL = CodeTable(
    "title_level",
    "职称级别",
    [
        Code("1", "正高级", ("正高", "正高级职称"), order=1),
        Code("2", "副高级", ("副高", "高级", "副高级职称"), order=2),
        Code("3", "中级", ("中级职称",), order=3),
        Code("4", "助理级", ("助理", "初级", "初级职称"), order=4),
        Code("5", "员级", (), order=5),
        Code("0", "无", ("无职称",), order=9),
    ],
)

# --- 职业技能等级, the 2022 "新八级工" scale ---------------------------------
# Codes 1-5 are the levels in the 国家职业技能标准 (一级 highest); T/S are the
# two new top steps and 8 is 学徒工.  order ranks them, smaller is higher.

SKILL_LEVEL = CodeTable(
    "skill_level",
    "技能等级",
    [
        Code("8", "学徒工", ("学徒",), order=8),
        Code("5", "五级/初级工", ("五级", "初级工", "初级"), order=7),
        Code("4", "四级/中级工", ("四级", "中级工", "中级"), order=6),
        Code("3", "三级/高级工", ("三级", "高级工"), order=5),
        Code("2", "二级/技师", ("二级", "技师"), order=4),
        Code("1", "一级/高级技师", ("一级", "高级技师"), order=3),
        Code("T", "特级技师", ("特级",), order=2),
        Code("S", "首席技师", ("首席",), order=1),
        Code("0", "无", ("无等级", "无技能等级"), order=9),
    ],
)

# --- GB/T 2261.2-2003 婚姻状况代码 ------------------------------------------

MARITAL_STATUS = CodeTable(
    "marital_status",
    "婚姻状况",
    [
        Code("10", "未婚"),
        Code("20", "已婚"),
        Code("30", "丧偶"),
        Code("40", "离婚"),
        Code("90", "未说明的婚姻状况", ("未说明",)),
    ],
)

TABLES: dict[str, CodeTable] = {
    table.name: table
    for table in (
        GENDER,
        ETHNICITY,
        POLITICAL_STATUS,
        EDUCATION,
        DEGREE,
        TITLE_LEVEL,
        SKILL_LEVEL,
        MARITAL_STATUS,
    )
}
