"""`rencai tables OUT.xlsx --unit PATH --period P [--as USER]`: the 统计报表 workbook of a unit
and a period. Exit codes as the other commands: 0 written, 2 bad input (unknown unit or account,
a unit outside the account's jurisdiction, a period it cannot read, a file it cannot write)."""

import argparse
import sys
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options (read before Django is set up: no model imports here)."""
    parser.add_argument("out", metavar="OUT.xlsx", help="写出的 Excel 文件")
    parser.add_argument("--unit", help="填报单位：路径（示范县/城关镇）、名称或统计用区划代码")
    parser.add_argument("--period", default=None, help="统计期间：2026、2026H1、2026Q3、2026-03 …")
    parser.add_argument("--as", dest="as_user", metavar="USER", help="以该账号的管辖范围统计")


def _fail(message: str) -> int:
    sys.stderr.write(f"错误：{message}\n")
    return 2


def run(args: argparse.Namespace) -> int:
    from xlsxwriter.exceptions import FileCreateError

    from rencai import figures
    from rencai.accounts.models import User
    from rencai.imports.sheets import CellError
    from rencai.orgs.models import OrgUnit
    from rencai.orgs.resolve import UnitResolver
    from rencai.statements import workbook

    viewer: Any = None
    if args.as_user:
        viewer = User.objects.filter(username=args.as_user, is_active=True).first()
        if viewer is None:
            return _fail(f"找不到在用账号 {args.as_user}")
    try:
        period = figures.parse_period(args.period or str(figures.today().year))
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
            return _fail("请用 --unit 指定填报单位")
        unit = roots[0]
    if viewer is not None and not OrgUnit.objects.visible_to(viewer).filter(pk=unit.pk).exists():
        return _fail(f"{unit.name_path} 不在账号 {viewer.username} 的管辖范围内")
    try:
        count = workbook.export(figures.Scope(unit, viewer), period, args.out)
    except (OSError, FileCreateError) as exc:
        return _fail(f"无法写入 {args.out}：{exc}")
    sys.stdout.write(f"已写出 {count} 张报表：{unit.name_path} {period} → {args.out}\n")
    return 0
