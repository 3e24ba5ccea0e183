"""`rencai figures`: every registered figure of a unit and a period, on the terminal or as JSON,
and `--docs FILE` to rewrite the generated section of docs/figures.md.

Exit codes as the other commands: 0 done, 2 bad input (unknown unit or account, a unit outside
the account's jurisdiction, a period it cannot read)."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options (read before Django is set up: no model imports here)."""
    parser.add_argument("--unit", help="组织单位：路径（示范县/城关镇）、名称或统计用区划代码")
    parser.add_argument("--period", default=None, help="期间：2026、2026H1、2026Q3、2026-03 …")
    parser.add_argument("--json", action="store_true", help="输出 JSON（含每个数字的明细链接）")
    parser.add_argument("--as", dest="as_user", metavar="USER", help="以该账号的管辖范围统计")
    parser.add_argument(
        "--docs", metavar="FILE", help="按登记的指标重写该文件（docs/figures.md）的生成区段"
    )


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

    if args.docs:
        path = Path(args.docs)
        try:
            path.write_text(figures.render_docs(path.read_text(encoding="utf-8")), "utf-8")
        except (OSError, ValueError) as exc:
            return _fail(f"{path}：{exc}")
        return 0
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
    answer = figures.answer(figures.Scope(unit, viewer), period, breakdowns=args.json)
    if args.json:
        sys.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2) + "\n")
        return 0
    sys.stdout.write(f"{unit.name_path}  {period}\n")
    for row in answer["figures"]:
        value = "—" if row["value"] is None else row["value"]
        sys.stdout.write(f"{row['key']}\t{row['label']}\t{value}\t{row['unit']}\n")
    return 0
