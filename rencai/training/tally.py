"""The ledger's tallies (`ProgramTally`, `TraineeTally`), kept by database triggers.

A figure over a county's year of training would otherwise read every Attendance row joined to its
program and its trainee: a million rows take the better part of a second on a county server,
however the query is written (bench/README.md, 培训概况). The tallies hold the same counts a
hundred thousand rows at a time:

- `ProgramTally` — 人次 per (program, trainee's home unit): any period, any scope, the
  outside-trainee rule (the organiser is on the program);
- `TraineeTally` — 人次 per (person, year, category or 0 for all) split by half-year: 培训人数
  of a whole year or half-year is a count of rows, joined to Person for the home unit *now*.

**Who keeps them.** Triggers in the database, written here once for both vendors, fire on every
write that changes what they count — an enrolment or a 签到表 (the ORM, `bulk_create`, the bulk
writer's COPY), a deleted row or program, a row moved to another program or person, a program's
end date or category changed, a trainee's home unit changed — whatever code or tool made it. They
add and subtract, so concurrent writers never recompute each other's counts; on PostgreSQL they
are statement triggers over transition tables (one set-based update per statement: a 5,000-row
sign-in sheet is one update, not 5,000) that first take share locks on the rows' persons and
programs, so a trainee moving village and an enrolment of theirs committed at the same moment
cannot count the row at the old home. On SQLite (one writer at a time) they are row triggers.

**What keeps the triggers.** `migrate` installs them when it ends (`ensure`, on post_migrate —
also putting back any a migration dropped) and then fills the tallies from the ledger if a
trigger was missing, as writes may have gone uncounted. On SQLite they are dropped before a
migrate run that has migrations to apply (pre_migrate): SQLite alters a table by rebuilding it,
which fails while a trigger names the table. `rencai manage retally` recomputes the tallies on
demand and `--check` compares them with the ledger (`drift`).
"""

from collections import Counter

from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from rencai.people.models import Person
from rencai.training.models import Attendance, ProgramTally, TraineeTally, TrainingProgram

PROGRAMS = ProgramTally._meta.db_table
TRAINEES = TraineeTally._meta.db_table
ATTENDANCE = Attendance._meta.db_table
PERSON = Person._meta.db_table
PROGRAM = TrainingProgram._meta.db_table

# (name, table, event) of each trigger; `_sources` says what each one counts.
TRIGGERS = [
    ("rencai_tally_attendance_insert", ATTENDANCE, "INSERT"),
    ("rencai_tally_attendance_delete", ATTENDANCE, "DELETE"),
    ("rencai_tally_attendance_update", ATTENDANCE, "UPDATE"),
    ("rencai_tally_person_update", PERSON, "UPDATE"),
    ("rencai_tally_program_update", PROGRAM, "UPDATE"),
]

# The columns each trigger's rows carry (SQLite builds its one-row relations from them).
_COLUMNS = {
    ATTENDANCE: ("id", "program_id", "person_id"),
    PERSON: ("id", "home_org_id"),
    PROGRAM: ("id", "end_date", "category_id"),
}


def _changed(table: str, old: str = "o", new: str = "n") -> str:
    """A row of `table` counts differently after an UPDATE when one of these columns changed."""
    return " OR ".join(f"{old}.{c} <> {new}.{c}" for c in _COLUMNS[table][1:])


def _attendance_deltas(rows: str, sign: int) -> tuple[str, str]:
    """(program deltas, trainee deltas) of Attendance `rows` entering (+1) or leaving (-1):
    `rows` is a relation, or `OLD` / `NEW` — the one row of a SQLite row trigger, read in place
    (a one-row derived table would be built for every row a statement writes)."""
    if rows in ("OLD", "NEW"):
        r, person = rows, f"{PERSON} p WHERE p.id = {rows}.person_id"
        program = f"{PROGRAM} g WHERE g.id = {rows}.program_id"
    else:
        r, person = "r", f"{rows} r JOIN {PERSON} p ON p.id = r.person_id"
        program = f"{rows} r JOIN {PROGRAM} g ON g.id = r.program_id"
    return (
        f"SELECT {r}.program_id AS program_id, p.home_org_id AS home_org_id, {sign} AS s"
        f" FROM {person}",
        f"SELECT {r}.person_id AS person_id, g.end_date AS end_date,"
        f" g.category_id AS category_id, {sign} AS s FROM {program}",
    )


