"""The 工作开展情况汇报 draft (issue 13 §3): the seeded county's report read back with
python-docx carries the registry's numbers in the seed's sentences; parts without data are left
out and the numbering runs over the parts present; the Word layout is GB/T 9704's; `rencai
report` writes it and refuses bad input with exit code 2."""

import io
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal

import docx
import pytest
from docx.oxml.ns import qn

from rencai import cli, figures
from rencai.figures import Period, Scope
from rencai.reports import gbt9704, quality
from rencai.reports.context import amount, change_words, period_words
from rencai.reports.draft import draft, mark
from tests.seed_county import seeded_county  # noqa: F401

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def report_of(unit, period: Period, viewer=None):
    written = draft(Scope(unit, viewer), period)
    return written, gbt9704.write(written)


def value(seeded, unit: str, period: str, key: str, *line) -> str:
    """The registry's number (checked against the fixture's expectation) as the report writes
    it."""
    f = figures.figure(key)
    scope, p = Scope(seeded.unit(unit)), seeded.period(period)
    if line:
        found = {str(x.key): x.value for x in f.lines(line[0], scope, p)}[str(line[1])]
    else:
        found = f.compute(scope, p)
    assert found == seeded.expected[(unit, period, key, *line)]
    return amount(found, str(f.measure))


def test_township_half_year_reads_the_seeds_sentence(seeded_county):  # noqa: F811
    s = seeded_county
    _written, data = report_of(s.unit("城关镇"), s.period(s.h1))
    text = text_of(data)
    c = s.categories
    farming = value(s, "城关镇", s.h1, "training.attendance", "category", c["种养殖技术"].pk)
    total = value(s, "城关镇", s.h1, "training.attendance")
    sentence = f"共组织各类农村实用人才培训 {total}，其中种养殖技术 {farming}"
    assert sentence in text
    assert "种养殖技术 2000 人次" in text and "其他技术 500 人次" in text
    target = value(s, "城关镇", s.h1, "training.target")
    percent = value(s, "城关镇", s.h1, "training.target_progress")
    assert f"完成年度目标 {target}的 {percent}" in text
    assert "完成年度目标 6000 人次的 50.0%" in text
    assert f"其中青年 {value(s, '城关镇', s.h1, 'training.youth_trainees')}" in text
    assert "其中青年 500 人" in text
    farms = value(s, "城关镇", s.h1, "training.outcomes", "kind", "scale_farm")
    mechanics = value(s, "城关镇", s.h1, "training.outcomes", "kind", "skilled_work")
    assert f"创办规模养殖场 {farms}、从事技工/务工 {mechanics}" in text
    assert f"现有实训基地 {value(s, '城关镇', s.h1, 'training.bases')}" in text
    assert f"投入资金 {value(s, '城关镇', s.h1, 'training.base_investment')}" in text
    assert "投入资金 230 万元" in text
    assert text.splitlines()[0] == f"城关镇{s.year}年上半年人才工作开展情况汇报"
    # the overdue rectifications are a problem, named with their number
    overdue = value(s, "城关镇", s.h1, "training.rectifications_overdue")
    assert f"尚有 {overdue}整改事项逾期未完成整改" in text


def test_county_year_names_the_stock_of_the_seed(seeded_county):  # noqa: F811
    s = seeded_county
    text = text_of(report_of(s.unit("示范县"), s.period(s.whole_year))[1])
    farms = value(s, "示范县", s.whole_year, "training.entities", "kind", "family_farm")
    co_ops = value(s, "示范县", s.whole_year, "training.entities", "kind", "cooperative")
    assert f"家庭农场 {farms}、专业合作社 {co_ops}" in text
    assert "家庭农场 686 个、专业合作社 820 个" in text
    assert f"带动就业 {value(s, '示范县', s.whole_year, 'training.jobs_driven')}" in text
    assert "带动就业 36000 人" in text
    opera = value(s, "示范县", s.whole_year, "training.art_teams", "kind", "opera")
    assert f"戏曲 {opera}" in text and "戏曲 26 个" in text


