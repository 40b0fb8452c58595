"""Business time on a calendar: when an SLA falls due, and how much business time has passed. Pure: no database.

The model, in plain words:
- A calendar says when the business is open: intervals of wall-clock time per weekday ("09:00-12:00 and
  13:00-18:00 on Mondays") in one time zone, minus whole days of holiday: fixed dates, dates that come back
  every year ("12-25"), and a country's national holidays. A calendar without hours is open day and night,
  and its holidays still close whole days.
- Business time is real elapsed time while the business is open and the case is not paused. The hours are
  wall-clock times because that is how a shop keeps them: the night the clocks go forward in Berlin, a
  09:00-17:00 day still opens at 09:00 and closes at 17:00, 8 hours; an interval that spans the change (a
  24/7 day) counts the seconds that really pass, 23 hours that night and 25 the night the clocks go back.
- A wall time the clock skips (02:30 the night it jumps from 02:00 to 03:00) means the moment of the jump,
  and one it shows twice means the first time: each is "the first moment the clock shows this time or
  later", so opening and closing times keep their order whatever the clock does.
- Counting starts at the next opening when the start is outside business hours. A due time that lands
  exactly on a closing time stays at that closing time, not the next opening: the work was owed by the end
  of the day, and "due today at 18:00" is both true and what a person expects to read.
- A pause (waiting for the customer) stops the clock only while the business is open: paused time outside
  business hours was never counted, so it changes nothing.

Instants are whole microseconds since the epoch inside this module, so `between(c, a, due(c, a, s)) == s`
holds exactly. Nothing steps second by second: days are worked out 32 at a time with the business time
before each (a running sum), cached per calendar, so a due time a month ahead is a few look-ups and a binary
search; national holidays are cached per country and year. One assumption, checked on every zone of the tz
database since 1900: no zone changes its clock twice within a day.

Due times come back in the calendar's zone. Compare them as instants (in UTC, or after saving): Python
compares two times of one zone by their wall clocks, fold ignored, so 02:30 the second time reads as earlier
than 02:45 the first time.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate, pairwise
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as national_holidays
from django.utils.translation import gettext as _

__all__ = [
    "ALWAYS_OPEN",
    "WEEKDAYS",
    "Calendar",
    "CalendarError",
    "Pauses",
    "between",
    "calendar_from_dict",
    "calendar_to_dict",
    "due",
    "open_intervals",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KEYS = ("timezone", "hours", "holidays", "yearly_holidays", "country")
DAY_MINUTES = 24 * 60
# (start, end) minutes after local midnight, sorted and disjoint; (0, 1440) is the whole day.
Interval = tuple[int, int]
Day = tuple[Interval, ...]
# Closed (start, end) spans in which the clock stood still, e.g. while waiting for the customer.
Pauses = Sequence[tuple[datetime, datetime]]

_US = 1_000_000
_MINUTE_US = 60 * _US
_DAY_US = 1440 * _MINUTE_US
# Days are worked out and cached in runs of 32 (aligned on ordinals, so a day's run is found by shifting).
_CHUNK_BITS = 5
_CHUNK_DAYS = 1 << _CHUNK_BITS
_CHUNK_MASK = _CHUNK_DAYS - 1
_NEVER = 1 << 62  # later than any instant, for searching pauses by their start
_LAST_ORDINAL = date.max.toordinal()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_WHOLE_DAY: Day = ((0, DAY_MINUTES),)
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d|24:00")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


class CalendarError(ValueError):
    """A calendar that cannot be used, with the place (`hours.mon[1]`, `timezone`) and what is wrong there."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Calendar:
    """When a business is open; build it with `calendar_from_dict`, which checks everything."""

    timezone: ZoneInfo
    # Monday first, seven days; None is open day and night.
    hours: tuple[Day, ...] | None = None
    holidays: frozenset[date] = frozenset()
    yearly_holidays: frozenset[tuple[int, int]] = frozenset()  # (month, day)
    country: str | None = None

    def __post_init__(self) -> None:
        # A calendar that never opens would put every due time infinitely far away.
        if self.hours is not None and (len(self.hours) != 7 or not any(self.hours)):
            _raise("hours", _("opens on no day; leave hours out for a business open day and night"))
        if len(self.yearly_holidays) >= 366:
            _raise("yearly_holidays", _("closes every day of the year"))


ALWAYS_OPEN = Calendar(timezone=ZoneInfo("UTC"))


# --- reading and writing the JSON form -------------------------------------------------------------------


