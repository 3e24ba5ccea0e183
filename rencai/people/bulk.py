"""Writing many Persons at once — the demo county and the import engine — at the speed of the
database's own bulk paths, with the change log the audited ORM path would have written.

The audited `Person.objects.bulk_create` does the same through Model instances; at a million
Persons that costs most of the time (and on PostgreSQL, Django's UNNEST insert of the log spends
it quoting arrays client-side). Here rows go in with COPY (PostgreSQL) or executemany (SQLite)
under pks reserved up front. Each log entry is the current actor's `log.change_event` (user,
request, batch) with the Person's own id, label and changes built from the very values written:
equal to what the audited path logs.
"""

import json
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.utils import timezone

from rencai.audit import log
from rencai.audit.log import _jsonable
from rencai.audit.models import AuditAction, AuditEvent
from rencai.people.models import Person, TalentCategory

Values = dict[str, Any]  # {attname: value} of one Person


class PersonBulkWriter:
    """Inserts new Persons and updates existing ones, with their categories and change log.

    `durable=False` (the demo) lets PostgreSQL acknowledge a commit before it is on disk; an
    import keeps the default.
    """

    def __init__(self, *, durable: bool = True) -> None:
        self.conn = connections[Person.objects.db]
        self.postgres = self.conn.vendor == "postgresql"
        self.durable = durable
        self.fields = list(Person._meta.concrete_fields)
        self.by_attname = {f.attname: f for f in self.fields}
        self.pk = Person._meta.pk
        self.dates = {f.attname for f in self.fields if f.get_internal_type() == "DateField"}
        self.stamps = {f.attname for f in self.fields if f.get_internal_type() == "DateTimeField"}
        self.ct = ContentType.objects.get_for_model(Person)
        masked = getattr(Person, "audit_masked", {})
        # (name, attname, masker) for each audited field, in log.snapshot's order.
        self.audited = [(f.name, f.attname, masked.get(f.name)) for f in log.audited_fields(Person)]
        self.through = Person.categories.through
        field = Person._meta.get_field("categories")
        self.through_person = self.through._meta.get_field(field.m2m_field_name()).column
        self.through_category = self.through._meta.get_field(field.m2m_reverse_field_name()).column
        self.event_fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
        self.category_names = dict(TalentCategory.objects.values_list("pk", "name"))

    # -- helpers -------------------------------------------------------------------------

    def _reserve_pks(self, cursor, n: int) -> list[int]:
        table, column = Person._meta.db_table, self.pk.column
        if self.postgres:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, n],
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite (AUTOINCREMENT): past both the highest row and the highest pk ever handed
        # out, so a deleted Person's pk (and its change-log history) is never reused. The
        # transaction holds the write lock (transaction_mode IMMEDIATE).
        qn = self.conn.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({qn(column)}), 0) FROM {qn(table)}")
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        start = max(top, seq[0] if seq else 0) + 1
        cursor.execute(  # claim the range, so a second writer in the same transaction moves on
            "INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
            [table, start + n - 1],
        )
        return list(range(start, start + n))

    def _insert(self, cursor, table: str, columns: list[str], rows: list) -> None:
        if not rows:
            return
        qn = self.conn.ops.quote_name
        cols = ", ".join(qn(col) for col in columns)
        if self.postgres:
            # Django's error translation (IntegrityError for a unique violation) does not cover
            # the raw COPY; wrap it like any other statement.
            with (
                self.conn.wrap_database_errors,
                cursor.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})", rows)

    def _defaults(self, now) -> Values:
        """{attname: value} for the fields a row leaves out, as the ORM would fill them."""
        out = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                out[f.attname] = now
            else:
                out[f.attname] = f.get_default()
        return out

    def _logged(self, attname: str, masker, value: Any) -> Any:
        if value is None:
            return None
        if masker is not None and value != "":
            return masker(str(value))
        if isinstance(value, date):  # date and datetime
            return value.isoformat()
        return value

    def snapshot(self, values: Values) -> dict[str, Any]:
        """log.snapshot of the Person with these values."""
        return {
            name: self._logged(attname, masker, values[attname])
            for name, attname, masker in self.audited
            if attname in values
        }

    def _event_row(self, action: str) -> tuple[list, int, int, int]:
        """A change event of the current actor as a db row, and where object_id, object_repr
        and changes go in it."""
        template = log.change_event(Person, 0, "", action, {}, self.ct)
        row = []
        for f in self.event_fields:
            value = f.pre_save(template, add=True)  # sets the auto_now_add time
            row.append(f.get_db_prep_save(value, self.conn))
        names = [f.name for f in self.event_fields]
        return row, names.index("object_id"), names.index("object_repr"), names.index("changes")

    def _db_value(self, attname: str, value: Any, now, db_now) -> Any:
        ops = self.conn.ops
        if attname in self.stamps:
            return db_now if value is now else ops.adapt_datetimefield_value(value)
        if attname in self.dates:
            return ops.adapt_datefield_value(value)
        return value

    def _category_labels(self, ids) -> list[str]:
        return sorted(self.category_names.get(i, str(i)) for i in ids)

    # -- writing -------------------------------------------------------------------------

    def write(
        self,
        creates: list[tuple[Values, list[int]]],
        updates: list[tuple[int, Values, Values, list[int] | None, list[int] | None]] = (),
    ) -> tuple[list[int], int]:
        """Insert `creates` ((values, category ids)) and apply `updates` ((pk, new values,
        old values, new category ids or None to keep, old category ids)), in one transaction
        (a savepoint inside the caller's). Returns (new pks, number updated)."""
        with transaction.atomic(using=self.conn.alias), self.conn.cursor() as cursor:
            if self.postgres and not self.durable:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            now = timezone.now()
            db_now = self.conn.ops.adapt_datetimefield_value(now)
            pks = self._reserve_pks(cursor, len(creates)) if creates else []
            events = []
            if creates:
                events += self._create(cursor, pks, creates, now, db_now)
            if updates:
                events += self._update(cursor, updates, now, db_now)
            self._insert(
                cursor, AuditEvent._meta.db_table, [f.column for f in self.event_fields], events
            )
        return pks, len(updates)

    def _create(self, cursor, pks: list[int], creates, now, db_now) -> list[list]:
        """Insert the new Persons and their categories; return their change events.

        One pass per Person builds both its row and its change entry — the audited path's
        `log.diff(None, snapshot)` — from the values written; dates and stamps are converted by
        position, and the JSON is written once per entry."""
        repr_max = AuditEvent._meta.get_field("object_repr").max_length
        defaults = self._defaults(now)
        attnames = [f.attname for f in self.fields]
        pk_attname = self.pk.attname
        stamp_at = [i for i, a in enumerate(attnames) if a in self.stamps]
        date_at = [] if self.postgres else [i for i, a in enumerate(attnames) if a in self.dates]
        # (name, attname, masker) per audited field, with a stamp's logged value fixed up front.
        logged_now = {a: _jsonable(defaults[a]) for a in self.stamps}
        audited = [(n, a, m) for n, a, m in self.audited if a not in self.stamps]
        stamped = [(n, logged_now[a]) for n, a, _m in self.audited if a in self.stamps]
        event_row, i_id, i_repr, i_changes = self._event_row(AuditAction.CREATE)
        rows, links, events = [], [], []
        for pk, (given, cats) in zip(pks, creates, strict=True):
            values = {**defaults, **given, pk_attname: pk}
            row = [values[a] for a in attnames]
            for i in stamp_at:
                row[i] = db_now
            for i in date_at:
                if row[i].__class__ is date:
                    row[i] = row[i].isoformat()
            rows.append(row)
            changes = {}
            for name, attname, masker in audited:
                value = values[attname]
                if value is None or value == "":
                    continue
                if masker is not None:
                    value = masker(str(value))
                elif value.__class__ is date:
                    value = value.isoformat()
                changes[name] = [None, value]
            for name, value in stamped:
                changes[name] = [None, value]
            if cats:
                changes["categories"] = [[], self._category_labels(cats)]
                links.extend((pk, cat) for cat in cats)
            event = event_row.copy()
            event[i_id] = str(pk)
            event[i_repr] = str(values["name"])[:repr_max]
            event[i_changes] = json.dumps(changes, ensure_ascii=False)
            events.append(event)
        self._insert(cursor, Person._meta.db_table, [f.column for f in self.fields], rows)
        self._insert(
            cursor,
            self.through._meta.db_table,
            [self.through_person, self.through_category],
            links,
        )
        return events

    def _update(self, cursor, updates, now, db_now) -> list[list]:
        """Apply the updates and their category changes; return their change events."""
        qn = self.conn.ops.quote_name
        repr_max = AuditEvent._meta.get_field("object_repr").max_length
        event_row, i_id, i_repr, i_changes = self._event_row(AuditAction.UPDATE)
        events = []
        by_columns: dict[tuple[str, ...], list[list]] = {}
        unlink, link = [], []
        for pk, new, old, new_cats, old_cats in updates:
            new = {**new, "updated_at": now}
            names = tuple(sorted(new))
            by_columns.setdefault(names, []).append(
                [self._db_value(a, new[a], now, db_now) for a in names] + [pk]
            )
            changes = log.diff(self.snapshot(old), self.snapshot({**old, **new}))
            if new_cats is not None and sorted(new_cats) != sorted(old_cats or []):
                changes["categories"] = [
                    self._category_labels(old_cats or []),
                    self._category_labels(new_cats),
                ]
                unlink.append(pk)
                link.extend((pk, cat) for cat in new_cats)
            event = event_row.copy()
            event[i_id] = str(pk)
            event[i_repr] = str(new.get("name") or old.get("name", ""))[:repr_max]
            event[i_changes] = json.dumps(changes, ensure_ascii=False)
            events.append(event)
        table = qn(Person._meta.db_table)
        for names, rows in by_columns.items():
            sets = ", ".join(f"{qn(self.by_attname[a].column)} = %s" for a in names)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {qn(self.pk.column)} = %s", rows)
        if unlink:
            through = qn(self.through._meta.db_table)
            for start in range(0, len(unlink), 500):
                chunk = unlink[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM {through} WHERE {qn(self.through_person)} IN ({marks})", chunk
                )
            self._insert(
                cursor,
                self.through._meta.db_table,
                [self.through_person, self.through_category],
                link,
            )
        return events

    def analyze(self) -> None:
        """Planner statistics after a large load (SQLite has none until ANALYZE runs; without
        them it reads a 拼音首字母 search through the org indexes: seconds instead of ms)."""
        qn = self.conn.ops.quote_name
        tables = [Person._meta.db_table, self.through._meta.db_table, AuditEvent._meta.db_table]
        with self.conn.cursor() as cursor:
            if not self.postgres:
                for table in tables:
                    cursor.execute(f"ANALYZE {qn(table)}")
            elif self.conn.in_atomic_block:  # VACUUM cannot run inside a transaction
                cursor.execute("ANALYZE " + ", ".join(qn(t) for t in tables))
            else:
                cursor.execute("VACUUM (ANALYZE) " + ", ".join(qn(t) for t in tables))
