"""A team for the scorecard pages' pictures and phone test: led by the given person, with a case pinned for
its meeting."""

from __future__ import annotations

from patronage.care.models import Case, Team
from patronage.core.models import User
from patronage.standards.examples import example_pin


def meeting_plant(*, name: str, lead: User, case: Case, note: str) -> Team:
    """A team named `name` led by (and holding) `lead`, the case theirs and pinned as a bad example."""
    team = Team.objects.create(name=name, lead=lead)
    team.members.add(lead)
    Case.objects.filter(pk=case.pk).update(team=team, assignee=lead)
    case.refresh_from_db()
    example_pin(kind="bad", note=note, case=case, actor=lead)
    return team
