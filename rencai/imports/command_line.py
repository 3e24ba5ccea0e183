"""`rencai sheets | import | export | template`: the import engine for scripts (a stable interface).

Exit codes of `rencai import`: 0 committed (with --dry-run: the file is clean), 1 rows were
rejected and nothing was written, 2 a usage error, a refused option or an unreadable file.

A sheet's own flags (`--program`, `--round --unit`, `--org`…) are declared by the sheet
(`Sheet.command_options`); `add_sheet_options` puts them on the parser once the sheet is known,
and `sheet_values` turns what was typed into the values the web passes: the upload page's job
options for an import (checked by the same `upload_options`), the list page's filters for an
export.
"""

import hashlib
import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.imports.engine import Importer, ImportFailed, Outcome
from rencai.imports.exports import export_sheet
from rencai.imports.models import ImportJob, JobStatus
from rencai.imports.options import OptionError
from rencai.imports.sheets import Sheet, get_sheet, sheet_names
from rencai.imports.workbooks import write_errors, write_template

SHOWN = 20


def _err(message: str) -> None:
    sys.stderr.write(message + "\n")


def add_sheet_options(parser: ArgumentParser, sheet_name: str, command: str) -> None:
    """Stage two of parsing `rencai import|export SHEET …`: the named sheet's own flags (an
    unknown sheet adds none; `_sheet` reports it)."""
    try:
        sheet = get_sheet(sheet_name)
    except KeyError:
        return
    for option in sheet.options_for(command):
        parser.add_argument(
            f"--{option.flag}",
            dest=option.dest,
            help=option.help,
            metavar=option.metavar or None,
        )


def sheet_values(sheet: Sheet, command: str, user: User, args: Namespace) -> dict[str, Any]:
    """The sheet's flags resolved for `user`, in declaration order; a missing required flag or a
    value that names nothing in the user's jurisdiction stops with a message naming the flag."""
    resolved: dict[str, Any] = {}
    for option in sheet.options_for(command):
        text = getattr(args, option.dest, None)
        if not text:
            if command in option.required_for:
                _err(f"缺少 --{option.flag}：{option.help}")
                raise SystemExit(2)
            continue
        try:
            resolved.update(option.resolve(user, text, resolved))
        except OptionError as exc:
            _err(f"--{option.flag} {text}：{exc.message}")
            raise SystemExit(2) from None
    return resolved


def run_sheets(args: Namespace) -> int:
    """Every registered sheet: its key, Chinese name, who may import it and its flags."""
    from types import SimpleNamespace

    print("表\t名称\t可导入的角色\t选项")
    for name in sheet_names():
        sheet = get_sheet(name)
        stand_ins = (
            SimpleNamespace(role=role, org_id=0, is_active=True, is_authenticated=True)
            for role in Role
        )
        importers = "、".join(str(Role(u.role).label) for u in stand_ins if sheet.may_import(u))
        flags = dict.fromkeys(
            f"--{o.flag}" for command in ("import", "export") for o in sheet.options_for(command)
        )
        print(f"{name}\t{sheet.title}\t{importers or '无'}\t{' '.join(flags)}")
    return 0


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
    if not sheet.may_import(user):
        _err(f"账号 {user.username} 的角色不能导入")
        return 2
    options = sheet_values(sheet, "import", user, args)
    try:  # the upload page's own check of its options: out of scope is refused like the web
        options = sheet.upload_options(user, options)
    except (Http404, PermissionDenied):
        _err(f"账号 {user.username} 不能向所指定的对象导入：不在其管辖范围内或不可编辑")
        return 2
    if label := sheet.options_label(options):
        print(f"导入到：{label}")
    progress = TerminalProgress()
    importer = Importer(sheet, user, progress=progress, options=options)
    with open(path, "rb") as stream:
        outcome = importer.validate(stream, path.name, spool=not args.dry_run)
    progress.end()
    counts = outcome.summary()
    print(
        f"共 {counts['total']} 行：新增 {counts['new']}，更新 {counts['updated']}，"
        f"未变 {counts['unchanged']}，有误 {counts['rejected']}"
    )
    for notice in outcome.notices():
        print(notice)
    warnings = outcome.warning_lines()
    for line in warnings[: SHOWN + 1]:
        print(line)
    if len(warnings) > SHOWN + 1:
        print(f"……另有 {len(warnings) - SHOWN - 1} 条提示")
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
        event = importer.commit(outcome, file_name=path.name, sha256=sha256, extra=options)
    except ImportFailed as exc:
        progress.end()
        _err(exc.message)
        return 1
    progress.end()
    if options:
        _record_job(sheet, user, path, sha256, options, outcome, event)
    print("已导入。")
    return 0


def _record_job(
    sheet: Sheet,
    user: User,
    path: Path,
    sha256: str,
    options: dict[str, Any],
    outcome: Outcome,
    event: Any,
) -> None:
    """An import tied to a page (a program's ledger, a census unit's roster) is listed there as
    a committed job, and what follows a committed upload follows it (the unit becomes 已报)."""
    from django.utils import timezone

    from rencai.imports.signals import job_committed

    job = ImportJob.objects.create(
        sheet=sheet.name,
        user=user,
        file_name=path.name[:255],
        sha256=sha256,
        size=path.stat().st_size,
        stored_path="",
        status=JobStatus.COMMITTED,
        total=outcome.total,
        done=outcome.total,
        counts=outcome.summary(),
        options=options,
        audit_event=event,
        finished_at=timezone.now(),
    )
    job_committed.send(sender=ImportJob, job=job)


def run_export(args: Namespace) -> int:
    sheet = _sheet(args.sheet)
    if not sheet.exports:
        _err(f"“{sheet.title}”（{sheet.name}）只用于导入，不能导出")
        return 2
    user = _user(args.as_user)
    params = sheet_values(sheet, "export", user, args)
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
