"""The bounds every door applies to what a person or an integration sends (the API, CSV imports, forms).

Pure: no database. Each check answers None for a value the product can store and show, or a Refusal
that says why in words naming no field (the caller names it). The bounds are the databases' and the
product's, not a guess about the business: PostgreSQL refuses a NUL character, an unpaired surrogate
and an offset past ±15:59, and a timestamp before year 1 breaks every page that lists it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext, gettext_noop

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
# Real offsets run from -12:00 to +14:00; a wider one is a typo (and PostgreSQL refuses past ±15:59).
OFFSET_LIMIT = timedelta(hours=14)
_WALL_EARLIEST = EARLIEST.replace(tzinfo=None)
_WALL_LATEST = LATEST.replace(tzinfo=None)
# How far past now a business moment (a purchase, a join) may be: a till's clock may run a little ahead.
FUTURE_GRACE = timedelta(minutes=10)
# A JSON object a business stores on a record (preferences, rule parameters): room for many settings,
# not for a file.
JSON_MAX_BYTES = 16 * 1024
JSON_MAX_DEPTH = 8
# Any JSON body: deeper than this is no shape the API takes.
BODY_MAX_DEPTH = 16


@dataclass(frozen=True)
class Refusal:
    """Why a value is refused: an English template (translated where it is shown) and its values."""

    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        return gettext(self.template) % self.params if self.params else gettext(self.template)


def instant_refusal(value: datetime) -> Refusal | None:
    """A moment with its offset, within ±14:00, written (in its own offset) from 1900-01-01 to before 2200-01-01.

    The bound is on the date and time as written, not on the UTC instant, so that one pattern in the API's
    OpenAPI document states it exactly; at the edges the instant is at most 14 hours outside those years,
    which every database and page handles.
    """
    offset = value.utcoffset()
    if offset is None:
        return Refusal(gettext_noop("a time needs its time-zone offset, such as +09:00"))
    if abs(offset) > OFFSET_LIMIT:
        return Refusal(gettext_noop("the time-zone offset must be between -14:00 and +14:00"))
    # The wall clock only: converting 0001-01-01T00:00+14:00 to UTC would overflow.
    wall = value.replace(tzinfo=None)
    if not _WALL_EARLIEST <= wall < _WALL_LATEST:
        return Refusal(
            gettext_noop("a time must be between %(earliest)s and %(latest)s"),
            {"earliest": EARLIEST.date().isoformat(), "latest": LATEST.date().isoformat()},
        )
    return None


def date_refusal(value: date) -> Refusal | None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        return Refusal(
            gettext_noop("a date must be between %(earliest)s and %(latest)s"),
            {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )
    return None


def text_refusal(value: str) -> Refusal | None:
    """Text a database can store: no NUL character, no half of a surrogate pair."""
    if "\x00" in value:
        return Refusal(gettext_noop("the text holds a NUL character (\\u0000), which cannot be stored"))
    if any("\ud800" <= char <= "\udfff" for char in value):
        return Refusal(
            gettext_noop("the text holds an unpaired surrogate (\\ud800-\\udfff), which is not valid Unicode")
        )
    return None


# A record's code as addresses, files and the API name it (a standard's, a segment's, a campaign's).
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def code_refusal(code: str) -> Refusal | None:
    """A code of up to 32 lower-case letters, digits, - or _, starting with a letter or digit."""
    if CODE_PATTERN.match(code or ""):
        return None
    return Refusal(
        gettext_noop("use up to 32 lower-case letters, digits, - or _, starting with a letter or digit")
    )


def texts_problems(data: object, limits: Iterable[tuple[str, int, bool]]) -> list[tuple[str, str]]:
    """(field, why) for each of `data`'s text attributes named in `limits` (name, most characters,
    required) that is missing, too long or not storable; each read stripped."""
    problems: list[tuple[str, str]] = []
    for name, limit, required in limits:
        value = (getattr(data, name) or "").strip()
        refusal = text_refusal(value)
        if required and not value:
            problems.append((name, gettext("this field is required")))
        elif len(value) > limit:
            problems.append((name, gettext("at most %(max)d characters") % {"max": limit}))
        elif refusal is not None:
            problems.append((name, refusal.message()))
    return problems


def json_refusal(value: object) -> Refusal | None:
    """A JSON value kept on a record: at most JSON_MAX_BYTES when written, JSON_MAX_DEPTH levels deep."""
    if _depth(value) > JSON_MAX_DEPTH:
        return Refusal(gettext_noop("nested more than %(depth)d levels deep"), {"depth": JSON_MAX_DEPTH})
    if len(json.dumps(value, ensure_ascii=False).encode()) > JSON_MAX_BYTES:
        return Refusal(gettext_noop("larger than %(size)d KiB"), {"size": JSON_MAX_BYTES // 1024})
    return None


def body_refusal(data: object) -> tuple[str, Refusal] | None:
    """The first place in a parsed JSON body that no field may hold (dotted path, why), or None."""
    if not _suspect(data, 0):
        return None
    for path, depth, value in _walk(data, ()):
        if depth > BODY_MAX_DEPTH:
            return _dotted(path), Refusal(
                gettext_noop("nested more than %(depth)d levels deep"), {"depth": BODY_MAX_DEPTH}
            )
        if isinstance(value, str) and (refusal := text_refusal(value)):
            return _dotted(path), refusal
        # 1e400 is a JSON number Python reads as infinity, which no database's JSON column stores.
        if isinstance(value, float) and not math.isfinite(value):
            return _dotted(path), Refusal(gettext_noop("the number is too large to store"))
    return None


def _suspect(value: object, depth: int) -> bool:
    """Whether anything in `value` may be refused: a first pass that builds no paths, because a bulk body
    holds thousands of values and nearly every one is plain ASCII text."""
    if depth > BODY_MAX_DEPTH:
        return True
    if isinstance(value, str):
        return "\x00" in value or (not value.isascii() and text_refusal(value) is not None)
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_suspect(key, depth + 1) or _suspect(item, depth + 1) for key, item in value.items())
    if isinstance(value, list):
        return any(_suspect(item, depth + 1) for item in value)
    return False


def _walk(
    value: object, path: tuple[str | int, ...], depth: int = 0
) -> Iterator[tuple[tuple[str | int, ...], int, object]]:
    yield path, depth, value
    if isinstance(value, dict):
        for key, item in value.items():
            # A key is text the product may store too (preferences, rule parameters).
            yield (*path, key), depth + 1, key
            yield from _walk(item, (*path, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index), depth + 1)


def _depth(value: object) -> int:
    return max((depth for _path, depth, _value in _walk(value, ())), default=0)


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path) or "body"
