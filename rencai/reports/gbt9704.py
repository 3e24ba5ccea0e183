"""A `Draft` written as a Word file in the layout of GB/T 9704 (党政机关公文格式), as
/work/shared/reference/gbt9704-docx.md measured it with python-docx and LibreOffice:

- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; footer 25 mm;
- 22 lines × 28 characters: exact line spacing of 579 twips (28.95 pt) and the document grid
  `linesAndChars` with that line pitch and a char space of −842 (28 characters of 3号 in the
  156 mm text block), as Word and WPS show it (页面设置：每页 22 行、每行 28 字);
- title 方正小标宋简体 2号 (22 pt) centred, not snapped to the grid, broken by hand when longer
  than a line; 主送 line flush left; body 仿宋_GB2312 3号 (16 pt) with a first-line indent of
  two characters; 一、 in 黑体, （一） in 楷体_GB2312, 1. and （1） leading their paragraph;
- page numbers "— 1 —" in 宋体 4号 (14 pt), right on odd pages and left on even pages, one
  character in from the text edge (evenAndOddHeaders);
- East-Asian font names written in w:rFonts eastAsia (python-docx's font.name writes only the
  Latin slots); the template's theme fonts, Japanese theme language and thumbnail removed.

The office edits this draft; fonts are named as offices have them. `preview_copy` makes the
copy LibreOffice renders for the PDF preview (pdf.py): its character grid is the portable one
(line grid plus 0.25 pt condensed spacing), which LibreOffice lays out 28 to a line."""

import io

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

from rencai.reports.draft import Block, Draft

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
LINE = 579  # twips: 28.95 pt, 22 lines in the 225 mm text block
CHAR_SPACE = -842  # (442.25 pt / 28 − 16 pt) × 4096, floored
TITLE_CHARS = 20  # 2号 characters in one line of the text block
PAGE = {"w": "11906", "h": "16838"}
MARGINS = {"top": 2098, "bottom": 1984, "left": 1587, "right": 1474, "footer": 1418}

P_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
R_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]


def _child(parent, tag: str, order: list[str], **attrs: str):
    """The child `w:tag` of `parent` (made and put in schema order if missing), its
    attributes set."""
    el = parent.find(qn(f"w:{tag}"))
    if el is None:
        el = OxmlElement(f"w:{tag}")
        later = order[order.index(tag) + 1 :]
        for i, existing in enumerate(parent):
            name = existing.tag.split("}")[-1]
            if name in later:
                parent.insert(i, el)
                break
        else:
            parent.append(el)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _fonts(rpr, font: str, size: float | None = None, hint: bool = False) -> None:
    """Every font slot of `rpr` set to `font` (eastAsia too), theme fonts removed."""
    rf = _child(rpr, "rFonts", R_ORDER)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rf.attrib.pop(qn(f"w:{theme}"), None)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rf.set(qn(f"w:{slot}"), font)
    if hint:
        rf.set(qn("w:hint"), "eastAsia")
    if size is not None:
        half = str(int(size * 2))
        _child(rpr, "sz", R_ORDER, val=half)
        _child(rpr, "szCs", R_ORDER, val=half)


def _lines(ppr, indent_chars: int = 0, snap: bool = True) -> None:
    """Exact line spacing on the grid, no space around, the first-line indent in characters
    (and twips for readers that ignore *Chars), no widow control."""
    _child(ppr, "widowControl", P_ORDER, val="0")
    if not snap:
        _child(ppr, "snapToGrid", P_ORDER, val="0")
    _child(ppr, "spacing", P_ORDER, before="0", after="0", line=str(LINE), lineRule="exact")
    _child(
        ppr,
        "ind",
        P_ORDER,
        firstLineChars=str(indent_chars * 100),
        firstLine=str(indent_chars * 320),
    )


def _style(doc, name: str, font: str, size: float, indent: int = 2, outline: int | None = None):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else None
    if style is None:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
    ppr = style.element.get_or_add_pPr()
    _lines(ppr, indent)
    if outline is not None:  # no keepNext: it would end pages a line early (22 lines a page)
        _child(ppr, "outlineLvl", P_ORDER, val=str(outline))
    _fonts(style.element.get_or_add_rPr(), font, size)
    return style


