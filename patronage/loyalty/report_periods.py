"""The periods a program's overview reports on, as whole days of the program's calendar. Pure: no database.

Each period ends at the end of the program's today, so a figure counted "in the last 30 days" covers today
and the 29 days before it as the program's members lived them, not as UTC counts them. Twelve months and
this year start on the 1st of a month, so the chart by month has no half month at its start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportPeriod(models.TextChoices):
    DAYS_30 = "30d", _("Last 30 days")
    DAYS_90 = "90d", _("Last 90 days")
    MONTHS_12 = "12m", _("Last 12 months")
    THIS_YEAR = "year", _("This year")


DEFAULT_PERIOD = ReportPeriod.MONTHS_12


@dataclass(frozen=True)
class Span:
    start: datetime  # inclusive: local midnight of the first day
    end: datetime  # exclusive: local midnight after the last day (today)

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return self.end.date() - timedelta(days=1)


def period_span(period: ReportPeriod, now: datetime) -> Span:
    """The days `period` covers up to and including today, `now` being on the program's clock."""
    if now.tzinfo is None:
        raise ValueError("now must be aware, on the program's clock")
    today = now.date()
    match period:
        case ReportPeriod.DAYS_30:
            first = today - timedelta(days=29)
        case ReportPeriod.DAYS_90:
            first = today - timedelta(days=89)
        case ReportPeriod.MONTHS_12:
            first = _months_before(today.replace(day=1), 11)
        case ReportPeriod.THIS_YEAR:
            first = date(today.year, 1, 1)
    return Span(_midnight(first, now), _midnight(today + timedelta(days=1), now))


def _months_before(first_of_month: date, count: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _midnight(day: date, now: datetime) -> datetime:
    return datetime.combine(day, time.min, tzinfo=now.tzinfo)
