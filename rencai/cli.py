"""The `rencai` command: demo, serve, migrate, check, createuser, token, sheets, import/export/
template (with each sheet's own flags), figures, backup, restore, audit (and `manage` for the
rest).

Configuration comes only from RENCAI_* environment variables (see settings.py); a bad value
stops here with a message that names it.
"""

import argparse
import datetime
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"配置错误：{exc}\n")
        raise SystemExit(2) from exc


def _call(command: str, /, *args: str, **options) -> None:
    from django.core.management import call_command

    call_command(command, *args, **options)


def _migrate(verbosity: int = 0) -> None:
    _call("migrate", interactive=False, verbosity=verbosity)


def serve(host: str, port: int, workers: int) -> None:
    """Serve with gunicorn (static files through WhiteNoise) until Ctrl-C."""
    from gunicorn.app.base import BaseApplication

    # Hashed, compressed copies of the packaged CSS/JS in the data dir (offline, cacheable).
    _call("collectstatic", interactive=False, verbosity=0)

    from rencai.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("timeout", 120)
            self.cfg.set("accesslog", "-")

        def load(self):
            return application

    # The workers are forked from this process, which has just migrated: a database connection
    # it kept would be shared by every worker, and on PostgreSQL their queries and results get
    # mixed up (500s with another request's rows). Each worker opens its own.
    from django.db import connections

    connections.close_all()
    print(f"rencai 已启动：http://{host}:{port}/  （Ctrl-C 停止）", flush=True)
    Server().run()


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text!r}") from None


def run_backup(args: argparse.Namespace) -> int:
    from rencai import backup

    try:
        manifest = backup.backup(Path(args.out))
    except backup.BackupError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return exc.code
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"已备份 {len(manifest['tables'])} 张表，共 {rows} 行，到 {args.out}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from rencai import backup

    try:
        report = backup.restore(Path(args.src), force=args.force)
    except backup.BackupError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return exc.code
    print(report.summary())
    return 0 if report.ok else 1


def run_audit(args: argparse.Namespace) -> int:
    from rencai.audit import chain

    if args.audit_command == "verify":
        if args.archive:
            count, problem = chain.verify_file(Path(args.archive))
        else:
            count, broken = chain.verify()
            problem = str(broken) if broken else None
        if problem:
            print(problem)
            return 1
        print(f"审计日志哈希链完整：已核对 {count} 条事件。")
        return 0
    try:
        done = chain.archive(args.before, Path(args.out))
    except chain.ArchiveError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    print(
        f"已归档 {done['events']} 条事件（编号 {done['first_id']}–{done['last_id']}）到 {args.out}"
    )
    return 0


SHEET_COMMANDS = ("import", "export")
# Flags of `rencai import|export` that take a value (stage one skips them to find the sheet)
_VALUED_FLAGS = ("--as", "--errors")


def _sheet_named(argv: Sequence[str]) -> tuple[str, str] | None:
    """Stage one of parsing `rencai import|export SHEET …`: (command, sheet), so that stage two
    can parse the sheet's own flags (`--program`, `--round --unit`…) as declared by the sheet."""
    if len(argv) < 2 or argv[0] not in SHEET_COMMANDS:
        return None
    words = iter(argv[1:])
    for word in words:
        if word in _VALUED_FLAGS:
            next(words, None)
        elif not word.startswith("-"):
            return argv[0], word
    return None


