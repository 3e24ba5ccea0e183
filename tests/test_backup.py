"""备份与恢复: a backup of a seeded county restores into a fresh database with every table's
rows and checksum equal, refuses a database that holds data, and notices a damaged backup
(rencai/backup.py). Each vendor runs its own mechanism: SQLite's backup API, pg_dump/pg_restore."""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_id
from django.db import connection

from rencai import backup
from rencai.audit import chain
from rencai.audit.context import acting_as
from rencai.people.bulk import PersonBulkWriter
from tests.test_bulk import _values

# pg_dump and the restoring process read committed rows only. (A transactional test's flush also
# empties the data migrations' tables, so the seeding below needs none of their rows.)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def target(tmp_path) -> Iterator[str]:
    """The URL of a new, empty database: a new SQLite file, or a PostgreSQL database created
    for the test and dropped after it."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    s = connection.settings_dict
    name = f"rencai_restore_{uuid.uuid4().hex[:10]}"
    params = {"host": s["HOST"], "port": s["PORT"] or 5432, "user": s["USER"]}
    params["password"] = s["PASSWORD"] or None
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    try:
        yield f"postgresql://{s['USER']}{password}@{s['HOST']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rencai(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RENCAI_DATABASE_URL": url, "RENCAI_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "rencai", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def checksums_of(url: str, tmp_path: Path) -> dict:
    """Every table's rows and checksum in the database at `url`, computed by a fresh process."""
    code = (
        "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'rencai.settings';"
        " django.setup(); from rencai.backup import table_checksums;"
        " print(json.dumps(table_checksums()))"
    )
    env = {**os.environ, "RENCAI_DATABASE_URL": url, "RENCAI_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture
def backed_up(county, personas, tmp_path) -> Path:
    """A backup of the fixture county with its accounts and persons written by the bulk
    writer (so the audit chain holds bulk entries too)."""
    with acting_as(personas.county_admin):
        PersonBulkWriter().write(
            [(_values(county, make_id("19880808", n)), []) for n in range(1, 6)]
        )
    out = tmp_path / "backup"
    backup.backup(out)
    return out


def test_a_backup_restores_into_a_fresh_database_with_every_table_equal(
    backed_up, target, tmp_path
):
    manifest = json.loads((backed_up / "manifest.json").read_text())
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"]["people_person"]["rows"] > 0
    assert manifest["audit_chain"]["last_hash"] == chain.head()["last_hash"]

    done = rencai(target, tmp_path, "restore", str(backed_up))

    assert done.returncode == 0, done.stderr + done.stdout
    assert "各表行数与校验值均与备份清单一致" in done.stdout
    assert "审计日志哈希链校验通过" in done.stdout
    assert checksums_of(target, tmp_path) == backup.table_checksums()


def test_a_database_holding_data_is_refused_without_force(backed_up, target, tmp_path):
    assert rencai(target, tmp_path, "restore", str(backed_up)).returncode == 0

    again = rencai(target, tmp_path, "restore", str(backed_up))
    assert again.returncode == 2
    assert "目标数据库不是空的" in again.stderr

    forced = rencai(target, tmp_path, "restore", "--force", str(backed_up))
    assert forced.returncode == 0, forced.stderr + forced.stdout


def test_a_damaged_dump_is_detected_before_restoring(backed_up, target, tmp_path):
    manifest = json.loads((backed_up / "manifest.json").read_text())
    dump = backed_up / manifest["dump"]["file"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    done = rencai(target, tmp_path, "restore", str(backed_up))

    assert done.returncode == 1
    assert "已损坏" in done.stderr


def test_a_table_that_differs_from_the_manifest_is_named(backed_up, target, tmp_path):
    path = backed_up / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["tables"]["orgs_orgunit"]["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))

    done = rencai(target, tmp_path, "restore", str(backed_up))

    assert done.returncode == 1
    assert "orgs_orgunit：行数相同但内容校验值不符" in done.stdout


def test_backup_refuses_a_directory_that_is_not_empty(county, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(backup.BackupError, match="已存在且不为空"):
        backup.backup(tmp_path)


def test_checksums_read_values_the_same_way_on_both_vendors():
    """Dates, decimals, JSON (keys in any order) and booleans have one text each."""
    import datetime
    import decimal

    row = (
        datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        datetime.date(2026, 1, 2),
        decimal.Decimal("12.50"),
        {"b": 1, "a": [True, None]},
        False,
    )
    same = (
        datetime.datetime(
            2026, 1, 2, 11, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
        ),
        datetime.date(2026, 1, 2),
        decimal.Decimal("12.5"),
        {"a": [True, None], "b": 1},
        False,
    )
    assert backup.row_text(row) == backup.row_text(same)


def test_a_pg_dump_older_than_the_server_is_refused_in_chinese():
    from types import SimpleNamespace

    server = SimpleNamespace(pg_version=990000)  # a PostgreSQL 99 no client here can dump
    with pytest.raises(backup.BackupError, match="找不到 PostgreSQL 99 或更新版本的 pg_dump"):
        backup.pg_tool("pg_dump", server)
