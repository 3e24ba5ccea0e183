"""备份与恢复: a copy of the whole database that can prove, once restored, that it is the same.

`backup(out)` writes a directory holding the database's own dump — SQLite through the online
backup API (a file copy of a live database can tear a page mid-write), PostgreSQL through
`pg_dump -Fc` — and `manifest.json`: rencai's version, the vendor, the time, the dump's sha256,
and per table its row count and a checksum over its rows ordered by primary key, plus the audit
chain's head. `restore(src)` puts the dump into an empty database, brings it to this version's
schema, and recounts and rechecks every table against the manifest and the audit chain.

The checksums are computed through the ORM from the values Django reads back (dates, decimals,
JSON, booleans turned into one canonical text), so both vendors hash a row the same way. They are
taken from exactly what the dump holds: on SQLite they are read
from the finished copy itself (the backup API restarts when a write lands during the copy), on
PostgreSQL inside the REPEATABLE READ transaction whose exported snapshot `pg_dump --snapshot`
dumps — a write during the backup is in both the dump and the manifest, or in neither.
"""

import datetime
import decimal
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
# Rows `migrate` itself writes into a new database: such a database is still "empty".
MIGRATE_FILLS = {"django_migrations", "django_content_type", "auth_permission"}
CHUNK = 2000


class BackupError(Exception):
    """A backup or restore that could not run; `code` is the command's exit status."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class RestoreReport:
    """What a restore found: the tables that disagree with the manifest, and the chain."""

    tables: int = 0
    rows: int = 0
    mismatches: list[str] = field(default_factory=list)
    chain_problem: str | None = None
    migrated: bool = False

    @property
    def ok(self) -> bool:
        return not self.mismatches and self.chain_problem is None

    def summary(self) -> str:
        lines = [f"已恢复 {self.tables} 张表，共 {self.rows} 行。"]
        if self.migrated:
            lines.append("备份来自较早版本，已升级数据库结构；各表只核对了行数。")
        if self.mismatches:
            lines.append(f"与备份清单不符的表 {len(self.mismatches)} 张：")
            lines += [f"  {m}" for m in self.mismatches]
        else:
            lines.append("各表行数与校验值均与备份清单一致。")
        lines.append(self.chain_problem or "审计日志哈希链校验通过。")
        return "\n".join(lines)


# -- checksums ----------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """One text for one value, whichever vendor it was read from."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"{type(value).__name__} 类型的值无法计算校验值")


