"""The periodic SLA sweep: breaches stamped, escalations and warnings sent, each exactly once.

Every step finds its work by a partial index (care.models.SlaLeg) and claims each leg with a conditional
update before acting on it, so two workers sweeping at once never both escalate a case (tested on
PostgreSQL). Breach is stamped as the leg's due time, never the sweep's: a sweep that runs late changes
nothing a report shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from patronage.care import legs as leg_clock
from patronage.care.links import console_link
from patronage.care.message_kinds import CASE_ALERT
from patronage.care.models import Case, CaseEntry, EntryKind, LegKind, SlaLeg
from patronage.care.notify import legs_breached_report
from patronage.core import clock
from patronage.core.models import User
from patronage.messages.message_services import message_queue

BATCH = 500


@dataclass(frozen=True)
class SweepReport:
    breached: int
    escalated: int
    warned: int


def sla_sweep(*, now: datetime | None = None, limit: int = BATCH) -> SweepReport:
    """One pass: at most `limit` legs of each kind of work; run again while it reports work done."""
    now = now or clock.now()
    return SweepReport(
        breached=_breaches(now, limit), escalated=_escalations(now, limit), warned=_warnings(now, limit)
    )


def _breaches(now: datetime, limit: int) -> int:
    due = SlaLeg.objects.filter(
        due_at__isnull=False, due_at__lte=now, met_at__isnull=True, breached_at__isnull=True
    ).values_list("pk", flat=True)[:limit]
    done = 0
    for pk in list(due):
        with transaction.atomic(durable=True):
            if not SlaLeg.objects.filter(pk=pk, breached_at__isnull=True, met_at__isnull=True).update(
                breached_at=F("due_at"),
                warn_at=None,  # past warning: a breach says more
            ):
                continue  # another sweep, or the leg was met meanwhile
            leg = SlaLeg.objects.select_related("case__category", "case__assignee").get(pk=pk)
            legs_breached_report(case=leg.case, legs=[leg], at=now)
            done += 1
    return done


def _escalations(now: datetime, limit: int) -> int:
    """Tells the assignee and the team's lead of each breach, once (no notification storms)."""
    due = SlaLeg.objects.filter(breached_at__isnull=False, escalated_at__isnull=True).values_list(
        "pk", flat=True
    )[:limit]
    done = 0
    for pk in list(due):
        with transaction.atomic(durable=True):
            if not SlaLeg.objects.filter(pk=pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            leg = SlaLeg.objects.select_related("case__assignee", "case__team__lead").get(pk=pk)
            if leg.met_at is None:  # a leg met late was answered: its lateness is on record, nobody to wake
                _alert(leg, missed=True, now=now, to_lead=True)
            done += 1
    return done


def _warnings(now: datetime, limit: int) -> int:
    """Warns the assignee as a running leg passes each of its policy's percentages, once per percentage."""
    due = SlaLeg.objects.filter(
        warn_at__isnull=False, warn_at__lte=now, met_at__isnull=True, breached_at__isnull=True
    ).select_related("case__policy__calendar", "case__assignee")[:limit]
    done = 0
    for leg in list(due):
        percent = _percent_reached(leg)
        with transaction.atomic(durable=True):
            if not SlaLeg.objects.filter(
                pk=leg.pk, warn_at=leg.warn_at, warned_percent=leg.warned_percent
            ).update(warned_percent=percent, warn_at=None):
                continue
            leg.warned_percent = percent
            leg_clock.legs_resume(case=leg.case, at=now)  # schedules the next percentage, if any
            CaseEntry.objects.create(
                case=leg.case, kind=EntryKind.WARNED, at=now, data={"leg": leg.kind, "percent": percent}
            )
            _alert(leg, missed=False, now=now, to_lead=False)
            done += 1
    return done


def _percent_reached(leg: SlaLeg) -> int:
    policy = leg.case.policy
    percents = sorted(p for p in (policy.warn_percents if policy else []) if leg.warned_percent < p < 100)
    return percents[0] if percents else 100


def _alert(leg: SlaLeg, *, missed: bool, now: datetime, to_lead: bool) -> None:
    case: Case = leg.case
    recipients: list[User] = [u for u in (case.assignee,) if u is not None]
    if to_lead and case.team is not None and case.team.lead is not None:
        recipients.append(case.team.lead)
    due = leg.breached_at if missed else leg.due_at
    for user in {u.pk: u for u in recipients}.values():
        message_queue(
            kind=CASE_ALERT.code,
            staff=user,
            context={
                "reference": case.reference,
                "summary": case.summary,
                "link": console_link(case),
                "leg": str(LegKind(leg.kind).label),
                "due_at": date_format(timezone.localtime(due), "DATETIME_FORMAT") if due else "",
                "missed": missed,
            },
            key=f"case_alert:{leg.pk}:{'missed' if missed else leg.warned_percent}:{user.pk}",
            occurred_at=now,
        )
