"""The audit log's hash chain: each event carries sha256(its fields + the previous event's hash).

Editing or deleting an event by any means — raw SQL, a restored old backup, a hand-edited file —
breaks the chain at that event, and `verify` names it. Every writer goes through here: a single
`AuditEvent.save`, `AuditEvent.objects.bulk_create`, and the bulk writer's COPY/executemany rows
(`rencai/audit/bulk.py`).

**One chain, not two.** Extending it reads the last hash, reserves the next ids and writes; two
writers doing that at once would both link to the same event. On PostgreSQL they take a
transaction-scoped advisory lock first (`lock`); on SQLite the transaction's write lock (the
project's transactions are IMMEDIATE) already makes writers take turns. The lock is held to the
end of the writer's transaction, so an audit event written during a long import waits for it.

**The database refuses edits.** Triggers (installed by migration `audit.0003`, put back after every
migrate by `ensure_guard`) refuse UPDATE and DELETE of audit rows, except the DELETE of events an
`AuditArchive` row covers that are older than 180 days: the one path `archive` takes. On SQLite
they are dropped before a migrate run that has migrations to apply, as SQLite alters a table by
rebuilding it, which fails while a trigger names it (the same as `rencai/training/tally.py`).
PostgreSQL's TRUNCATE is a separate privilege and not caught here: the application's database
role should not have it.

**Archiving** (`archive`) exports old events with their hashes to a file that `verify_file` can
check later, records an `AuditArchive` row whose `anchor` is the last archived event's hash — the
previous hash the first remaining event must carry — and deletes them.
"""

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

GENESIS = "0" * 64
LOCK_KEY = 7_265_636_169  # "rencai": the advisory lock that serialises chain extension
MIN_AGE_DAYS = 180  # 《网络安全法》第二十一条: network logs kept no less than six months
EVENTS = "audit_auditevent"
ARCHIVES = "audit_auditarchive"

# The hashed fields, by attname, in hashing order; `changes` and `detail` are hashed as JSON.
SCALARS = (
    "id",
    "time",
    "user_id",
    "username",
    "ip",
    "request_id",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "success",
    "batch_id",
)
HASHED = (*SCALARS, "changes", "detail")


# Made once: json.dumps with options builds a new encoder per call, a cost per event.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_text(value: Any) -> str:
    """The canonical JSON of a `changes` or `detail` value (what the bulk writer stores, too)."""
    return _CANONICAL.encode(value)


def canonical_time(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = value.astimezone(datetime.UTC)
    return value.isoformat()


def canonical_scalars(values: Iterable[Any]) -> list[Any]:
    """SCALARS' values as hashed: the time in UTC ISO form, a blank IP as null."""
    out = list(values)
    out[1] = canonical_time(out[1])
    out[4] = out[4] or None
    return out


def digest(scalars: list[Any], changes: str, detail: str, prev: str) -> str:
    """The hash of one event: canonical scalars, its JSON texts and the previous hash."""
    head = _COMPACT.encode([*scalars, prev])
    return hashlib.sha256(f"{head}\n{changes}\n{detail}".encode()).hexdigest()


def digester(scalars: list[Any]) -> Callable[[int, str, str, str, str, str], str]:
    """`digest` for many events whose scalars differ only in id, object_id and object_repr
    (the bulk writer's rows): the shared JSON is encoded once, not once per event.
    Called as (id, object_id, object_repr, changes JSON, detail JSON, prev)."""
    mid = _COMPACT.encode(scalars[1:8])[1:-1]
    tail = _COMPACT.encode(scalars[10:12])[1:-1]
    quote = json.encoder.encode_basestring  # what _COMPACT writes for a str
    sha256 = hashlib.sha256

    def one(pk: int, object_id: str, object_repr: str, changes: str, detail: str, prev: str):
        head = f'[{int(pk)},{mid},{quote(object_id)},{quote(object_repr)},{tail},"{prev}"]'
        return sha256(f"{head}\n{changes}\n{detail}".encode()).hexdigest()

    return one


def event_digest(values: tuple, prev: str) -> str:
    """The hash of an event given as its HASHED values (as read from the database)."""
    return digest(
        canonical_scalars(values[: len(SCALARS)]),
        json_text(values[-2]),
        json_text(values[-1]),
        prev,
    )


# -- extending the chain ------------------------------------------------------------------


def lock(connection: BaseDatabaseWrapper) -> None:
    """Take the chain's lock until the transaction ends (SQLite: its write lock is enough)."""
    if not connection.in_atomic_block:
        raise RuntimeError("the audit chain is extended inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def last_hash(connection: BaseDatabaseWrapper) -> str:
    """The hash the next event links to: the last event's, else the last archive's anchor."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_hash FROM {EVENTS} ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"SELECT anchor FROM {ARCHIVES} ORDER BY id DESC LIMIT 1")
            row = cursor.fetchone()
    return row[0] if row else GENESIS


def reserve_pks(connection: BaseDatabaseWrapper, table: str, column: str, n: int) -> list[int]:
    """`n` new primary keys of `table`, in order, claimed before the rows are written (the bulk
    writer's rows and the audit chain, which hashes an event's id)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, n],
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite (AUTOINCREMENT): past both the highest row and the highest pk ever handed
        # out, so a deleted row's pk is never reused. The transaction holds the write lock
        # (transaction_mode IMMEDIATE).
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({qn(column)}), 0) FROM {qn(table)}")
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        start = max(top, seq[0] if seq else 0) + 1
        cursor.execute(  # claim the range, so a second writer in the same transaction moves on
            "INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
            [table, start + n - 1],
        )
        return list(range(start, start + n))