def test_snapshot_records_every_number_with_its_rule(seeded_county):  # noqa: F811
    s = seeded_county
    written, _data = report_of(s.unit("城关镇"), s.period(s.h1))
    snapshot = written.snapshot()
    by_key = {(e["key"], e["breakdown"], e["line"], e["start"]): e for e in snapshot}
    start = s.period(s.h1).start.isoformat()
    entry = by_key[("training.attendance", "", "", start)]
    assert entry["value"] == 3000 and entry["unit"] == "人次"
    assert entry["unit_path"] == s.unit("城关镇").name_path
    assert entry["rule"] == " ".join(str(figures.figure("training.attendance").rule).split())
    assert by_key[("training.target_progress", "", "", start)]["value"] == 50.0
    # every recorded number is the registry's
    for e in snapshot:
        scope = Scope(figures.OrgUnit.objects.get(pk=e["unit_id"]))
        period = figures.parse_period(f"{e['start']}..{e['end']}")
        if e["key"].split(":")[0] == "quality":  # the data-quality score, not a figure
            assert quality.now(e["key"], scope) == e["value"], e
            continue
        f = figures.figure(e["key"])
        if e["breakdown"]:
            now = {str(x.key): x.value for x in f.lines(e["breakdown"], scope, period)}[e["line"]]
        else:
            now = f.compute(scope, period)
        assert (float(now) if isinstance(now, Decimal) else now) == e["value"], e


def test_parts_without_data_are_left_out(county):
    written, data = report_of(county.county, Period.half(2026, 1))
    kinds = [b.kind for b in written.blocks]
    assert "h1" not in kinds and "h2" not in kinds
    text = text_of(data)
    assert "人才培育情况" not in text and "存在的问题" not in text
    assert "现将2026年上半年人才工作开展情况汇报如下：" in text
    assert not [u for u in written.used if u.value]  # nothing counted, nothing written


def test_numbering_runs_over_the_parts_present(seeded_county):  # noqa: F811
    s = seeded_county
    written, _data = report_of(s.unit("城关镇"), s.period(s.h1))
    h1 = [b for b in written.blocks if b.kind == "h1"]
    assert [b.number for b in h1] == [mark(0, n) for n in range(1, len(h1) + 1)]
    assert [b.heading for b in h1][-2:] == ["存在的问题", "下一步工作打算"]
    assert "人才培育情况" in [b.heading for b in h1]
    seen: list[str] = []
    for b in written.blocks:
        if b.kind == "h1":
            seen = []
        elif b.kind == "h2":
            seen.append(b.number)
            assert seen == [mark(1, n) for n in range(1, len(seen) + 1)]
    assert mark(0, 11) == "十一、" and mark(2, 3) == "3." and mark(3, 2) == "（2）"


def test_change_words_and_period_words():
    assert change_words(3375, 3000) == "较上年同期增长 12.5%"
    assert change_words(2700, 3000) == "较上年同期下降 10.0%"
    assert change_words(3000, 3000) == "与上年同期持平"
    assert change_words(3000, 0) == "" and change_words(3000, None) == ""
    assert period_words(Period.year(2026)) == "2026年"
    assert period_words(Period.half(2026, 2)) == "2026年下半年"
    assert period_words(Period.quarter(2026, 3)) == "2026年第三季度"
    assert period_words(Period.month(2026, 3)) == "2026年3月"
    custom = figures.parse_period("2026-01-15..2026-06-30")
    assert period_words(custom) == "2026年1月15日至2026年6月30日"
    assert amount(Decimal("550.40"), "亩") == "550.4 亩" and amount(50.0, "%") == "50.0%"
    assert gbt9704.title_lines("示范县2026年上半年人才工作开展情况汇报") == [
        "示范县2026年上半年人才工作开展情况汇报"
    ]
    assert gbt9704.title_lines("示范县城关镇2026年第三季度人才工作开展情况汇报") == [
        "示范县城关镇2026年第三季度",
        "人才工作开展情况汇报",
    ]


def _fonts(style) -> tuple[str, float]:
    rf = style.element.rPr.find(qn("w:rFonts"))
    return rf.get(qn("w:eastAsia")), style.font.size.pt


