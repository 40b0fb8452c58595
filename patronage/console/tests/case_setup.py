"""Cases for the console's case pages and their pictures: a complaint by a member, and targets set where a
test needs them (past due, due later, paused) without waiting for a clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from patronage.care.models import Case, SlaLeg
from patronage.care.services import CaseInput, case_open
from patronage.members.models import Member


def complaint(member: Member | None = None, **fields: object) -> Case:
    data = CaseInput(
        type="complaint", channel="web_form", summary="The sofa arrived scratched", member=member
    )
    return case_open(data=replace(data, **fields)).case  # type: ignore[arg-type]


def due_at(case: Case, when: datetime | None) -> None:
    """Every running leg of the case due at `when` (None: paused), as if its clock had come to it."""
    SlaLeg.objects.filter(case=case, met_at__isnull=True).update(due_at=when, warn_at=None)


def breached(case: Case, *, minutes: int, now: datetime) -> None:
    """The case's running legs past due by `minutes`, stamped by the sweep."""
    when = now - timedelta(minutes=minutes)
    SlaLeg.objects.filter(case=case, met_at__isnull=True).update(due_at=when, breached_at=when, warn_at=None)