def calendar_from_dict(data: Mapping[str, Any]) -> Calendar:
    """The calendar a JSON document describes; a CalendarError naming the field for anything wrong in it."""
    if not isinstance(data, Mapping):
        raise CalendarError(
            "calendar", _("must be an object with a timezone, not %(value)r") % {"value": data}
        )
    for key in data:
        if key not in KEYS:
            raise CalendarError(str(key), _("unknown field; use %(keys)s") % {"keys": ", ".join(KEYS)})
    if "timezone" not in data:
        raise CalendarError("timezone", _("is required, e.g. Asia/Seoul"))
    return Calendar(
        timezone=_zone(data["timezone"]),
        hours=None if data.get("hours") is None else _hours(data["hours"]),
        holidays=_dates(_optional_list(data, "holidays")),
        yearly_holidays=_month_days(_optional_list(data, "yearly_holidays")),
        country=_country(data.get("country")),
    )


def calendar_to_dict(calendar: Calendar) -> dict[str, Any]:
    """The JSON form of a calendar, as `calendar_from_dict` reads it back."""
    data: dict[str, Any] = {"timezone": calendar.timezone.key}
    if calendar.hours is not None:
        data["hours"] = {
            name: [[_clock(start), _clock(end)] for start, end in day]
            for name, day in zip(WEEKDAYS, calendar.hours, strict=True)
            if day
        }
    if calendar.holidays:
        data["holidays"] = [day.isoformat() for day in sorted(calendar.holidays)]
    if calendar.yearly_holidays:
        data["yearly_holidays"] = [
            f"{month:02d}-{day:02d}" for month, day in sorted(calendar.yearly_holidays)
        ]
    if calendar.country is not None:
        data["country"] = calendar.country
    return data


def _zone(value: Any) -> ZoneInfo:
    # "localtime" is whatever the server is set to, so the same calendar would mean different hours.
    if isinstance(value, str) and value and value != "localtime":
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return _raise("timezone", _("%(value)r is not a time zone name such as Asia/Seoul") % {"value": value})


def _hours(value: Any) -> tuple[Day, ...]:
    if not isinstance(value, Mapping):
        _raise("hours", _("must be an object of weekdays (mon ... sun), not %(value)r") % {"value": value})
    for name in value:
        if name not in WEEKDAYS:
            _raise(f"hours.{name}", _("unknown weekday; use %(days)s") % {"days": ", ".join(WEEKDAYS)})
    return tuple(_day(f"hours.{name}", value.get(name, [])) for name in WEEKDAYS)


def _day(path: str, value: Any) -> Day:
    if not isinstance(value, list | tuple):
        _raise(path, _("must be a list of [opening, closing] pairs, not %(value)r") % {"value": value})
    intervals = sorted((_interval(f"{path}[{i}]", pair), i) for i, pair in enumerate(value))
    for (earlier, _index), (later, index) in pairwise(intervals):
        if later[0] < earlier[1]:
            message = _("%(later)s overlaps %(earlier)s") % {
                "later": _pair(later),
                "earlier": _pair(earlier),
            }
            _raise(f"{path}[{index}]", message)
    return tuple(interval for interval, _index in intervals)


def _interval(path: str, value: Any) -> Interval:
    if not isinstance(value, list | tuple) or len(value) != 2:
        _raise(
            path,
            _('must be a pair [opening, closing] such as ["09:00", "18:00"], not %(value)r')
            % {"value": value},
        )
    start, end = _minute(path, value[0]), _minute(path, value[1])
    if start >= end:
        _raise(
            path,
            _("opens at %(start)s but closes at %(end)s: closing must be later")
            % {"start": value[0], "end": value[1]},
        )
    return start, end


def _minute(path: str, value: Any) -> int:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        _raise(path, _("%(value)r is not a time of day HH:MM (00:00 to 24:00)") % {"value": value})
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def _dates(items: list[Any]) -> frozenset[date]:
    days = set()
    for i, item in enumerate(items):
        day = _iso_date(item)
        if day is None:
            _raise(f"holidays[{i}]", _("%(value)r is not a date YYYY-MM-DD") % {"value": item})
        days.add(day)
    return frozenset(days)


def _iso_date(item: Any) -> date | None:
    # Only the plain form: fromisoformat alone would also take "20260301" and week dates.
    if not isinstance(item, str) or not _DATE.fullmatch(item):
        return None
    try:
        return date.fromisoformat(item)
    except ValueError:
        return None


