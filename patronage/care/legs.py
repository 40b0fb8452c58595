"""A case's SLA legs on its policy's business calendar: started, paused, resumed and met (caller's transaction).

A running leg keeps its due time and its next warning time as columns; while the case waits for the
customer both are null (the clock is paused) and are computed again, with the pause counted out, when
it ends. Breach is stamped as the due time itself, whoever sees it first, so it never depends on when
a job ran; once stamped it stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from patronage.care import sla
from patronage.care.models import BusinessCalendar, Case, CasePause, LegKind, SlaLeg, SlaPolicy

TARGET_FIELD = {
    LegKind.FIRST_RESPONSE: "first_response_seconds",
    LegKind.NEXT_RESPONSE: "next_response_seconds",
    LegKind.RESOLUTION: "resolution_seconds",
    LegKind.FOLLOW_UP: "follow_up_seconds",
}


@lru_cache(maxsize=64)
def _calendar(pk: int, updated_at: datetime) -> sla.Calendar:
    # Keyed by the row's last change, so an edited calendar is read again.
    document = BusinessCalendar.objects.values_list("document", flat=True).get(pk=pk)
    return sla.calendar_from_dict(document)


def calendar_of(policy: SlaPolicy | None) -> sla.Calendar:
    """The policy's calendar, or round the clock when it has none."""
    if policy is None or policy.calendar_id is None:
        return sla.ALWAYS_OPEN
    calendar = policy.calendar
    assert calendar is not None
    return _calendar(calendar.pk, calendar.updated_at)


def pauses_of(case: Case, now: datetime) -> list[tuple[datetime, datetime]]:
    """The case's pause segments, a pause still running counted up to `now`."""
    return [(p.started_at, p.ended_at or now) for p in CasePause.objects.filter(case=case)]


def leg_start(*, case: Case, kind: LegKind, at: datetime) -> SlaLeg | None:
    """Starts a leg when the case's policy has a target for it; None when it measures none."""
    leg = _leg(case, kind, at, pauses_of(case, at))
    if leg is not None:
        leg.save()
    return leg


def legs_start_new(*, case: Case, kinds: list[LegKind], at: datetime) -> list[SlaLeg]:
    """The first legs of a case filed in this transaction (no pauses yet), written in one insert."""
    started = [leg for kind in kinds if (leg := _leg(case, kind, at, [])) is not None]
    return SlaLeg.objects.bulk_create(started)


def _leg(case: Case, kind: LegKind, at: datetime, pauses: list[tuple[datetime, datetime]]) -> SlaLeg | None:
    policy = case.policy
    target = getattr(policy, TARGET_FIELD[kind]) if policy is not None else None
    if target is None:
        return None
    leg = SlaLeg(case=case, kind=kind, started_at=at, target_seconds=target)
    _schedule(leg, calendar=calendar_of(policy), pauses=pauses, policy=policy)
    return leg


def _schedule(
    leg: SlaLeg, *, calendar: sla.Calendar, pauses: list[tuple[datetime, datetime]], policy: SlaPolicy | None
) -> None:
    leg.due_at = sla.due(calendar, leg.started_at, leg.target_seconds, pauses)
    leg.warn_at = None
    if leg.breached_at is not None:
        return  # no warning after a breach
    for percent in sorted(policy.warn_percents if policy is not None else []):
        if leg.warned_percent < percent < 100:
            leg.warn_at = sla.due(calendar, leg.started_at, leg.target_seconds * percent // 100, pauses)
            break


def legs_pause(*, case: Case) -> None:
    """The case waits for the customer: running legs have no due time until it answers."""
    SlaLeg.objects.filter(case=case, met_at__isnull=True).update(due_at=None, warn_at=None)


def legs_resume(*, case: Case, at: datetime) -> None:
    """The wait is over: each running leg's due time moves by the pause's business length."""
    calendar, pauses = calendar_of(case.policy), pauses_of(case, at)
    for leg in SlaLeg.objects.filter(case=case, met_at__isnull=True):
        _schedule(leg, calendar=calendar, pauses=pauses, policy=case.policy)
        leg.save(update_fields=["due_at", "warn_at"])


def legs_meet(*, case: Case, kinds: Iterable[LegKind], at: datetime) -> list[SlaLeg]:
    """Meets the case's running legs of these kinds at `at`; a leg met after its due time is breached, with
    its lateness in business seconds. Returns the legs that breached now, for the caller to report."""
    calendar, pauses = calendar_of(case.policy), pauses_of(case, at)
    breached = []
    for leg in SlaLeg.objects.filter(case=case, kind__in=list(kinds), met_at__isnull=True):
        due = sla.due(calendar, leg.started_at, leg.target_seconds, pauses)
        leg.met_at, leg.due_at, leg.warn_at = at, due, None
        if at > due:
            leg.late_seconds = sla.between(calendar, due, at, pauses)
            if leg.breached_at is None:
                leg.breached_at = due
                breached.append(leg)
        leg.save(update_fields=["met_at", "due_at", "warn_at", "late_seconds", "breached_at"])
    return breached


def late_seconds(leg: SlaLeg, *, now: datetime) -> int:
    """How late a breached leg is, in business seconds: fixed once met, growing while it runs."""
    if leg.late_seconds is not None:
        return leg.late_seconds
    if leg.breached_at is None:
        return 0
    case = leg.case
    return sla.between(calendar_of(case.policy), leg.breached_at, now, pauses_of(case, now))
