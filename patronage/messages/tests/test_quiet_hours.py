"""Quiet hours are a pure calculation: inside the window a message waits for its end, in the member's zone."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from patronage.messages.quiet_hours import quiet_hours_end, quiet_hours_parse

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
NIGHT = (time(21), time(8))


@pytest.mark.parametrize(
    ("local", "end"),
    [
        (datetime(2027, 3, 2, 20, 59), None),
        (datetime(2027, 3, 2, 21, 0), datetime(2027, 3, 3, 8, 0)),
        (datetime(2027, 3, 2, 23, 30), datetime(2027, 3, 3, 8, 0)),
        (datetime(2027, 3, 3, 0, 0), datetime(2027, 3, 3, 8, 0)),
        (datetime(2027, 3, 3, 7, 59), datetime(2027, 3, 3, 8, 0)),
        (datetime(2027, 3, 3, 8, 0), None),
        (datetime(2027, 3, 3, 12, 0), None),
    ],
)
def test_a_window_across_midnight(local, end):
    at = local.replace(tzinfo=SEOUL)
    expected = end.replace(tzinfo=SEOUL) if end else None
    assert quiet_hours_end(at=at.astimezone(UTC), zone=SEOUL, window=NIGHT) == expected


def test_a_window_within_one_day_and_an_empty_one():
    lunch = (time(12), time(14))
    assert quiet_hours_end(at=datetime(2027, 3, 2, 13, tzinfo=SEOUL), zone=SEOUL, window=lunch) == datetime(
        2027, 3, 2, 14, tzinfo=SEOUL
    )
    assert quiet_hours_end(at=datetime(2027, 3, 2, 11, tzinfo=SEOUL), zone=SEOUL, window=lunch) is None
    assert (
        quiet_hours_end(at=datetime(2027, 3, 2, 3, tzinfo=SEOUL), zone=SEOUL, window=(time(8), time(8)))
        is None
    )


def test_the_night_the_clocks_change_still_ends_at_eight_local_time():
    at = datetime(2027, 3, 14, 1, 30, tzinfo=NEW_YORK)  # clocks go forward at 02:00
    end = quiet_hours_end(at=at, zone=NEW_YORK, window=NIGHT)
    assert end is not None
    assert end.astimezone(UTC) == datetime(2027, 3, 14, 12, 0, tzinfo=UTC)  # 08:00 EDT


def test_the_setting_is_parsed_or_refused_by_name():
    assert quiet_hours_parse("21:00-08:00") == NIGHT
    with pytest.raises(ValueError, match="MESSAGES_QUIET_HOURS"):
        quiet_hours_parse("9pm to 8am")
