"""Benchmark: server time of the 驾驶舱 (/home/) with a million Persons and a million 人次 (not a
test).

Target (issue 13): on PostgreSQL with 1,000,000 Persons and 1,000,000 Attendance rows, the
county's 驾驶舱 renders in ≤ 300 ms server time on its first view after a change and ≤ 50 ms
from the cache, measured beside `/people/` (first page) in the same run. The data is what
`bench/training_overview.py --persons 1000000 --load-only` builds (the demo county's tree,
accounts and Persons; 3,000 programs and 1,000,000 Attendance rows of one year with targets);
this script only measures. Each case is requested in-process with Django's test Client logged in
as the demo county admin (bench/harness.py): 2 warm-ups, then N timed requests; the figure is
the median (and min) wall time of `client.get`, with the share spent in SQL and the ratio to
`/people/`. "After a change" writes one audit-logged change (a TrainingTarget's number, through
the ORM, as a page would) before each request, outside the timing: the change mark moves and
the page computes every figure afresh. Then each cockpit case once more under
CaptureQueriesContext: its slowest queries.

    RENCAI_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/rencai_bench13 \\
        .venv/bin/python bench/cockpit.py [--runs 15]
"""

import argparse
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

from bench.harness import client_for, pad, time_requests  # noqa: E402

FIRST_MS, CACHED_MS = 300, 50


@dataclass
class Case:
    key: str
    label: str
    path: str
    target_ms: float | None = None
    changed: bool = False  # one audit-logged change before each request
    times: list[float] = field(default_factory=list)
    sql_times: list[float] = field(default_factory=list)
    queries: int = 0
    figure: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.times) * 1000

    @property
    def sql_ms(self) -> float:
        return statistics.median(self.sql_times) * 1000


def one_change() -> None:
    """One audit-logged change to a record: the county's training target moves by one."""
    from rencai.audit.context import acting_as
    from rencai.training.models import TrainingTarget

    target = TrainingTarget.objects.filter(category=None).order_by("org__path").first()
    with acting_as(None, username="system:bench"):
        target.attendances += 1 if target.attendances % 2 == 0 else -1
        target.save()


def cases(county, town, year: int) -> list[Case]:
    home = f"/home/?org={county.pk}&year={year}"
    town_home = f"/home/?org={town.pk}&year={year}"
    after = "after a change"
    return [
        Case("baseline", "/people/ first page", "/people/"),
        Case("year_first", f"/home/ 示范县 全年, {after}", f"{home}&period=year", FIRST_MS, True),
        Case("year_cached", "/home/ 示范县 全年, cached", f"{home}&period=year", CACHED_MS),
        Case("h1_first", f"/home/ 示范县 上半年, {after}", f"{home}&period=h1", FIRST_MS, True),
        Case("q3_first", f"/home/ 示范县 第三季度, {after}", f"{home}&period=q3", None, True),
        Case("town_first", f"/home/ 城关镇 全年, {after}", f"{town_home}&period=year", None, True),
        Case("town_cached", "/home/ 城关镇 全年, cached", f"{town_home}&period=year", CACHED_MS),
    ]


def measure(case: Case, runs: int, warmups: int) -> None:
    from rencai.audit.log import change_mark

    client = client_for("county_admin")
    if case.changed:
        mark = change_mark()
        one_change()
        assert change_mark() != mark, "the change did not move the audit log's change mark"
    case.times, case.sql_times, case.queries, response = time_requests(
        client, case.path, runs, warmups, before=one_change if case.changed else None
    )
    html = response.content.decode()
    found = re.search(r'data-figure="training.attendance">([\d,]+)<', html) or re.search(
        r"共 ([\d,]+) 人", html
    )
    case.figure = found.group(1) if found else ""


def slowest(case: Case, n: int = 6) -> list[tuple[float, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("county_admin")
    if case.changed:
        one_change()
    with CaptureQueriesContext(connection) as captured:
        client.get(case.path)
    found = [(1000 * float(q["time"]), q["sql"]) for q in captured.captured_queries]
    return sorted(found, reverse=True)[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--only", help="comma-separated case keys")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from rencai.orgs.models import OrgUnit
    from rencai.people.models import Person
    from rencai.training.models import Attendance, TrainingProgram

    call_command("collectstatic", interactive=False, verbosity=0)
    county = OrgUnit.objects.get(parent=None)
    town = OrgUnit.objects.get(name="城关镇", parent=county)
    year = TrainingProgram.objects.order_by("-end_date").values_list("end_date", flat=True)[0].year
    selected = cases(county, town, year)
    if args.only:
        keys = set(args.only.split(",")) | {"baseline"}
        selected = [c for c in selected if c.key in keys]
    print(
        f"{connection.vendor}: {Person.objects.count():,} Persons,"
        f" {Attendance.objects.count():,} Attendance rows, year {year};"
        f" median of {args.runs} runs after {args.warmups} warm-ups"
    )
    load = [os.getloadavg()[0]]
    started = time.perf_counter()
    for case in selected:
        measure(case, args.runs, args.warmups)
        load.append(os.getloadavg()[0])
    print(f"load average (1 min) before/after each case: {' '.join(f'{x:.1f}' for x in load)}")
    baseline = next(c for c in selected if c.key == "baseline")
    header = f"{'case':<40} {'median':>9} {'min':>9} {'SQL':>9} {'queries':>7} {'×people':>8}"
    print(header + "  人次 / 人")
    print("-" * (len(header) + 10))
    for case in selected:
        verdict = ""
        if case.target_ms is not None:
            verdict = "OK" if case.median_ms <= case.target_ms else f"MISSED (>{case.target_ms})"
        print(
            f"{pad(case.label, 40)} {case.median_ms:>7.1f}ms {case.min_ms:>7.1f}ms"
            f" {case.sql_ms:>7.1f}ms {case.queries:>7} {case.median_ms / baseline.median_ms:>8.2f}"
            f"  {case.figure or '—'} {verdict}"
        )
    for case in selected:
        if case.changed:
            print(f"\n{case.label}: slowest queries")
            for ms, sql in slowest(case):
                print(f"  {ms:7.1f} ms  {sql[:240]}")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
