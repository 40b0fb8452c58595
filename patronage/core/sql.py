"""Writing many rows through the database driver, for imports, the demo and the bulk API (decision 0007).

Inserts: rows go in with one executemany (SQLite) or COPY (PostgreSQL). The ORM's bulk_create prepares
every value through its field (about 10 µs each) and builds one statement with a placeholder per value;
here only the values that need it are adapted (times, dates, decimals, JSON), and primary keys are
reserved up front so that rows pointing at new rows can be built before anything is inserted.

Updates by primary key: one statement joining the new values (PostgreSQL) or one prepared statement
executed per row (SQLite). The ORM's bulk_update builds one CASE expression per field over every row,
which costs far more to compile than the database spends running it.

`rows_write` writes the rows of several tables (the transactions API): inserts by COPY, defaults filled
in. (One statement of data-modifying CTEs over `unnest` arrays was tried: psycopg adapts array elements
in Python, several times slower than COPY's rows.)

`TableWriter` inserts rows that are already database values (tuples in a given field order), with
executemany and no adapting at all: the demo's million members and the analyses' scores.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import islice
from typing import Any, cast

from django.db import NotSupportedError, connection, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

_INSERT_CHUNK = 10_000
_FEW = 20
_FEW_ROWS = 100
Adapter = Callable[[Any], Any]


def rows_update(
    model: type[models.Model],
    changes: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    added: frozenset[str] = frozenset(),
) -> None:
    """Sets (or, for the fields in `added`, increases by) the given values of each row, by primary key.

    Every change must name the same fields.
    """
    rows = list(changes)
    if not rows:
        return
    names = list(rows[0][1])
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in names]
    params = [
        [field.get_db_prep_save(values[name], connection) for name, field in zip(names, fields, strict=True)]
        + [key]
        for key, values in rows
    ]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = [quote(field.column) for field in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement joining the new values, one array per column: a thousand single-row updates
            # cost a round trip each, and a placeholder per value costs the driver more than the update.
            arrays = [list(column) for column in zip(*params, strict=True)]
            types = [*(field.db_type(connection) for field in fields), model._meta.pk.db_type(connection)]
            assignments = ", ".join(
                f"{column} = {table}.{column} + v.{column}" if name in added else f"{column} = v.{column}"
                for name, column in zip(names, columns, strict=True)
            )
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM unnest({', '.join(f'%s::{t}[]' for t in types)})"
                f" AS v({', '.join([*columns, pk])}) WHERE {table}.{pk} = v.{pk}",
                arrays,
            )
            return
        assignments = ", ".join(
            f"{column} = {column} + %s" if name in added else f"{column} = %s"
            for name, column in zip(names, columns, strict=True)
        )
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", params)


def ids_reserve_many(counts: Mapping[type[models.Model], int]) -> dict[type[models.Model], list[int]]:
    """New primary keys for several tables (call inside the writing transaction): one round trip on
    PostgreSQL, as `ids_reserve` elsewhere."""
    wanted = {model: count for model, count in counts.items() if count > 0}
    reserved: dict[type[models.Model], list[int]] = {model: [] for model in counts}
    if connection.vendor != "postgresql" or len(wanted) < 2:
        return {**reserved, **{model: ids_reserve(model, count) for model, count in wanted.items()}}
    selects = ", ".join(
        "(SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) FROM generate_series(1, %s))"
        for _model in wanted
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {selects}", [value for model, n in wanted.items() for value in (model._meta.db_table, n)]
        )
        row = cursor.fetchone()
    return {**reserved, **{model: list(ids) for model, ids in zip(wanted, row, strict=True)}}


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, unused by anyone else (call inside the writing transaction)."""
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
    raise NotSupportedError(f"bulk writes support SQLite and PostgreSQL, not {connection.vendor}")


def rows_insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Inserts rows (dicts keyed by column attname, all with the same keys) into the model's table."""
    if not rows:
        return
    for start in range(0, len(rows), _INSERT_CHUNK):
        table, columns, values = _adapted(model, rows[start : start + _INSERT_CHUNK])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The driver's own cursor runs COPY: wrap its errors as Django's (a duplicate key is an
                # IntegrityError to the callers, as with any other insert).
                with (
                    connection.wrap_database_errors,
                    cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
                ):
                    for row_values in values:
                        copy.write_row(row_values)
            else:
                placeholders = ", ".join(["%s"] * len(values[0]))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


def rows_insert_batch(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, duplicates_skipped: bool = False
) -> int:
    """Inserts a batch of rows (dicts keyed by attname, all with the same keys, no JSON) in one statement,
    defaults filled in as `rows_write` does; with `duplicates_skipped`, a row clashing with a unique key is
    left out instead of failing. Returns how many rows were written.

    For the hundreds of rows a worker writes per turn: on PostgreSQL one array per column (`unnest`),
    whose text the driver converts in one piece, where bulk_create compiles a placeholder per value and
    COPY costs extra round trips; on SQLite one prepared statement executed per row.
    """
    if not rows:
        return 0
    complete = _completed(model, rows)
    table, columns, values = _adapted(model, complete)
    fields = [model._meta.get_field(name) for name in complete[0]]
    if any(isinstance(field, models.JSONField) for field in fields):
        raise TypeError("rows_insert_batch takes no JSON fields: use rows_insert")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [cast("models.Field[Any, Any]", field).db_type(connection) for field in fields]
            arrays = [list(column) for column in zip(*values, strict=True)]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({', '.join(f'%s::{t}[]' for t in types)})"
                + (" ON CONFLICT DO NOTHING" if duplicates_skipped else ""),
                arrays,
            )
            return cursor.rowcount
        placeholders = ", ".join(["%s"] * len(values[0]))
        verb = "INSERT OR IGNORE" if duplicates_skipped else "INSERT"
        cursor.executemany(f"{verb} INTO {table} ({columns}) VALUES ({placeholders})", values)
        return cursor.rowcount  # summed over the rows by sqlite3; an ignored row counts none


