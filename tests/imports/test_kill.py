"""SIGKILL in the middle of a commit: the import is one transaction, so a process killed while
writing leaves the database exactly as it was — no Person, no import event, no change entry —
and the rows it was writing import cleanly afterwards.

The child is a real `python -m rencai import persons FILE --as chengguan_admin` against the test
run's database: the test database itself (its data committed: transaction=True), or, when the
SQLite test database lives in memory where no other process can reach it, a file copy of it
(sqlite3's backup API: the same schema, categories and personas).

The child's stderr is a pseudo-terminal, so it prints its progress ("写入 5,000 行" after each
batch of 5,000 rows is written inside the transaction); it is killed on the first such line,
with three more batches still to write.
"""

import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from imports.workbooks import person_row, persons_csv
from rencai.audit.models import AuditAction, AuditEvent
from rencai.people.models import Person

ROOT = Path(__file__).resolve().parents[2]
ROWS = 20_000
WRITING = re.compile(r"写入 [\d,]+ 行")

CHECK_ROWS = 50


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(s["USER"] or "")
        if s.get("PASSWORD"):
            auth += ":" + quote(s["PASSWORD"])
        host = s.get("HOST") or "127.0.0.1"
        port = s.get("PORT") or 5432
        return f"postgresql://{auth}@{host}:{port}/{quote(s['NAME'])}"
    return f"sqlite:///{s['NAME']}"


def _child_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENCAI_")}
    env.update(
        RENCAI_DATABASE_URL=url,
        RENCAI_DATA_DIR=str(settings.DATA_DIR),
        DJANGO_SETTINGS_MODULE="rencai.settings",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    return env


class Database:
    """What the child is pointed at, and how the parent counts what it holds."""

    def __init__(self, tmp_path: Path):
        s = connection.settings_dict
        self.file: Path | None = None
        if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(s["NAME"]):
            # Another process cannot open the test's in-memory database: copy it (schema,
            # seeded categories, the fixture county and personas) into a file.
            self.file = tmp_path / "kill.sqlite3"
            target = sqlite3.connect(self.file)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.file}"
        else:
            self.url = _database_url()

    def counts(self) -> dict:
        if self.file is None:  # the test's own database, committed data
            return {
                "persons": Person.objects.count(),
                "events": AuditEvent.objects.count(),
                "imports": AuditEvent.objects.filter(action=AuditAction.IMPORT).count(),
                "healthy": True,
            }
        db = sqlite3.connect(self.file)
        try:
            one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
            return {
                "persons": one(f"SELECT COUNT(*) FROM {Person._meta.db_table}"),
                "events": one(f"SELECT COUNT(*) FROM {AuditEvent._meta.db_table}"),
                "imports": one(
                    f"SELECT COUNT(*) FROM {AuditEvent._meta.db_table} WHERE action = 'import'"
                ),
                "healthy": one("PRAGMA integrity_check") == "ok",
            }
        finally:
            db.close()


def _import_command(path: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "rencai",
        "import",
        "persons",
        str(path),
        "--as",
        "chengguan_admin",
    ]


def _rows(n: int) -> list[list]:
    first = date(1960, 1, 1)
    return [
        person_row(f"批量{i}", birth=f"{first + timedelta(days=i // 999):%Y%m%d}", seq=i % 999 + 1)
        for i in range(n)
    ]


def _run_until_writing(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run `command` on a pseudo-terminal; SIGKILL it on its first 写入 progress line.
    Returns (exit status, everything it printed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    output = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
                if WRITING.search(output.decode("utf-8", "replace")):
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            elif proc.poll() is not None:
                break
        status = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    return status, output.decode("utf-8", "replace")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sigkill_during_the_commit_writes_nothing(personas, tmp_path):
    database = Database(tmp_path)
    env = _child_env(database.url)
    before = database.counts()
    rows = _rows(ROWS)
    path = tmp_path / "两万人.csv"
    path.write_bytes(persons_csv(rows, encoding="utf-8"))

    status, output = _run_until_writing(_import_command(path), env)

    assert f"共 {ROWS} 行：新增 {ROWS}，更新 0，未变 0，有误 0" in output, output
    assert WRITING.search(output), output
    assert status == -signal.SIGKILL, output  # killed, not finished
    assert "已导入" not in output
    after = database.counts()
    assert after == before
    assert after["imports"] == 0 and after["healthy"]

    # Nothing was left locked or half-written: the file's first rows import afterwards.
    small = tmp_path / "前五十人.csv"
    small.write_bytes(persons_csv(rows[:CHECK_ROWS], encoding="utf-8"))
    done = subprocess.run(
        _import_command(small),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已导入。" in done.stdout
    final = database.counts()
    assert final["persons"] == before["persons"] + CHECK_ROWS
    assert final["imports"] == 1
    assert final["events"] == before["events"] + 1 + CHECK_ROWS
