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
from patronage.commerce.imports.steps import ImportedOrder, order_import_steps
from patronage.commerce.imports.write import OrderWriter
from patronage.members.imports.base import Column, CsvFile, ImportContext, Importer, Row, RowError, RowInvalid
from patronage.members.imports.messages import Message

DEFAULT_SOURCE = "import"


class TransactionImporter(Importer):
    columns: tuple[Column, ...] = COLUMNS

    def __init__(self, context: ImportContext):
        super().__init__(context)
        self.source = context.options.get("source") or DEFAULT_SOURCE
        self._checks = OrderChecks()
        self._writer = OrderWriter(context)
        # What the apps above commerce do with the file's orders (loyalty books their points).
        self._steps = [factory(context) for factory in order_import_steps]
        step_columns = tuple(column for step in self._steps for column in step.columns)
        self.columns = COLUMNS + step_columns
        self._step_columns = tuple(column.name for column in step_columns)

    def header_check(self, csv_file: CsvFile) -> list[RowError]:
        missing = [column for column in ("external_id", "occurred_at") if not csv_file.has(column)]
        return [
            RowError(
                1, column, Message.of(gettext_noop("the header has no %(column)s column"), {"column": column})
            )
            for column in missing
        ] + [error for step in self._steps for error in step.options_check()]

    def batches(self, rows: Iterable[Row]) -> Iterator[list[Row]]:
        return order_batches(rows, self.source)

    def check(self, batch: list[Row]) -> list[RowError]:
        errors, drafts = [], []
        for rows in order_groups(batch, self.source):
            try:
                drafts.append(self._order_parse(rows))
            except RowInvalid as exc:
                errors.append(RowError(exc.line or rows[0].line, exc.field, exc.message))
        step_errors = [error for step in self._steps for error in step.check(drafts)]
        return errors + self._checks.errors(drafts) + step_errors

    def write(self, batch: list[Row]) -> None:
        drafts = [self._order_parse(rows) for rows in order_groups(batch, self.source)]
        written = self._writer.write(drafts)
        self.counts.created += written.created
        self.counts.unchanged += len(drafts) - written.created
        imported = [ImportedOrder(draft, written.order_ids[draft.key]) for draft in drafts]
        for step in self._steps:
            step.write(imported)

    def notes(self) -> list[Message]:
        return self._writer.references.notes() + [note for step in self._steps for note in step.notes()]

    def _order_parse(self, rows: list[Row]) -> OrderDraft:
        key = order_key(rows[0], self.source)
        order_key_check(key)
        return order_parse(rows, source=key.source, step_columns=self._step_columns)
