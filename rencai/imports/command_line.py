"""`rencai import | export | template`: the import engine for scripts (a stable interface).

Exit codes of `rencai import`: 0 committed (with --dry-run: the file is clean), 1 rows were
rejected and nothing was written, 2 a usage error or an unreadable file.
"""

import hashlib
import sys
from argparse import Namespace
from pathlib import Path
from typing import Any

from rencai.accounts import roles
from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.imports.engine import Importer, ImportFailed
from rencai.imports.exports import export_sheet
from rencai.imports.sheets import get_sheet, sheet_names
from rencai.imports.workbooks import write_errors, write_template

SHOWN = 20


def _err(message: str) -> None:
    sys.stderr.write(message + "\n")


def _sheet(name: str):
    try:
        return get_sheet(name)
    except KeyError:
        _err(f"不认识的表“{name}”，可用：{'、'.join(sheet_names())}")
        raise SystemExit(2) from None


def _user(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).select_related("org").first()
        if user is None:
            _err(f"找不到在用账号 {username}")
            raise SystemExit(2)
        return user
    admins = User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).select_related("org")
    if admins.count() != 1:
        _err("请用 --as 指定以哪个账号导入/导出（决定管辖范围，并记入审计日志）")
        raise SystemExit(2)
    return admins.get()


class TerminalProgress:
    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()

    def __call__(self, stage: str, done: int) -> None:
        if self.tty:
            label = "检查" if stage == "validate" else "写入"
            sys.stderr.write(f"\r{label} {done:,} 行")
            sys.stderr.flush()

    def end(self) -> None:
        if self.tty:
            sys.stderr.write("\n")


def run_import(args: Namespace) -> int:
    sheet = _sheet(args.sheet)
    user = _user(args.as_user)
    path = Path(args.file)
    if not path.is_file():
        _err(f"找不到文件 {path}")
        return 2
    if not roles.edits_records(user):
        _err(f"账号 {user.username} 的角色不能导入")
        return 2
    progress = TerminalProgress()
    importer = Importer(sheet, user, progress=progress)
    with open(path, "rb") as stream:
        outcome = importer.validate(stream, path.name, spool=not args.dry_run)
    progress.end()
    counts = outcome.summary()
    print(
        f"共 {counts['total']} 行：新增 {counts['new']}，更新 {counts['updated']}，"
        f"未变 {counts['unchanged']}，有误 {counts['rejected']}"
    )
    if not outcome.ok:
        for problem in outcome.problems[:SHOWN]:
            print(problem)
        if len(outcome.problems) > SHOWN:
            print(f"……另有 {len(outcome.problems) - SHOWN} 处问题")
        if args.errors:
            write_errors(outcome, args.errors)
            print(f"错误明细已写入 {args.errors}")
        unreadable = any(p.row == 0 for p in outcome.problems)
        print("未写入任何数据。")
        return 2 if unreadable and not outcome.rejected_rows else 1
    if args.dry_run:
        print("检查通过（--dry-run，未写入）。")
        return 0
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        importer.commit(outcome, file_name=path.name, sha256=sha256)
    except ImportFailed as exc:
        progress.end()
        _err(exc.message)
        return 1
    progress.end()
    print("已导入。")
    return 0


def run_export(args: Namespace) -> int:
    sheet = _sheet(args.sheet)
    user = _user(args.as_user)
    params: dict[str, Any] = {}
    if args.org:
        from rencai.orgs.models import OrgUnit

        unit = OrgUnit.objects.by_path_text(args.org)
        if unit is None or not OrgUnit.objects.visible_to(user).filter(pk=unit.pk).exists():
            _err(f"找不到组织“{args.org}”，或不在 {user.username} 的管辖范围内")
            return 2
        params["org"] = unit.pk
    if args.category:
        from rencai.people.models import TalentCategory

        category = TalentCategory.objects.filter(name=args.category).first()
        if category is None:
            _err(f"找不到人才类别“{args.category}”")
            return 2
        params["category"] = category.pk
    try:
        count = export_sheet(sheet, user, params, args.out)
    except PermissionError:
        _err(f"账号 {user.username} 的角色不能导出业务数据")
        return 2
    print(f"已导出 {count} 行到 {args.out}")
    return 0


def run_template(args: Namespace) -> int:
    sheet = _sheet(args.sheet)
    write_template(sheet, args.out)
    print(f"模板已写入 {args.out}")
    return 0