def _adapted(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]]
) -> tuple[str, str, list[list[Any]]]:
    """The quoted table, its quoted columns (the rows' keys, in order) and each row's database values."""
    names = list(rows[0])
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in names]
    adapters = [(index, adapter) for index, field in enumerate(fields) if (adapter := _adapter(field))]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    return quote(model._meta.db_table), columns, [_values(row, names, adapters) for row in rows]


Insert = tuple[type[models.Model], Sequence[Mapping[str, Any]]]
Update = tuple[type[models.Model], Sequence[tuple[int, Mapping[str, Any]]], frozenset[str]]


def rows_write(inserts: Sequence[Insert], updates: Sequence[Update] = ()) -> None:
    """Inserts rows into several tables, then updates rows by primary key.

    An insert is (model, rows): dicts keyed by attname, primary key included (`ids_reserve_many`), all
    with the same keys; a field left out takes its default, and auto_now fields the current time. An
    update is (model, [(pk, values)], added) as for `rows_update`. Foreign keys are checked at commit
    on PostgreSQL, so the order of the tables does not matter there; on SQLite give parents first.
    """
    complete = [(model, _completed(model, rows)) for model, rows in inserts if rows]
    if connection.vendor == "postgresql" and sum(len(rows) for _model, rows in complete) <= _FEW_ROWS:
        # A COPY costs two round trips and its setup per table: a few rows go in one statement.
        _insert_few(complete)
    else:
        for model, rows in complete:
            rows_insert(model, rows)
    for model, changes, added in updates:
        rows_update(model, changes, added=added)


def _insert_few(inserts: Sequence[tuple[type[models.Model], list[dict[str, Any]]]]) -> None:
    """One statement of data-modifying CTEs, an INSERT ... VALUES per table (PostgreSQL)."""
    parts: list[str] = []
    params: list[Any] = []
    for model, rows in inserts:
        table, columns, values = _adapted(model, rows)
        row = "(" + ", ".join(["%s"] * len(values[0])) + ")"
        parts.append(
            f"i{len(parts)} AS (INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(rows))})"
        )
        params += [value for row_values in values for value in row_values]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT 1", params)


def _completed(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows with every concrete field: defaults (and the time, for auto_now fields) where left out."""
    now = timezone.now()
    missing: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.attname in rows[0] or isinstance(field, AutoFieldMixin):
            continue  # a left-out automatic key is the database's to give
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            missing[field.attname] = now
        elif field.has_default() or field.null or (field.blank and field.empty_strings_allowed):
            missing[field.attname] = field.get_default()
        else:
            raise ValueError(f"{model.__name__}.{field.attname} has no default: give it in every row")
    return [{**missing, **row} for row in rows] if missing else [dict(row) for row in rows]


def _values(row: Mapping[str, Any], names: list[str], adapters: list[tuple[int, Adapter]]) -> list[Any]:
    values = [row[name] for name in names]
    for index, adapt in adapters:
        if values[index] is not None:
            values[index] = adapt(values[index])
    return values


def _adapter(field: Any) -> Adapter | None:
    """How a value of this field becomes a database value; None when the driver takes it as it is."""
    ops = connection.ops
    if connection.vendor == "postgresql" and not isinstance(field, models.JSONField):
        return None  # psycopg takes times, dates and decimals as they are (Django's adapters are identity)
    # Imports repeat few distinct times and dates (the import's own time, days of joining), and
    # adapting one costs more than inserting it: each distinct value is adapted once.
    if isinstance(field, models.DateTimeField):
        return lru_cache(maxsize=65_536)(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return lru_cache(maxsize=65_536)(ops.adapt_datefield_value)
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if isinstance(field, models.JSONField):
        # JSON text, as Django writes it on SQLite; PostgreSQL parses it into jsonb, in COPY as in VALUES.
        return lambda value: json.dumps(value, cls=field.encoder)
    return None


def objects_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Inserts model instances built in memory, as bulk_create would, giving each its new primary key.

    auto_now and auto_now_add fields are filled with the current time, as saving them would. A few rows
    go through bulk_create, whose one INSERT ... RETURNING is then the cheaper round trip.
    """
    if len(objects) < _FEW:
        model._default_manager.bulk_create(objects)
        return
    now = timezone.now()
    fields = model._meta.concrete_fields
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj, key in zip(objects, ids_reserve(model, len(objects)), strict=True):
        obj.pk = key
        for field in stamped:
            setattr(obj, field.attname, now)
    rows_insert(model, [{field.attname: getattr(obj, field.attname) for field in fields} for obj in objects])
    for obj in objects:
        obj._state.adding = False


class TableWriter:
    """INSERTs rows in batches and counts them per model.

    Each row is a tuple in the order of `fields`, holding what the database takes (on SQLite a time
    is its text, as Django writes it). No model instance is built and no value is adapted: at a
    million rows that is most of the time bulk_create would take.
    """

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def insert(self, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        meta = model._meta
        quote = connection.ops.quote_name
        columns = ", ".join(quote(_column(model, name)) for name in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"
        remaining = iter(rows)
        with connection.cursor() as cursor:
            while batch := list[Any](islice(remaining, _INSERT_CHUNK)):
                cursor.executemany(sql, batch)
                self.counts[meta.label] += len(batch)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column