def _month_days(items: list[Any]) -> frozenset[tuple[int, int]]:
    days = set()
    for i, item in enumerate(items):
        day = _month_day(item)
        if day is None:
            _raise(f"yearly_holidays[{i}]", _("%(value)r is not a day of the year MM-DD") % {"value": item})
        days.add(day)
    return frozenset(days)


def _month_day(item: Any) -> tuple[int, int] | None:
    match = _MONTH_DAY.fullmatch(item) if isinstance(item, str) else None
    if match is None:
        return None
    try:
        # 2000 is a leap year, so 02-29 is allowed: it closes the day in the years that have it.
        day = date(2000, int(match[1]), int(match[2]))
    except ValueError:
        return None
    return day.month, day.day


def _country(value: Any) -> str | None:
    if value is None:
        return None
    supported = national_holidays.list_supported_countries()
    if isinstance(value, str) and value in supported:
        return value
    code = str(value).upper()
    if code in supported:
        _raise(
            "country",
            _("%(value)r is not a country code: did you mean %(code)s?") % {"value": value, "code": code},
        )
    _raise(
        "country",
        _("%(value)r is not a country code the holidays package knows, such as KR") % {"value": value},
    )


def _optional_list(data: Mapping[str, Any], key: str) -> list[Any]:
    # null is the same as leaving the field out, as an editor may write it.
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        _raise(key, _("must be a list, not %(value)r") % {"value": value})
    return list(value)


def _raise(path: str, message: str) -> NoReturn:
    raise CalendarError(path, message)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _pair(interval: Interval) -> str:
    return f"{_clock(interval[0])}-{_clock(interval[1])}"


# --- business time ---------------------------------------------------------------------------------------


def due(calendar: Calendar, start: datetime, seconds: int, pauses: Pauses = ()) -> datetime:
    """When `seconds` of business time have passed since `start`, in the calendar's zone."""
    _require_aware("start", start)
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise ValueError(f"seconds must be a whole number, zero or more, not {seconds!r}")
    spans = _merged(pauses)
    if seconds == 0:
        return start.astimezone(calendar.timezone)
    moment, left = _us(start), seconds * _US
    while True:
        # Due as if nothing were paused, then again for the business time the pauses took back: each round
        # passes at least one pause, so this ends.
        moment = _after_pause(spans, moment)
        candidate = _due_us(calendar, moment, left)
        left = _paused(calendar, spans, moment, candidate)
        if not left:
            return _datetime(candidate, calendar.timezone)
        moment = candidate


def between(calendar: Calendar, start: datetime, end: datetime, pauses: Pauses = ()) -> int:
    """Whole business seconds from `start` to `end`, paused business time taken off; 0 if end <= start."""
    _require_aware("start", start)
    _require_aware("end", end)
    spans, low, high = _merged(pauses), _us(start), _us(end)
    return (_business(calendar, low, high) - _paused(calendar, spans, low, high)) // _US


