"""Benchmark: `rencai import persons` of a generated 人员信息表 (not a test).

Against the database named by RENCAI_DATABASE_URL (default: SQLite in RENCAI_DATA_DIR) holding
the demo county with no Persons (`rencai demo --persons 0 --no-serve`; run here when the county
is missing), each run

1. removes the Persons a previous run imported (their categories and change-log entries, and
   the import events; on PostgreSQL with TRUNCATE … CASCADE, then VACUUM ANALYZE of the audit
   table — autovacuum is off on the bench server);
2. times the dry run alone: `/usr/bin/time -v rencai import persons FILE --as county_admin
   --dry-run` in a subprocess (wall time, and peak RSS from "Maximum resident set size");
3. times the real import the same way (`rencai import` checks every row, then commits: this is
   "dry run + commit", the figure the targets are about) and checks that every row arrived.

N runs (3), medians reported. Then the baseline: the first 5,000 rows of the same workbook
imported through django-import-export (a ModelResource for Person with the same columns:
load the .xlsx with tablib, `import_data(dry_run=True)`, then `import_data(dry_run=False)`),
in a subprocess too, on the same database cleaned first; scaled linearly to ROWS.

    RENCAI_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/rencai_import_bench \\
        .venv/bin/python bench/imports.py [--rows 200000] [--runs 3] [--baseline-rows 5000]

The workbook is generated once by bench/make_persons_workbook.py and cached in bench/out/.
Targets (issue): 200,000 rows × 20 columns, dry run + commit ≤ 10 s on SQLite and ≤ 15 s on
PostgreSQL, peak memory ≤ 600 MB; 1,000,000 rows without exhausting memory. Results also go to
bench/out/imports-<vendor>.json (imports-<vendor>-<rows>.json for another --rows).
django-import-export is a bench-only dependency: `.venv/bin/pip install
"django-import-export[xlsx]"` (not in pyproject).
"""

import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RENCAI = ROOT / ".venv" / "bin" / "rencai"
PYTHON = ROOT / ".venv" / "bin" / "python"
TARGET_S = {"sqlite": 10.0, "postgresql": 15.0}
TARGET_MB = 600
REFERENCE_READ_S = 2.3  # python-calamine on the machine, 200,000 × 20
DEFAULT_ROWS = 200_000

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

from bench.harness import insert_rows  # noqa: E402

# -- running a command ---------------------------------------------------------------------


