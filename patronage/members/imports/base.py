"""What every kind of import file shares: reading, column names, cell parsers, row errors, identity matching.

A file is read twice, streaming, in batches of BATCH_ROWS rows: once to check every row (nothing is
written), and, only when no row is bad, once more to write everything inside one transaction.
Keeping only what the checks need between batches lets a million-row file import in bounded memory.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple, TypeVar

from django.db import connection
from django.utils.translation import gettext_noop

from patronage.core.business import business_zone
from patronage.core.errors import ValidationFailed
from patronage.core.inputs import date_refusal, instant_refusal, text_refusal
from patronage.core.models import User
from patronage.members.imports.messages import Message, Param
from patronage.members.models import Identity
from patronage.members.services import identity_normalise

_T = TypeVar("_T")
BATCH_ROWS = 5_000
LOOKUP_CHUNK = 5_000
_READ_BLOCK = 1 << 20
_DELIMITERS = (",", ";", "\t")
# Korean POS exports are usually CP949, Japanese ones CP932 (Shift_JIS); UTF-8 is tried first.
_LEGACY_ENCODINGS = ("cp949", "cp932")


class RowError(NamedTuple):
    """One reason a file is rejected: its line (the header is line 1), the column, and what is wrong."""

    line: int
    field: str
    message: Message

    def as_dict(self) -> dict[str, object]:
        """As a job stores it: line, field, the English message, and its template and parameters."""
        return {"line": self.line, "field": self.field, **self.message.as_dict()}


class RowInvalid(Exception):
    """Raised by a row parser or check; the runner turns it into a RowError on the row's line.

    `message` is a template marked with gettext_noop, filled with `params` (translated when shown),
    or a Message.
    """

    def __init__(
        self,
        field: str,
        message: str | Message,
        params: Mapping[str, Param] | None = None,
        *,
        line: int | None = None,
    ):
        self.message = message if isinstance(message, Message) else Message.of(message, params)
        super().__init__(self.message.english)
        self.field = field
        self.line = line  # set when the error is on another line than the one being checked
        self.others: tuple[RowInvalid, ...] = ()  # the row's other problems, reported with this one

    def each(self) -> list[RowInvalid]:
        return [self, *self.others]

    @classmethod
    def several(cls, problems: Sequence[RowInvalid]) -> RowInvalid:
        first = problems[0]
        first.others = tuple(problems[1:])
        return first

    @classmethod
    def from_validation(cls, exc: ValidationFailed, default_field: str) -> RowInvalid:
        # Shared services translate at raise time: their message is kept as rendered (the check
        # pass runs in English, see jobs._report_build). A refusal naming several fields is one problem each.
        found = [
            cls(problem["field"] or default_field, Message.plain(problem["message"]))
            for problem in exc.errors
        ]
        return cls.several(found) if found else cls(exc.field or default_field, Message.plain(exc.message))


class RowProblems:
    """Reads a row's cells one part at a time and keeps every part's problem, so that a row with three
    bad cells is reported with three errors, not with the first one."""

    def __init__(self) -> None:
        self.found: list[RowInvalid] = []

    def read(self, parse: Callable[[], _T]) -> _T | None:
        try:
            return parse()
        except RowInvalid as problem:
            self.found.extend(problem.each())
            return None

    def refuse_any(self) -> None:
        if self.found:
            raise RowInvalid.several(self.found)


class FileRejected(Exception):
    """The file as a whole cannot be read (encoding, header); carries the errors to report."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(error.message.english for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class Column:
    """A column an importer understands, with the other header names exports use for it."""

    name: str
    aliases: tuple[str, ...] = ()


# Identity columns read the same way by every importer that recognises a customer.
EMAIL = Column("email", ("e_mail", "email_address", "mail", "customer_email"))
PHONE = Column(
    "phone", ("mobile", "phone_number", "mobile_phone", "tel", "telephone", "cell", "customer_phone")
)
CARD = Column("card_number", ("card", "card_no", "loyalty_card", "loyalty_card_number", "membership_card"))


def header_key(text: str) -> str:
    """The form a header name is compared in: case, accents of width, spaces, dashes and dots ignored."""
    return re.sub(r"[\s\-.]+", "_", unicodedata.normalize("NFKC", text).strip().lower()).strip("_")


@dataclass(slots=True)
class Row:
    """One data row: its file line and its cells keyed by column name (unknown columns dropped)."""

    line: int
    cells: dict[str, str]
    problem: Message | None = None  # set when the reader could not take the row (cells, text)
    problem_column: str = ""  # the column the problem is in, when it is one cell's

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