def seal(events: list[Any], using: str) -> None:
    """Give unsaved AuditEvents their ids, previous hashes and hashes, in order (inside the
    caller's transaction, under the chain's lock)."""
    if not events:
        return
    connection = connections[using]
    lock(connection)
    prev = last_hash(connection)
    ids = reserve_pks(connection, EVENTS, "id", len(events))
    ip_field = type(events[0])._meta.get_field("ip")
    for event, pk in zip(events, ids, strict=True):
        event.id = pk
        event.prev_hash = prev
        # Through JSON and back, as the database will return it (tuples become lists).
        changes = json_text(json.loads(json.dumps(event.changes)))
        detail = json_text(json.loads(json.dumps(event.detail)))
        values = [getattr(event, a) for a in SCALARS]
        values[4] = ip_field.get_prep_value(event.ip)  # as stored: IPv6 normalised
        event.row_hash = prev = digest(canonical_scalars(values), changes, detail, prev)


# -- verifying ----------------------------------------------------------------------------


@dataclass
class Break:
    """The first event where the chain does not hold."""

    id: int
    time: Any
    reason: str

    def __str__(self) -> str:
        when = timezone.localtime(self.time) if isinstance(self.time, datetime.datetime) else ""
        return _("审计日志哈希链在事件 %(id)s（%(time)s）处断开：%(reason)s") % {
            "id": self.id,
            "time": f"{when:%Y-%m-%d %H:%M:%S}" if when else self.time,
            "reason": self.reason,
        }


def _anchor(using: str) -> tuple[str, Break | None]:
    """The hash the first remaining event must link to, checking the archives link up."""
    from rencai.audit.models import AuditArchive

    expected = GENESIS
    for archive in AuditArchive.objects.using(using).order_by("id"):
        if archive.first_prev != expected:
            return expected, Break(archive.first_id, archive.time, _("归档记录与前一次归档接不上"))
        expected = archive.anchor
    return expected, None


def _rows(using: str) -> Iterator[tuple]:
    from rencai.audit.models import AuditEvent

    return (
        AuditEvent.objects.using(using)
        .order_by("id")
        .values_list(*HASHED, "prev_hash", "row_hash")
        .iterator(chunk_size=5000)
    )


def verify(using: str = "default") -> tuple[int, Break | None]:
    """(events checked, the first break or None)."""
    prev, broken = _anchor(using)
    if broken:
        return 0, broken
    count = 0
    for row in _rows(using):
        values, row_prev, row_hash = row[:-2], row[-2], row[-1]
        if row_prev != prev:
            return count, Break(
                row[0], row[1], _("与前一条事件的哈希不相连（其前的事件被删除或改动）")
            )
        if event_digest(values, prev) != row_hash:
            return count, Break(row[0], row[1], _("事件内容与其哈希不符（被改动）"))
        prev = row_hash
        count += 1
    return count, None


def head(using: str = "default") -> dict[str, Any]:
    """Where the chain ends now: the last event's id and hash, how many events, the anchor."""
    from rencai.audit.models import AuditEvent

    anchor, _broken = _anchor(using)
    last = AuditEvent.objects.using(using).order_by("-id").values_list("id", "row_hash").first()
    return {
        "events": AuditEvent.objects.using(using).count(),
        "last_id": last[0] if last else None,
        "last_hash": last[1] if last else anchor,
        "anchor": anchor,
    }