def open_intervals(calendar: Calendar, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The business hours from `start` to `end` as (opening, closing) pairs in the calendar's zone, clipped."""
    _require_aware("start", start)
    _require_aware("end", end)
    low, high, zone = _us(start), _us(end), calendar.timezone
    for ordinal in range(_local_ordinal(calendar, low) - 1, _local_ordinal(calendar, high) + 2):
        for opening, closing in _intervals(calendar, ordinal):
            if closing > low and opening < high:
                yield _datetime(max(opening, low), zone), _datetime(min(closing, high), zone)


# Instants below are microseconds since the epoch; days are proleptic Gregorian ordinals of local dates.
# The intervals of the local days before and after an instant's own are looked at too: a clock set back
# over midnight shows yesterday's date after today's first hour began.


def _due_us(calendar: Calendar, start: int, left: int) -> int:
    """The instant `left` business microseconds (> 0) after `start`, nothing paused."""
    first = _local_ordinal(calendar, start) - 1
    for ordinal in range(first, first + 3):
        found, left = _due_in_day(calendar, ordinal, start, left)
        if found is not None:
            return found
    ordinal, left = _skip_days(calendar, first + 3, left)
    found, left = _due_in_day(calendar, ordinal, start, left)
    assert found is not None  # _skip_days stops on the day that has enough
    return found


def _due_in_day(calendar: Calendar, ordinal: int, start: int, left: int) -> tuple[int | None, int]:
    """The due instant if it falls on this day, else None and what is left after the day."""
    for opening, closing in _intervals(calendar, ordinal):
        if closing <= start:
            continue
        opening = max(opening, start)
        # `<=`: a due time exactly at closing stays at closing, not the next opening.
        if left <= closing - opening:
            return opening + left, 0
        left -= closing - opening
    return None, left


def _skip_days(calendar: Calendar, ordinal: int, left: int) -> tuple[int, int]:
    """The first day from `ordinal` on by whose end `left` is reached, and what is left at its start."""
    while True:
        base = ordinal & ~_CHUNK_MASK
        before = _chunk(calendar, ordinal >> _CHUNK_BITS)[1]
        target = before[ordinal - base] + left
        index = bisect_left(before, target, ordinal - base + 1)
        if index < len(before):
            return base + index - 1, target - before[index - 1]
        ordinal, left = base + _CHUNK_DAYS, target - before[-1]


def _business(calendar: Calendar, start: int, end: int) -> int:
    """Business microseconds from `start` to `end`: the days at both ends one by one, those between summed."""
    if end <= start:
        return 0
    first, last = _local_ordinal(calendar, start) - 1, _local_ordinal(calendar, end) + 1
    if last - first < 5:
        return sum(_clipped(calendar, ordinal, start, end) for ordinal in range(first, last + 1))
    ends = (*range(first, first + 3), *range(last - 2, last + 1))
    return sum(_clipped(calendar, ordinal, start, end) for ordinal in ends) + _whole_days(
        calendar, first + 3, last - 2
    )


def _clipped(calendar: Calendar, ordinal: int, start: int, end: int) -> int:
    return sum(
        max(0, min(closing, end) - max(opening, start)) for opening, closing in _intervals(calendar, ordinal)
    )


def _whole_days(calendar: Calendar, first: int, stop: int) -> int:
    """Business microseconds in the days from `first` up to, not including, `stop`."""
    total = 0
    while first < stop:
        base = first & ~_CHUNK_MASK
        before = _chunk(calendar, first >> _CHUNK_BITS)[1]
        upto = min(stop, base + _CHUNK_DAYS)
        total += before[upto - base] - before[first - base]
        first = upto
    return total


def _intervals(calendar: Calendar, ordinal: int) -> tuple[tuple[int, int], ...]:
    return _chunk(calendar, ordinal >> _CHUNK_BITS)[0][ordinal & _CHUNK_MASK]


_Chunk = tuple[tuple[tuple[tuple[int, int], ...], ...], tuple[int, ...]]


@lru_cache(maxsize=512)
def _chunk(calendar: Calendar, index: int) -> _Chunk:
    """A run of days' business intervals, and the business time before each day of the run (prefix sums).

    Computed once per calendar and run of days, so a due time 30 days ahead costs a few look-ups.
    """
    first = index << _CHUNK_BITS
    midnights = _midnight_offsets(calendar.timezone, index)
    days = tuple(
        _day_intervals(calendar, first + i, midnights[i], midnights[i + 1]) for i in range(_CHUNK_DAYS)
    )
    before = tuple(accumulate((sum(c - o for o, c in day) for day in days), initial=0))
    return days, before


def _day_intervals(
    calendar: Calendar, ordinal: int, today: tuple[int, int], tomorrow: tuple[int, int]
) -> tuple[tuple[int, int], ...]:
    """One local day's business intervals as instants; none on a holiday."""
    hours = _WHOLE_DAY if calendar.hours is None else calendar.hours[(ordinal - 1) % 7]  # day 1 is a Monday
    if not hours or _is_holiday(calendar, ordinal):
        return ()
    # The same offset at both midnights, each shown once: the clock does not change that day, since no zone
    # in the tz database changes it twice within four days (checked on every zone since 1900).
    if today[0] == today[1] == tomorrow[0] == tomorrow[1]:
        midnight = (ordinal - _EPOCH_ORDINAL) * _DAY_US - today[0]
        return tuple((midnight + a * _MINUTE_US, midnight + b * _MINUTE_US) for a, b in hours)
    day = date.fromordinal(ordinal)
    return tuple((_wall_us(calendar.timezone, day, a), _wall_us(calendar.timezone, day, b)) for a, b in hours)


def _is_holiday(calendar: Calendar, ordinal: int) -> bool:
    if not (calendar.holidays or calendar.yearly_holidays or calendar.country):
        return False
    day = date.fromordinal(ordinal)
    return (
        day in calendar.holidays
        or (day.month, day.day) in calendar.yearly_holidays
        or (calendar.country is not None and day in _national(calendar.country, day.year))
    )


@lru_cache(maxsize=1024)
def _national(country: str, year: int) -> frozenset[date]:
    return frozenset(national_holidays.country_holidays(country, years=year))


@lru_cache(maxsize=512)
def _midnight_offsets(zone: ZoneInfo, index: int) -> tuple[tuple[int, int], ...]:
    """The zone's offsets at each midnight of a run of days and the one after it, shared by its calendars."""
    first = index << _CHUNK_BITS
    # Clamped: a run of days may reach past the calendar's first or last day; nothing can be due there.
    midnights = [
        datetime.fromordinal(min(max(first + i, 1), _LAST_ORDINAL)) for i in range(-1, _CHUNK_DAYS + 2)
    ]
    plain = [zone.utcoffset(midnight) for midnight in midnights]
    return tuple(
        # A midnight is shown twice or never only next to a change of offset: elsewhere fold 1 reads the same.
        (_offset_us(plain[i]),) * 2
        if plain[i - 1] == plain[i] == plain[i + 1]
        else _wall_offsets(zone, midnights[i])
        for i in range(1, _CHUNK_DAYS + 2)
    )


def _wall_offsets(zone: ZoneInfo, local: datetime) -> tuple[int, int]:
    """The offsets (µs) the zone gives a wall time, the first and the second time the clock shows it."""
    return _offset_us(zone.utcoffset(local)), _offset_us(zone.utcoffset(local.replace(fold=1)))


def _wall_us(zone: ZoneInfo, day: date, minute: int) -> int:
    """The first instant at which the clock in `zone` shows `minute` past midnight on `day`, or later."""
    local = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)  # 24:00 is tomorrow 00:00
    as_if_utc = (local.toordinal() - _EPOCH_ORDINAL) * _DAY_US + (local.hour * 60 + local.minute) * _MINUTE_US
    first, second = _wall_offsets(zone, local)
    if first >= second:
        # Shown once, or twice as the clock went back (fold 0 is the first time).
        return as_if_utc - first
    # Skipped as the clock jumped forward: the jump lies between the two readings of it.
    return _jump(zone, as_if_utc - second, as_if_utc - first)