def row_text(row: tuple) -> bytes:
    """A row as canonical JSON (JSON columns' keys sorted), one line."""
    text = json.dumps(
        row, default=_canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return text.encode() + b"\n"


def stored_models() -> list[type[models.Model]]:
    """Every model with a table of its own (m2m tables and django_migrations included), one per
    table, by table name."""
    found = {
        m._meta.db_table: m
        for m in [*apps.get_models(include_auto_created=True), MigrationRecorder.Migration]
        if m._meta.managed and not m._meta.proxy
    }
    return [found[t] for t in sorted(found)]


INTEGERS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def _is_integer(f: models.Field) -> bool:
    return (f.target_field if f.is_relation else f).get_internal_type() in INTEGERS


def table_checksum(model: type[models.Model], using: str) -> tuple[int, str]:
    """(rows, sha256 over the rows by primary key). Integer keys (one column or several) are
    ordered by the database; other keys by Python, as collations differ between vendors."""
    meta = model._meta
    columns = [f.attname for f in meta.concrete_fields]
    keys = [f.attname for f in meta.pk_fields]
    rows = model._base_manager.using(using).values_list(*columns)
    if all(_is_integer(f) for f in meta.pk_fields):
        ordered = rows.order_by(*keys).iterator(chunk_size=CHUNK)
    else:
        at = [columns.index(k) for k in keys]
        ordered = sorted(rows.order_by(), key=lambda r: [str(r[i]) for i in at])
    digest = hashlib.sha256()
    count = 0
    for row in ordered:
        digest.update(row_text(row))
        count += 1
    return count, digest.hexdigest()


def table_checksums(using: str = "default") -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sha256": hex}} for every table the code knows and the database has."""
    existing = set(connections[using].introspection.table_names())
    out = {}
    for model in stored_models():
        if model._meta.db_table in existing:
            rows, digest = table_checksum(model, using)
            out[model._meta.db_table] = {"rows": rows, "sha256": digest}
    return out


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version() -> str:
    try:
        return package_version("rencai")
    except PackageNotFoundError:
        return "unknown"


def _manifest(connection: BaseDatabaseWrapper) -> dict[str, Any]:
    from rencai.audit import chain

    return {
        "rencai_version": _version(),
        "vendor": connection.vendor,
        "time": timezone.now().isoformat(),
        "migrations": sorted(f"{app}.{name}" for app, name in _applied(connection)),
        "tables": table_checksums(connection.alias),
        "audit_chain": chain.head(connection.alias),
    }


def _applied(connection: BaseDatabaseWrapper) -> set[tuple[str, str]]:
    return set(MigrationRecorder(connection).applied_migrations())


# -- PostgreSQL tools -----------------------------------------------------------------------


def pg_tool(name: str, connection: BaseDatabaseWrapper) -> str:
    """The path of `pg_dump` / `pg_restore` at least as new as the server (an older one refuses
    to dump a newer server): the server's own version's first, then whatever is on PATH."""
    major = connection.pg_version // 10000
    candidates = [f"/usr/lib/postgresql/{major}/bin/{name}", shutil.which(name)]
    for candidate in candidates:
        if not candidate or not Path(candidate).is_file():
            continue
        out = subprocess.run([candidate, "--version"], capture_output=True, text=True).stdout
        found = re.search(r"(\d+)(?:\.\d+)?", out)
        if found and int(found.group(1)) >= major:
            return candidate
    raise BackupError(
        f"找不到 PostgreSQL {major} 或更新版本的 {name}；"
        f"请安装 postgresql-client-{major}（或把它所在目录加入 PATH）"
    )


def pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's variables for RENCAI_DATABASE_URL's database — the password stays out of argv."""
    s = connection.settings_dict
    env = dict(os.environ)
    pairs = {
        "PGHOST": s.get("HOST"),
        "PGPORT": s.get("PORT"),
        "PGUSER": s.get("USER"),
        "PGPASSWORD": s.get("PASSWORD"),
        "PGDATABASE": s.get("NAME"),
        "PGSSLMODE": (s.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in pairs.items() if v})
    return env


def _run(command: list[str], connection: BaseDatabaseWrapper, what: str) -> None:
    done = subprocess.run(command, env=pg_environment(connection), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()}")


# -- backup -------------------------------------------------------------------------------


def backup(out: Path, using: str = "default") -> dict[str, Any]:
    """Write the database and its manifest into the new directory `out`; the manifest."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"备份目录 {out} 已存在且不为空；请换一个新目录")
    out.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    dump = out / DUMPS.get(connection.vendor, "database")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(dump)
        try:
            connection.connection.backup(target)  # restarts by itself if a write lands
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        finally:
            target.close()
        _check_sqlite_file(dump)
        with _opened(connection, dump) as copy:  # the manifest describes the copy itself
            manifest = _manifest(copy)
    elif connection.vendor == "postgresql":
        command = [pg_tool("pg_dump", connection), "-Fc", "--no-owner", "--no-privileges"]
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            manifest = _manifest(connection)
            _run([*command, f"--snapshot={snapshot}", "-f", str(dump)], connection, "pg_dump ")
    else:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库")
    manifest["dump"] = {"file": dump.name, "sha256": _file_sha256(dump)}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return manifest


@contextmanager
def _opened(connection: BaseDatabaseWrapper, path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A Django connection to the SQLite file `path`, read-only, for as long as the block
    (made like the one it copies, and not added to the configured databases)."""
    alias = f"backup_{uuid.uuid4().hex}"
    settings = {
        **connection.settings_dict,
        "NAME": f"file:{path}?mode=ro",
        "OPTIONS": {"uri": True},
    }
    copy = type(connection)(settings, alias)
    connections[alias] = copy
    try:
        yield copy
    finally:
        copy.close()
        del connections[alias]


def _check_sqlite_file(path: Path) -> None:
    try:
        check = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"备份文件 {path.name} 不是有效的 SQLite 数据库：{exc}", 1) from exc
    if result != "ok":
        raise BackupError(f"备份文件 {path.name} 完整性检查未通过：{result}", 1)


# -- restore ------------------------------------------------------------------------------


def read_manifest(src: Path) -> dict[str, Any]:
    """The manifest of backup directory `src`, its dump checked against its sha256."""
    path = Path(src) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
        dump = Path(src) / manifest["dump"]["file"]
        want = manifest["dump"]["sha256"]
        dict(manifest["tables"])  # the shape, checked before anything is written
    except FileNotFoundError as exc:
        raise BackupError(f"{src} 不是备份目录：找不到 {MANIFEST}") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"备份清单 {path} 已损坏，无法读取：{exc}") from exc
    if not dump.is_file():
        raise BackupError(f"备份文件 {dump.name} 不存在")
    if _file_sha256(dump) != want:
        raise BackupError(f"备份文件 {dump.name} 已损坏：校验值与备份清单不符", 1)
    return manifest


def has_data(using: str = "default") -> bool:
    """True when the database holds rows beyond those `migrate` itself writes."""
    connection = connections[using]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in MIGRATE_FILLS or table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT 1 FROM {qn(table)} LIMIT 1")
            if cursor.fetchone():
                return True
    return False


def restore(src: Path, *, force: bool = False, using: str = "default") -> RestoreReport:
    """Put backup `src` into the database (empty, unless `force`), migrate it to this version,
    and check it against the manifest and the audit chain."""
    from django.core.management import call_command

    from rencai.audit import chain

    manifest = read_manifest(Path(src))
    connection = connections[using]
    if manifest.get("vendor") != connection.vendor:
        raise BackupError(
            f"备份来自 {manifest.get('vendor')} 数据库，不能恢复到 {connection.vendor} 数据库"
        )
    if has_data(using) and not force:
        raise BackupError("目标数据库不是空的；确认要覆盖其中的数据请加 --force")
    dump = Path(src) / manifest["dump"]["file"]
    if connection.vendor == "sqlite":
        _check_sqlite_file(dump)
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        command = [pg_tool("pg_restore", connection), "--no-owner", "--no-privileges"]
        if connection.introspection.table_names():
            command += ["--clean", "--if-exists"]
        connection.close()
        _run(
            [*command, "--exit-on-error", "-d", connection.settings_dict["NAME"], str(dump)],
            connection,
            "pg_restore ",
        )
    connection.close()

    executor = MigrationExecutor(connection)
    report = RestoreReport(
        migrated=bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    )
    counted = _counts(connection, manifest["tables"])
    if report.migrated:
        call_command("migrate", database=using, interactive=False, verbosity=0)
        now = counted
    else:
        now = table_checksums(using)
    for table, want in manifest["tables"].items():
        have = now.get(table)
        report.tables += 1
        report.rows += have["rows"] if have else 0
        if have is None:
            report.mismatches.append(f"{table}：恢复后没有这张表")
        elif have["rows"] != want["rows"]:
            report.mismatches.append(f"{table}：行数 {have['rows']}，备份清单 {want['rows']}")
        elif not report.migrated and have["sha256"] != want["sha256"]:
            report.mismatches.append(f"{table}：行数相同但内容校验值不符")
    report.chain_problem = chain.problem(manifest.get("audit_chain"), using)
    return report


def _counts(connection: BaseDatabaseWrapper, tables: dict[str, Any]) -> dict[str, dict]:
    """{table: {"rows": n}} counted with plain SQL (the schema may be older than the models)."""
    qn = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    out = {}
    with connection.cursor() as cursor:
        for table in tables:
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")
                out[table] = {"rows": cursor.fetchone()[0]}
    return out
