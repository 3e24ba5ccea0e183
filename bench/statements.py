"""Benchmark: `rencai tables` (the 统计报表 workbook) for the county, beside `rencai figures` in
the same run (not a test).

Target (issue 13): with 100,000 Persons on PostgreSQL, `rencai tables` for the county ≤ 3 s.
Against the database named by RENCAI_DATABASE_URL (the demo county, built beforehand with
`rencai demo --persons N --no-serve`), each command is run as a user runs it — a new process,
`.venv/bin/rencai …`, start-up, Django set-up and all — once to warm up, then N times (5); the
figure is the median wall time. Then in-process, N times each: every table built (each with its
queries and SQL time) on one scope, and the workbook written. Results also go to
bench/out/statements-<vendor>.json.

    createdb -h 127.0.0.1 -U postgres rencai_bench_b
    export RENCAI_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/rencai_bench_b
    export RENCAI_DATA_DIR=$(mktemp -d)
    .venv/bin/rencai demo --persons 100000 --no-serve
    .venv/bin/python bench/statements.py [--unit 示范县] [--period 2026H1] [--runs 5]
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RENCAI = str(ROOT / ".venv" / "bin" / "rencai")


def timed(command: list[str], runs: int) -> list[float]:
    """Wall seconds of `command` run `runs` times after one warm-up; fails loudly."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
        if i:
            times.append(elapsed)
    return times


def in_process(unit: str, period: str, runs: int) -> dict[str, list[float]]:
    """Each table's build (wall, SQL, queries) and the workbook's writing, on one scope a run."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rencai.figures import Scope, parse_period, today
    from rencai.orgs.models import OrgUnit
    from rencai.orgs.resolve import UnitResolver
    from rencai.statements import tables, workbook

    found: dict[str, list[float]] = {}
    target = OrgUnit.objects.get(pk=UnitResolver(None)(unit))
    asked = parse_period(period)
    for i in range(runs + 1):
        scope = Scope(target)
        built = []
        for table in tables.tables():
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                built.append((table, table.build(scope, asked)))
            if i:
                sql = sum(float(q["time"]) for q in queries.captured_queries)
                found.setdefault(f"{table.key} wall", []).append(time.perf_counter() - start)
                found.setdefault(f"{table.key} sql", []).append(sql)
                found.setdefault(f"{table.key} queries", []).append(len(queries.captured_queries))
        start = time.perf_counter()
        workbook.write_workbook(built, scope, asked, today(), io.BytesIO())
        if i:
            found.setdefault("xlsx write", []).append(time.perf_counter() - start)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--unit", default="示范县")
    parser.add_argument("--period", default="2026H1")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp()) / "tables.xlsx"
    where = ["--unit", args.unit, "--period", args.period]
    results = {
        "rencai tables": timed([RENCAI, "tables", str(out), *where], args.runs),
        "rencai figures (baseline)": timed([RENCAI, "figures", *where], args.runs),
        "rencai --help (start-up)": timed([RENCAI, "--help"], args.runs),
    }
    results.update(in_process(args.unit, args.period, args.runs))
    vendor = "postgresql" if "postgres" in os.environ.get("RENCAI_DATABASE_URL", "") else "sqlite"
    print(f"{vendor}, {args.unit} {args.period}, median of {args.runs}:")
    for name, values in results.items():
        median = statistics.median(values)
        shown = f"{median:.0f}" if name.endswith("queries") else f"{median:.2f} s"
        print(f"  {name:40} {shown}   (min {min(values):.2f}, max {max(values):.2f})")
    OUT.mkdir(exist_ok=True)
    (OUT / f"statements-{vendor}.json").write_text(json.dumps(results, indent=2), "utf-8")


if __name__ == "__main__":
    main()
