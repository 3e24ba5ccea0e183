"""The audit log is tamper-evident: a hash chain over every event, by every writer, that the
database will not let the application edit, and that survives archiving (rencai/audit/chain.py)."""

import datetime
import itertools
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from rencai import cli
from rencai.audit import chain
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction, AuditArchive, AuditEvent
from rencai.people.bulk import PersonBulkWriter
from rencai.people.models import Person
from tests.test_bulk import _values

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's write lock already serialises writers"
)


def _activity(county, people, personas) -> None:
    """Events from each writer: a business event, a form-style save, a queryset update, an
    audited bulk_create and the bulk writer's COPY/executemany rows."""
    with acting_as(personas.county_admin):
        record_event(AuditAction.EXPORT, detail={"rows": 3, "filters": {"b": 1, "a": [2]}})
        people.zhang_san.phone = "13900001111"
        people.zhang_san.save()
        Person.objects.filter(pk=people.zhang_san.pk).update(specialty="果树")
        (pk,), _n = PersonBulkWriter().write([(_values(county, "433130198808080017"), [])])
        old = dict(Person.objects.filter(pk=pk).values(*_values(county, "x")).get())
        PersonBulkWriter().write([], [(pk, {"specialty": "养殖"}, old, None, None)])


def _break_of(capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["audit", "verify"])
    return exit_.value.code, capsys.readouterr().out + capsys.readouterr().err


def test_every_writer_extends_one_unbroken_chain(county, people, personas, capsys):
    _activity(county, people, personas)
    events = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "row_hash"))
    assert len(events) > 10
    for (_prev, before), (prev, _hash) in itertools.pairwise(events):
        assert prev == before
    assert chain.verify() == (len(events), None)
    code, out = _break_of(capsys)
    assert code == 0
    assert f"{len(events)} 条" in out


def test_the_bulk_writers_events_are_chained(county, personas):
    with acting_as(personas.county_admin):
        PersonBulkWriter().write([(_values(county, "433130198808080017"), [])])
    entry = AuditEvent.objects.get(content_type__model="person", action="create")
    before = AuditEvent.objects.filter(id__lt=entry.id).order_by("-id").first()
    assert entry.prev_hash == before.row_hash
    values = AuditEvent.objects.filter(pk=entry.pk).values_list(*chain.HASHED).get()
    assert chain.event_digest(values, entry.prev_hash) == entry.row_hash


def test_an_event_edited_with_the_guard_dropped_is_named_by_verify(
    county, people, personas, capsys
):
    _activity(county, people, personas)
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    edited = ids[len(ids) // 2]
    chain.uninstall_guard(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_repr = '改过' WHERE id = %s", [edited])
    _count, broken = chain.verify()
    assert broken.id == edited
    assert "被改动" in broken.reason
    code, out = _break_of(capsys)
    assert code == 1
    assert f"事件 {edited}" in out


def test_a_deleted_event_breaks_the_chain_at_the_next_one(county, people, personas):
    _activity(county, people, personas)
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    chain.uninstall_guard(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [ids[3]])
    assert chain.verify()[1].id == ids[4]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET username = 'someone'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_auditarchive SET anchor = ''",
    ],
)
def test_the_database_refuses_raw_edits_of_the_log(county, personas, statement):
    record_event(AuditAction.EXPORT, user=personas.county_admin)
    AuditArchive.objects.create(
        before=datetime.date(2020, 1, 1), first_id=0, last_id=0, events=0,
        first_prev="", anchor="", file_name="x", file_sha256="",
    )  # fmt: skip
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.filter(username="county_admin").exists()


