"""Quiet hours: the hours of the night in which a message that can wait does wait. Pure: no database."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def quiet_hours_parse(text: str) -> tuple[time, time]:
    """'21:00-08:00' → (21:00, 08:00); a clear ValueError naming the setting for anything else."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise ValueError(f"MESSAGES_QUIET_HOURS must read like 21:00-08:00, not {text!r}") from None
    return start, end


def quiet_hours_end(*, at: datetime, zone: ZoneInfo, window: tuple[time, time]) -> datetime | None:
    """When the quiet hours around `at` end in `zone` (aware), or None when `at` is not in them.

    A window may cross midnight (21:00-08:00) or not (12:00-14:00); an empty one (08:00-08:00) is never quiet.
    """
    start, end = window
    local = at.astimezone(zone)
    now = local.time().replace(tzinfo=None)
    if start == end:
        return None
    if start < end:
        inside, day = start <= now < end, local.date()
    else:
        inside = now >= start or now < end
        day = local.date() + timedelta(days=1) if now >= start else local.date()
    if not inside:
        return None
    # Built as a wall-clock time in the zone: a night that changes its clock still ends at 08:00 there.
    return datetime.combine(day, end, tzinfo=zone)
