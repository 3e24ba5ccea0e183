"""The PDF preview through LibreOffice (issue 13 §3): a page of body text holds 22 lines of at
most 28 characters (pdftotext -layout), and the page numbers sit on every page. Skipped when
LibreOffice or pdftotext is missing, unless RENCAI_REQUIRE_LIBREOFFICE=1 (CI): then it fails."""

import os
import shutil
import subprocess
import unicodedata

import pytest

from rencai.figures import Scope
from rencai.reports import gbt9704, pdf
from rencai.reports.draft import Block, draft
from tests.seed_county import seeded_county  # noqa: F401

pytestmark = pytest.mark.django_db

REQUIRED = os.environ.get("RENCAI_REQUIRE_LIBREOFFICE") == "1"


@pytest.fixture
def tools():
    missing = [t for t in ("soffice", "pdftotext", "pdfinfo") if not shutil.which(t)]
    if missing:
        if REQUIRED:
            pytest.fail(f"RENCAI_REQUIRE_LIBREOFFICE=1 but {missing} not installed")
        pytest.skip(f"not installed: {missing}")


def width(line: str) -> float:
    """Characters of the grid a line takes: CJK one, digits and Latin half, spaces none (the
    space pdftotext puts between Chinese and digits is LibreOffice's autospace, not text)."""
    return sum(
        1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in line if not ch.isspace()
    )


def test_pdf_pages_hold_22_lines_of_28_characters(seeded_county, tools, tmp_path):  # noqa: F811
    s = seeded_county
    written = draft(Scope(s.unit("城关镇")), s.period(s.h1))
    body = [b for b in written.blocks if b.kind == "body"]
    # a long report: the draft's body paragraphs four times over, under one more heading
    written.blocks[-2:-2] = [Block("h1", number="九、", heading="续")] + body * 4
    data = pdf.to_pdf(gbt9704.write(written))
    (tmp_path / "r.pdf").write_bytes(data)
    info = subprocess.run(["pdfinfo", str(tmp_path / "r.pdf")], capture_output=True, text=True)
    pages = int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])
    assert pages >= 3
    layout = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True
    ).stdout
    sheets = [p for p in layout.split("\f") if p.strip()]
    assert len(sheets) == pages
    for n, sheet in enumerate(sheets, 1):
        lines = [x.strip() for x in sheet.splitlines() if x.strip()]
        assert lines[-1] == f"— {n} —", lines[-1]  # the page number, on every page
        text = lines[:-1]
        assert len(text) <= 22, (n, len(text))
        if n == 1:
            continue  # the title's two 2号 lines take the place of body lines
        assert max(width(x) for x in text) <= 28, (n, text)
    full = [len([x for x in s.splitlines() if x.strip()]) - 1 for s in sheets[1:-1]]
    assert 22 in full, full  # a page of body text holds 22 lines
    widest = max(width(x) for s in sheets[1:-1] for x in s.splitlines() if x.strip())
    assert widest >= 27, widest  # and its lines are full (28 characters, less autospace)
