"""Business-hours arithmetic: hand-worked due times, their inverse, properties over many calendars, bad input.

Dates used: 2026-03-06 is a Friday; 2026-03-02 is Korea's substitute holiday for 1 March (a Sunday);
Europe/Berlin moves its clocks on Sunday 2026-03-29 (02:00 → 03:00) and Sunday 2026-10-25 (03:00 → 02:00).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patronage.care.sla import (
    ALWAYS_OPEN,
    Calendar,
    CalendarError,
    between,
    calendar_from_dict,
    calendar_to_dict,
    due,
    open_intervals,
)

SEOUL = ZoneInfo("Asia/Seoul")
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HOUR = 3600


def every(days: tuple[str, ...], intervals: list[list[str]]) -> dict[str, list[list[str]]]:
    return dict.fromkeys(days, intervals)


def utc(moment: datetime) -> datetime:
    """The instant in UTC: Python compares and subtracts two times of one zone by their wall clocks, fold
    ignored, and never finds a time in a repeated hour equal to one in another zone."""
    return moment.astimezone(UTC)


OFFICE = calendar_from_dict({"timezone": "Asia/Seoul", "hours": every(WEEKDAYS, [["09:00", "18:00"]])})
NINE_TO_FIVE = calendar_from_dict({"timezone": "Asia/Seoul", "hours": every(WEEKDAYS, [["09:00", "17:00"]])})
WITH_LUNCH = calendar_from_dict(
    {"timezone": "Asia/Seoul", "hours": every(WEEKDAYS, [["13:00", "18:00"], ["09:00", "12:00"]])}
)
WITH_HOLIDAYS = calendar_from_dict(
    {
        "timezone": "Asia/Seoul",
        "hours": every(WEEKDAYS, [["09:00", "18:00"]]),
        "holidays": ["2026-03-10"],
        "yearly_holidays": ["12-25"],
    }
)
KOREA = calendar_from_dict(
    {"timezone": "Asia/Seoul", "hours": every(WEEKDAYS, [["09:00", "18:00"]]), "country": "KR"}
)
EVENINGS = calendar_from_dict({"timezone": "Asia/Seoul", "hours": every(WEEKDAYS, [["18:00", "24:00"]])})
BERLIN_ALWAYS = calendar_from_dict({"timezone": "Europe/Berlin"})
# Open every day, and on Sunday nights across the hour the clocks change.
BERLIN_OFFICE = calendar_from_dict(
    {
        "timezone": "Europe/Berlin",
        "hours": {
            **every(("mon", "tue", "wed", "thu", "fri", "sat"), [["09:00", "17:00"]]),
            "sun": [["01:00", "04:00"], ["09:00", "17:00"]],
        },
    }
)


def seoul(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SEOUL)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN, fold=fold)


# (calendar, start, seconds, pauses, due): each worked out by hand.
CASES = {
    "same day": (OFFICE, seoul(2026, 3, 10, 10), 2 * HOUR, (), seoul(2026, 3, 10, 12)),
    "start before opening": (OFFICE, seoul(2026, 3, 10, 7), HOUR, (), seoul(2026, 3, 10, 10)),
    "start after closing": (OFFICE, seoul(2026, 3, 10, 20), HOUR, (), seoul(2026, 3, 11, 10)),
    "friday 16:00 + 2 h is monday 10:00": (
        NINE_TO_FIVE,
        seoul(2026, 3, 6, 16),
        2 * HOUR,
        (),
        seoul(2026, 3, 9, 10),
    ),
    "friday 16:00 + 2 h is friday's closing at 18:00": (
        OFFICE,
        seoul(2026, 3, 6, 16),
        2 * HOUR,
        (),
        seoul(2026, 3, 6, 18),
    ),
    "friday 16:00 + 3 h is monday 10:00": (
        OFFICE,
        seoul(2026, 3, 6, 16),
        3 * HOUR,
        (),
        seoul(2026, 3, 9, 10),
    ),
    "start on the weekend": (OFFICE, seoul(2026, 3, 7, 11), HOUR, (), seoul(2026, 3, 9, 10)),
    "a week is 45 hours": (OFFICE, seoul(2026, 3, 9, 9), 45 * HOUR, (), seoul(2026, 3, 13, 18)),
    "a fixed holiday": (WITH_HOLIDAYS, seoul(2026, 3, 9, 17), 2 * HOUR, (), seoul(2026, 3, 11, 10)),
    "a yearly holiday": (WITH_HOLIDAYS, seoul(2026, 12, 24, 17), 2 * HOUR, (), seoul(2026, 12, 28, 10)),
    "a yearly holiday comes back": (
        WITH_HOLIDAYS,
        seoul(2030, 12, 24, 17),
        2 * HOUR,
        (),
        seoul(2030, 12, 26, 10),
    ),
    "a national substitute holiday": (KOREA, seoul(2026, 2, 27, 17), 2 * HOUR, (), seoul(2026, 3, 3, 10)),
    "new year's day": (KOREA, seoul(2025, 12, 31, 17), 2 * HOUR, (), seoul(2026, 1, 2, 10)),
    "lunch is closed": (WITH_LUNCH, seoul(2026, 3, 10, 11), 2 * HOUR, (), seoul(2026, 3, 10, 14)),
    "due at lunch stays at lunch": (WITH_LUNCH, seoul(2026, 3, 10, 11, 30), 1800, (), seoul(2026, 3, 10, 12)),
    "start given in UTC": (
        NINE_TO_FIVE,
        datetime(2026, 3, 6, 7, tzinfo=UTC),
        2 * HOUR,
        (),
        seoul(2026, 3, 9, 10),
    ),
    "due at closing stays at closing": (OFFICE, seoul(2026, 3, 9, 17), HOUR, (), seoul(2026, 3, 9, 18)),
    "a day's last second": (OFFICE, seoul(2026, 3, 9, 17), HOUR + 1, (), seoul(2026, 3, 10, 9, 0, 1)),
    "closing at 24:00": (EVENINGS, seoul(2026, 3, 9, 23), HOUR, (), seoul(2026, 3, 10, 0)),
    "after 24:00 the next evening": (EVENINGS, seoul(2026, 3, 9, 23), 2 * HOUR, (), seoul(2026, 3, 10, 19)),
    "a pause moves it by its length": (
        OFFICE,
        seoul(2026, 3, 10, 10),
        4 * HOUR,
        ((seoul(2026, 3, 10, 11), seoul(2026, 3, 10, 11, 30)),),
        seoul(2026, 3, 10, 14, 30),
    ),
    "a pause over the night counts only open hours": (
        OFFICE,
        seoul(2026, 3, 10, 16),
        4 * HOUR,
        ((seoul(2026, 3, 10, 17), seoul(2026, 3, 11, 10)),),
        seoul(2026, 3, 11, 13),
    ),
    "overlapping pauses count once": (
        OFFICE,
        seoul(2026, 3, 10, 10),
        4 * HOUR,
        (
            (seoul(2026, 3, 10, 11), seoul(2026, 3, 10, 11, 30)),
            (seoul(2026, 3, 10, 11, 15), seoul(2026, 3, 10, 12)),
        ),
        seoul(2026, 3, 10, 15),
    ),
    "a pause begun before the start": (
        OFFICE,
        seoul(2026, 3, 10, 10),
        HOUR,
        ((seoul(2026, 3, 9, 12), seoul(2026, 3, 10, 10, 30)),),
        seoul(2026, 3, 10, 11, 30),
    ),
    "a pause outside hours moves nothing": (
        OFFICE,
        seoul(2026, 3, 10, 16),
        4 * HOUR,
        ((seoul(2026, 3, 10, 19), seoul(2026, 3, 11, 8)),),
        seoul(2026, 3, 11, 11),
    ),
    "always open runs in UTC": (
        ALWAYS_OPEN,
        seoul(2026, 3, 6, 16),
        2 * HOUR,
        (),
        datetime(2026, 3, 6, 9, tzinfo=UTC),
    ),
    "24/7 over spring forward: a day is 23 hours": (
        BERLIN_ALWAYS,
        berlin(2026, 3, 28, 12),
        24 * HOUR,
        (),
        berlin(2026, 3, 29, 13),
    ),
    "24/7 over fall back: a day is 25 hours": (
        BERLIN_ALWAYS,
        berlin(2026, 10, 24, 12),
        24 * HOUR,
        (),
        berlin(2026, 10, 25, 11),
    ),
    "24/7 into the repeated hour": (
        BERLIN_ALWAYS,
        berlin(2026, 10, 25, 1),
        2 * HOUR,
        (),
        berlin(2026, 10, 25, 2, fold=1),
    ),
    "office hours the day clocks go forward are still 8 hours": (
        BERLIN_OFFICE,
        berlin(2026, 3, 29, 9),
        8 * HOUR,
        (),
        berlin(2026, 3, 29, 17),
    ),
    "office hours the day clocks go back are still 8 hours": (
        BERLIN_OFFICE,
        berlin(2026, 10, 25, 9),
        8 * HOUR,
        (),
        berlin(2026, 10, 25, 17),
    ),
    "saturday afternoon into a spring-forward sunday": (
        BERLIN_OFFICE,
        berlin(2026, 3, 28, 16),
        HOUR + 2 * HOUR + HOUR,
        (),
        berlin(2026, 3, 29, 10),
    ),
    "the night shift loses the skipped hour": (
        BERLIN_OFFICE,
        berlin(2026, 3, 29, 1),
        2 * HOUR,
        (),
        berlin(2026, 3, 29, 4),
    ),
    "the night shift gains the repeated hour": (
        BERLIN_OFFICE,
        berlin(2026, 10, 25, 1),
        4 * HOUR,
        (),
        berlin(2026, 10, 25, 4),
    ),
}


@pytest.mark.parametrize(
    ("calendar", "start", "seconds", "pauses", "expected"), CASES.values(), ids=CASES.keys()
)
def test_due_is_the_hand_worked_time(calendar, start, seconds, pauses, expected):
    result = due(calendar, start, seconds, pauses)

    assert utc(result) == utc(expected)
    assert result.utcoffset() == expected.astimezone(calendar.timezone).utcoffset()
    assert result.tzinfo is calendar.timezone


@pytest.mark.parametrize(
    ("calendar", "start", "seconds", "pauses", "expected"), CASES.values(), ids=CASES.keys()
)
def test_between_gives_the_seconds_back(calendar, start, seconds, pauses, expected):
    assert between(calendar, start, expected, pauses) == seconds


def test_the_korean_holidays_used_here_are_the_packages():
    korea = holidays.country_holidays("KR", years=2026)

    assert "2026-03-02" in korea
    assert "2026-01-01" in korea


def test_zero_seconds_is_the_start_even_when_closed():
    start = datetime(2026, 3, 7, 2, tzinfo=UTC)

    assert due(OFFICE, start, 0) == start
    assert due(OFFICE, start, 0).tzinfo is SEOUL


def test_between_is_zero_when_the_end_is_not_after_the_start():
    assert between(OFFICE, seoul(2026, 3, 10, 12), seoul(2026, 3, 10, 10)) == 0
    assert between(OFFICE, seoul(2026, 3, 10, 12), seoul(2026, 3, 10, 12)) == 0


def test_between_counts_whole_seconds_only():
    assert (
        between(
            ALWAYS_OPEN,
            seoul(2026, 3, 10, 12),
            seoul(2026, 3, 10, 12, 0, 1) + timedelta(microseconds=999_999),
        )
        == 1
    )


def test_between_over_a_year_adds_up_the_weeks():
    # 2026 has 52 Mondays-to-Fridays plus Thursday 1 January: 261 weekdays of 9 hours.
    assert between(OFFICE, seoul(2026, 1, 1), seoul(2027, 1, 1)) == 261 * 9 * HOUR


def test_a_pause_takes_off_only_business_time():
    pause = (seoul(2026, 3, 10, 17), seoul(2026, 3, 11, 10))

    assert between(OFFICE, seoul(2026, 3, 10, 9), seoul(2026, 3, 11, 18), [pause]) == 16 * HOUR


def test_a_holiday_closes_a_whole_day_of_a_24_7_calendar():
    calendar = calendar_from_dict({"timezone": "Asia/Seoul", "holidays": ["2026-03-10"]})

    assert due(calendar, seoul(2026, 3, 9, 23), 2 * HOUR) == seoul(2026, 3, 11, 1)
    assert between(calendar, seoul(2026, 3, 9), seoul(2026, 3, 12)) == 48 * HOUR


def test_open_intervals_lists_the_hours_in_the_calendars_zone():
    intervals = list(open_intervals(WITH_LUNCH, seoul(2026, 3, 6, 10), seoul(2026, 3, 9, 12)))

    assert intervals == [
        (seoul(2026, 3, 6, 10), seoul(2026, 3, 6, 12)),
        (seoul(2026, 3, 6, 13), seoul(2026, 3, 6, 18)),
        (seoul(2026, 3, 9, 9), seoul(2026, 3, 9, 12)),
    ]


def test_an_opening_the_clock_skips_is_the_moment_it_jumps():
    calendar = calendar_from_dict({"timezone": "Europe/Berlin", "hours": {"sun": [["02:30", "04:00"]]}})

    [(opening, closing)] = open_intervals(calendar, berlin(2026, 3, 28), berlin(2026, 3, 30))

    assert opening == berlin(2026, 3, 29, 3)
    assert closing == berlin(2026, 3, 29, 4)


def test_an_opening_the_clock_shows_twice_is_the_first_time():
    calendar = calendar_from_dict({"timezone": "Europe/Berlin", "hours": {"sun": [["02:30", "04:00"]]}})

    [(opening, closing)] = open_intervals(calendar, berlin(2026, 10, 24), berlin(2026, 10, 26))

    assert utc(opening) == utc(berlin(2026, 10, 25, 2, 30, fold=0))
    assert utc(closing) - utc(opening) == timedelta(hours=2, minutes=30)


def test_a_24_7_day_in_a_zone_that_skips_midnight():
    # Chile moves its clocks at midnight: 2026-09-06 begins at 01:00, so that day has 23 hours.
    calendar = calendar_from_dict({"timezone": "America/Santiago"})
    zone = calendar.timezone

    assert (
        between(calendar, datetime(2026, 9, 5, tzinfo=zone), datetime(2026, 9, 7, tzinfo=zone)) == 47 * HOUR
    )


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ((datetime(2026, 3, 9, 9), 60), "time zone"),
        ((seoul(2026, 3, 9, 9), -1), "whole number"),
        ((seoul(2026, 3, 9, 9), 1.5), "whole number"),
    ],
)
def test_due_refuses_naive_times_and_negative_seconds(arguments, problem):
    with pytest.raises(ValueError, match=problem):
        due(OFFICE, *arguments)


def test_a_pause_must_not_end_before_it_starts():
    with pytest.raises(ValueError, match=r"pauses\[0\]"):
        due(OFFICE, seoul(2026, 3, 9, 9), 60, [(seoul(2026, 3, 9, 12), seoul(2026, 3, 9, 11))])


def test_between_refuses_a_naive_end():
    with pytest.raises(ValueError, match="end"):
        between(OFFICE, seoul(2026, 3, 9, 9), datetime(2026, 3, 9, 12))


# --- the JSON form ---------------------------------------------------------------------------------------

EXAMPLE = {
    "timezone": "Asia/Seoul",
    "hours": {"mon": [["13:00", "18:00"], ["09:00", "12:00"]], "sat": [["10:00", "24:00"]]},
    "holidays": ["2026-03-01", "2025-12-31"],
    "yearly_holidays": ["12-25", "02-29"],
    "country": "KR",
}


def test_a_calendar_reads_the_editors_json():
    calendar = calendar_from_dict(EXAMPLE)

    assert calendar.timezone == SEOUL
    assert calendar.hours is not None
    assert calendar.hours[0] == ((9 * 60, 12 * 60), (13 * 60, 18 * 60))  # sorted
    assert calendar.hours[5] == ((10 * 60, 24 * 60),)
    assert calendar.hours[1] == ()
    assert calendar.yearly_holidays == {(12, 25), (2, 29)}
    assert calendar.country == "KR"


def test_a_calendar_writes_back_what_it_read_in_order():
    assert calendar_to_dict(calendar_from_dict(EXAMPLE)) == {
        "timezone": "Asia/Seoul",
        "hours": {"mon": [["09:00", "12:00"], ["13:00", "18:00"]], "sat": [["10:00", "24:00"]]},
        "holidays": ["2025-12-31", "2026-03-01"],
        "yearly_holidays": ["02-29", "12-25"],
        "country": "KR",
    }


@pytest.mark.parametrize(
    "calendar", [ALWAYS_OPEN, OFFICE, WITH_LUNCH, KOREA, BERLIN_OFFICE, calendar_from_dict(EXAMPLE)]
)
def test_a_calendar_round_trips(calendar):
    assert calendar_from_dict(calendar_to_dict(calendar)) == calendar


def test_equal_calendars_are_one_dictionary_key():
    cache = {calendar_from_dict(EXAMPLE): "cached"}

    assert cache[calendar_from_dict(EXAMPLE)] == "cached"


def test_a_calendar_without_hours_is_open_day_and_night():
    assert calendar_from_dict({"timezone": "UTC"}) == ALWAYS_OPEN
    assert calendar_from_dict({"timezone": "UTC", "hours": None, "holidays": None}) == ALWAYS_OPEN
    assert isinstance(ALWAYS_OPEN, Calendar)


@pytest.mark.parametrize(
    ("data", "field", "named"),
    [
        (["timezone"], "calendar", "['timezone']"),
        ({}, "timezone", "required"),
        ({"timezone": "Asia/Seoul", "colour": "red"}, "colour", "unknown"),
        ({"timezone": "Mars/Olympus"}, "timezone", "'Mars/Olympus'"),
        ({"timezone": "asia/seoul"}, "timezone", "'asia/seoul'"),
        ({"timezone": 9}, "timezone", "9"),
        ({"timezone": ""}, "timezone", "''"),
        ({"timezone": "localtime"}, "timezone", "'localtime'"),
        ({"timezone": "UTC", "hours": "9-18"}, "hours", "'9-18'"),
        ({"timezone": "UTC", "hours": {}}, "hours", "no day"),
        ({"timezone": "UTC", "hours": {"monday": []}}, "hours.monday", "weekday"),
        ({"timezone": "UTC", "hours": {"mon": "09:00-18:00"}}, "hours.mon", "'09:00-18:00'"),
        ({"timezone": "UTC", "hours": {"mon": [["09:00"]]}}, "hours.mon[0]", "['09:00']"),
        (
            {"timezone": "UTC", "hours": {"mon": [["09:00", "18:00"], ["9:00", "10:00"]]}},
            "hours.mon[1]",
            "'9:00'",
        ),
        ({"timezone": "UTC", "hours": {"mon": [["09:00", "25:00"]]}}, "hours.mon[0]", "'25:00'"),
        ({"timezone": "UTC", "hours": {"mon": [["09:00", "12:60"]]}}, "hours.mon[0]", "'12:60'"),
        ({"timezone": "UTC", "hours": {"mon": [[900, 1800]]}}, "hours.mon[0]", "900"),
        ({"timezone": "UTC", "hours": {"tue": [["18:00", "09:00"]]}}, "hours.tue[0]", "18:00"),
        ({"timezone": "UTC", "hours": {"tue": [["09:00", "09:00"]]}}, "hours.tue[0]", "09:00"),
        ({"timezone": "UTC", "hours": {"tue": [["24:00", "24:00"]]}}, "hours.tue[0]", "24:00"),
        (
            {"timezone": "UTC", "hours": {"wed": [["09:00", "12:00"], ["11:00", "13:00"]]}},
            "hours.wed[1]",
            "11:00-13:00",
        ),
        (
            {"timezone": "UTC", "hours": {"wed": [["11:00", "13:00"], ["09:00", "12:00"]]}},
            "hours.wed[0]",
            "11:00-13:00",
        ),
        ({"timezone": "UTC", "holidays": "2026-03-01"}, "holidays", "'2026-03-01'"),
        ({"timezone": "UTC", "holidays": ["2026-03-01", "2026-02-30"]}, "holidays[1]", "'2026-02-30'"),
        ({"timezone": "UTC", "holidays": ["20260301"]}, "holidays[0]", "'20260301'"),
        ({"timezone": "UTC", "holidays": [20260301]}, "holidays[0]", "20260301"),
        ({"timezone": "UTC", "yearly_holidays": ["13-01"]}, "yearly_holidays[0]", "'13-01'"),
        ({"timezone": "UTC", "yearly_holidays": ["02-30"]}, "yearly_holidays[0]", "'02-30'"),
        ({"timezone": "UTC", "yearly_holidays": ["12/25"]}, "yearly_holidays[0]", "'12/25'"),
        ({"timezone": "UTC", "yearly_holidays": {"12-25": True}}, "yearly_holidays", "12-25"),
        ({"timezone": "UTC", "country": "XX"}, "country", "'XX'"),
        ({"timezone": "UTC", "country": "kr"}, "country", "did you mean KR"),
        ({"timezone": "UTC", "country": 82}, "country", "82"),
    ],
)
def test_a_bad_calendar_names_the_field_and_the_value(data, field, named):
    with pytest.raises(CalendarError) as caught:
        calendar_from_dict(data)

    assert caught.value.field == field
    assert named in caught.value.message
    assert str(caught.value).startswith(f"{field}: ")


def test_a_calendar_closed_every_day_of_the_year_is_refused():
    every_day = [f"{day:%m-%d}" for day in (datetime(2024, 1, 1) + timedelta(days=n) for n in range(366))]

    with pytest.raises(CalendarError) as caught:
        calendar_from_dict({"timezone": "UTC", "yearly_holidays": every_day})

    assert caught.value.field == "yearly_holidays"


# --- properties ------------------------------------------------------------------------------------------

SHAPES = {
    "office with lunch, Korean holidays": Calendar(timezone=SEOUL, hours=WITH_LUNCH.hours, country="KR"),
    "24/7 Berlin": BERLIN_ALWAYS,
    "24/7 Santiago (clocks change at midnight)": calendar_from_dict({"timezone": "America/Santiago"}),
    "sparse, with holidays": calendar_from_dict(
        {
            "timezone": "America/New_York",
            "hours": {"tue": [["10:00", "16:00"]], "thu": [["10:00", "12:00"], ["12:00", "16:00"]]},
            "holidays": ["2026-03-10", "2027-01-07", "2028-11-09"],
            "yearly_holidays": ["07-04", "12-24", "12-25"],
            "country": "US",
        }
    ),
    "Berlin office hours and Sunday nights": BERLIN_OFFICE,
    "Lord Howe (half-hour changes), late shift": calendar_from_dict(
        {
            "timezone": "Australia/Lord_Howe",
            "hours": every(("mon", "wed", "sat", "sun"), [["01:00", "03:00"], ["20:00", "24:00"]]),
        }
    ),
}
ZONES = [
    ZoneInfo(name) for name in ("UTC", "Asia/Seoul", "Europe/Berlin", "America/New_York", "America/Santiago")
]
CLOCK_CHANGES = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2027, 3, 14, 7, tzinfo=UTC),
    datetime(2026, 9, 6, 4, tzinfo=UTC),
    datetime(2026, 4, 5, 3, tzinfo=UTC),
    datetime(2026, 4, 4, 15, tzinfo=UTC),
]

calendars = st.sampled_from(list(SHAPES.values()))
anywhere = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.sampled_from(ZONES)
)
near_a_clock_change = st.builds(
    lambda change, shift, zone: (change + shift).astimezone(zone),
    st.sampled_from(CLOCK_CHANGES),
    st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=3)),
    st.sampled_from(ZONES),
)
starts = st.one_of(anywhere, near_a_clock_change)
durations = st.one_of(st.integers(0, 60 * 86400), st.integers(0, 60 * 48).map(lambda n: n * 1800))
pause_lists = st.lists(
    st.tuples(
        st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=40)),
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4)),
    ),
    max_size=4,
)
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _pauses(start, pause_list):
    """Pauses as instants after `start`, shown in its zone. Added in UTC: Python adds a timedelta to a zoned
    time on the wall clock, and a pause starting in a spring-forward gap would end before it starts."""
    base, zone = utc(start), start.tzinfo
    return [
        ((base + offset).astimezone(zone), (base + offset + length).astimezone(zone))
        for offset, length in pause_list
    ]


def test_a_generated_pause_in_a_spring_forward_gap_ends_after_it_starts():
    """Santiago moved its clocks from 00:00 to 01:00 on 8 September 2024: a pause starting 12 h 10 min after
    noon the day before starts at 01:10 there, and ends 50 minutes later."""
    start = datetime(2024, 9, 7, 12, 0, tzinfo=ZoneInfo("America/Santiago"))

    [(low, high)] = _pauses(start, [(timedelta(hours=12, minutes=10), timedelta(minutes=50))])

    assert utc(high) - utc(low) == timedelta(minutes=50)
    assert (low.hour, low.minute) == (1, 10)


@PROPERTY
@given(calendar=calendars, start=starts, seconds=durations)
def test_between_undoes_due(calendar, start, seconds):
    assert between(calendar, start, due(calendar, start, seconds)) == seconds


@PROPERTY
@given(calendar=calendars, start=starts, seconds=durations, pause_list=pause_lists)
def test_between_undoes_due_with_pauses(calendar, start, seconds, pause_list):
    pauses = _pauses(start, pause_list)

    result = due(calendar, start, seconds, pauses)

    assert between(calendar, start, result, pauses) == seconds
    assert seconds == 0 or not any(utc(low) < utc(result) <= utc(high) for low, high in pauses)


@PROPERTY
@given(calendar=calendars, start=starts, seconds=durations, more=durations, pause_list=pause_lists)
def test_due_never_goes_back_as_the_seconds_grow(calendar, start, seconds, more, pause_list):
    pauses = _pauses(start, pause_list)

    assert utc(due(calendar, start, seconds, pauses)) <= utc(due(calendar, start, seconds + more, pauses))


@PROPERTY
@given(calendar=calendars, start=starts, seconds=durations)
def test_due_is_in_business_hours_and_the_first_such_moment(calendar, start, seconds):
    result = utc(due(calendar, start, seconds))

    if seconds == 0:
        assert result == utc(start)
        return
    around = open_intervals(calendar, result - timedelta(days=2), result + timedelta(days=1))
    # Inside an interval or at its end (a closing time), never at an opening after a closed stretch.
    assert any(utc(opening) < result <= utc(closing) for opening, closing in around)
    assert between(calendar, start, result - timedelta(microseconds=1)) == seconds - 1
