"""`rencai report OUT.docx --unit PATH --period P [--as USER] [--pdf]`: the draft
工作开展情况汇报 of a unit and a period as a Word file (and its PDF preview beside it, OUT.pdf).

Exit codes as `rencai figures`: 0 done, 2 bad input (unknown unit or account, a unit outside
the account's jurisdiction, a period it cannot read, no LibreOffice for --pdf). Like `rencai
figures` it counts, and prints no person; without --as it answers as the server's operator."""

import argparse
import sys
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options (read before Django is set up: no model imports here)."""
    parser.add_argument("out", metavar="OUT.docx", help="写出的 Word 文件")
    parser.add_argument("--unit", help="组织单位：路径（示范县/城关镇）、名称或统计用区划代码")
    parser.add_argument("--period", default=None, help="期间：2026、2026H1、2026Q3、2026-03 …")
    parser.add_argument("--as", dest="as_user", metavar="USER", help="以该账号的管辖范围统计")
    parser.add_argument("--pdf", action="store_true", help="同时生成 PDF 预览（需 LibreOffice）")


def _fail(message: str) -> int:
    sys.stderr.write(f"错误：{message}\n")
    return 2


def run(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from rencai import figures
    from rencai.accounts.models import User
    from rencai.imports.sheets import CellError
    from rencai.orgs.models import OrgUnit
    from rencai.orgs.resolve import UnitResolver
    from rencai.reports import gbt9704, pdf
    from rencai.reports.draft import draft

    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        return _fail(f"输出文件应以 .docx 结尾：{out}")
    viewer: Any = None
    if args.as_user:
        viewer = User.objects.filter(username=args.as_user, is_active=True).first()
        if viewer is None:
            return _fail(f"找不到在用账号 {args.as_user}")
    try:
        period = figures.parse_period(args.period or str(timezone.localdate().year))
    except ValueError as exc:
        return _fail(str(exc))
    if args.unit:
        try:
            unit = OrgUnit.objects.get(pk=UnitResolver(viewer)(args.unit))
        except CellError as exc:
            return _fail(str(exc))
    elif viewer is not None:
        unit = viewer.org
    else:
        roots = list(OrgUnit.objects.filter(parent__isnull=True)[:2])
        if len(roots) != 1:
            return _fail("请用 --unit 指定组织单位")
        unit = roots[0]
    if viewer is not None and not OrgUnit.objects.visible_to(viewer).filter(pk=unit.pk).exists():
        return _fail(f"{unit.name_path} 不在账号 {viewer.username} 的管辖范围内")
    if args.pdf and not pdf.available():
        return _fail("本机未安装 LibreOffice，无法生成 PDF；去掉 --pdf 只生成 Word 文件")
    data = gbt9704.write(draft(figures.Scope(unit, viewer), period))
    try:
        out.write_bytes(data)
        if args.pdf:
            out.with_suffix(".pdf").write_bytes(pdf.to_pdf(data))
    except OSError as exc:
        return _fail(f"{out}：{exc.strerror or exc}")
    except pdf.PdfUnavailable as exc:
        return _fail(str(exc))
    sys.stdout.write(f"{out}\n")
    return 0
