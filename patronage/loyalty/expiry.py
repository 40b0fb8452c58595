"""When earned points expire, by a program's stated policy. Pure: no database."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class ExpirySettings(Protocol):
    expiry_policy: str
    expiry_days: int | None
    time_zone: str


def expiry_date(program: ExpirySettings, earned_at: datetime) -> datetime | None:
    """The instant points earned at `earned_at` expire; None when they never do (or expire by inactivity)."""
    policy = program.expiry_policy
    if policy == "days_after_earning":
        return earned_at + timedelta(days=program.expiry_days or 0)
    local = earned_at.astimezone(ZoneInfo(program.time_zone))
    if policy == "end_of_month":
        first_of_next = (local.replace(day=1) + timedelta(days=32)).replace(day=1)
        return datetime.combine(first_of_next.date(), time.min, tzinfo=local.tzinfo)
    if policy == "end_of_year":
        return datetime(local.year + 1, 1, 1, tzinfo=local.tzinfo)
    return None
