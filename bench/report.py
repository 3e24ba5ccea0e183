"""Benchmark: `rencai report` (the 工作开展情况汇报 as a Word file) for the county, beside
`rencai figures` in the same run (not a test).

Target (issue 13): with 100,000 Persons on PostgreSQL, `rencai report` for the county ≤ 2 s.
Against the database named by RENCAI_DATABASE_URL (the demo county, built beforehand with
`rencai demo --persons N --no-serve`), each command is run as a user runs it — a new process,
`.venv/bin/rencai …`, start-up, Django set-up and all — once to warm up, then N times (5); the
figure is the median wall time. Then the report's two parts in-process, N times each: drafting
(every figure the text uses, computed from the database) and writing the .docx; and, with
`--pdf`, the PDF preview through LibreOffice. Results also go to bench/out/report-<vendor>.json.

    createdb -h 127.0.0.1 -U postgres rencai_bench_c
    export RENCAI_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/rencai_bench_c
    export RENCAI_DATA_DIR=$(mktemp -d)
    .venv/bin/rencai demo --persons 100000 --no-serve
    .venv/bin/python bench/report.py [--unit 示范县] [--period 2026H1] [--runs 5] [--pdf]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RENCAI = str(ROOT / ".venv" / "bin" / "rencai")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], runs: int, cpu: list[float] | None = None) -> list[float]:
    """Wall seconds of `command` run `runs` times after one warm-up; fails loudly. `cpu`
    receives each run's CPU seconds in the process itself (user + system): what the command
    costs this machine apart from waiting for the database and for the other sessions' load."""
    times = []
    for i in range(runs + 1):
        start, used = time.perf_counter(), _cpu()
        done = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
        if i:
            times.append(elapsed)
            if cpu is not None:
                cpu.append(_cpu() - used)
    return times


def in_process(unit: str, period: str, runs: int, with_pdf: bool) -> dict[str, list[float]]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
    import django

    django.setup()
    from django.db import connection

    from bench.harness import SqlTimer
    from rencai.figures import Scope, parse_period
    from rencai.orgs.models import OrgUnit
    from rencai.orgs.resolve import UnitResolver
    from rencai.reports import gbt9704, pdf
    from rencai.reports.draft import draft

    found: dict[str, list[float]] = {"draft": [], "draft_sql": [], "docx": [], "figures_used": []}
    if with_pdf:
        found["pdf"] = []
    target = OrgUnit.objects.get(pk=UnitResolver(None)(unit))
    for i in range(runs + 1):
        start, sql = time.perf_counter(), SqlTimer()
        with connection.execute_wrapper(sql):
            written = draft(Scope(target), parse_period(period))
        drafted = time.perf_counter()
        data = gbt9704.write(written)
        wrote = time.perf_counter()
        if i:
            found["draft"].append(drafted - start)
            found["draft_sql"].append(sql.seconds)
            found["docx"].append(wrote - drafted)
            found["figures_used"].append(len(written.used))
        if with_pdf and i:
            start = time.perf_counter()
            pdf.to_pdf(data)
            found["pdf"].append(time.perf_counter() - start)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="示范县")
    parser.add_argument("--period", default="2026H1")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pdf", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        out = str(Path(work) / "report.docx")
        where = ["--unit", args.unit, "--period", args.period]
        cpu: dict[str, list[float]] = {"figures": [], "report": []}
        rows = {
            "rencai figures": timed([RENCAI, "figures", *where], args.runs, cpu["figures"]),
            "rencai report": timed([RENCAI, "report", out, *where], args.runs, cpu["report"]),
            "rencai --help (start-up)": timed([RENCAI, "--help"], args.runs),
        }
    parts = in_process(args.unit, args.period, args.runs, args.pdf)
    vendor = "postgresql" if os.environ.get("RENCAI_DATABASE_URL") else "sqlite"
    print(f"{vendor}  unit {args.unit}  period {args.period}  median of {args.runs}")
    for name, times in rows.items():
        print(f"{name:<28}{statistics.median(times):7.2f} s   (min {min(times):.2f})")
    for name, times in cpu.items():
        print(f"{'  CPU of rencai ' + name:<28}{statistics.median(times):7.2f} s")
    for name, times in parts.items():
        if name == "figures_used":
            print(f"{'  figures recorded':<28}{int(times[0]):7d}")
            continue
        print(f"{'  in-process ' + name:<28}{statistics.median(times):7.3f} s")
    OUT.mkdir(parents=True, exist_ok=True)
    result = {"vendor": vendor, "unit": args.unit, "period": args.period, **rows, **parts}
    result["cpu"] = cpu
    (OUT / f"report-{vendor}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
