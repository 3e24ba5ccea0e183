"""Benchmark: server time of the 培训概况 (/training/) with a million 人次 (not a test).

Target (issue 4): with 1,000,000 Attendance rows on PostgreSQL, the county overview renders in
≤ 500 ms server time. Against the database named by RENCAI_DATABASE_URL (default: SQLite in
RENCAI_DATA_DIR), the script first makes sure the data is there — the demo county (the demo
builder's tree, accounts and `--persons` Persons, without its demo training), `--programs`
TrainingPrograms of one year organised by the county, its townships and its villages,
`--attendances` Attendance rows and a TrainingTarget for the county, every township and every
village — building what is missing (a rerun on the same database reuses it). Then each case is
requested in-process with Django's test Client logged in (force_login) as the demo county admin:
2 warm-up requests, then N timed ones; the figure is the median (and min) wall time of
`client.get` (middleware, view, queries, template: everything but the network), with the share
spent in SQL and the ratio to `/people/` (first page) in the same run. Then each overview case
three times more under CaptureQueriesContext: its queries grouped by shape, and the 5 slowest.

    createdb -h 127.0.0.1 -U postgres rencai_training_bench
    RENCAI_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/rencai_training_bench \\
        .venv/bin/python bench/training_overview.py [--attendances 1000000] [--runs 15]

`--explain` writes EXPLAIN (ANALYZE, BUFFERS) (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of
each case's slowest queries to bench/out/; results also go to
bench/out/training_overview-<vendor>.json.
"""

import argparse
import bisect
import datetime
import json
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_MS = 500
PREFIX = "基准培训"  # the name of every program this script generates starts with it
SLOWEST = 5

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

from bench.harness import client_for, insert_rows, pad, time_requests  # noqa: E402

# -- data ------------------------------------------------------------------------------------

# Programs per organiser level, and the relative size of one program at that level (before a
# ±50 % jitter): a county course draws ~1,600 trainees, a township's ~400, a village's ~80.
LEVELS = {"county": (0.10, 12.0), "township": (0.30, 3.0), "village": (0.60, 0.6)}
OUTSIDE_SHARE = 0.15  # trainees of a township's or village's program living elsewhere


def bench_data_present(year: int, programs: int, attendances: int) -> bool:
    from rencai.training.models import Attendance, TrainingProgram

    ours = TrainingProgram.objects.filter(name__startswith=PREFIX)
    return (
        ours.count() == programs
        and not ours.exclude(end_date__year=year).exists()
        and Attendance.objects.filter(program__name__startswith=PREFIX).count() == attendances
    )


