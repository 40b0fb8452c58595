"""Pinning cases and measurements as examples for the team meeting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from patronage.care.models import Case, Team
from patronage.care.services import CaseInput, case_open
from patronage.core.errors import ValidationFailed
from patronage.core.models import AuditEntry, User
from patronage.members.models import Member, TimelineEvent
from patronage.standards.examples import NOTE_MAX, example_pin, example_unpin, examples_between
from patronage.standards.models import Example
from patronage.standards.services import MeasurementInput, StandardInput, measurements_add, standard_create

pytestmark = pytest.mark.django_db

OPENED = datetime(2026, 11, 10, 2, tzinfo=UTC)
CLOSED = datetime(2026, 11, 12, 5, tzinfo=UTC)


@pytest.fixture
def team(agent: User, lead: User) -> Team:
    team = Team.objects.create(name="Phones", lead=lead)
    team.members.add(agent)
    return team


@pytest.fixture
def case(alice: Member, agent: User, team: Team) -> Case:
    with time_machine.travel(OPENED, tick=False):
        case = case_open(
            data=CaseInput(type="complaint", channel="phone", summary="Kept waiting", member=alice)
        ).case
    Case.objects.filter(pk=case.pk).update(assignee=agent, team=team, closed_at=CLOSED)
    case.refresh_from_db()
    return case


def test_a_pinned_case_names_its_agent_team_and_closing_time_and_says_so_to_staff(
    case: Case, lead: User, agent: User, team: Team
) -> None:
    example = example_pin(kind="good", note="Called back within the hour", case=case, actor=lead)

    assert (example.employee, example.team, example.at, example.pinned_by) == (agent, team, CLOSED, lead)
    event = TimelineEvent.objects.get(member=case.member, kind="example_pinned")
    assert event.data["note"] == "Called back within the hour"
    assert AuditEntry.objects.filter(action="example.pinned", actor=lead).exists()


def test_an_open_case_is_pinned_at_its_opening(case: Case, lead: User) -> None:
    Case.objects.filter(pk=case.pk).update(closed_at=None)
    case.refresh_from_db()

    assert example_pin(kind="bad", note="No apology", case=case, actor=lead).at == OPENED


def test_a_measurement_is_pinned_with_its_employee_and_time(admin: User, agent: User, team: Team) -> None:
    standard = standard_create(
        data=StandardInput(code="rings", name="Rings", unit="rings", direction="lower", target=2, minimum=4),
        actor=admin,
    )
    at = datetime(2026, 11, 3, 9, tzinfo=UTC)
    measurements_add(
        standard=standard,
        items=[MeasurementInput(value=6, at=at, employee="sam_agent", team="Phones")],
        actor=admin,
    )
    measurement = standard.measurements.get()

    example = example_pin(kind="bad", note="Six rings", measurement=measurement, actor=admin)

    assert (example.employee, example.team, example.at) == (agent, team, at)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "great"}, "kind"),
        ({"note": "   "}, "note"),
        ({"note": "x" * (NOTE_MAX + 1)}, "note"),
        ({"note": "nul\x00"}, "note"),
        ({"case": None}, "case"),
    ],
)
def test_bad_input_names_the_field_and_pins_nothing(case: Case, lead: User, fields: dict, field: str) -> None:
    given = {"kind": "good", "note": "Fine", "case": case, **fields}

    with pytest.raises(ValidationFailed) as refusal:
        example_pin(actor=lead, **given)

    assert refusal.value.field == field
    assert not Example.objects.exists()


def test_the_meeting_lists_the_teams_examples_of_the_period_good_ones_first(case: Case, lead: User) -> None:
    bad = example_pin(kind="bad", note="Late", case=case, actor=lead)
    good = example_pin(kind="good", note="Kind words", case=case, actor=lead)
    other = Team.objects.create(name="Shop floor")

    november = {"since": datetime(2026, 11, 1, tzinfo=UTC), "until": datetime(2026, 12, 1, tzinfo=UTC)}
    assert list(examples_between(team=case.team, **november)) == [good, bad]  # type: ignore[arg-type]
    assert not examples_between(team=other, **november).exists()
    december = {"since": datetime(2026, 12, 1, tzinfo=UTC), "until": datetime(2027, 1, 1, tzinfo=UTC)}
    assert not examples_between(team=case.team, **december).exists()  # type: ignore[arg-type]


def test_unpinning_takes_it_off_the_list_and_is_audited(case: Case, lead: User) -> None:
    example = example_pin(kind="good", note="Kind words", case=case, actor=lead)

    example_unpin(example=example, actor=lead)

    assert not Example.objects.exists()
    assert AuditEntry.objects.filter(action="example.unpinned", actor=lead).exists()