def problem(expected: dict[str, Any] | None, using: str = "default") -> str | None:
    """What is wrong with the chain, also against a head recorded earlier (a backup's
    manifest): its last event must still be there with the same hash. None when all is well."""
    from rencai.audit.models import AuditEvent

    _count, broken = verify(using)
    if broken:
        return str(broken)
    if expected and expected.get("last_id"):
        found = (
            AuditEvent.objects.using(using)
            .filter(id=expected["last_id"])
            .values_list("row_hash", flat=True)
            .first()
        )
        if found != expected.get("last_hash"):
            return _("备份时的最后一条审计事件（编号 %(id)s）在数据库中不存在或已被改动") % {
                "id": expected["last_id"]
            }
    return None


# -- the database's guard -----------------------------------------------------------------

GUARDS = ["rencai_audit_event_guard", "rencai_audit_archive_guard"]
REFUSED = "审计日志只能追加，不能修改或删除"


def _archived(old: str, vendor: str) -> str:
    """SQL: row `old` is covered by an archive and older than the minimum age."""
    cutoff = (
        f"now() - interval '{MIN_AGE_DAYS} days'"
        if vendor == "postgresql"
        else f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-{MIN_AGE_DAYS} days')"
    )
    return (
        f"EXISTS (SELECT 1 FROM {ARCHIVES} a WHERE {old}.id BETWEEN a.first_id AND a.last_id)"
        f" AND {old}.time < {cutoff}"
    )


def _guard_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {GUARDS[0]}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n  IF TG_OP = 'DELETE' AND {_archived('OLD', vendor)} THEN\n"
            f"    RETURN OLD;\n  END IF;\n"
            f"  RAISE EXCEPTION '{REFUSED}（事件 %）', OLD.id"
            f" USING ERRCODE = 'insufficient_privilege';\nEND\n$$",
            f"DROP TRIGGER IF EXISTS {GUARDS[0]} ON {EVENTS}",
            f"CREATE TRIGGER {GUARDS[0]} BEFORE UPDATE OR DELETE ON {EVENTS}"
            f" FOR EACH ROW EXECUTE FUNCTION {GUARDS[0]}()",
            f"CREATE OR REPLACE FUNCTION {GUARDS[1]}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n  RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'insufficient_privilege';\n"
            f"END\n$$",
            f"DROP TRIGGER IF EXISTS {GUARDS[1]} ON {ARCHIVES}",
            f"CREATE TRIGGER {GUARDS[1]} BEFORE UPDATE OR DELETE ON {ARCHIVES}"
            f" FOR EACH ROW EXECUTE FUNCTION {GUARDS[1]}()",
        ]
    refuse = f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
    return [
        *(f"DROP TRIGGER IF EXISTS {name}{suffix}" for name in GUARDS for suffix in ("", "_d")),
        f"CREATE TRIGGER {GUARDS[0]} BEFORE UPDATE ON {EVENTS} {refuse}",
        f"CREATE TRIGGER {GUARDS[0]}_d BEFORE DELETE ON {EVENTS}"
        f" WHEN NOT ({_archived('OLD', vendor)}) {refuse}",
        f"CREATE TRIGGER {GUARDS[1]} BEFORE UPDATE ON {ARCHIVES} {refuse}",
        f"CREATE TRIGGER {GUARDS[1]}_d BEFORE DELETE ON {ARCHIVES} {refuse}",
    ]


def install_guard(connection: BaseDatabaseWrapper) -> None:
    """Create (or replace) the triggers refusing UPDATE and DELETE of audit rows."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in _guard_sql(connection.vendor):
            cursor.execute(statement)


def uninstall_guard(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers (a SQLite table rebuild, a test database flush)."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for name, table in zip(GUARDS, (EVENTS, ARCHIVES), strict=True):
            if postgres:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}_d")


def ensure_guard(connection: BaseDatabaseWrapper) -> None:
    """Put the triggers back when the tables exist (after every migrate and flush)."""
    tables = set(connection.introspection.table_names())
    if EVENTS in tables and ARCHIVES in tables:
        install_guard(connection)


# -- archiving ----------------------------------------------------------------------------


class ArchiveError(Exception):
    """An archive that was refused; the message says why, in Chinese."""


def earliest_allowed(today: datetime.date | None = None) -> datetime.date:
    """Events before this date may be archived; younger ones must stay (180 days)."""
    return (today or timezone.localdate()) - datetime.timedelta(days=MIN_AGE_DAYS)


def _cut(connection: BaseDatabaseWrapper, before: datetime.datetime) -> int | None:
    """The last id to archive: the longest start of the chain whose events are all before
    `before`, not cutting a batch from the entries that point at it (the later entries keep
    their batch)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(id) FROM {EVENTS} WHERE id < COALESCE("
            f"(SELECT MIN(id) FROM {EVENTS} WHERE time >= %s), (SELECT MAX(id) + 1 FROM {EVENTS}))",
            [connection.ops.adapt_datetimefield_value(before)],
        )
        last = cursor.fetchone()[0]
        while last is not None:
            cursor.execute(
                f"SELECT MIN(batch_id) FROM {EVENTS} WHERE id > %s AND batch_id <= %s",
                [last, last],
            )
            held = cursor.fetchone()[0]
            if held is None:
                return last
            cursor.execute(f"SELECT MAX(id) FROM {EVENTS} WHERE id < %s", [held])
            last = cursor.fetchone()[0]
    return None


