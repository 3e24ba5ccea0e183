"""Benchmark: a 5,000-row 培训签到表 imported into one program (not a test).

Target (issue 4): ≤ 2 s for dry run + commit. In-process (Django set up once, as the import
job's process is), against the database named by RENCAI_DATABASE_URL (default SQLite in
RENCAI_DATA_DIR) holding the demo county (built when missing). Two cases, N runs each, each run
inside a transaction rolled back afterwards (so every run starts from the same database):

* new: 5,000 trainees the register does not hold — each is registered (Person + change entry)
  and enrolled;
* known: 5,000 trainees already in the register (created once, before the runs) — enrolled only.

Baselines in the same run: python-calamine reading the same workbook; and each case once more
with the ledger tallies' triggers dropped inside the run's transaction (`… no tally`: what the
tallies cost the import).

    .venv/bin/python bench/training_import.py [--rows 5000] [--runs 5]
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")


def sign_in_sheet(rows: list[list]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet("签到表")
    ws.merge_range(0, 0, 0, 6, "2026年肉牛养殖技术培训签到表")
    header = ["序号", "姓名", "性别", "从事产业", "单位职务或家庭住址", "身份证号码", "联系方式"]
    for c, text in enumerate(header):
        ws.write_string(1, c, text)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, int):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, value)
    wb.close()
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import subprocess

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import DatabaseError, connection, transaction
    from python_calamine import CalamineWorkbook

    from rencai.accounts.models import User
    from rencai.imports.engine import Importer
    from rencai.imports.sheets import get_sheet
    from rencai.orgs.models import OrgUnit
    from rencai.people.bulk import PersonBulkWriter
    from rencai.people.models import Person
    from rencai.standards.idnumber import check_digit
    from rencai.training import tally
    from rencai.training.models import TrainingCategory, TrainingProgram

    call_command("migrate", verbosity=0)  # a bench database from before the training tables
    try:
        user = User.objects.get(username="county_admin")
    except (DatabaseError, User.DoesNotExist):
        subprocess.run([str(ROOT / ".venv/bin/rencai"), "demo", "--persons", "0", "--no-serve"],
                       check=True)  # fmt: skip
        user = User.objects.get(username="county_admin")
    township = OrgUnit.objects.get(name_path="示范县/城关镇")
    villages = list(
        OrgUnit.objects.filter(parent=township, kind__in=["village", "community"]).values_list(
            "name", flat=True
        )
    )

    def ident(seq: int, year: int) -> str:
        first17 = f"433130{year}{1 + seq // 28 % 12:02d}{1 + seq % 28:02d}{seq % 1000:03d}"
        return first17 + check_digit(first17)

    def rows_for(year: int) -> list[list]:
        return [
            [i + 1, f"学员{i}", "男" if int(ident(i, year)[16]) % 2 else "女", "肉牛养殖",
             villages[i % len(villages)], ident(i, year), f"137{i:08d}"]
            for i in range(args.rows)
        ]  # fmt: skip

    known_rows = rows_for(1971)
    if not Person.objects.filter(id_number=known_rows[0][5]).exists():
        home = OrgUnit.objects.get(name_path=f"示范县/城关镇/{villages[0]}").pk
        PersonBulkWriter().write(
            [({"name": r[1], "name_initials": "xy", "id_number": r[5], "id_reversed": r[5][::-1],
               "gender": "1" if int(r[5][16]) % 2 else "2",
               "birth_date": f"{r[5][6:10]}-{r[5][10:12]}-{r[5][12:14]}", "home_org_id": home},
              []) for r in known_rows]
        )  # fmt: skip
    cases = {"new": sign_in_sheet(rows_for(1972)), "known": sign_in_sheet(known_rows)}
    program = TrainingProgram.objects.filter(name="签到表基准").first() or (
        TrainingProgram.objects.create(
            name="签到表基准",
            category=TrainingCategory.objects.get(name="种养殖技术"),
            organiser=township,
            start_date="2026-03-01",
            end_date="2026-03-03",
        )
    )
    sheet = get_sheet("attendance")
    print(f"{connection.vendor}: {args.rows:,}-row 签到表, median of {args.runs} runs")
    results = {}
    cases |= {f"{name} no tally": data for name, data in cases.items()}
    for name, data in cases.items():
        times = []
        reads = []
        for _run in range(args.runs):
            start = time.perf_counter()
            sum(1 for _r in CalamineWorkbook.from_filelike(io.BytesIO(data))
                .get_sheet_by_index(0).iter_rows())  # fmt: skip
            reads.append(time.perf_counter() - start)
            with transaction.atomic():
                if name.endswith("no tally"):
                    tally.uninstall(connection)  # rolled back with the run
                start = time.perf_counter()
                importer = Importer(sheet, user, options={"program": program.pk})
                outcome = importer.validate(io.BytesIO(data), "签到表.xlsx")
                assert outcome.ok, outcome.problems[:3]
                importer.commit(outcome, file_name="签到表.xlsx", sha256="0" * 64)
                times.append(time.perf_counter() - start)
                assert program.attendances.count() == args.rows
                transaction.set_rollback(True)
        results[name] = (statistics.median(times), statistics.median(reads))
        print(
            f"  {name:<14} dry run + commit {results[name][0]:6.2f} s   (calamine read "
            f"{results[name][1]:.2f} s; all runs: {', '.join(f'{t:.2f}' for t in times)})"
        )
    worst = max(results["new"][0], results["known"][0])
    print("target ≤ 2 s:", "OK" if worst <= 2 else "MISSED")
    for name in ("new", "known"):
        ratio = results[name][0] / results[f"{name} no tally"][0]
        print(f"  {name}: with the tallies' triggers / without = {ratio:.2f}")


if __name__ == "__main__":
    main()