def _defaults(doc) -> None:
    """docDefaults in Chinese: 仿宋_GB2312 3号, zh-CN, exact spacing; the theme's Japanese font
    language and the template's thumbnail and customXml dropped."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, BODY_FONT, 16)
    _child(rpr, "lang", R_ORDER, val="zh-CN", eastAsia="zh-CN", bidi="ar-SA")
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        defaults.append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        ppr_default.append(ppr)
    _child(ppr, "spacing", P_ORDER, before="0", after="0", line=str(LINE), lineRule="exact")
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    for rels in (doc.part.package.rels, doc.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(("/thumbnail", "/customXml")):
                del rels[rid]
    doc.core_properties.title = ""
    doc.core_properties.author = "rencai"


def _page(doc) -> None:
    section = doc.sections[0]
    sect = section._sectPr
    _child(sect, "pgSz", ["footerReference", "pgSz", "pgMar"], w=PAGE["w"], h=PAGE["h"])
    section.top_margin = Twips(MARGINS["top"])
    section.bottom_margin = Twips(MARGINS["bottom"])
    section.left_margin = Twips(MARGINS["left"])
    section.right_margin = Twips(MARGINS["right"])
    section.footer_distance = Twips(MARGINS["footer"])
    section.header_distance = Twips(851)
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.attrib.clear()
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    doc.settings.odd_and_even_pages_header_footer = True
    _footer(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, "right")
    _footer(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, "left")


def _run(paragraph, text: str = "", font: str = PAGE_FONT, size: float = 14):
    run = paragraph.add_run(text)
    _fonts(run._r.get_or_add_rPr(), font, size, hint=True)
    return run


def _footer(paragraph, align, side: str) -> None:
    """— N — in 宋体 4号, one character in from the text edge on its side."""
    paragraph.alignment = align
    ppr = paragraph._p.get_or_add_pPr()
    _child(ppr, "snapToGrid", P_ORDER, val="0")
    _child(ppr, "ind", P_ORDER, firstLineChars="0", firstLine="0", **{side: "280"})
    _run(paragraph, "— ")
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("num", "1")):
        run = _run(paragraph)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "num":
            run.text = text
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
    end = _run(paragraph)
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    _run(paragraph, " —")


def width(text: str) -> float:
    """How many 2号 characters `text` takes: digits and Latin letters half one."""
    return sum(0.5 if ord(ch) < 128 else 1 for ch in text)


def title_lines(title: str) -> list[str]:
    """A title longer than a line broken before 人才工作… (or in two near-equal halves)."""
    if width(title) <= TITLE_CHARS:
        return [title]
    cut = title.rfind("人才工作")
    if cut > 0 and width(title[cut:]) <= TITLE_CHARS and width(title[:cut]) <= TITLE_CHARS:
        return [title[:cut], title[cut:]]
    half = (len(title) + 1) // 2
    return [title[:half], *title_lines(title[half:])]


def _paragraph(doc, block: Block) -> None:
    if block.kind == "title":
        p = doc.add_paragraph(style="GWTitle")
        lines = title_lines(block.text)
        for i, line in enumerate(lines):
            run = p.add_run(line)
            if i < len(lines) - 1:
                run.add_break()
        doc.add_paragraph(style="GWPlain")
        return
    if block.kind == "recipient":
        doc.add_paragraph(block.text, style="GWPlain")
        return
    if block.kind == "sign":
        doc.add_paragraph(block.text, style="GWSign")
        return
    if block.kind == "h1":
        doc.add_paragraph(block.number + block.heading, style="GWH1")
        return
    if block.kind == "h2":
        doc.add_paragraph(block.number + block.heading, style="GWH2")
        return
    p = doc.add_paragraph(style="Normal")
    lead = block.number + block.heading
    if lead:
        ends = block.heading[-1:] in "。：；！？" if block.heading else True
        p.add_run(lead + ("" if ends or not block.text else "。"))
    if block.text:
        p.add_run(block.text)


def document(draft: Draft):
    """The python-docx Document of `draft`."""
    doc = Document()
    _defaults(doc)
    normal = doc.styles["Normal"]
    _lines(normal.element.get_or_add_pPr(), 2)
    _child(normal.element.get_or_add_pPr(), "jc", P_ORDER, val="both")
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT, 16)
    title = _style(doc, "GWTitle", TITLE_FONT, 22, indent=0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _child(title.element.get_or_add_pPr(), "snapToGrid", P_ORDER, val="0")
    _style(doc, "GWPlain", BODY_FONT, 16, indent=0)
    sign = _style(doc, "GWSign", BODY_FONT, 16, indent=0)
    sign.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _child(sign.element.get_or_add_pPr(), "ind", P_ORDER, right="1280", rightChars="400")
    _style(doc, "GWH1", H1_FONT, 16, outline=0)
    _style(doc, "GWH2", H2_FONT, 16, outline=1)
    _page(doc)
    # the template's empty first paragraph, if any, goes
    for p in list(doc.paragraphs):
        p._p.getparent().remove(p._p)
    signing = False
    for block in draft.blocks:
        if block.kind == "sign" and not signing:
            doc.add_paragraph(style="GWPlain")
            doc.add_paragraph(style="GWPlain")
            signing = True
        _paragraph(doc, block)
    doc.core_properties.title = draft.title
    return doc


def to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write(draft: Draft) -> bytes:
    """The .docx bytes of `draft`."""
    return to_bytes(document(draft))


def preview_copy(data: bytes) -> bytes:
    """The copy LibreOffice renders: the portable grid (lines only, characters condensed by
    0.25 pt), so that LibreOffice lays out 28 characters to a line."""
    doc = Document(io.BytesIO(data))
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    grid.attrib.clear()
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE))
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _child(rpr, "spacing", R_ORDER, val="-5")
    return to_bytes(doc)
