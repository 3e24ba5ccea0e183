"""What the benchmark scripts share: timing a page as a user sees it, adding up the time spent in
the database, writing bench rows at the database's bulk speed, and printing CJK labels in
columns. Imported as `bench.harness` by scripts that have put the repository root on sys.path."""

import time
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any


class SqlTimer:
    """execute_wrapper that adds up the time spent in the database."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def pad(text: str, width: int) -> str:
    """Left-justify in a terminal, counting CJK characters as two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def client_for(username: str | None) -> Any:
    """A test Client logged in as `username` (None: anonymous)."""
    from django.test import Client

    from rencai.accounts.models import User

    # A host in the default RENCAI_ALLOWED_HOSTS (setup_test_environment is not used: it
    # instruments template rendering, which would distort the figures).
    client = Client(HTTP_HOST="127.0.0.1")
    if username is not None:
        user = User.objects.get(username=username)
        client.force_login(user)
        _pass_second_factor(client, user)
    return client


def _pass_second_factor(client: Any, user: Any) -> None:
    """Mark the session as past the second factor for a role that must verify (county admins
    since issue 10), as typing the code would: the bench times pages, not the login. A confirmed
    device is made by bulk_create (no audit row) when the account has none."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rencai.accounts.second_factor import is_required

    if not is_required(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        TOTPDevice.objects.bulk_create([TOTPDevice(user=user, name="bench", confirmed=True)])
        device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def time_requests(
    client: Any, path: str, runs: int, warmups: int, before: Callable[[], None] | None = None
) -> tuple[list[float], list[float], int, Any]:
    """GET `path` `warmups + runs` times (calling `before` ahead of each): the wall and SQL
    seconds of the timed runs, the number of queries of the last one, and its response. A
    response other than 200 ends the script."""
    from django.db import connection

    times: list[float] = []
    sql_times: list[float] = []
    queries = 0
    for i in range(warmups + runs):
        if before is not None:
            before()
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        if i >= warmups:
            times.append(elapsed)
            sql_times.append(timer.seconds)
            queries = timer.count
    return times, sql_times, queries, response


def insert_rows(cursor: Any, table: str, columns: list[str], rows: Iterable[Any]) -> None:
    """Plain rows into `table` through a Django cursor: COPY on PostgreSQL, executemany on
    SQLite. No change-log entries: bench data."""
    qn = cursor.db.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    if cursor.db.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})", rows)
