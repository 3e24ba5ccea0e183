"""Writing many Persons at once — the demo county and the import engine — with their categories
and the change log the audited ORM path would have written (rencai/audit/bulk.py does the rows
and the log; this adds categories and updates)."""

from django.db import transaction
from django.utils import timezone

from rencai.audit import chain, log
from rencai.audit.bulk import BulkWriter, Values
from rencai.audit.models import AuditAction, AuditEvent
from rencai.people.models import Person, TalentCategory


class PersonBulkWriter(BulkWriter):
    """Inserts new Persons and updates existing ones, with their categories and change log.

    `durable=False` (the demo) lets PostgreSQL acknowledge a commit before it is on disk; an
    import keeps the default.
    """

    def __init__(self, *, durable: bool = True) -> None:
        super().__init__(Person)
        self.durable = durable
        self.through = Person.categories.through
        field = Person._meta.get_field("categories")
        self.through_person = self.through._meta.get_field(field.m2m_field_name()).column
        self.through_category = self.through._meta.get_field(field.m2m_reverse_field_name()).column
        self.category_names = dict(TalentCategory.objects.values_list("pk", "name"))
        self._links: list[tuple[int, int]] = []

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
            self.write_events(cursor, events)
        return pks, len(updates)

    def _create(self, cursor, pks: list[int], creates, now, db_now) -> list[list]:
        """Insert the new Persons and their categories; return their change events."""
        self._links = []
        events = super()._create(cursor, pks, creates, now, db_now)
        self._insert(
            cursor,
            self.through._meta.db_table,
            [self.through_person, self.through_category],
            self._links,
        )
        return events

    def _created_extra(self, pk: int, cats: list[int], changes: dict) -> None:
        if cats:
            changes["categories"] = [[], self._category_labels(cats)]
            self._links.extend((pk, cat) for cat in cats)

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
            event[i_changes] = chain.json_text(changes)  # stored as the chain hashes it
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
