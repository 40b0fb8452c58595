"""Writes table rows with executemany, in the form Django itself stores each value.

The hot tables are written straight with INSERT ... VALUES and the table and column names from each
model's _meta: bulk_create would build a model instance per row, which is most of the time at a
million members.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
from django.db import connection, models

from patronage.core.demo.model import DAY

BATCH_SIZE = 10_000
_HMS = [f" {h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


class SqlTimes:
    """Epoch seconds as the text each database takes for a DateTimeField: SQLite keeps naive UTC
    text (what Django writes), PostgreSQL gets an explicit UTC offset. -1 becomes NULL."""

    def __init__(self) -> None:
        self.suffix = "" if connection.vendor == "sqlite" else "+00:00"

    def __call__(self, epoch: np.ndarray) -> list[str | None]:
        if not epoch.size:
            return []
        days, seconds = np.divmod(epoch, DAY)
        first = int(days.min())
        dates = np.datetime_as_string(np.arange(first, int(days.max()) + 1).astype("datetime64[D]")).tolist()
        suffix = self.suffix
        text: list[str | None] = [
            dates[d] + _HMS[s] + suffix
            for d, s in zip((days - first).tolist(), seconds.tolist(), strict=True)
        ]
        for missing in np.flatnonzero(epoch < 0).tolist():
            text[missing] = None
        return text


class TableWriter:
    """INSERTs rows in batches and counts them per model."""

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
            while batch := list[Any](islice(remaining, BATCH_SIZE)):
                cursor.executemany(sql, batch)
                self.counts[meta.label] += len(batch)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column


@dataclass(frozen=True)
class Refs:
    """Database ids of the reference rows, indexed like the catalogue's tuples."""

    brand: np.ndarray
    channel: np.ndarray
    store: np.ndarray
    category: np.ndarray
    product: np.ndarray
    tag: dict[str, int]


@dataclass(frozen=True)
class ChunkIds:
    """Primary keys chosen for the chunk's rows that other rows point at."""

    member: np.ndarray  # per customer
    order: np.ndarray  # per purchase
    returned: np.ndarray  # per return
    problem: np.ndarray  # per problem


@dataclass(frozen=True)
class Context:
    refs: Refs
    ids: ChunkIds
    times: SqlTimes
    now: str
    end_epoch: int
    portal_user_id: int | None  # the user linked to member number 0
