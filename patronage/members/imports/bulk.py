"""Fast inserts for imports: rows given as dicts go in with one executemany (SQLite) or COPY (PostgreSQL).

The ORM's bulk_create prepares every value through its field (about 10 µs each), which alone would take
many minutes for a million customers with their identities, consents and events. Here only the values
that need it are adapted (times, dates, decimals, JSON), and primary keys are reserved up front so that
rows pointing at new rows can be built before anything is inserted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db import connection, models

from patronage.members.imports.base import ImportContext, chunks

_INSERT_CHUNK = 10_000
Adapter = Callable[[Any], Any]


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, unused by anyone else (call inside the import's transaction)."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # The import's transaction holds SQLite's write lock (BEGIN IMMEDIATE), so nobody else can
            # take these ids; sqlite_sequence keeps ids of deleted rows from being given out again.
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0),"
                " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [table],
            )
            start = int(cursor.fetchone()[0]) + 1
            return list(range(start, start + count))
    raise NotImplementedError(f"imports support SQLite and PostgreSQL, not {connection.vendor}")


def rows_insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Inserts rows (dicts keyed by column attname, all with the same keys) into the model's table."""
    if not rows:
        return
    names = list(rows[0])
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in names]
    adapters = [(index, adapter) for index, field in enumerate(fields) if (adapter := _adapter(field))]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    for chunk in chunks(rows, _INSERT_CHUNK):
        values = [_values(row, names, adapters) for row in chunk]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row_values in values:
                        copy.write_row(row_values)
            else:
                placeholders = ", ".join(["%s"] * len(names))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


def _values(row: dict[str, Any], names: list[str], adapters: list[tuple[int, Adapter]]) -> list[Any]:
    values = [row[name] for name in names]
    for index, adapt in adapters:
        if values[index] is not None:
            values[index] = adapt(values[index])
    return values


def _adapter(field: Any) -> Adapter | None:
    """How a value of this field becomes a database value; None when the driver takes it as it is."""
    ops = connection.ops
    # Imports repeat few distinct times and dates (the import's own time, days of joining), and
    # adapting one costs more than inserting it: each distinct value is adapted once.
    if isinstance(field, models.DateTimeField):
        return lru_cache(maxsize=65_536)(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return lru_cache(maxsize=65_536)(ops.adapt_datefield_value)
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if isinstance(field, models.JSONField):
        empty = field.get_db_prep_save({}, connection)
        return lambda value: field.get_db_prep_save(value, connection) if value else empty
    return None


def timeline_row(
    context: ImportContext,
    member_id: int,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
    *,
    occurred_at: datetime | None = None,
    source: tuple[str, str] = ("", ""),
    dedupe_key: str | None = None,
) -> dict[str, Any]:
    """A TimelineEvent row for rows_insert: what services.timeline_record writes, for many members at once."""
    return {
        "member_id": member_id,
        "kind": kind,
        "occurred_at": occurred_at or context.started_at,
        "summary": summary[:300],
        "data": data or {},
        "source_type": source[0],
        "source_id": source[1],
        "actor_id": context.actor_id,
        "dedupe_key": dedupe_key,
        "created_at": context.started_at,
    }
