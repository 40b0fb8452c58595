"""Shapes shared by every router, and the patterns the OpenAPI document states for them.

Each pattern here is checked by the server too, with the same text, so that what the document allows the
server accepts and what it forbids the server refuses (issue 19: the API is fuzzed against its document).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, Field, WithJsonSchema

from patronage.core.inputs import (
    EARLIEST,
    EARLIEST_DATE,
    LATEST,
    LATEST_DATE,
    date_refusal,
    instant_refusal,
)

# The statuses an endpoint may answer with a problem; declared so the OpenAPI spec shows the error shape.
PROBLEM_STATUSES = frozenset({400, 401, 403, 404, 409, 413, 422})

# Text any field may hold: no NUL character (the guard refuses it anywhere). Half of a surrogate pair is
# refused too, but it is not Unicode text at all, so JSON Schema has no string holding one to forbid.
SAFE_TEXT = r"^[^\u0000]*$"
# The characters Python's str.strip() removes, spelled out: `\s` means something else in each regex dialect.
WHITESPACE = r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Text with something in it besides whitespace, and no NUL.
NOT_BLANK = rf"^[^\u0000]*[^{WHITESPACE}\u0000][^\u0000]*$"

# A calendar date from 1900-01-01 to 2199-12-31, 29 February only in leap years (1900 and 2100 are not).
_LEAP_YEAR = r"(?:(?:19|21)(?:0[48]|[2468][048]|[13579][26])|20(?:[02468][048]|[13579][26]))"
_DAY = (
    r"(?:(?:19|20|21)[0-9]{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    rf"|{_LEAP_YEAR}-02-29)"
)
DAY_PATTERN = rf"^{_DAY}$"
# A moment: such a date, a time to the second (fractions up to microseconds) and an offset within ±14:00.
INSTANT_PATTERN = (
    rf"^{_DAY}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{{1,6}})?"
    r"(?:Z|[+-](?:0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$"
)
_DAY_RE = re.compile(DAY_PATTERN)
_INSTANT_RE = re.compile(INSTANT_PATTERN)

# Ids are 64-bit: a bigger number is no record (and SQLite cannot even compare it).
MAX_ID = 2**63 - 1


class ValueSchema(BaseModel):
    """The base of shapes built from plain values, on the paths that carry many of them (transactions).

    ninja's Schema wraps every validation in a step that reads attributes off ORM objects; on a bulk
    request of a thousand purchases that step cost about six times the validation itself. Shapes read
    off model instances (with `resolve_*` methods) stay on ninja's Schema.
    """


class FieldError(ValueSchema):
    field: str | None
    message: str


class Problem(ValueSchema):
    """Every error: a machine-readable type, the status, and plain words naming the problem and the field."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError]


def _written_as(pattern: re.Pattern[str], example: str, *, instant: bool) -> Any:
    def check(value: Any) -> Any:
        # pydantic would read a number as seconds since 1970 (`"joined_at": 0` is a mistake, not 1970), and
        # takes forms the document does not state (a space for the T, "20260531"): the pattern decides.
        if isinstance(value, datetime | date):
            return value
        if not isinstance(value, str) or not pattern.match(value) or value.endswith("\n"):
            raise ValueError(_why_not(value, instant) or f"write it as ISO 8601 text, such as {example}")
        return value

    return check


def _why_not(value: Any, instant: bool) -> str | None:
    """What is wrong with a moment or date the pattern refused, when Python can read it at all."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value) if instant else date.fromisoformat(value)
    except ValueError:
        return None
    if isinstance(parsed, datetime):
        refusal = instant_refusal(parsed)
        if parsed.tzinfo is None:
            return "a time needs its time-zone offset (timezone), such as +09:00"
    else:
        refusal = date_refusal(parsed)
    return refusal.message() if refusal else None


def _storable_instant(value: datetime) -> datetime:
    if refusal := instant_refusal(value):
        raise ValueError(refusal.message())
    return value


def _storable_date(value: date) -> date:
    if refusal := date_refusal(value):
        raise ValueError(refusal.message())
    return value


# Every moment the API takes: ISO 8601 text with an offset within ±14:00, written from 1900 to 2199.
Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_written_as(_INSTANT_RE, "2026-05-31T14:30:00+09:00", instant=True)),
    AfterValidator(_storable_instant),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": INSTANT_PATTERN,
            "description": f"ISO 8601 with its offset (within ±14:00), written from {EARLIEST.date()} to "
            f"before {LATEST.date()}",
            "examples": ["2026-05-31T14:30:00+09:00"],
        }
    ),
]
# Every calendar date the API takes: YYYY-MM-DD from 1900 to 2199.
Day = Annotated[
    date,
    BeforeValidator(_written_as(_DAY_RE, "2026-05-31", instant=False)),
    AfterValidator(_storable_date),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": DAY_PATTERN,
            "description": f"YYYY-MM-DD, from {EARLIEST_DATE} to {LATEST_DATE}, e.g. 2026-05-31",
        }
    ),
]


def whole(value: Any) -> Any:
    """5.0 as the integer 5: JSON Schema reads them as one number. 5.5, "5" and true stay refused."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


# A JSON integer in a body: never "5", 5.5 or true (5.0 is 5).
JsonInt = Annotated[int, BeforeValidator(whole), Field(strict=True)]
# A record's id in a body: a positive 64-bit integer. (The bounds go before the validator that reads 5.0
# as 5, so that they bound the integer, and the document states them as minimum and maximum.)
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID), BeforeValidator(whole)]

# A JSON object kept on a record (a member's preferences): keys and text without NUL, at most
# JSON_MAX_DEPTH levels deep. The OpenAPI document states it as the `StoredJson` component (see api.py).
STORED_JSON_MARKER = "x-patronage-stored-json"
StoredJson = Annotated[
    dict[str, Any],
    WithJsonSchema({"type": "object", STORED_JSON_MARKER: True}),
]
# The same in a path or a query, where it comes as text.
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]
