"""The transactions importer: groups rows into orders, then checks (first pass) or writes (second pass) them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_noop

from patronage.commerce.imports.checks import OrderChecks
from patronage.commerce.imports.columns import COLUMNS
from patronage.commerce.imports.orders import (
    OrderDraft,
    order_batches,
    order_groups,
    order_key,
    order_key_check,
    order_parse,
)
from patronage.commerce.imports.write import OrderWriter
from patronage.members.imports.base import CsvFile, ImportContext, Importer, Row, RowError, RowInvalid
from patronage.members.imports.messages import Message

DEFAULT_SOURCE = "import"


class TransactionImporter(Importer):
    columns = COLUMNS

    def __init__(self, context: ImportContext):
        super().__init__(context)
        self.source = context.options.get("source") or DEFAULT_SOURCE
        self._checks = OrderChecks()
        self._writer = OrderWriter(context)

    def header_check(self, csv_file: CsvFile) -> list[RowError]:
        missing = [column for column in ("external_id", "occurred_at") if not csv_file.has(column)]
        return [
            RowError(
                1, column, Message.of(gettext_noop("the header has no %(column)s column"), {"column": column})
            )
            for column in missing
        ]

    def batches(self, rows: Iterable[Row]) -> Iterator[list[Row]]:
        return order_batches(rows, self.source)

    def check(self, batch: list[Row]) -> list[RowError]:
        errors, drafts = [], []
        for rows in order_groups(batch, self.source):
            try:
                drafts.append(self._order_parse(rows))
            except RowInvalid as exc:
                errors.append(RowError(exc.line or rows[0].line, exc.field, exc.message))
        return errors + self._checks.errors(drafts)

    def write(self, batch: list[Row]) -> None:
        drafts = [self._order_parse(rows) for rows in order_groups(batch, self.source)]
        created = self._writer.write(drafts)
        self.counts.created += created
        self.counts.unchanged += len(drafts) - created

    def notes(self) -> list[Message]:
        return self._writer.references.notes()

    def _order_parse(self, rows: list[Row]) -> OrderDraft:
        key = order_key(rows[0], self.source)
        order_key_check(key)
        return order_parse(rows, source=key.source)