def archive(before: datetime.date, out: Path, using: str = "default") -> dict[str, Any]:
    """Export the events before `before` (with their hashes) to `out`, record the archive,
    delete them, and log the archive as an event. Refused for events younger than 180 days."""
    from rencai.audit.log import record_event
    from rencai.audit.models import AuditAction, AuditArchive, AuditEvent

    if before > earliest_allowed():
        raise ArchiveError(
            _(
                "审计日志至少保存 %(days)s 天（《网络安全法》第二十一条）："
                "只能归档 %(date)s 之前的事件"
            )
            % {"days": MIN_AGE_DAYS, "date": earliest_allowed() + datetime.timedelta(days=1)}
        )
    out = Path(out)
    if out.exists():
        raise ArchiveError(_("归档文件 %(out)s 已存在；请换一个文件名") % {"out": out})
    connection = connections[using]
    start = datetime.datetime.combine(before, datetime.time(), timezone.get_current_timezone())
    with transaction.atomic(using=using):
        lock(connection)
        _count, broken = verify(using)
        if broken:
            raise ArchiveError(_("哈希链已断开，不能归档：%(b)s") % {"b": broken})
        last = _cut(connection, start)
        if last is None:
            raise ArchiveError(_("没有 %(date)s 之前的审计事件可归档") % {"date": before})
        rows = AuditEvent.objects.using(using).filter(id__lte=last).order_by("id")
        first = rows.values_list("id", "prev_hash").first()
        anchor, written = first[1], 0
        with out.open("x", encoding="utf-8") as f:
            f.write(
                json.dumps(
                    {
                        "format": "rencai-audit-archive/1",
                        "first_prev": first[1],
                        "before": before.isoformat(),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            for row in rows.values_list(*HASHED, "prev_hash", "row_hash").iterator(5000):
                values = row[: len(HASHED)]
                f.write(
                    json.dumps(
                        {
                            "scalars": canonical_scalars(values[: len(SCALARS)]),
                            "changes": json_text(values[-2]),
                            "detail": json_text(values[-1]),
                            "prev_hash": row[-2],
                            "row_hash": row[-1],
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
                anchor, written = row[-1], written + 1
        record = AuditArchive.objects.using(using).create(
            before=before,
            first_id=first[0],
            last_id=last,
            first_prev=first[1],
            anchor=anchor,
            events=written,
            file_name=out.name,
            file_sha256=_file_sha256(out),
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {EVENTS} WHERE id <= %s", [last])
        record_event(
            AuditAction.ARCHIVE,
            detail={
                "before": before.isoformat(),
                "events": written,
                "first_id": first[0],
                "last_id": last,
                "file": out.name,
                "file_sha256": record.file_sha256,
            },
        )
    return {"events": written, "first_id": first[0], "last_id": last, "anchor": anchor}


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify_file(path: Path) -> tuple[int, str | None]:
    """(events, problem or None) of an archive file written by `archive`."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0])
        prev = header["first_prev"]
        for n, line in enumerate(lines[1:], start=1):
            entry = json.loads(line)
            scalars = entry["scalars"]
            if entry["prev_hash"] != prev:
                return n - 1, _("事件 %(id)s 与前一条不相连") % {"id": scalars[0]}
            if digest(scalars, entry["changes"], entry["detail"], prev) != entry["row_hash"]:
                return n - 1, _("事件 %(id)s 的内容与其哈希不符") % {"id": scalars[0]}
            prev = entry["row_hash"]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        return 0, _("归档文件无法读取：%(e)s") % {"e": exc}
    return len(lines) - 1, None