def test_the_database_refuses_orm_edits_that_bypass_the_model(county, personas):
    record_event(AuditAction.EXPORT, user=personas.county_admin)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent._base_manager.update(username="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent._base_manager.all()._raw_delete(connection.alias)
    assert AuditEvent.objects.filter(username="county_admin").count() == 1


@pytest.fixture
def empty_log(db) -> None:
    """A log that starts now (the test database's migrations wrote events of today), so the
    old events a test writes with a patched clock begin the chain."""
    chain.uninstall_guard(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    chain.install_guard(connection)


def _old_events(days: int, n: int) -> list[AuditEvent]:
    with mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() - datetime.timedelta(days=days)
    ):
        return [record_event(AuditAction.EXPORT, username=f"old{i}") for i in range(n)]


def test_archiving_old_events_keeps_the_chain_verifiable(empty_log, tmp_path, capsys):
    old = _old_events(400, 3)
    recent = _old_events(3, 2)
    out = tmp_path / "audit-2025.jsonl"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["audit", "archive", "--before", str(chain.earliest_allowed()), str(out)])
    assert exit_.value.code == 0
    assert not AuditEvent.objects.filter(id__in=[e.id for e in old]).exists()
    archive = AuditArchive.objects.get()
    assert (archive.first_id, archive.last_id, archive.events) == (old[0].id, old[-1].id, 3)
    assert archive.anchor == AuditEvent.objects.get(id=recent[0].id).prev_hash
    assert AuditEvent.objects.filter(action=AuditAction.ARCHIVE).exists()
    assert chain.verify()[1] is None
    assert chain.verify_file(out) == (3, None)
    assert _break_of(capsys)[0] == 0


def test_an_archive_file_edited_later_fails_its_check(empty_log, tmp_path):
    _old_events(400, 3)
    out = tmp_path / "audit.jsonl"
    chain.archive(chain.earliest_allowed(), out)
    out.write_text(out.read_text().replace("old1", "new1"))
    assert "不符" in chain.verify_file(out)[1]


def test_archiving_events_younger_than_180_days_is_refused(empty_log, tmp_path, capsys):
    _old_events(100, 2)
    before = timezone.localdate() - datetime.timedelta(days=30)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["audit", "archive", "--before", str(before), str(tmp_path / "a.jsonl")])
    assert exit_.value.code == 2
    assert "180 天" in capsys.readouterr().err
    assert AuditEvent.objects.count() == 2


def test_the_database_refuses_deleting_young_events_even_under_an_archive(empty_log):
    young = _old_events(100, 1)[0]
    AuditArchive.objects.create(
        before=datetime.date(2020, 1, 1), first_id=young.id, last_id=young.id, events=1,
        first_prev="", anchor="", file_name="x", file_sha256="",
    )  # fmt: skip
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [young.id])


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    """Two connections write events at the same time; each links to the one before it."""
    start = threading.Barrier(2)

    def write(name: str) -> None:
        try:
            start.wait()
            for i in range(40):
                with transaction.atomic():
                    record_event(AuditAction.EXPORT, username=f"{name}{i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 80
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prevs)) == len(prevs)  # no two events link to the same one
    assert chain.verify() == (len(prevs), None)


def test_cli_archive_writes_no_file_over_an_existing_one(empty_log, tmp_path, capsys):
    _old_events(400, 1)
    out = Path(tmp_path / "exists.jsonl")
    out.write_text("keep")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["audit", "archive", "--before", str(chain.earliest_allowed()), str(out)])
    assert exit_.value.code == 2
    assert out.read_text() == "keep"


def test_the_bulk_writers_shortcut_hashes_as_digest_does():
    scalars = chain.canonical_scalars(
        [0, timezone.now(), None, '县"admin\\', "", "r1", "create", 7, "", "", True, None]
    )
    one = chain.digester(scalars)
    for pk, object_id, label in [(1, "12", "张三"), (99, 'x"y', "a\nb\u2028")]:
        expected = chain.digest(
            [pk, *scalars[1:8], object_id, label, *scalars[10:]], "{}", '{"a":1}', "f" * 64
        )
        assert one(pk, object_id, label, "{}", '{"a":1}', "f" * 64) == expected