def _sources(table: str, event: str, old: str, new: str) -> tuple[str | None, str | None]:
    """(program deltas, trainee deltas) — SELECTs of signed rows — of one trigger's firing,
    `old` and `new` being the relations of the rows before and after the statement."""
    if table == ATTENDANCE and event != "UPDATE":
        return _attendance_deltas(new if event == "INSERT" else old, 1 if event == "INSERT" else -1)
    moved = f"{old} o JOIN {new} n ON n.id = o.id"
    if table == ATTENDANCE:
        before = _attendance_deltas(f"(SELECT o.* FROM {moved} WHERE {_changed(table)})", -1)
        after = _attendance_deltas(f"(SELECT n.* FROM {moved} WHERE {_changed(table)})", 1)
        return tuple(f"{b} UNION ALL {a}" for b, a in zip(before, after, strict=True))
    if table == PERSON:  # the trainee's rows move from the old home unit to the new one
        return (
            " UNION ALL ".join(
                f"SELECT a.program_id AS program_id, {side}.home_org_id AS home_org_id,"
                f" {sign} AS s FROM {moved} JOIN {ATTENDANCE} a ON a.person_id = o.id"
                f" WHERE {_changed(table)}"
                for side, sign in (("o", -1), ("n", 1))
            ),
            None,
        )
    return (  # a program's rows move to another half-year, year or category
        None,
        " UNION ALL ".join(
            f"SELECT a.person_id AS person_id, {side}.end_date AS end_date,"
            f" {side}.category_id AS category_id, {sign} AS s"
            f" FROM {moved} JOIN {ATTENDANCE} a ON a.program_id = o.id WHERE {_changed(table)}"
            for side, sign in (("o", -1), ("n", 1))
        ),
    )


def _add_programs(deltas: str) -> list[str]:
    """Statements adding the signed rows `deltas` (program_id, home_org_id, s) to ProgramTally
    and dropping the counts that reach 0."""
    return [
        f"INSERT INTO {PROGRAMS} (program_id, home_org_id, attendances)"
        f" SELECT d.program_id, d.home_org_id, SUM(d.s) FROM ({deltas}) d WHERE 1 = 1"
        f" GROUP BY d.program_id, d.home_org_id"
        f" ON CONFLICT (program_id, home_org_id)"
        f" DO UPDATE SET attendances = {PROGRAMS}.attendances + excluded.attendances",
        f"DELETE FROM {PROGRAMS} WHERE attendances = 0"
        f" AND program_id IN (SELECT d.program_id FROM ({deltas}) d)",
    ]


def _year_month(vendor: str) -> tuple[str, str]:
    if vendor == "postgresql":
        return "CAST(EXTRACT(YEAR FROM d.end_date) AS INTEGER)", "EXTRACT(MONTH FROM d.end_date)"
    return (
        "CAST(strftime('%Y', d.end_date) AS INTEGER)",
        "CAST(strftime('%m', d.end_date) AS INTEGER)",
    )


def _add_trainees(deltas: str, vendor: str) -> list[str]:
    """Statements adding the signed rows `deltas` (person_id, end_date, category_id, s) to
    TraineeTally, each under its category and under 0 (every category), and dropping the rows
    that reach 0 in both halves."""
    year, month = _year_month(vendor)
    return [
        f"INSERT INTO {TRAINEES} (person_id, year, category, h1, h2)"
        f" SELECT d.person_id, {year}, CASE WHEN k.every = 1 THEN 0 ELSE d.category_id END,"
        f" SUM(CASE WHEN {month} <= 6 THEN d.s ELSE 0 END),"
        f" SUM(CASE WHEN {month} > 6 THEN d.s ELSE 0 END)"
        f" FROM ({deltas}) d CROSS JOIN (SELECT 0 AS every UNION ALL SELECT 1) k WHERE 1 = 1"
        f" GROUP BY 1, 2, 3"
        f" ON CONFLICT (person_id, year, category)"
        f" DO UPDATE SET h1 = {TRAINEES}.h1 + excluded.h1, h2 = {TRAINEES}.h2 + excluded.h2",
        f"DELETE FROM {TRAINEES} WHERE h1 = 0 AND h2 = 0"
        f" AND person_id IN (SELECT d.person_id FROM ({deltas}) d)",
    ]


def _body(table: str, event: str, vendor: str, old: str, new: str) -> list[str]:
    programs, trainees = _sources(table, event, old, new)
    statements = []
    if programs:
        statements += _add_programs(programs)
    if trainees:
        statements += _add_trainees(trainees, vendor)
    if table == ATTENDANCE and event == "INSERT":  # counts only grow: none reaches 0
        statements = [s for s in statements if not s.startswith("DELETE")]
    return statements


def _postgres_locks(table: str, event: str) -> list[str]:
    """Share locks on the persons and programs of Attendance rows before their home unit,
    end date and category are read: a concurrent change of those waits for this transaction
    and then sees its rows (and this one waits for it, and reads the new values)."""
    if table != ATTENDANCE:
        return []
    relations = {"INSERT": ["new_rows"], "DELETE": ["old_rows"]}.get(
        event, ["old_rows", "new_rows"]
    )
    return [
        f"PERFORM 1 FROM {target} WHERE id IN ("
        + " UNION ".join(f"SELECT {column} FROM {rows}" for rows in relations)
        + ") ORDER BY id FOR SHARE"
        for target, column in ((PERSON, "person_id"), (PROGRAM, "program_id"))
    ]