@dataclass
class CsvFile:
    """An import file opened for reading: encoding and delimiter detected, header mapped to columns."""

    path: Path
    encoding: str
    delimiter: str
    columns: list[str | None]  # the column name of each header position (None: not understood)
    headers: list[str] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.columns

    def rows(self) -> Iterator[Row]:
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            try:
                next(reader, None)
                for cells in reader:
                    if not any(cell.strip() for cell in cells):
                        continue
                    yield self._row(reader.line_num, cells)
            except csv.Error:
                # The csv module's only error past the header is a cell over its size limit (128 KiB).
                message = Message.of(
                    gettext_noop("a cell is longer than %(size)d KiB, more than any column holds"),
                    {"size": csv.field_size_limit() // 1024},
                )
                raise FileRejected([RowError(reader.line_num, "", message)]) from None

    def _row(self, line: int, cells: list[str]) -> Row:
        for name, cell in zip(self.columns, cells, strict=False):
            if refusal := text_refusal(cell):
                return Row(line, {}, Message.of(refusal.template, refusal.params), name or "")
        if len(cells) > len(self.columns) and any(cell.strip() for cell in cells[len(self.columns) :]):
            problem = Message.of(
                gettext_noop("the row has %(cells)d cells but the header has %(columns)d"),
                {"cells": len(cells), "columns": len(self.columns)},
            )
            return Row(line, {}, problem)
        return Row(
            line, {name: cell.strip() for name, cell in zip(self.columns, cells, strict=False) if name}
        )


def csv_open(path: Path, columns: Sequence[Column]) -> CsvFile:
    """Opens an import file; raises FileRejected when it cannot be read or its header is unusable."""
    encoding = encoding_detect(path)
    with path.open(encoding=encoding, newline="") as handle:
        first_line = handle.readline()
    if not first_line.strip():
        raise FileRejected(
            [
                RowError(
                    1, "", Message.of(gettext_noop("the file is empty: the first line must name the columns"))
                )
            ]
        )
    delimiter = max(_DELIMITERS, key=first_line.count)
    headers = next(csv.reader([first_line], delimiter=delimiter))
    return CsvFile(path, encoding, delimiter, _columns_map(headers, columns), headers)


def _columns_map(headers: list[str], columns: Sequence[Column]) -> list[str | None]:
    by_key = {
        header_key(alias): column.name for column in columns for alias in (column.name, *column.aliases)
    }
    mapped = [by_key.get(header_key(header)) for header in headers]
    seen: dict[str, str] = {}
    for header, name in zip(headers, mapped, strict=True):
        if name is None:
            continue
        if name in seen:
            message = Message.of(
                gettext_noop("columns '%(first)s' and '%(second)s' both give %(column)s; keep one"),
                {"first": seen[name], "second": header, "column": name},
            )
            raise FileRejected([RowError(1, name, message)])
        seen[name] = header
    return mapped


def encoding_detect(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else CP949 or CP932."""
    if _decodes(path, "utf-8"):
        return "utf-8-sig"
    candidates = [encoding for encoding in _LEGACY_ENCODINGS if _decodes(path, encoding)]
    if not candidates:
        message = Message.of(
            gettext_noop("the file is not text in UTF-8, CP949 (Korean) or CP932 (Japanese)")
        )
        raise FileRejected([RowError(1, "", message)])
    with path.open("rb") as handle:
        sample = handle.read(64 * 1024)
    return max(
        candidates, key=lambda encoding: _script_score(sample.decode(encoding, errors="ignore"), encoding)
    )


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            while block := handle.read(_READ_BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _script_score(text: str, encoding: str) -> int:
    # Bytes of one legacy encoding often decode without error in the other; what they decode to tells
    # them apart: Korean text read as CP949 gives common Hangul (KS X 1001), Japanese read as CP932 kana.
    if encoding == "cp949":
        return sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3" and ch.encode("cp949")[0] >= 0xB0)
    return sum(1 for ch in text if "\u3040" <= ch <= "\u30ff")


def batches(rows: Iterable[Row], size: int = BATCH_ROWS) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def chunks(values: Sequence[_T], size: int = LOOKUP_CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# Cell parsers: each returns the parsed value or raises RowInvalid naming its column.


def parse_date(value: str, column: str) -> date:
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise RowInvalid(
            column, gettext_noop("'%(value)s' is not a date (YYYY-MM-DD)"), {"value": value}
        ) from None
    if refusal := date_refusal(parsed):
        raise RowInvalid(column, refusal.template, refusal.params)
    return parsed


def parse_datetime(value: str, column: str) -> datetime:
    """ISO 8601 date or date-time; a time without an offset is on the business's clock."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RowInvalid(
            column,
            gettext_noop("'%(value)s' is not an ISO 8601 date or time (2024-05-31T14:30:00+09:00)"),
            {"value": value},
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=business_zone())
    if refusal := instant_refusal(parsed):
        raise RowInvalid(column, refusal.template, refusal.params)
    return parsed


def parse_decimal(value: str, column: str, *, places: int = 2) -> Decimal:
    """A non-negative number with a dot for decimals and at most `places` decimals."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise RowInvalid(
            column,
            gettext_noop("'%(value)s' is not a number (use a dot for decimals, no thousands separators)"),
            {"value": value},
        )
    if number < 0:
        raise RowInvalid(column, gettext_noop("%(column)s cannot be negative"), {"column": column})
    if number.as_tuple().exponent < -places:  # type: ignore[operator]
        raise RowInvalid(
            column,
            gettext_noop("'%(value)s' has more than %(places)d decimals"),
            {"value": value, "places": places},
        )
    return number


_TRUE = {"yes", "y", "true", "t", "1", "on"}
_FALSE = {"no", "n", "false", "f", "0", "off"}


def parse_bool(value: str, column: str) -> bool | None:
    """yes/no, true/false or 1/0; an empty cell is no answer (None)."""
    lowered = value.lower()
    if not lowered:
        return None
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise RowInvalid(column, gettext_noop("'%(value)s' is not yes/no, true/false or 1/0"), {"value": value})


# Identity matching, the same for every file that names customers.


class IdentityKey(NamedTuple):
    kind: str
    namespace: str
    value: str


@dataclass(frozen=True, slots=True)
class RowIdentity:
    key: IdentityKey
    column: str


def row_identities(row: Row, columns: Mapping[str, str], namespace: str = "") -> list[RowIdentity]:
    """The row's identities, normalised; `columns` maps column name to identity kind."""
    found = []
    problems = RowProblems()
    for column, kind in columns.items():
        value = row.get(column)
        if not value:
            continue
        try:
            normalised = identity_normalise(kind=kind, value=value, field=column)
        except ValidationFailed as exc:
            problems.found.extend(RowInvalid.from_validation(exc, column).each())
            continue
        found.append(
            RowIdentity(IdentityKey(kind, namespace if kind == "external" else "", normalised), column)
        )
    problems.refuse_any()
    return found


def identity_owners(keys: Iterable[IdentityKey]) -> dict[IdentityKey, int]:
    """The member owning each identity that exists, looked up in chunks by value (indexed)."""
    wanted = set(keys)
    owners: dict[IdentityKey, int] = {}
    table = connection.ops.quote_name(Identity._meta.db_table)
    with connection.cursor() as cursor:
        for values in chunks(sorted({key.value for key in wanted})):
            # Plain SQL: the ORM's preparation of each of thousands of IN values costs more than the query.
            placeholders = ", ".join(["%s"] * len(values))
            cursor.execute(
                f"SELECT kind, namespace, value, member_id FROM {table} WHERE value IN ({placeholders})",
                values,
            )
            for kind, namespace, value, member_id in cursor.fetchall():
                key = IdentityKey(kind, namespace, value)
                if key in wanted:
                    owners[key] = member_id
    return owners


def identity_owner(identities: Sequence[RowIdentity], owners: Mapping[IdentityKey, int]) -> int | None:
    """The one member the row's identities lead to (None: none known); two members is a row error."""
    first: RowIdentity | None = None
    for identity in identities:
        owner = owners.get(identity.key)
        if owner is None:
            continue
        if first is None:
            first = identity
        elif owners[first.key] != owner:
            raise RowInvalid(
                identity.column,
                gettext_noop("%(first)s belongs to #%(first_owner)d but %(second)s to #%(second_owner)d"),
                {
                    "first": first.column,
                    "first_owner": owners[first.key],
                    "second": identity.column,
                    "second_owner": owner,
                },
            )
    return owners[first.key] if first is not None else None


@dataclass
class ImportContext:
    """What an importer knows about its job: who started it, its options, and when it began."""

    actor: User | None
    options: Mapping[str, str]
    started_at: datetime
    job_id: int | None = None  # None for a dry run (import_file_check), which writes nothing

    @property
    def actor_id(self) -> int | None:
        return self.actor.pk if self.actor is not None else None


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer:
    """One kind of file. Subclasses declare their columns and check and write batches of rows."""

    columns: tuple[Column, ...] = ()

    def __init__(self, context: ImportContext):
        self.context = context
        self.counts = Counts()

    def header_check(self, csv_file: CsvFile) -> list[RowError]:
        """Problems with the header as a whole (a required column missing)."""
        return []

    def batches(self, rows: Iterable[Row]) -> Iterator[list[Row]]:
        return batches(rows)

    def check(self, batch: list[Row]) -> list[RowError]:
        """Every problem of the batch's rows, including conflicts with the database and earlier rows."""
        raise NotImplementedError

    def write(self, batch: list[Row]) -> None:
        """Writes a checked batch (inside the import's transaction), counting what it did."""
        raise NotImplementedError

    def notes(self) -> list[Message]:
        """What the import did besides its counts, in sentences for the summary."""
        return []


def malformed_split(batch: Iterable[Row]) -> tuple[list[Row], list[RowError]]:
    """Splits off the rows the reader could not split into columns, as errors."""
    good, errors = [], []
    for row in batch:
        if row.problem is not None:
            errors.append(RowError(row.line, row.problem_column, row.problem))
        else:
            good.append(row)
    return good, errors
