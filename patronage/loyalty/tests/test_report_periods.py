"""The overview's periods are whole days of the program's calendar, ending with its today."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from patronage.loyalty.report_periods import ReportPeriod, period_span

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("period", "first_day"),
    [
        (ReportPeriod.DAYS_30, date(2026, 10, 22)),
        (ReportPeriod.DAYS_90, date(2026, 8, 23)),
        (ReportPeriod.MONTHS_12, date(2025, 12, 1)),
        (ReportPeriod.THIS_YEAR, date(2026, 1, 1)),
    ],
)
def test_each_period_ends_with_today_and_starts_at_local_midnight(period, first_day):
    span = period_span(period, datetime(2026, 11, 20, 0, 30, tzinfo=SEOUL))

    assert (span.first_day, span.last_day) == (first_day, date(2026, 11, 20))
    assert span.start == datetime(first_day.year, first_day.month, first_day.day, tzinfo=SEOUL)
    assert span.end == datetime(2026, 11, 21, tzinfo=SEOUL)


def test_twelve_months_in_january_start_in_february_of_the_year_before():
    span = period_span(ReportPeriod.MONTHS_12, datetime(2027, 1, 3, 9, 0, tzinfo=SEOUL))

    assert (span.first_day, span.last_day) == (date(2026, 2, 1), date(2027, 1, 3))


def test_midnight_follows_daylight_saving_time():
    span = period_span(ReportPeriod.DAYS_90, datetime(2026, 11, 20, 12, 0, tzinfo=NEW_YORK))

    # 23 August is in summer time (UTC-4), 21 November in winter time (UTC-5).
    assert span.start.utcoffset().total_seconds() == -4 * 3600
    assert span.end.utcoffset().total_seconds() == -5 * 3600


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        period_span(ReportPeriod.DAYS_30, datetime(2026, 11, 20, 12, 0))
