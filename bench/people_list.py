"""Benchmark: server time of the 人才库 list on the demo county (not a test).

Against the database named by RENCAI_DATABASE_URL (default: SQLite in RENCAI_DATA_DIR) holding
the demo county (`rencai demo --persons 1000000 --no-serve`), each case is requested in-process
with Django's test Client, logged in (force_login) as a demo account: 2 warm-up requests, then
N timed ones; the figure is the median wall time of `client.get` (middleware, view, queries,
template: everything but the network), with the share spent in SQL.

    RENCAI_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/rencai_bench \\
        .venv/bin/python bench/people_list.py [--runs 15] [--explain]

Targets (issue): with 1,000,000 Persons on PostgreSQL, the first page filtered by township +
category ≤ 300 ms, and the 拼音首字母 search ≤ 300 ms. `--explain` also writes the plans
(EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite) of each case's queries, slowest
first, to bench/out/. Results go to bench/out/people_list-<vendor>.json too.
"""

import argparse
import json
import os
import re
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_MS = 300

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

from bench.harness import client_for, pad, time_requests  # noqa: E402


@dataclass
class Case:
    key: str
    label: str
    username: str | None  # None: anonymous
    path: str
    target_ms: float | None = None
    times: list[float] = field(default_factory=list)
    sql_times: list[float] = field(default_factory=list)
    queries: int = 0
    total: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def sql_ms(self) -> float:
        return statistics.median(self.sql_times) * 1000


def cases() -> list[Case]:
    from rencai.orgs.models import OrgUnit
    from rencai.people.models import TalentCategory

    chengguan = OrgUnit.objects.get(name="城关镇", parent__parent__isnull=True)
    farmer = TalentCategory.objects.get(name="农村实用人才")
    filtered = f"/people/?org={chengguan.pk}&category={farmer.pk}"
    return [
        Case("trivial", "GET /accounts/login/ (anonymous)", None, "/accounts/login/"),
        Case("baseline", "/people/ unfiltered, county_admin", "county_admin", "/people/"),
        Case(
            "township_category",
            "/people/ 城关镇 + 农村实用人才, county_admin",
            "county_admin",
            filtered,
            TARGET_MS,
        ),
        Case(
            "township_category_cg",
            "/people/ 城关镇 + 农村实用人才, chengguan_admin",
            "chengguan_admin",
            filtered,
            TARGET_MS,
        ),
        Case("q_zs_county", "/people/?q=zs, county_admin", "county_admin", "/people/?q=zs", 300),
        Case("q_wj_county", "/people/?q=wj, county_admin", "county_admin", "/people/?q=wj", 300),
        Case("q_zsh_county", "/people/?q=zsh, county_admin", "county_admin", "/people/?q=zsh", 300),
        Case(
            "q_zs_chengguan",
            "/people/?q=zs, chengguan_admin",
            "chengguan_admin",
            "/people/?q=zs",
            TARGET_MS,
        ),
        Case(
            "q_wj_chengguan",
            "/people/?q=wj, chengguan_admin",
            "chengguan_admin",
            "/people/?q=wj",
            TARGET_MS,
        ),
        Case("home_county", "/home/ 工作台, county_admin", "county_admin", "/home/"),
        Case("home_chengguan", "/home/ 工作台, chengguan_admin", "chengguan_admin", "/home/"),
    ]


def measure(case: Case, runs: int, warmups: int) -> None:
    client = client_for(case.username)
    case.times, case.sql_times, case.queries, response = time_requests(
        client, case.path, runs, warmups
    )
    found = re.search(r"共 ([\d,]+) 人", response.content.decode())
    case.total = found.group(1) if found else ""


def explain(case: Case, out) -> None:
    """The case's queries, slowest first, with their plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(case.username)
    with CaptureQueriesContext(connection) as captured:
        client.get(case.path)
    out.write(f"\n{'=' * 100}\n{case.label}\n{case.path}\n{'=' * 100}\n")
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    for q in queries:
        sql = q["sql"]
        out.write(f"\n--- {float(q['time']) * 1000:.1f} ms ---\n{sql}\n")
        if not sql.lstrip().upper().startswith("SELECT") or float(q["time"]) < 0.002:
            continue
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
            for row in cursor.fetchall():
                out.write("    " + " | ".join(str(v) for v in row) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--only", help="comma-separated case keys")
    parser.add_argument("--explain", action="store_true", help="write query plans to bench/out/")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # As `rencai serve` does: the hashed static files the templates link to.
    call_command("collectstatic", interactive=False, verbosity=0)

    from rencai.people.models import Person

    persons = Person.objects.count()
    selected = cases()
    if args.only:
        keys = set(args.only.split(","))
        selected = [c for c in selected if c.key in keys]
    vendor = connection.vendor
    runs = f"median of {args.runs} runs after {args.warmups} warm-ups"
    print(f"{vendor}: {persons:,} Persons; {runs}")
    for case in selected:
        measure(case, args.runs, args.warmups)
    by_key = {c.key: c for c in selected}
    baseline = by_key.get("baseline")
    trivial = by_key.get("trivial")
    header = f"{'case':<48} {'median':>9} {'SQL':>9} {'q':>3} {'×list':>7} {'×trivial':>9}  result"
    print(header)
    print("-" * len(header))
    for case in selected:
        ratio = case.median_ms / baseline.median_ms if baseline else float("nan")
        ratio_t = case.median_ms / trivial.median_ms if trivial else float("nan")
        verdict = ""
        if case.target_ms is not None:
            verdict = "OK" if case.median_ms <= case.target_ms else f"MISSED (>{case.target_ms})"
        print(
            f"{pad(case.label, 48)} {case.median_ms:>7.1f}ms {case.sql_ms:>7.1f}ms"
            f" {case.queries:>3} {ratio:>7.2f} {ratio_t:>9.1f}  共 {case.total or '—'} 人 {verdict}"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    result = {
        "vendor": vendor,
        "persons": persons,
        "runs": args.runs,
        "warmups": args.warmups,
        "cases": [
            {
                "key": c.key,
                "label": c.label,
                "path": c.path,
                "user": c.username,
                "median_ms": round(c.median_ms, 2),
                "sql_median_ms": round(c.sql_ms, 2),
                "min_ms": round(min(c.times) * 1000, 2),
                "max_ms": round(max(c.times) * 1000, 2),
                "queries": c.queries,
                "ratio_to_list": round(c.median_ms / baseline.median_ms, 3) if baseline else None,
                "ratio_to_trivial": round(c.median_ms / trivial.median_ms, 3) if trivial else None,
                "total": c.total,
                "target_ms": c.target_ms,
            }
            for c in selected
        ],
    }
    text = json.dumps(result, ensure_ascii=False, indent=1)
    (OUT / f"people_list-{vendor}.json").write_text(text)
    if args.explain:
        path = OUT / f"explain-{vendor}.txt"
        with path.open("w") as out:
            for case in selected:
                if case.key != "trivial":
                    explain(case, out)
        print(f"plans: {path}")


if __name__ == "__main__":
    main()