def test_layout_is_gbt9704(seeded_county):  # noqa: F811
    s = seeded_county
    doc = docx.Document(io.BytesIO(report_of(s.unit("城关镇"), s.period(s.h1))[1]))
    section = doc.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert grid.get(qn("w:linePitch")) == "579" and grid.get(qn("w:charSpace")) == "-842"
    assert _fonts(doc.styles["GWTitle"]) == ("方正小标宋简体", 22)
    assert _fonts(doc.styles["Normal"]) == ("仿宋_GB2312", 16)
    assert _fonts(doc.styles["GWH1"]) == ("黑体", 16)
    assert _fonts(doc.styles["GWH2"]) == ("楷体_GB2312", 16)
    spacing = doc.styles["Normal"].element.pPr.find(qn("w:spacing"))
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("579", "exact")
    ind = doc.styles["Normal"].element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    first = doc.paragraphs[0]
    assert first.style.name == "GWTitle" and first.style.paragraph_format.alignment == 1
    by_style = {p.style.name: p.text for p in reversed(doc.paragraphs)}
    assert by_style["GWH1"].startswith("一、") and by_style["GWH2"].startswith("（一）")
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text == even.text == "— 1 —"
    assert (odd.alignment, even.alignment) == (2, 0)  # right on odd pages, left on even
    assert "PAGE" in odd._p.xml and "PAGE" in even._p.xml
    run = odd.runs[0]._r.rPr.find(qn("w:rFonts"))
    assert run.get(qn("w:eastAsia")) == "宋体" and odd.runs[0].font.size.pt == 14


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as done:
        cli.main(["report", *argv])
    return done.value.code, out.getvalue(), err.getvalue()


def test_cli_writes_the_report(seeded_county, tmp_path):  # noqa: F811
    s = seeded_county
    out = tmp_path / "汇报.docx"
    code, _out, err = run_cli(str(out), "--unit", "示范县/城关镇", "--period", s.h1)
    assert code == 0, err
    assert "完成年度目标 6000 人次的 50.0%" in text_of(out.read_bytes())


def test_cli_refuses_bad_input_in_chinese(seeded_county, personas, tmp_path):  # noqa: F811
    out = str(tmp_path / "r.docx")
    for argv, words in (
        (("--unit", "示范县/城关镇", "--period", "2026H3"), "不认识的期间"),
        (("--unit", "示范县/无此镇", "--period", "2026"), "错误："),
        ((f"{tmp_path}/r.txt", "--period", "2026"), ".docx"),
        (("--unit", "示范县", "--period", "2026", "--as", "outsider_admin"), "不在账号"),
        (("--unit", "示范县", "--as", "nobody"), "找不到在用账号"),
    ):
        args = argv if argv[0].endswith(".txt") else (out, *argv)
        code, _out, err = run_cli(*args)
        assert code == 2 and words in err, (argv, err)
    assert not (tmp_path / "r.docx").exists()


def test_low_data_quality_is_a_problem_with_its_parts(county, people):
    from rencai.alerts.quality import score

    quality = score(Scope(county.county))
    part = quality.part("people.no_category")
    assert part.percent is not None and part.percent < 90  # 王五 holds no category
    written, data = report_of(county.county, Period.year(2026))
    text = text_of(data)
    assert f"全县数据质量得分为 {amount(quality.percent, '')} 分" in text
    assert f"{part.label} {amount(part.percent, '%')}" in text
    recorded = {u.key: u.value for u in written.used}
    assert recorded["quality"] == quality.percent
    assert recorded["quality:people.no_category"] == part.percent


def test_without_libreoffice_the_pdf_is_refused_in_chinese(county, tmp_path, monkeypatch):
    from rencai.reports import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    code, _out, err = run_cli(str(tmp_path / "r.docx"), "--unit", "示范县", "--pdf")
    assert code == 2 and "本机未安装 LibreOffice" in err
    assert not (tmp_path / "r.docx").exists()
    with pytest.raises(pdf.PdfUnavailable, match="本机未安装 LibreOffice"):
        pdf.to_pdf(b"")