def build_parser(sheet: tuple[str, str] | None = None) -> argparse.ArgumentParser:
    """The whole command; with `sheet` (command, sheet name; Django set up) that command also
    takes the sheet's own flags."""
    parser = argparse.ArgumentParser(prog="rencai", description="人才工作管理平台")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="建立（或复用）示范县并启动服务")
    demo.add_argument("--persons", type=int, default=5000)
    demo.add_argument("--no-serve", action="store_true", help="只生成数据，不启动服务")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)

    srv = sub.add_parser("serve", help="启动服务（gunicorn）")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8000)
    srv.add_argument("--workers", type=int, default=2)

    sub.add_parser("migrate", help="升级数据库结构")
    check = sub.add_parser("check", help="运行系统检查")
    check.add_argument("--deploy", action="store_true")

    create = sub.add_parser("createuser", help="创建账号")
    create.add_argument("--username", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--role", required=True)
    create.add_argument("--org", required=True)
    create.add_argument("--name", default="")

    token = sub.add_parser("token", help="打印账号的 API 令牌")
    token.add_argument("username")

    sub.add_parser("sheets", help="列出所有表：表名、名称、可导入的角色、表自带的选项")

    imp = sub.add_parser(
        "import",
        help="导入 Excel/CSV 到某张表（表名见 rencai sheets）",
        epilog="各表自带的选项（如 attendance 的 --program）见 rencai import 表名 --help",
    )
    imp.add_argument("sheet")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp.add_argument("--errors", metavar="OUT.xlsx", help="有错误时写出错误明细表")
    imp.add_argument(
        "--as", dest="as_user", metavar="USERNAME", help="以该账号的身份和管辖范围导入"
    )

    exp = sub.add_parser(
        "export",
        help="导出为 Excel（与模板同列，可再导入）",
        epilog="各表自带的选项（如 persons 的 --org、--category）见 rencai export 表名 --help",
    )
    exp.add_argument("sheet")
    exp.add_argument("out")
    exp.add_argument("--as", dest="as_user", metavar="USERNAME")
    if sheet is not None:
        from rencai.imports.command_line import add_sheet_options

        add_sheet_options({"import": imp, "export": exp}[sheet[0]], sheet[1], sheet[0])

    tpl = sub.add_parser("template", help="下载空白导入模板")
    tpl.add_argument("sheet")
    tpl.add_argument("out")

    from rencai import figures_command

    figures = sub.add_parser("figures", help="统计数字：某单位某期间的各项指标")
    figures_command.add_arguments(figures)

    from rencai.reports import command as report_command

    report = sub.add_parser("report", help="工作开展情况汇报：生成 Word 草稿（可选 PDF 预览）")
    report_command.add_arguments(report)

    from rencai.statements import command as tables_command

    tables = sub.add_parser("tables", help="统计报表：某单位某期间的标准统计表（Excel）")
    tables_command.add_arguments(tables)

    bak = sub.add_parser("backup", help="备份数据库（含校验清单）到新目录")
    bak.add_argument("out", metavar="OUT_DIR")
    res = sub.add_parser("restore", help="从备份目录恢复到空数据库并核对")
    res.add_argument("src", metavar="BACKUP_DIR")
    res.add_argument("--force", action="store_true", help="目标数据库不为空时也覆盖")

    audit = sub.add_parser("audit", help="审计日志：校验哈希链、归档旧日志")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="校验审计日志哈希链")
    verify.add_argument("--archive", metavar="FILE", help="校验一个归档文件")
    archive = audit_sub.add_parser("archive", help="导出并删除某日期之前（至少 180 天前）的日志")
    archive.add_argument("--before", required=True, type=_date, metavar="YYYY-MM-DD")
    archive.add_argument("out", metavar="OUT.jsonl")

    manage = sub.add_parser("manage", help="其他 Django 管理命令")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    sheet = _sheet_named(argv)
    if sheet is not None:
        _setup()  # the sheet registry is filled as the apps load
    args = build_parser(sheet).parse_args(argv)
    if sheet is None:
        _setup()
    from django.core.management.base import CommandError

    try:
        if args.command == "demo":
            _migrate()
            _call("demo", persons=args.persons)
            if not args.no_serve:
                serve(args.host, args.port, workers=2)
        elif args.command == "serve":
            _migrate()
            serve(args.host, args.port, args.workers)
        elif args.command == "migrate":
            _migrate(verbosity=1)
        elif args.command == "check":
            extra = ["--deploy", "--fail-level", "WARNING"] if args.deploy else []
            _call("check", *extra)
        elif args.command == "createuser":
            _call(
                "createuser",
                username=args.username,
                password=args.password,
                role=args.role,
                org=args.org,
                name=args.name,
            )
        elif args.command == "token":
            _call("token", args.username)
        elif args.command in ("sheets", "import", "export", "template"):
            from rencai.imports import command_line

            raise SystemExit(getattr(command_line, f"run_{args.command}")(args))
        elif args.command == "figures":
            from rencai import figures_command

            raise SystemExit(figures_command.run(args))
        elif args.command == "report":
            from rencai.reports import command as report_command

            raise SystemExit(report_command.run(args))
        elif args.command == "tables":
            from rencai.statements import command as tables_command

            raise SystemExit(tables_command.run(args))
        elif args.command in ("backup", "restore", "audit"):
            run = {"backup": run_backup, "restore": run_restore, "audit": run_audit}
            raise SystemExit(run[args.command](args))
        elif args.command == "manage":
            from django.core.management import execute_from_command_line

            execute_from_command_line(["rencai", *args.args])
    except CommandError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        raise SystemExit(1) from exc


if __name__ == "__main__":
    main()
