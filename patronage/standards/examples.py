"""Cases and measured interactions pinned as good or bad examples for the team meeting, and the examples a
meeting shows.

The services take the access decision as given: the console checks that the actor leads the case's team
(SCORECARDS_TEAM) or sees every scorecard (SCORECARDS_ALL) before it calls them.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from patronage.care.models import Case, Team
from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.errors import ValidationFailed
from patronage.core.inputs import text_refusal
from patronage.core.models import User
from patronage.members.services import timeline_record
from patronage.standards.models import Example, ExampleKind, Measurement
from patronage.standards.scorecards import ScorePeriod
from patronage.standards.timeline_kinds import EXAMPLE_PINNED

NOTE_MAX = 2000


def _note_clean(note: str) -> str:
    note = note.strip()
    refusal = text_refusal(note)
    if not note:
        raise ValidationFailed(_("say in a few words what the team should learn from it"), field="note")
    if refusal is not None:
        raise ValidationFailed(refusal.message(), field="note")
    if len(note) > NOTE_MAX:
        raise ValidationFailed(
            _("at most %(count)d characters") % {"count": NOTE_MAX},
            field="note",
        )
    return note


def _checked(kind: str, note: str, case: Case | None, measurement: Measurement | None) -> str:
    if kind not in ExampleKind.values:
        raise ValidationFailed(_("choose a good or a bad example"), field="kind")
    if (case is None) == (measurement is None):
        raise ValidationFailed(_("pin one case or one measurement"), field="case")
    return _note_clean(note)


def example_pin(
    *,
    kind: str,
    note: str,
    case: Case | None = None,
    measurement: Measurement | None = None,
    actor: User | None,
) -> Example:
    """Pins a case or a measurement as a good or bad example for the meeting of the period it happened in."""
    note = _checked(kind, note, case, measurement)
    now = clock.now()
    example = Example(
        kind=kind, note=note, case=case, measurement=measurement, pinned_by=actor, pinned_at=now
    )
    if case is not None:
        example.employee_id, example.team_id = case.assignee_id, case.team_id
        example.at = case.closed_at or case.created_at
    elif measurement is not None:
        example.employee_id, example.team_id = measurement.employee_id, measurement.team_id
        example.at = measurement.at
    with transaction.atomic(durable=True):
        example.save()
        if case is not None and case.member is not None:
            _on_timeline(example, case, now, actor)
        audit_change(actor=actor, action="example.pinned", target=example, kind=kind)
    return example


def _on_timeline(example: Example, case: Case, at: datetime, actor: User | None) -> None:
    timeline_record(
        member=case.member,  # type: ignore[arg-type]
        kind=EXAMPLE_PINNED.code,
        occurred_at=at,
        summary=f"Case {case.reference} pinned as a {example.kind} example",
        data={"reference": case.reference, "kind": example.kind, "note": example.note},
        source=case,
        actor=actor,
    )


def example_unpin(*, example: Example, actor: User | None) -> None:
    """Takes an example off the meeting's list; the case's timeline keeps that it was pinned."""
    with transaction.atomic(durable=True):
        audit_change(actor=actor, action="example.unpinned", target=example, kind=example.kind)
        example.delete()


def example_get(*, example_id: int) -> Example | None:
    """The example with its case and team, or None."""
    return Example.objects.select_related("case", "team").filter(pk=example_id).first()


def examples_between(*, team: Team, since: datetime, until: datetime) -> QuerySet[Example]:
    """The team's examples whose interaction happened in [since, until), good ones first, then by time:
    the team's own, and its members' where the case or measurement named no team."""
    of_team = Q(team=team) | Q(team__isnull=True, employee__in=team.members.all())
    return (
        Example.objects.filter(of_team, at__gte=since, at__lt=until)
        .select_related("case", "measurement__standard", "employee", "pinned_by")
        .order_by("-kind", "at", "pk")
    )


def examples_for_meeting(*, team: Team, period: ScorePeriod) -> QuerySet[Example]:
    """The examples the team's meeting of `period` discusses."""
    since, until = period.bounds()
    return examples_between(team=team, since=since, until=until)