def clear_bench_data(years: set[int]) -> None:
    from django.db import connection

    from rencai.training.models import Attendance, TrainingProgram, TrainingTarget

    # Raw deletes (no change log, no cascade collection of a million rows in Python).
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {qn(Attendance._meta.db_table)} WHERE program_id IN"
            f" (SELECT id FROM {qn(TrainingProgram._meta.db_table)} WHERE name LIKE %s)",
            [PREFIX + "%"],
        )
        cursor.execute(
            f"DELETE FROM {qn(TrainingProgram._meta.db_table)} WHERE name LIKE %s", [PREFIX + "%"]
        )
        for year in years:  # every target of the year: the bench database is the script's own
            table = qn(TrainingTarget._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE year = %s", [year])


def program_sizes(rng: random.Random, levels: list[str], total: int, cap: int) -> list[int]:
    """How many trainees each program gets: sizes by level with jitter, adding up to `total`,
    none above `cap` (the number of Persons)."""
    weights = [LEVELS[level][1] * rng.uniform(0.5, 1.5) for level in levels]
    scale = total / sum(weights)
    sizes = [min(cap, max(1, round(w * scale))) for w in weights]
    # Rounding and the cap leave a small difference: spread it one by one, largest first.
    order = sorted(range(len(sizes)), key=lambda i: -weights[i])
    diff = total - sum(sizes)
    step = 1 if diff > 0 else -1
    while diff:
        moved = False
        for i in order:
            if diff == 0:
                break
            if (step > 0 and sizes[i] < cap) or (step < 0 and sizes[i] > 1):
                sizes[i] += step
                diff -= step
                moved = True
        if not moved:
            raise SystemExit(f"cannot place {total:,} Attendance rows: too few Persons")
    return sizes


def trainees(rng: random.Random, size: int, inside: list[int], everyone: list[int]) -> list[int]:
    """`size` distinct Persons: mostly from the organiser's subtree (`inside`), the rest (and
    whatever the subtree cannot supply) from anywhere in the county."""
    if len(inside) == len(everyone):  # the county's own programs
        return rng.sample(everyone, size)
    n_in = min(len(inside), size - round(size * OUTSIDE_SHARE))
    chosen = rng.sample(inside, n_in)
    taken = set(chosen)
    while len(chosen) < size:
        pk = everyone[rng.randrange(len(everyone))]
        if pk not in taken:
            taken.add(pk)
            chosen.append(pk)
    return chosen


def build_training(county, year: int, n_programs: int, n_attendances: int, seed: int) -> None:
    """The programs, their Attendance rows and the targets of `year` (one transaction)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from rencai.orgs.choices import TOWNSHIP_KINDS, VILLAGE_KINDS
    from rencai.orgs.models import OrgUnit
    from rencai.people.models import Person
    from rencai.training.models import (
        Attendance,
        TrainingCategory,
        TrainingProgram,
        TrainingTarget,
    )

    rng = random.Random(seed)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    units = list(OrgUnit.objects.subtree(county).filter(is_active=True).order_by("name_path"))
    towns = [u for u in units if u.kind in TOWNSHIP_KINDS]
    villages = [u for u in units if u.kind in VILLAGE_KINDS]
    # Every Person of the county with the path of their home unit: a unit's subtree is a prefix.
    path_of = {u.pk: u.path for u in units}
    homes = sorted(
        (path_of.get(home), pk)
        for pk, home in Person.objects.order_by().values_list("pk", "home_org_id").iterator()
    )
    homes = [(path, pk) for path, pk in homes if path is not None]
    everyone = [pk for _path, pk in homes]
    paths = [path for path, _pk in homes]
    inside_cache: dict[int, list[int]] = {}

    def inside(unit) -> list[int]:
        if unit.pk not in inside_cache:
            lo = bisect.bisect_left(paths, unit.path)
            hi = bisect.bisect_left(paths, unit.path + "\uffff")
            inside_cache[unit.pk] = everyone[lo:hi]
        return inside_cache[unit.pk]

    categories = list(TrainingCategory.objects.order_by("sort_order", "id"))
    cum = list(accumulate(share for share, _size in LEVELS.values()))
    levels = [list(LEVELS)[bisect.bisect_left(cum, rng.random())] for _ in range(n_programs)]
    organisers = {"county": [county], "township": towns, "village": villages}
    first = datetime.date(year, 1, 1)
    days = (datetime.date(year, 12, 31) - first).days + 1
    program_rows = []
    plan = []  # (name, organiser) per program
    for i, level in enumerate(levels):
        organiser = rng.choice(organisers[level])
        category = rng.choice(categories)
        end = first + datetime.timedelta(days=rng.randrange(days))
        start = max(first, end - datetime.timedelta(days=rng.choice((0, 0, 1, 2, 4))))
        name = f"{PREFIX}{i + 1:05d} {organiser.name}{category.name}培训"
        plan.append((name, organiser))
        program_rows.append(
            [name, category.pk, organiser.pk, ops.adapt_datefield_value(start),
             ops.adapt_datefield_value(end), "8.0", "", organiser.name, None, "", "", now]
        )  # fmt: skip
    sizes = program_sizes(rng, levels, n_attendances, len(everyone))

    # Targets: a village's is ~110 % of what its people will do this year, a township's the sum
    # of its villages', the county's the sum of its townships' (a few off, so that the overview
    # has 目标分解不符 to list).
    target_rows = []

    def target(unit, value: int) -> int:
        target_rows.append([year, unit.pk, None, value])
        return value

    per_person = n_attendances / max(1, len(everyone))
    town_total = 0
    for town in towns:
        total = sum(
            target(v, max(10, round(len(inside(v)) * per_person * 1.1 / 10) * 10))
            for v in villages
            if v.parent_id == town.pk
        )
        town_total += target(town, total + (100 if rng.random() < 0.1 else 0))
    target(county, town_total)

    qn = ops.quote_name
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        insert_rows(
            cursor,
            TrainingProgram._meta.db_table,
            ["name", "category_id", "organiser_id", "start_date", "end_date", "hours",
             "teachers", "location", "subsidy_per_attendance", "funding_source", "notes",
             "created_at"],
            program_rows,
        )  # fmt: skip
        ids = dict(
            TrainingProgram.objects.filter(name__startswith=PREFIX).values_list("name", "pk")
        )
        insert_rows(
            cursor,
            TrainingTarget._meta.db_table,
            ["year", "org_id", "category_id", "attendances"],
            target_rows,
        )

        def attendance_rows():
            for (name, organiser), size in zip(plan, sizes, strict=True):
                program = ids[name]
                for person in trainees(rng, size, inside(organiser), everyone):
                    yield (program, person, "", now)

        insert_rows(
            cursor,
            Attendance._meta.db_table,
            ["program_id", "person_id", "notes", "created_at"],
            attendance_rows(),
        )
    loaded = time.perf_counter() - started
    tables = [qn(m._meta.db_table) for m in (TrainingProgram, Attendance, TrainingTarget, Person)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # autovacuum is off on the bench server
            cursor.execute("VACUUM (ANALYZE) " + ", ".join(tables))
        else:
            cursor.execute("ANALYZE")
    print(
        f"  loaded {len(program_rows):,} programs, {n_attendances:,} Attendance rows and"
        f" {len(target_rows)} targets in {loaded:.1f} s;"
        f" {'VACUUM (ANALYZE)' if connection.vendor == 'postgresql' else 'ANALYZE'}"
        f" {time.perf_counter() - started - loaded:.1f} s"
    )


def ensure_data(args) -> tuple[object, int]:
    from django.core.management import call_command
    from django.db import transaction

    from rencai.audit.context import acting_as
    from rencai.demo import builder
    from rencai.people.models import Person
    from rencai.training.models import Attendance, TrainingProgram

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    persons = Person.objects.count()
    if persons < args.persons:
        print(f"building the demo county: {args.persons:,} Persons (has {persons:,}) …")
    # builder.build(persons) minus its year of demo training (builder.add_training): the
    # programs, Attendance rows and targets here are this script's alone, so their number is
    # what the options say and the targets do not collide.
    with acting_as(None, username="system:demo"):
        with transaction.atomic():
            county = builder.build_tree(random.Random(2026))
            builder.ensure_accounts(county)
        added = builder.add_persons(county, args.persons - persons)
    if added:
        print(f"  demo county: {added:,} Persons added in {time.perf_counter() - started:.1f} s")
    others = Attendance.objects.exclude(program__name__startswith=PREFIX).count()
    if others:
        print(f"  note: the database holds {others:,} other Attendance rows (not this script's)")
    last = TrainingProgram.objects.filter(name__startswith=PREFIX).order_by("-end_date").first()
    year = last.end_date.year if last and not args.year else args.year or _this_year()
    if bench_data_present(year, args.programs, args.attendances):
        print(
            f"reusing {args.programs:,} programs and {args.attendances:,} Attendance rows of {year}"
        )
        return county, year
    print(
        f"loading {args.programs:,} programs and {args.attendances:,} Attendance rows of {year} …"
    )
    started = time.perf_counter()
    clear_bench_data({year, last.end_date.year} if last else {year})
    build_training(county, year, args.programs, args.attendances, seed=2026)
    print(f"  training data ready in {time.perf_counter() - started:.1f} s")
    return county, year


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def _this_year() -> int:
    return _today().year


# -- measurement -----------------------------------------------------------------------------


@dataclass
class Case:
    key: str
    label: str
    path: str
    username: str | None = "county_admin"  # None: anonymous
    target_ms: float | None = None
    sql: tuple[str, list] | None = None  # a raw query timed instead of a request
    cold: bool = False  # empty the cache before each request: the figures computed afresh
    times: list[float] = field(default_factory=list)
    sql_times: list[float] = field(default_factory=list)
    queries: int = 0
    figure: str = ""
    slowest: list[tuple[float, str]] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.times) * 1000

    @property
    def sql_ms(self) -> float:
        return statistics.median(self.sql_times) * 1000


def cases(county, year: int) -> list[Case]:
    from rencai.orgs.models import OrgUnit

    town = OrgUnit.objects.get(name="城关镇", parent=county)
    county_q = f"/training/?org={county.pk}&year={year}"
    town_q = f"/training/?org={town.pk}&year={year}"
    return [
        Case("trivial", "GET /accounts/login/ (anonymous)", "/accounts/login/", None),
        Case("baseline", "/people/ first page, county_admin", "/people/"),
        Case(
            "county_year", "/training/ 示范县 全年", f"{county_q}&period=year", target_ms=TARGET_MS
        ),
        Case("county_h1", "/training/ 示范县 上半年", f"{county_q}&period=h1", target_ms=TARGET_MS),
        Case(
            "county_year_cold",
            "/training/ 示范县 全年 (cold)",
            f"{county_q}&period=year",
            cold=True,
            target_ms=TARGET_MS,
        ),
        Case(
            "county_h1_cold",
            "/training/ 示范县 上半年 (cold)",
            f"{county_q}&period=h1",
            cold=True,
            target_ms=TARGET_MS,
        ),
        Case(  # not a whole half-year: counted from the ledger rows, not the tallies
            "county_custom_cold",
            "/training/ 示范县 1–10月 (cold)",
            f"{county_q}&period=custom&start={year}-01-01&end={year}-10-31",
            cold=True,
        ),
        Case("town_year", "/training/ 城关镇 全年", f"{town_q}&period=year"),
        Case("town_h1", "/training/ 城关镇 上半年", f"{town_q}&period=h1"),
        Case("town_year_cold", "/training/ 城关镇 全年 (cold)", f"{town_q}&period=year", cold=True),
        Case("floor", "floor: 1 GROUP BY pass, 全年", "", sql=floor_query(year)),
    ]


def floor_query(year: int) -> tuple[str, list]:
    """Not the page: the one pass over the year's Attendance ⋈ program ⋈ Person that would
    give the county's figures at once (人次 by home unit × category × ended by today), timed
    as raw SQL. What a single-scan overview could not go below on this data."""
    from django.db import connection

    from rencai.people.models import Person
    from rencai.training.models import Attendance, TrainingProgram

    qn = connection.ops.quote_name
    a, pr, p = (qn(m._meta.db_table) for m in (Attendance, TrainingProgram, Person))
    adapt = connection.ops.adapt_datefield_value
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    until = min(last, max(first, _today()))
    sql = (
        f"SELECT p.home_org_id, pr.category_id, pr.end_date <= %s, COUNT(*)"
        f" FROM {a} a JOIN {pr} pr ON pr.id = a.program_id JOIN {p} p ON p.id = a.person_id"
        f" WHERE pr.end_date >= %s AND pr.end_date <= %s GROUP BY 1, 2, 3"
    )
    return sql, [adapt(until), adapt(first), adapt(last)]


def measure(case: Case, runs: int, warmups: int) -> None:
    from django.db import connection

    if case.sql is not None:
        for i in range(warmups + runs):
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(*case.sql)
                groups = cursor.fetchall()
            elapsed = time.perf_counter() - start
            if i >= warmups:
                case.times.append(elapsed)
                case.sql_times.append(elapsed)
        case.queries = 1
        case.figure = f"{sum(row[-1] for row in groups):,} 人次 in {len(groups):,} groups"
        return
    from django.core.cache import cache

    client = client_for(case.username)
    case.times, case.sql_times, case.queries, response = time_requests(
        client, case.path, runs, warmups, before=cache.clear if case.cold else None
    )
    html = response.content.decode()
    found = re.search(r'id="figure-total"[^>]*>([\d,]+)<', html) or re.search(
        r"共 ([\d,]+) 人", html
    )
    case.figure = found.group(1) if found else ""


def capture(case: Case, repeat: int = 3) -> list[dict]:
    """The case's queries with the median time of `repeat` captured requests each (the same
    request issues the same queries in the same order), slowest first."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(case.username)
    rounds = []
    for _ in range(repeat):
        if case.cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(case.path)
        rounds.append(captured.captured_queries)
    same = all(len(r) == len(rounds[0]) for r in rounds)
    queries = [
        {
            "sql": q["sql"],
            "ms": 1000 * statistics.median(float(r[i]["time"]) for r in rounds)
            if same
            else 1000 * float(q["time"]),
        }
        for i, q in enumerate(rounds[-1])
    ]
    return sorted(queries, key=lambda q: -q["ms"])


