"""Writing many rows of one model at the speed of the database's own bulk paths, with the
change log the audited ORM path would have written.

An audited `bulk_create` builds a Model instance per row and another per change entry; for the
thousands of rows an import writes that costs most of the time (and on PostgreSQL, Django's
UNNEST insert of the log spends it quoting arrays client-side). Here rows go in with COPY
(PostgreSQL) or executemany (SQLite) under pks reserved up front. Each log entry is the current
actor's `log.change_event` (user, request, batch) with the row's own id, label and changes built
from the very values written: equal to what the audited path logs (tests/test_bulk.py).
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, transaction
from django.utils import timezone

from rencai.audit import chain, log
from rencai.audit.log import jsonable
from rencai.audit.models import AuditAction, AuditEvent

Values = dict[str, Any]  # {attname: value} of one row


class BulkWriter:
    """Inserts rows of `model` with their change entries; `create` is the whole of it."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.conn = connections[model.objects.db]
        self.postgres = self.conn.vendor == "postgresql"
        self.fields = list(model._meta.concrete_fields)
        self.by_attname = {f.attname: f for f in self.fields}
        self.pk = model._meta.pk
        self.dates = {f.attname for f in self.fields if f.get_internal_type() == "DateField"}
        self.stamps = {f.attname for f in self.fields if f.get_internal_type() == "DateTimeField"}
        self.ct = ContentType.objects.get_for_model(model)
        masked = getattr(model, "audit_masked", {})
        # (name, attname, masker) for each audited field, in log.snapshot's order.
        self.audited = [(f.name, f.attname, masked.get(f.name)) for f in log.audited_fields(model)]
        self.event_fields = list(AuditEvent._meta.concrete_fields)  # the id is hashed: given
        names = [f.attname for f in self.event_fields]
        # An event row's template is known by these (the action and time at least differ).
        self._key_at = [names.index(n) for n in ("action", "time", "user_id", "batch_id")]
        self._templates: dict[tuple, tuple[Callable, str]] = {}

    # -- helpers -------------------------------------------------------------------------

    def _reserve_pks(self, cursor, n: int) -> list[int]:
        return chain.reserve_pks(self.conn, self.model._meta.db_table, self.pk.column, n)

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
        """log.snapshot of the record with these values."""
        return {
            name: self._logged(attname, masker, values[attname])
            for name, attname, masker in self.audited
            if attname in values
        }

    def _event_row(self, action: str) -> tuple[list, int, int, int]:
        """A change event of the current actor as a db row, and where object_id, object_repr
        and changes go in it; `write_events` fills in its id and hashes."""
        template = log.change_event(self.model, 0, "", action, {}, self.ct)
        row = []
        for f in self.event_fields:
            value = f.pre_save(template, add=True)
            row.append(f.get_db_prep_save(value, self.conn))
        # What the chain hashes of every event made from this row (write_events).
        scalars = chain.canonical_scalars(getattr(template, a) for a in chain.SCALARS)
        scalars[4] = AuditEvent._meta.get_field("ip").get_prep_value(template.ip)
        self._templates[self._template_key(row)] = (
            chain.digester(scalars),
            chain.json_text(template.detail),
        )
        names = [f.name for f in self.event_fields]
        return row, names.index("object_id"), names.index("object_repr"), names.index("changes")

    def _template_key(self, row: list) -> tuple:
        return tuple(row[i] for i in self._key_at)

    def _db_value(self, attname: str, value: Any, now, db_now) -> Any:
        ops = self.conn.ops
        if attname in self.stamps:
            return db_now if value is now else ops.adapt_datetimefield_value(value)
        if attname in self.dates:
            return ops.adapt_datefield_value(value)
        return value

    def _create(self, cursor, pks: list[int], creates, now, db_now) -> list[list]:
        """Insert the new rows ((values, extra) each); return their change events.

        One pass per row builds both the row and its change entry — the audited path's
        `log.diff(None, snapshot)` — from the values written; dates and stamps are converted by
        position, and the JSON is written once per entry. `_created_extra(pk, extra, changes)`
        lets a subclass log and collect more (a Person's categories)."""
        repr_max = AuditEvent._meta.get_field("object_repr").max_length
        defaults = self._defaults(now)
        attnames = [f.attname for f in self.fields]
        pk_attname = self.pk.attname
        stamp_at = [i for i, a in enumerate(attnames) if a in self.stamps]
        date_at = [] if self.postgres else [i for i, a in enumerate(attnames) if a in self.dates]
        # (name, attname, masker) per audited field, with a stamp's logged value fixed up front.
        logged_now = {a: jsonable(defaults[a]) for a in self.stamps}
        audited = [(n, a, m) for n, a, m in self.audited if a not in self.stamps]
        stamped = [(n, logged_now[a]) for n, a, _m in self.audited if a in self.stamps]
        event_row, i_id, i_repr, i_changes = self._event_row(AuditAction.CREATE)
        rows, events = [], []
        for pk, (given, extra) in zip(pks, creates, strict=True):
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
            self._created_extra(pk, extra, changes)
            event = event_row.copy()
            event[i_id] = str(pk)
            event[i_repr] = self.label(values)[:repr_max]
            event[i_changes] = chain.json_text(changes)  # stored as hashed
            events.append(event)
        self._insert(cursor, self.model._meta.db_table, [f.column for f in self.fields], rows)
        return events

    def _created_extra(self, pk: int, extra: Any, changes: dict) -> None:
        """More for a new row's change entry, from the `extra` it came with."""

    def label(self, values: Values) -> str:
        """The change log's name for a row (`str(instance)`, as `log.label_of` gives)."""
        return str(values.get("name") or values[self.pk.attname])

    def write_events(self, cursor, events: list[list]) -> None:
        """Insert change events built from `_event_row`, chained (rencai/audit/chain.py): an
        event's actor fields are its template's, so only id, object and changes vary."""
        if not events:
            return
        names = [f.attname for f in self.event_fields]
        i_pk, i_prev, i_hash = (names.index(n) for n in ("id", "prev_hash", "row_hash"))
        i_object, i_repr, i_changes = (
            names.index(n) for n in ("object_id", "object_repr", "changes")
        )
        chain.lock(self.conn)
        prev = chain.last_hash(self.conn)
        ids = chain.reserve_pks(self.conn, AuditEvent._meta.db_table, "id", len(events))
        key = self._template_key
        for event, pk in zip(events, ids, strict=True):
            digest, detail = self._templates[key(event)]
            event[i_pk] = pk
            event[i_prev] = prev
            event[i_hash] = prev = digest(
                pk, event[i_object], event[i_repr], event[i_changes], detail, prev
            )
        self._insert(
            cursor, AuditEvent._meta.db_table, [f.column for f in self.event_fields], events
        )

    def create(self, values: list[Values]) -> list[int]:
        """Insert `values` ({attname: value} each) with their change entries, in one
        transaction (a savepoint inside the caller's); the new pks."""
        with transaction.atomic(using=self.conn.alias), self.conn.cursor() as cursor:
            now = timezone.now()
            db_now = self.conn.ops.adapt_datetimefield_value(now)
            pks = self._reserve_pks(cursor, len(values)) if values else []
            self.write_events(
                cursor, self._create(cursor, pks, [(v, None) for v in values], now, db_now)
            )
        return pks