def timed(cmd: list[str], *, label: str) -> dict:
    """Run `cmd` under /usr/bin/time -v: wall seconds, peak RSS (MB), exit code, output."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-v", "-o", report.name, *cmd],
            capture_output=True,
            text=True,
            env=os.environ,
        )
        wall = time.perf_counter() - start
        text = report.read()
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    result = {
        "wall_s": round(wall, 2),
        "rss_mb": round(int(rss.group(1)) / 1024, 1) if rss else None,
        "cpu_s": round(float(user.group(1)) + float(system.group(1)), 2) if user else None,
        "rc": proc.returncode,
        "stdout": proc.stdout.strip(),
        "stderr": proc.stderr.strip()[-2000:],
    }
    print(
        f"  {label:<22} {result['wall_s']:>7.2f} s  {result['rss_mb']:>7.1f} MB"
        f"  (cpu {result['cpu_s']} s, rc {proc.returncode})",
        flush=True,
    )
    return result


# -- the database --------------------------------------------------------------------------


def ensure_county(county: str, username: str) -> None:
    from django.db import DatabaseError

    from rencai.accounts.models import User
    from rencai.orgs.models import OrgUnit

    try:
        if (
            OrgUnit.objects.filter(parent__isnull=True, name=county).exists()
            and User.objects.filter(username=username).exists()
        ):
            return
    except DatabaseError:  # a new database: `rencai demo` creates the tables too
        pass
    print("building the demo county (rencai demo --persons 0 --no-serve)", flush=True)
    subprocess.run([str(RENCAI), "demo", "--persons", "0", "--no-serve"], check=True)


def clean() -> int:
    """Remove every Person, their categories, qualifications and change-log entries, and the
    persons imports' own events. Returns how many Persons there were."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from rencai.audit import chain
    from rencai.audit.models import AuditEvent
    from rencai.people.models import Person

    qn = connection.ops.quote_name
    persons = Person.objects.count()
    ct = ContentType.objects.get_for_model(Person)
    imports = list(
        AuditEvent.objects.filter(action="import", detail__sheet="persons").values_list(
            "pk", flat=True
        )
    )
    person_tables = [
        Person.categories.through._meta.db_table,
        *(
            rel.related_model._meta.db_table
            for rel in Person._meta.related_objects
            if rel.related_model is not Person.categories.through
        ),
        Person._meta.db_table,
    ]
    audit = qn(AuditEvent._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # The audit trail is append-only (and its triggers refuse deletes); a bench database is
        # ours to reset, its hash chain broken by it.
        chain.uninstall_guard(connection)
        cursor.execute(f"DELETE FROM {audit} WHERE content_type_id = %s", [ct.pk])
        for start in range(0, len(imports), 500):
            chunk = imports[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {audit} WHERE id IN ({marks})", chunk)
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(qn(t) for t in person_tables) + " CASCADE")
        else:
            for table in person_tables:
                cursor.execute(f"DELETE FROM {qn(table)}")
        chain.install_guard(connection)
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {audit}, " + ", ".join(qn(t) for t in person_tables))
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("VACUUM")
    connection.close()
    return persons


def counts() -> tuple[int, int]:
    """(Persons, their change-log entries)."""
    from django.contrib.contenttypes.models import ContentType

    from rencai.audit.models import AuditEvent
    from rencai.people.models import Person

    ct = ContentType.objects.get_for_model(Person)
    return Person.objects.count(), AuditEvent.objects.filter(content_type=ct).count()


def village_paths(county: str) -> list[str]:
    from rencai.orgs.models import OrgUnit

    return sorted(
        OrgUnit.objects.filter(
            name_path__startswith=county + "/", kind__in=["village", "community"]
        ).values_list("name_path", flat=True)
    )


def workbook(rows: int, county: str) -> Path:
    """The generated workbook, cached by rows, county and the county's village paths."""
    digest = hashlib.sha256("\n".join(village_paths(county)).encode()).hexdigest()[:8]
    path = OUT / f"persons-{rows}-{digest}.xlsx"
    if not path.exists():
        print(f"generating {path.name}", flush=True)
        subprocess.run(
            [
                str(PYTHON),
                str(ROOT / "bench" / "make_persons_workbook.py"),
                str(rows),
                str(path),
                "--county",
                county,
            ],
            check=True,
        )
    return path


# -- django-import-export (the baseline) ---------------------------------------------------


def person_resource():
    """A ModelResource for Person with the columns of the generated workbook: labels map to
    codes (男 → 1, 大学本科 → 20), units by full path, categories by name."""
    from import_export import fields, resources, widgets

    from rencai.orgs.models import OrgUnit
    from rencai.people.choices import PersonStatus, Source
    from rencai.people.models import Person, TalentCategory
    from rencai.standards import codes

    class CodeWidget(widgets.Widget):
        def __init__(self, table):
            super().__init__()
            self.table = table

        def clean(self, value, row=None, **kwargs):
            return self.table.lookup(value).code if value not in (None, "") else ""

    class ChoiceWidget(widgets.Widget):
        def __init__(self, choices):
            super().__init__()
            self.by_label = {str(label): value for value, label in choices.choices}

        def clean(self, value, row=None, **kwargs):
            return self.by_label[str(value).strip()] if value not in (None, "") else None

    def text(attribute, label):
        return fields.Field(attribute=attribute, column_name=label, widget=widgets.CharWidget())

    def code(attribute, label, table):
        return fields.Field(attribute=attribute, column_name=label, widget=CodeWidget(table))

    class PersonResource(resources.ModelResource):
        name = text("name", "姓名")
        gender = code("gender", "性别", codes.GENDER)
        birth_date = fields.Field(
            attribute="birth_date", column_name="出生日期", widget=widgets.DateWidget("%Y-%m-%d")
        )
        id_number = text("id_number", "身份证号")
        ethnicity = code("ethnicity", "民族", codes.ETHNICITY)
        political_status = code("political_status", "政治面貌", codes.POLITICAL_STATUS)
        education = code("education", "学历", codes.EDUCATION)
        degree = code("degree", "学位", codes.DEGREE)
        phone = text("phone", "手机号码")
        home_org = fields.Field(
            attribute="home_org",
            column_name="户籍/居住地",
            widget=widgets.ForeignKeyWidget(OrgUnit, field="name_path"),
        )
        work_org = fields.Field(
            attribute="work_org",
            column_name="工作单位",
            widget=widgets.ForeignKeyWidget(OrgUnit, field="name_path"),
        )
        employer = text("employer", "工作单位名称")
        post = text("post", "职务/岗位")
        title_series = text("title_series", "职称系列")
        title_level = code("title_level", "职称等级", codes.TITLE_LEVEL)
        skill_level = code("skill_level", "技能等级", codes.SKILL_LEVEL)
        specialty = text("specialty", "从事产业/专业特长")
        source = fields.Field(attribute="source", column_name="来源", widget=ChoiceWidget(Source))
        status = fields.Field(
            attribute="status", column_name="状态", widget=ChoiceWidget(PersonStatus)
        )
        categories = fields.Field(
            attribute="categories",
            column_name="人才类别",
            widget=widgets.ManyToManyWidget(TalentCategory, separator="、", field="name"),
        )

        class Meta:
            model = Person
            import_id_fields = ("id_number",)
            fields = (
                "name", "gender", "birth_date", "id_number", "ethnicity", "political_status",
                "education", "degree", "phone", "home_org", "work_org", "employer", "post",
                "title_series", "title_level", "skill_level", "specialty", "source", "status",
                "categories",
            )  # fmt: skip

    return PersonResource()


def baseline_worker(path: str, username: str) -> None:
    """In a subprocess of its own: load, dry run, import; one JSON line on stdout."""
    import django

    django.setup()
    import tablib

    from rencai.accounts.models import User
    from rencai.audit.context import acting_as

    user = User.objects.get(username=username)
    resource = person_resource()
    out: dict = {}
    start = time.perf_counter()
    with open(path, "rb") as f:
        dataset = tablib.Dataset().load(f.read(), format="xlsx")
    out["load_s"] = time.perf_counter() - start
    out["rows"] = len(dataset)
    with acting_as(user):
        for key, dry in (("dry_run_s", True), ("import_s", False)):
            start = time.perf_counter()
            result = resource.import_data(dataset, dry_run=dry, raise_errors=True)
            out[key] = time.perf_counter() - start
            if result.has_errors() or result.has_validation_errors():
                raise SystemExit(f"django-import-export reported errors (dry_run={dry})")
            out["totals" + ("_dry" if dry else "")] = dict(result.totals)
    print(json.dumps(out))


def run_baseline(path: Path, rows: int, username: str) -> dict:
    clean()
    result = timed(
        [str(PYTHON), __file__, "--baseline-worker", str(path), "--as", username],
        label=f"import-export {rows:,}",
    )
    if result["rc"] != 0:
        raise SystemExit(f"baseline failed:\n{result['stderr']}")
    inner = json.loads(result["stdout"].splitlines()[-1])
    persons, events = counts()
    if persons != rows:
        raise SystemExit(f"baseline imported {persons} Persons, expected {rows}")
    clean()
    return {**inner, "process": {k: result[k] for k in ("wall_s", "rss_mb", "cpu_s")},
            "persons": persons, "change_log": events}  # fmt: skip


# -- the benchmark -------------------------------------------------------------------------


# -- floors: what reading the workbook and writing its rows cost alone -----------------------


def floor_worker(path: str) -> None:
    """In a subprocess of its own, after an import left its rows in the database: (1) read the
    workbook with python-calamine into Python rows; (2) write the rows that import wrote —
    Persons, their categories and change-log entries — straight into the same tables with the
    database's bulk path (executemany under the import's page cache / COPY), in one
    transaction; (3) the same Person rows into a table without indexes (the issue's
    "executemany / COPY of 200k rows" reference). One JSON line on stdout."""
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    from rencai.audit.models import AuditEvent
    from rencai.imports.engine import page_cache
    from rencai.people.models import Person

    out: dict = {}
    start = time.perf_counter()
    with open(path, "rb") as f:
        sheet = CalamineWorkbook.from_filelike(f).get_sheet_by_index(0)
        out["read_rows"] = sum(1 for _row in sheet.iter_rows())
    out["read_s"] = round(time.perf_counter() - start, 2)
    del sheet

    qn = connection.ops.quote_name
    ct = ContentType.objects.get_for_model(Person)
    through = Person.categories.through._meta.db_table
    audit = AuditEvent._meta.db_table
    tables = {
        Person._meta.db_table: ("", []),
        through: ("", []),
        audit: (f"WHERE content_type_id = {int(ct.pk)} AND action = 'create'", []),
    }
    columns = {}
    with connection.cursor() as cursor:
        for table, (where, rows) in tables.items():
            cursor.execute(f"SELECT * FROM {qn(table)} {where}")
            columns[table] = [d[0] for d in cursor.description]
            if connection.vendor == "postgresql":  # jsonb comes back as dicts
                from psycopg.types.json import Jsonb

                rows.extend(
                    [Jsonb(v) if isinstance(v, dict) else v for v in row]
                    for row in cursor.fetchall()
                )
            else:
                rows.extend(cursor.fetchall())
    clean()

    start = time.perf_counter()
    with page_cache(), transaction.atomic(), connection.cursor() as cursor:
        for table, (_where, rows) in tables.items():
            cols = columns[table]
            if table == audit:  # new ids, as the import's own inserts get; the import's own
                batch = cols.index("batch_id")  # event went with clean()
                rows = [[*row[1:batch], None, *row[batch + 1 :]] for row in rows]
                cols = cols[1:]
            insert_rows(cursor, table, cols, rows)
    out["write_s"] = round(time.perf_counter() - start, 2)
    out["write_rows"] = {table: len(rows) for table, (_w, rows) in tables.items()}
    clean()

    persons = tables[Person._meta.db_table][1]
    cols = columns[Person._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        cursor.execute(f"CREATE TABLE bench_plain ({', '.join(qn(c) + ' text' for c in cols)})")
    as_text = [[None if v is None else str(v) for v in row] for row in persons]
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        insert_rows(cursor, "bench_plain", cols, as_text)
    out["plain_write_s"] = round(time.perf_counter() - start, 2)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_plain")
    print(json.dumps(out))


def run_floors(path: Path) -> dict:
    result = timed(
        [str(PYTHON), str(Path(__file__).resolve()), "--floor-worker", str(path)],
        label="floors (read, write)",
    )
    if result["rc"] != 0:
        raise SystemExit(f"floor worker failed:\n{result['stderr']}")
    return json.loads(result["stdout"].splitlines()[-1])


def run_rencai(path: Path, rows: int, username: str, dry_run: bool, i: int) -> dict:
    base = [str(RENCAI), "import", "persons", str(path), "--as", username]
    clean()
    out: dict = {}
    if dry_run:
        out["dry"] = timed([*base, "--dry-run"], label=f"run {i}: dry run")
        if out["dry"]["rc"] != 0 or f"新增 {rows}" not in out["dry"]["stdout"]:
            raise SystemExit(f"dry run failed:\n{out['dry']['stdout']}\n{out['dry']['stderr']}")
    out["full"] = timed(base, label=f"run {i}: dry run + commit")
    if out["full"]["rc"] != 0:
        raise SystemExit(f"import failed:\n{out['full']['stdout']}\n{out['full']['stderr']}")
    persons, events = counts()
    if persons != rows or events != rows:
        raise SystemExit(f"after the import: {persons} Persons, {events} change-log entries")
    return out


def profile(path: Path, username: str, vendor: str, rows: int) -> None:
    """cProfile of one dry run and one full import (bench/out/imports-<vendor>-<rows>-*.prof)."""
    for kind, extra in (("dry", ["--dry-run"]), ("full", [])):
        clean()
        prof = OUT / f"imports-{vendor}-{rows}-{kind}.prof"
        timed(
            [str(PYTHON), "-m", "cProfile", "-o", str(prof), "-m", "rencai", "import",
             "persons", str(path), "--as", username, *extra],
            label=f"cProfile {kind}",
        )  # fmt: skip
        import pstats

        print(f"\n{prof}: top 25 by cumulative time")
        pstats.Stats(str(prof)).sort_stats("cumulative").print_stats(25)
    clean()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-rows", type=int, default=5000, help="0: no baseline")
    parser.add_argument("--no-dry-run", action="store_true", help="time only the full import")
    parser.add_argument("--as", dest="username", default="county_admin")
    parser.add_argument("--county", default="示范县")
    parser.add_argument("--keep", action="store_true", help="leave the last import in the db")
    parser.add_argument("--profile", action="store_true", help="cProfile one run instead")
    parser.add_argument("--no-floors", action="store_true", help="skip the read/write floors")
    parser.add_argument("--baseline-worker", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--floor-worker", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_worker:
        baseline_worker(args.baseline_worker, args.username)
        return
    if args.floor_worker:
        floor_worker(args.floor_worker)
        return

    import django

    django.setup()
    from django.db import connection

    vendor = connection.vendor
    ensure_county(args.county, args.username)
    OUT.mkdir(parents=True, exist_ok=True)
    path = workbook(args.rows, args.county)
    removed = clean()
    print(f"{vendor}: {path.name} ({path.stat().st_size / 2**20:.1f} MB); removed {removed:,}"
          f" Persons left by an earlier run")  # fmt: skip
    if args.profile:
        profile(path, args.username, vendor, args.rows)
        return

    runs = [
        run_rencai(path, args.rows, args.username, not args.no_dry_run, i)
        for i in range(1, args.runs + 1)
    ]
    floors = None if args.no_floors else run_floors(path)  # from the last run's rows
    if not args.keep:
        clean()

    def med(kind: str, key: str) -> float | None:
        values = [r[kind][key] for r in runs if kind in r]
        return round(statistics.median(values), 2) if values else None

    result: dict = {
        "vendor": vendor,
        "rows": args.rows,
        "columns": 20,
        "workbook": path.name,
        "workbook_mb": round(path.stat().st_size / 2**20, 1),
        "runs": args.runs,
        "dry_run_s": med("dry", "wall_s"),
        "dry_run_rss_mb": med("dry", "rss_mb"),
        "import_s": med("full", "wall_s"),
        "import_rss_mb": med("full", "rss_mb"),
        "import_cpu_s": med("full", "cpu_s"),
        "target_s": TARGET_S.get(vendor),
        "all": [
            {kind: {k: r[kind][k] for k in ("wall_s", "rss_mb", "cpu_s")} for kind in r}
            for r in runs
        ],
    }
    if result["dry_run_s"] is not None:
        result["commit_s"] = round(result["import_s"] - result["dry_run_s"], 2)
    if floors is not None:
        result["floors"] = floors
        # The reference machine reads such a workbook in about 2.3 s: the targets as
        # multiples of the read, to compare machines of different speed.
        result["import_over_read"] = round(result["import_s"] / floors["read_s"], 1)
        result["target_over_read"] = round(TARGET_S.get(vendor, 0) / REFERENCE_READ_S, 1)

    if args.baseline_rows:
        slice_path = workbook(args.baseline_rows, args.county)  # same seed: the first rows
        base = run_baseline(slice_path, args.baseline_rows, args.username)
        scale = args.rows / args.baseline_rows
        total = base["load_s"] + base["dry_run_s"] + base["import_s"]
        result["baseline"] = {
            "tool": "django-import-export",
            "rows": args.baseline_rows,
            "load_s": round(base["load_s"], 2),
            "dry_run_s": round(base["dry_run_s"], 2),
            "import_s": round(base["import_s"], 2),
            "process": base["process"],
            "scaled_dry_run_s": round((base["load_s"] + base["dry_run_s"]) * scale, 1),
            "scaled_total_s": round(total * scale, 1),
        }
        result["ratio"] = round(result["baseline"]["scaled_total_s"] / result["import_s"], 1)
        if result["dry_run_s"]:
            result["ratio_dry_run"] = round(
                result["baseline"]["scaled_dry_run_s"] / result["dry_run_s"], 1
            )

    # The targets are for 200,000 rows; other sizes are reported without a verdict.
    target = result["target_s"] if args.rows == DEFAULT_ROWS else None
    result["target_s"] = target
    result["target_mb"] = TARGET_MB if args.rows == DEFAULT_ROWS else None
    verdict_t = "" if target is None else ("OK" if result["import_s"] <= target else "MISSED")
    verdict_m = (
        "" if target is None else ("OK" if result["import_rss_mb"] <= TARGET_MB else "MISSED")
    )
    goal = f"≤ {target} s {verdict_t}, ≤ {TARGET_MB} MB {verdict_m}" if target else "(no target)"
    print(f"\n{vendor}: {args.rows:,} rows × 20 columns, median of {args.runs} runs")
    print(f"{'':<34} {'wall':>9} {'peak RSS':>10}  target")
    if result["dry_run_s"] is not None:
        print(f"{'rencai import --dry-run':<34} {result['dry_run_s']:>7.2f} s"
              f" {result['dry_run_rss_mb']:>7.0f} MB")  # fmt: skip
    print(f"{'rencai import (dry run + commit)':<34} {result['import_s']:>7.2f} s"
          f" {result['import_rss_mb']:>7.0f} MB  {goal}")  # fmt: skip
    if "commit_s" in result:
        print(f"{'  of which commit (difference)':<34} {result['commit_s']:>7.2f} s")
    if floors is not None:
        print(
            f"{'floor: calamine reads the workbook':<34} {floors['read_s']:>7.2f} s"
            f"             import = {result['import_over_read']}× the read"
            f" (target ≈ {result['target_over_read']}× on the reference machine)"
        )
        print(
            f"{'floor: bulk write of its rows':<34} {floors['write_s']:>7.2f} s"
            f"             {floors['write_rows']}"
        )
        print(f"{'floor: Person rows, no indexes':<34} {floors['plain_write_s']:>7.2f} s")
    if "baseline" in result:
        b = result["baseline"]
        print(f"{'django-import-export ' + format(b['rows'], ',') + ' rows':<34}"
              f" {b['load_s'] + b['dry_run_s'] + b['import_s']:>7.2f} s"
              f" {b['process']['rss_mb']:>7.0f} MB  (load {b['load_s']} + dry run"
              f" {b['dry_run_s']} + import {b['import_s']})")  # fmt: skip
        print(f"{'  scaled to ' + format(args.rows, ','):<34} {b['scaled_total_s']:>7.1f} s"
              f"             ratio {result['ratio']}× (dry run alone"
              f" {result.get('ratio_dry_run')}×)")  # fmt: skip
    name = (
        f"imports-{vendor}.json"
        if args.rows == DEFAULT_ROWS
        else (f"imports-{vendor}-{args.rows}.json")
    )
    (OUT / name).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"→ bench/out/{name}")


if __name__ == "__main__":
    main()