def compact(sql: str) -> str:
    """The SQL without identifier quotes and with long id lists counted, not listed (the 300
    characters printed then reach the conditions)."""
    return re.sub(
        r"IN \((\d+(?:, \d+){5,})\)",
        lambda m: f"IN (<{m.group(1).count(',') + 1} ids>)",
        sql.replace('"', ""),
    )


def where(sql: str) -> str:
    """From the query's first WHERE on: what tells queries of one shape apart."""
    at = sql.find(" WHERE ")
    return sql[at + 1 :] if at >= 0 else sql


def shape(sql: str) -> str:
    """The query with its literals blanked: queries that differ only by unit or date group."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\(\s*\d+(?:\s*,\s*\d+)*\s*\)", "(…)", sql)
    return re.sub(r"\b\d+\b", "?", sql)


def explain(conn, sql: str) -> list[str]:
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [" | ".join(str(v) for v in row) for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendances", type=int, default=1_000_000)
    parser.add_argument("--programs", type=int, default=3000)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--year", type=int, help="the programs' year (default: this year)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--only", help="comma-separated case keys")
    parser.add_argument("--explain", action="store_true", help="write query plans to bench/out/")
    parser.add_argument("--load-only", action="store_true", help="build the data, measure nothing")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from rencai.training.models import Attendance

    county, year = ensure_data(args)
    if args.load_only:
        return
    # As `rencai serve` does: the hashed static files the templates link to.
    call_command("collectstatic", interactive=False, verbosity=0)

    selected = cases(county, year)
    if args.only:
        keys = set(args.only.split(",")) | {"baseline"}
        selected = [c for c in selected if c.key in keys]
    vendor = connection.vendor
    rows = Attendance.objects.count()
    print(
        f"{vendor}: {rows:,} Attendance rows, year {year};"
        f" median of {args.runs} runs after {args.warmups} warm-ups"
    )
    load = [os.getloadavg()[0]]
    for case in selected:
        measure(case, args.runs, args.warmups)
        load.append(os.getloadavg()[0])
    print(f"load average (1 min) before/after each case: {' '.join(f'{x:.1f}' for x in load)}")
    baseline = next(c for c in selected if c.key == "baseline")
    header = (
        f"{'case':<34} {'median':>9} {'min':>9} {'SQL':>9} {'queries':>7} {'×people':>8}  figure"
    )
    print(header)
    print("-" * len(header))
    for case in selected:
        verdict = ""
        if case.target_ms is not None:
            verdict = "OK" if case.median_ms <= case.target_ms else f"MISSED (>{case.target_ms})"
        print(
            f"{pad(case.label, 34)} {case.median_ms:>7.1f}ms {case.min_ms:>7.1f}ms"
            f" {case.sql_ms:>7.1f}ms {case.queries:>7} {case.median_ms / baseline.median_ms:>8.2f}"
            f"  {case.figure or '—'} {verdict}"
        )

    plans = []
    for case in selected:
        if case.sql is not None or not case.path.startswith("/training/"):
            continue
        queries = capture(case)
        groups: dict[str, list[float]] = {}
        for q in queries:
            groups.setdefault(shape(compact(q["sql"])), []).append(q["ms"])
        print(f"\n{case.label}: {len(queries)} queries, {sum(q['ms'] for q in queries):.0f} ms")
        print("  by shape (count × median = total):")
        for sql, times in sorted(groups.items(), key=lambda kv: -sum(kv[1]))[:SLOWEST]:
            print(
                f"    {len(times):>4} × {statistics.median(times):7.1f} ms = {sum(times):7.0f} ms"
                f"  {sql[:300]}"
            )
            if len(sql) > 300:
                print(f"{'':>32}… {where(sql)[:300]}")
        print(f"  {SLOWEST} slowest:")
        for q in queries[:SLOWEST]:
            case.slowest.append((q["ms"], q["sql"]))
            sql = compact(q["sql"])
            print(f"    {q['ms']:7.1f} ms  {sql[:300]}")
            if len(sql) > 300:
                print(f"{'':>15}… {where(sql)[:300]}")
        if args.explain:
            for q in queries[:SLOWEST]:
                plans.append((case, q, explain(connection, q["sql"])))

    OUT.mkdir(parents=True, exist_ok=True)
    result = {
        "vendor": vendor,
        "attendances": rows,
        "year": year,
        "runs": args.runs,
        "warmups": args.warmups,
        "load_average": load,
        "cases": [
            {
                "key": c.key,
                "label": c.label,
                "path": c.path,
                "user": c.username,
                "median_ms": round(c.median_ms, 2),
                "min_ms": round(c.min_ms, 2),
                "max_ms": round(max(c.times) * 1000, 2),
                "sql_median_ms": round(c.sql_ms, 2),
                "queries": c.queries,
                "ratio_to_people": round(c.median_ms / baseline.median_ms, 3),
                "figure": c.figure,
                "target_ms": c.target_ms,
                "slowest": [{"ms": round(ms, 2), "sql": sql} for ms, sql in c.slowest],
            }
            for c in selected
        ],
    }
    text = json.dumps(result, ensure_ascii=False, indent=1)
    (OUT / f"training_overview-{vendor}.json").write_text(text)
    if plans:
        path = OUT / f"training_overview-explain-{vendor}.txt"
        with path.open("w") as out:
            for case, q, plan in plans:
                out.write(f"\n{'=' * 100}\n{case.label}  {case.path}\n")
                out.write(f"--- {q['ms']:.1f} ms ---\n{q['sql']}\n")
                out.writelines(f"    {line}\n" for line in plan)
        print(f"\nplans: {path}")


if __name__ == "__main__":
    main()