def _offset_us(offset: timedelta | None) -> int:
    return 0 if offset is None else (offset.days * 86_400 + offset.seconds) * _US + offset.microseconds


def _jump(zone: ZoneInfo, low: int, high: int) -> int:
    """The instant in (low, high] at which `zone` moves to its later offset; rare, so a plain bisection."""
    later = _datetime(high, zone).utcoffset()
    low_s, high_s = low // _US, -(-high // _US)  # zones change their offset on whole seconds
    while high_s - low_s > 1:
        middle = (low_s + high_s) // 2
        if _datetime(middle * _US, zone).utcoffset() == later:
            high_s = middle
        else:
            low_s = middle
    return high_s * _US


def _merged(pauses: Pauses) -> list[tuple[int, int]]:
    """The pauses as sorted, disjoint instants; overlapping pauses stop the clock once."""
    spans = []
    for i, (pause_start, pause_end) in enumerate(pauses):
        _require_aware(f"pauses[{i}] start", pause_start)
        _require_aware(f"pauses[{i}] end", pause_end)
        # Compared as instants: Python compares two times of one zone by the wall clock, fold ignored.
        span = _us(pause_start), _us(pause_end)
        if span[1] < span[0]:
            raise ValueError(f"pauses[{i}] ends at {pause_end.isoformat()}, before it starts")
        spans.append(span)
    merged: list[tuple[int, int]] = []
    for span_start, span_end in sorted(spans):
        if merged and span_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span_end))
        else:
            merged.append((span_start, span_end))
    return merged


def _after_pause(spans: list[tuple[int, int]], moment: int) -> int:
    """`moment`, or the end of the pause it falls in: nothing counts until the pause is over."""
    index = bisect_right(spans, (moment, _NEVER)) - 1
    return max(moment, spans[index][1]) if index >= 0 else moment


def _paused(calendar: Calendar, spans: list[tuple[int, int]], start: int, end: int) -> int:
    """Business microseconds inside the pauses between `start` and `end`."""
    total = 0
    # From the last pause that began by `start`: the ones before it are over by then.
    first = max(bisect_right(spans, (start, _NEVER)) - 1, 0)
    for span_start, span_end in spans[first:]:
        if span_start >= end:
            break
        total += _business(calendar, max(span_start, start), min(span_end, end))
    return total


def _local_ordinal(calendar: Calendar, moment: int) -> int:
    return _datetime(moment, calendar.timezone).toordinal()


def _require_aware(name: str, moment: datetime) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a datetime with a time zone, not {moment!r}")


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _datetime(us: int, zone: ZoneInfo) -> datetime:
    return (_EPOCH + timedelta(microseconds=us)).astimezone(zone)
