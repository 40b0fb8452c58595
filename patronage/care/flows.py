"""The one function that moves a case from status to status (ARCHITECTURE: cases and SLAs).

The moves follow the six recovery steps of the source article: acknowledged (1) → listening (2) →
solution proposed (3) → compensated (4) → fix promised (5) → resolved → closed, then the follow-up (6);
a step may be skipped where the case needs none (a compliment is closed at once), the customer may be
waited for at any open step, and a closed case may be reopened. Everything a move implies (the SLA
clock paused or resumed, legs met or started, the timelines, the webhook) happens here, in the
caller's transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from patronage.care import legs
from patronage.care import timeline_kinds as kinds
from patronage.care.models import Case, CaseEntry, CasePause, CaseStatus, EntryKind, LegKind, SlaLeg
from patronage.care.notify import case_event, legs_breached_report
from patronage.core.errors import InvalidTransition
from patronage.core.models import User
from patronage.members.services import timeline_record

S = CaseStatus
_WORKING = {S.LISTENING, S.PROPOSED, S.COMPENSATED, S.PROMISED, S.RESOLVED}
ALLOWED: dict[str, frozenset[str]] = {
    S.ACKNOWLEDGED: frozenset({S.LISTENING, S.PROPOSED, S.RESOLVED, S.WAITING, S.CLOSED}),
    S.LISTENING: frozenset({S.PROPOSED, S.RESOLVED, S.WAITING, S.CLOSED}),
    S.PROPOSED: frozenset({S.LISTENING, S.COMPENSATED, S.PROMISED, S.RESOLVED, S.WAITING, S.CLOSED}),
    S.COMPENSATED: frozenset({S.PROMISED, S.RESOLVED, S.WAITING, S.CLOSED}),
    # A promise is kept before the case is closed: it cannot be closed with the fix outstanding.
    S.PROMISED: frozenset({S.RESOLVED, S.WAITING}),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED, S.WAITING}),
    S.WAITING: frozenset(_WORKING | {S.CLOSED}),
    S.REOPENED: frozenset(_WORKING | {S.WAITING, S.CLOSED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.MERGED: frozenset(),
}


def moves_from(status: str) -> list[str]:
    """The statuses a case may move to from `status`, in the order of the steps."""
    order = list(CaseStatus)
    return sorted(ALLOWED.get(status, frozenset()), key=lambda s: order.index(CaseStatus(s)))


def resume_status(case: Case) -> str:
    """Where a waiting case goes back to: the step it was at, or listening when that was the first."""
    before = case.status_before_wait
    return before if before in ALLOWED[S.WAITING] else S.LISTENING


def transition_check(case: Case, to: str) -> None:
    """Refuses a move that is not allowed from where the case stands, naming those that are."""
    if to not in CaseStatus.values:
        raise InvalidTransition(_("'%(status)s' is not a case status") % {"status": to}, field="status")
    if to not in ALLOWED[case.status]:
        allowed = ", ".join(str(CaseStatus(s).label) for s in moves_from(case.status)) or _("none")
        raise InvalidTransition(
            _("a case that is %(now)s cannot become %(to)s; it can become: %(allowed)s")
            % {"now": CaseStatus(case.status).label, "to": CaseStatus(to).label, "allowed": allowed},
            field="status",
        )


def case_transition(
    *, case: Case, to: str, actor: User | None, at: datetime, note: str = "", by_customer: bool = False
) -> Case:
    """Moves the case to `to`, or refuses with the moves that are allowed from where it is."""
    old = case.status
    transition_check(case, to)
    _leave(case, old, at)
    case.status, case.updated_at = to, at
    breached = _enter(case, to, old, at)
    case.save()
    entry = CaseEntry.objects.create(
        case=case, kind=EntryKind.STATUS, at=at, actor=actor, body=note, data={"from": old, "to": to}
    )
    legs_breached_report(case=case, legs=breached, at=at)
    status_on_timeline(case, old=old, to=to, at=at, actor=actor)
    case_event(
        case,
        topic="case.closed" if to == S.CLOSED else "case.updated",
        key=f"status:{entry.pk}",
        at=at,
        change={"status": [old, to]},
    )
    return case


def status_on_timeline(case: Case, *, old: str, to: str, at: datetime, actor: User | None) -> None:
    """The move on the customer's timeline, when the case has a customer file."""
    if case.member_id is not None:
        timeline_record(
            member=case.member,  # type: ignore[arg-type]
            kind=kinds.CASE_STATUS.code,
            occurred_at=at,
            summary=f"{case.reference}: {old} → {to}",
            data={"reference": case.reference, "from": old, "to": to},
            actor=actor,
        )


def _leave(case: Case, old: str, at: datetime) -> None:
    if old == S.WAITING:
        CasePause.objects.filter(case=case, ended_at__isnull=True).update(ended_at=at)
        case.status_before_wait = ""
        legs.legs_resume(case=case, at=at)


def _enter(case: Case, to: str, old: str, at: datetime) -> list[SlaLeg]:
    """What entering `to` implies; returns the legs it found late."""
    if to == S.WAITING:
        case.status_before_wait = old
        CasePause.objects.create(case=case, started_at=at)
        legs.legs_pause(case=case)
    elif to == S.PROMISED:
        case.promise_kept_at = None
    elif to == S.RESOLVED:
        case.resolved_at = at
        if case.promise:
            case.promise_kept_at = case.promise_kept_at or at
        return legs.legs_meet(case=case, kinds=[LegKind.RESOLUTION], at=at)
    elif to == S.CLOSED:
        case.closed_at = at
        case.resolved_at = case.resolved_at or at
        # Closing answers whatever was still running; the follow-up (step 6) starts its own clock.
        late = legs.legs_meet(case=case, kinds=[k for k in LegKind if k != LegKind.FOLLOW_UP], at=at)
        legs.leg_start(case=case, kind=LegKind.FOLLOW_UP, at=at)
        return late
    elif to == S.REOPENED:
        case.closed_at = case.resolved_at = None
        late = legs.legs_meet(case=case, kinds=[LegKind.FOLLOW_UP], at=at)
        legs.leg_start(case=case, kind=LegKind.RESOLUTION, at=at)
        return late
    return []