def _postgres(name: str, table: str, event: str) -> list[str]:
    referencing = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }[event]
    statements = _postgres_locks(table, event) + _body(
        table, event, "postgresql", "old_rows", "new_rows"
    )
    body = "".join(f"  {s};\n" for s in statements)
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}  RETURN NULL;\nEND\n$$",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _sqlite(name: str, table: str, event: str) -> list[str]:
    def row(which: str) -> str:
        return "(SELECT " + ", ".join(f"{which}.{c} AS {c}" for c in _COLUMNS[table]) + ")"

    if table == ATTENDANCE and event != "UPDATE":
        statements = _body(table, event, "sqlite", "OLD", "NEW")
    else:
        statements = _body(table, event, "sqlite", row("OLD"), row("NEW"))
    when = ""
    if event == "UPDATE":
        when = f" WHEN {_changed(table, 'OLD', 'NEW')}"
    body = "".join(f"  {s};\n" for s in statements)
    return [
        f"DROP TRIGGER IF EXISTS {name}",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when}\nBEGIN\n{body}END",
    ]


def install(connection: BaseDatabaseWrapper = default_connection) -> None:
    """Create (or replace) the triggers, in one transaction: a write made meanwhile waits for
    it instead of slipping between a trigger's drop and its creation uncounted."""
    build = _postgres if connection.vendor == "postgresql" else _sqlite
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for name, table, event in TRIGGERS:
            for statement in build(name, table, event):
                cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper = default_connection) -> None:
    """Drop the triggers (and, on PostgreSQL, their functions)."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for name, table, _event in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
            if postgres:
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def installed(connection: BaseDatabaseWrapper = default_connection) -> set[str]:
    """The names of the tally triggers the database has."""
    names = [name for name, _table, _event in TRIGGERS]
    marks = ", ".join(["%s"] * len(names))
    if connection.vendor == "postgresql":
        sql = f"SELECT tgname FROM pg_trigger WHERE tgname IN ({marks})"
    else:
        sql = f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})"
    with connection.cursor() as cursor:
        cursor.execute(sql, names)
        return {name for (name,) in cursor.fetchall()}


def rebuild(connection: BaseDatabaseWrapper = default_connection) -> None:
    """Recompute both tallies from the ledger (in the caller's transaction, if any)."""
    programs, trainees = _attendance_deltas(ATTENDANCE, 1)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PROGRAMS}")
        cursor.execute(f"DELETE FROM {TRAINEES}")
        cursor.execute(_add_programs(programs)[0])
        cursor.execute(_add_trainees(trainees, connection.vendor)[0])


def ensure(connection: BaseDatabaseWrapper = default_connection) -> bool:
    """Put the triggers back (replacing them with this code's) and, when one was missing,
    recompute the tallies, which may have missed writes without it. True if it recomputed."""
    with transaction.atomic(using=connection.alias):
        missing = len(installed(connection)) < len(TRIGGERS)
        install(connection)
        if missing:
            rebuild(connection)
    return missing


def expected() -> tuple[dict, dict]:
    """What the tallies should hold, counted from the ledger with the ORM (not with the SQL the
    triggers run): ({(program, home unit): 人次}, {(person, year, category or 0): (h1, h2)})."""
    rows = Attendance.objects.values_list(
        "program_id",
        "person__home_org_id",
        "person_id",
        "program__end_date",
        "program__category_id",
    )
    programs: Counter = Counter()
    halves: Counter = Counter()
    for program, home, person, end, category in rows.iterator():
        programs[program, home] += 1
        half = 1 if end.month <= 6 else 2
        halves[person, end.year, category, half] += 1
        halves[person, end.year, 0, half] += 1
    trainees: dict[tuple, tuple[int, int]] = {}
    for (person, year, category, half), n in halves.items():
        h1, h2 = trainees.get((person, year, category), (0, 0))
        trainees[person, year, category] = (h1 + n, h2) if half == 1 else (h1, h2 + n)
    return dict(programs), trainees


def actual() -> tuple[dict, dict]:
    """What the tallies hold, in the shapes of `expected`."""
    programs = {
        (p, h): n
        for p, h, n in ProgramTally.objects.values_list("program", "home_org", "attendances")
    }
    trainees = {
        (p, y, c): (h1, h2)
        for p, y, c, h1, h2 in TraineeTally.objects.values_list(
            "person", "year", "category", "h1", "h2"
        )
    }
    return programs, trainees


def drift() -> list[str]:
    """The keys where the tallies and the ledger disagree, described (empty when they agree)."""
    out = []
    for name, want, have in zip(
        ("ProgramTally", "TraineeTally"), expected(), actual(), strict=True
    ):
        for key in sorted(set(want) | set(have), key=str):
            if want.get(key) != have.get(key):
                out.append(f"{name} {key}: 台账 {want.get(key)}，统计表 {have.get(key)}")
    return out
