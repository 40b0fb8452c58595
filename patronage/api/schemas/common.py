"""Shapes shared by every router."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, Field

from patronage.core.inputs import EARLIEST, EARLIEST_DATE, LATEST, LATEST_DATE, date_refusal, instant_refusal

# The statuses an endpoint may answer with a problem; declared so the OpenAPI spec shows the error shape.
PROBLEM_STATUSES = frozenset({400, 401, 403, 404, 409, 422})


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


def _written_as_text(value: Any) -> Any:
    # pydantic would read a number as seconds since 1970: `"joined_at": 0` is a mistake, not 1970.
    if not isinstance(value, str | datetime | date):
        raise ValueError("give the time as ISO 8601 text, such as 2026-05-31T14:30:00+09:00")
    return value


def _storable_instant(value: datetime) -> datetime:
    if refusal := instant_refusal(value):
        raise ValueError(refusal.message())
    return value


def _storable_date(value: date) -> date:
    if refusal := date_refusal(value):
        raise ValueError(refusal.message())
    return value


# Every moment the API takes: ISO 8601 text with an offset within ±14:00, from 1900 to 2200.
Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_written_as_text),
    AfterValidator(_storable_instant),
    Field(
        description=f"ISO 8601 with its offset (within ±14:00), from {EARLIEST.date()} to before {LATEST.date()}"
    ),
]
# Every calendar date the API takes: YYYY-MM-DD from 1900 to 2199.
Day = Annotated[
    date,
    BeforeValidator(_written_as_text),
    AfterValidator(_storable_date),
    Field(description=f"YYYY-MM-DD, from {EARLIEST_DATE} to {LATEST_DATE}"),
]
