"""A case's life under a frozen clock: filed and acknowledged, its targets on the business calendar, paused
while the customer is waited for, breached (and staying so), compensated, closed, reopened."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from patronage.care.compensation import CompensationInput, compensation_decide, compensation_give
from patronage.care.flows import case_transition
from patronage.care.models import (
    BusinessCalendar,
    Case,
    CaseEntry,
    CaseStatus,
    Compensation,
    CompensationStatus,
    EntryKind,
    LegKind,
    SlaLeg,
    SlaPolicy,
    Team,
)
from patronage.care.services import (
    CaseInput,
    case_customer_reply,
    case_follow_up,
    case_move,
    case_open,
    case_rate,
    case_reply,
)
from patronage.care.sweep import sla_sweep
from patronage.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from patronage.core.models import OutboxEvent, User
from patronage.loyalty.models import LedgerEntry, Program
from patronage.members.models import Member, TimelineEvent
from patronage.messages.models import Message

SEOUL = ZoneInfo("Asia/Seoul")
HOUR = 3600
# Friday 6 March 2026, 16:00 in Seoul: an hour before closing, a weekend ahead.
FRIDAY_4PM = datetime(2026, 3, 6, 16, 0, tzinfo=SEOUL)


@pytest.fixture
def office_hours(db: None) -> SlaPolicy:
    """09:00-17:00 on weekdays in Seoul; first response in 2 business hours, resolution in 9."""
    calendar = BusinessCalendar.objects.create(
        name="Seoul office",
        document={
            "timezone": "Asia/Seoul",
            "hours": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        },
    )
    policy = SlaPolicy.objects.get(is_default=True)
    policy.calendar = calendar
    policy.first_response_seconds = 2 * HOUR
    policy.next_response_seconds = 4 * HOUR
    policy.resolution_seconds = 9 * HOUR
    policy.follow_up_seconds = 9 * HOUR
    policy.warn_percents = [50]
    policy.save()
    return policy


def _complaint(member: Member | None = None, **fields: str) -> Case:
    data = CaseInput(
        type="complaint", channel="web_form", summary="The sofa arrived scratched", member=member
    )
    return case_open(data=replace(data, **fields)).case  # type: ignore[arg-type]


def _leg(case: Case, kind: LegKind) -> SlaLeg:
    """The case's latest leg of this kind."""
    leg = case.legs.filter(kind=kind).order_by("-started_at", "-pk").first()
    assert leg is not None
    return leg


# Intake


def test_a_complaint_gets_its_reference_an_apology_and_its_targets_at_once(office_hours, alice):
    alice.locale = "ko"
    alice.save()
    with time_machine.travel(FRIDAY_4PM, tick=False):
        case = _complaint(alice)
    assert case.reference == f"C-2026-{case.pk:06d}"
    assert case.status == CaseStatus.ACKNOWLEDGED
    # Friday 16:00 + 2 business hours: the first hour on Friday, the second on Monday; the resolution's
    # nine hours end exactly at Monday's closing, and stay there.
    assert _leg(case, LegKind.FIRST_RESPONSE).due_at == datetime(2026, 3, 9, 10, 0, tzinfo=SEOUL)
    assert _leg(case, LegKind.RESOLUTION).due_at == datetime(2026, 3, 9, 17, 0, tzinfo=SEOUL)
    apology = Message.objects.get(kind="case_acknowledged", member=alice)
    assert apology.language == "ko"
    assert case.reference in apology.subject
    assert TimelineEvent.objects.filter(member=alice, kind="case_opened").exists()
    assert OutboxEvent.objects.filter(topic="case.created", payload__reference=case.reference).exists()


def test_the_same_external_id_files_one_case(office_hours, alice):
    first = case_open(
        data=CaseInput(
            type="inquiry", channel="api", summary="Where is my order?", member=alice, external_id="crm-77"
        )
    )
    again = case_open(
        data=CaseInput(
            type="inquiry", channel="api", summary="Where is my order?", member=alice, external_id="crm-77"
        )
    )
    assert (first.created, again.created) == (True, False)
    assert again.case.pk == first.case.pk
    assert Case.objects.count() == 1


def test_an_anonymous_complaint_is_matched_to_the_member_by_their_address(office_hours, alice):
    case = _complaint(contact_email="  ALICE@example.com ", contact_name="A. Kim")
    assert case.member == alice
    assert case.contact_email == "alice@example.com"


def test_bad_input_names_every_field_and_files_nothing(office_hours):
    with pytest.raises(ValidationFailed) as refused:
        case_open(data=CaseInput(type="rant", channel="pigeon", summary="  ", severity="dire"))
    fields = {error["field"] for error in refused.value.errors or []}
    assert fields == {"type", "channel", "summary", "severity", "contact_email"}
    with pytest.raises(ValidationFailed) as no_contact:
        case_open(data=CaseInput(type="complaint", channel="web_form", summary="Broken lamp"))
    assert no_contact.value.field == "contact_email"
    assert not Case.objects.exists()


# The steps


def test_an_illegal_move_is_refused_naming_the_moves_allowed(office_hours, alice, agent):
    case = _complaint(alice)
    with time_machine.travel(FRIDAY_4PM, tick=False):
        case = case_move(case=case, to=CaseStatus.PROPOSED, actor=agent, solution="A new sofa on Friday")
        case = case_move(
            case=case,
            to=CaseStatus.PROMISED,
            actor=agent,
            promise="Delivery and assembly",
            promised_by=date(2026, 3, 13),
        )
    with pytest.raises(InvalidTransition) as refused:
        case_move(case=case, to=CaseStatus.CLOSED, actor=agent)
    assert "resolved" in refused.value.message
    assert "waiting for the customer" in refused.value.message
    case.refresh_from_db()
    assert case.status == CaseStatus.PROMISED


def test_the_first_reply_meets_the_first_response_target(office_hours, alice, agent):
    with time_machine.travel(FRIDAY_4PM, tick=False):
        case = _complaint(alice)
    with time_machine.travel(FRIDAY_4PM + timedelta(minutes=30), tick=False):
        case_reply(case=case, body="We are so sorry. Could you send a photo?", actor=agent)
    leg = _leg(case, LegKind.FIRST_RESPONSE)
    assert leg.met_at == FRIDAY_4PM + timedelta(minutes=30)
    assert leg.breached_at is None
    assert Message.objects.filter(kind="case_reply", member=alice).exists()


def test_waiting_for_the_customer_moves_the_deadline_by_the_pause_in_business_time(
    office_hours, alice, agent
):
    monday_9 = datetime(2026, 3, 9, 9, 0, tzinfo=SEOUL)
    with time_machine.travel(monday_9, tick=False):
        case = _complaint(alice)
    assert _leg(case, LegKind.RESOLUTION).due_at == datetime(2026, 3, 10, 10, 0, tzinfo=SEOUL)
    with time_machine.travel(monday_9 + timedelta(hours=1), tick=False):
        case = case_move(case=case, to=CaseStatus.WAITING, actor=agent)
    assert _leg(case, LegKind.RESOLUTION).due_at is None  # paused: no due time while waiting
    # The customer answers at 15:00 on Tuesday: paused 10:00 Mon-15:00 Tue, 13 business hours.
    with time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=SEOUL), tick=False):
        case_customer_reply(case=case, body="Here is the photo.")
    case.refresh_from_db()
    assert case.status == CaseStatus.LISTENING  # back where it was (acknowledged → listening)
    assert _leg(case, LegKind.RESOLUTION).due_at == datetime(2026, 3, 11, 15, 0, tzinfo=SEOUL)
    pause = case.pauses.get()
    assert pause.ended_at == datetime(2026, 3, 10, 15, 0, tzinfo=SEOUL)
    assert _leg(case, LegKind.NEXT_RESPONSE).due_at == datetime(2026, 3, 11, 11, 0, tzinfo=SEOUL)


def test_a_breach_is_stamped_at_the_due_time_stays_breached_and_is_escalated_once(
    office_hours, alice, agent, lead
):
    team = Team.objects.create(name="Seoul care", lead=lead)
    with time_machine.travel(FRIDAY_4PM, tick=False):
        case = _complaint(alice)
        case.assignee, case.team = agent, team
        case.save()
    # The sweep runs late, on Tuesday: the breach is still Monday 10:00, the due time.
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=SEOUL), tick=False):
        first = sla_sweep()
        second = sla_sweep()
    leg = _leg(case, LegKind.FIRST_RESPONSE)
    assert leg.breached_at == datetime(2026, 3, 9, 10, 0, tzinfo=SEOUL)
    assert first.breached == 2
    assert first.escalated == 2
    assert (second.breached, second.escalated) == (0, 0)
    alerts = Message.objects.filter(kind="case_alert")
    assert {m.staff for m in alerts} == {agent, lead}
    assert alerts.count() == 4  # two legs, to two people, once each
    assert OutboxEvent.objects.filter(topic="case.breached").count() == 2
    # Answered on Tuesday 12:00: still breached, 10 business hours late (Mon 10:00-17:00, Tue 09:00-12:00).
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=SEOUL), tick=False):
        case_reply(case=case, body="Sorry for the wait.", actor=agent)
    leg.refresh_from_db()
    assert leg.breached_at == datetime(2026, 3, 9, 10, 0, tzinfo=SEOUL)
    assert leg.late_seconds == 10 * HOUR
    assert CaseEntry.objects.filter(case=case, kind=EntryKind.BREACHED).count() == 2


def test_a_warning_goes_to_the_assignee_at_half_the_target(office_hours, alice, agent):
    monday_9 = datetime(2026, 3, 9, 9, 0, tzinfo=SEOUL)
    with time_machine.travel(monday_9, tick=False):
        case = _complaint(alice)
        case.assignee = agent
        case.save()
    with time_machine.travel(monday_9 + timedelta(hours=1), tick=False):
        report = sla_sweep()
        again = sla_sweep()
    assert report.warned == 1
    assert again.warned == 0
    assert Message.objects.filter(kind="case_alert", staff=agent).count() == 1


def test_a_reopened_case_gets_a_new_resolution_clock(office_hours, alice, agent):
    monday_9 = datetime(2026, 3, 9, 9, 0, tzinfo=SEOUL)
    with time_machine.travel(monday_9, tick=False):
        case = _complaint(alice)
    with time_machine.travel(monday_9 + timedelta(hours=2), tick=False):
        case = case_move(case=case, to=CaseStatus.RESOLVED, actor=agent)
        case = case_move(case=case, to=CaseStatus.CLOSED, actor=agent)
    assert _leg(case, LegKind.FOLLOW_UP).due_at == datetime(2026, 3, 10, 12, 0, tzinfo=SEOUL)
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=SEOUL), tick=False):
        case_customer_reply(case=case, body="It is scratched again.")
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED
    assert case.closed_at is None
    resolutions = case.legs.filter(kind=LegKind.RESOLUTION).order_by("started_at")
    assert [leg.met_at is not None for leg in resolutions] == [True, False]
    assert resolutions[1].due_at == datetime(2026, 3, 11, 10, 0, tzinfo=SEOUL)


# Compensation


@pytest.fixture
def club(db: None) -> Program:
    return Program.objects.create(code="club", name="Club", currency="KRW")


def test_compensation_over_the_agents_limit_waits_for_a_lead_and_is_booked_once(
    office_hours, alice, agent, lead, club
):
    case = _complaint(alice)
    case = case_move(case=case, to=CaseStatus.PROPOSED, actor=agent, solution="New sofa and points")
    big = CompensationInput(kind="points", value="50000", points=5000, idempotency_key="sofa-goodwill")
    with pytest.raises(PermissionDenied) as refused:
        compensation_give(case=case, data=big, actor=agent)
    assert "20,000 KRW" in refused.value.message
    asked = compensation_give(
        case=case, data=CompensationInput(**{**big.__dict__, "ask_approval": True}), actor=agent
    )
    assert asked.compensation.status == CompensationStatus.AWAITING_APPROVAL
    assert not LedgerEntry.objects.filter(cause_type="case").exists()
    with pytest.raises(PermissionDenied):
        compensation_decide(compensation=asked.compensation, approve=True, actor=agent)
    approved = compensation_decide(compensation=asked.compensation, approve=True, actor=lead)
    assert approved.status == CompensationStatus.GRANTED
    assert approved.decided_by == lead
    entry = LedgerEntry.objects.get(cause_type="case", cause_id=case.reference)
    assert entry.points == 5000
    # Sent again with the same key: the same compensation, nothing booked twice.
    again = compensation_give(
        case=case, data=CompensationInput(**{**big.__dict__, "ask_approval": True}), actor=agent
    )
    assert again.created is False
    assert again.compensation.pk == asked.compensation.pk
    assert LedgerEntry.objects.filter(cause_type="case").count() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPENSATED


def test_an_agent_gives_compensation_within_their_limit_at_once(office_hours, alice, agent):
    case = _complaint(alice)
    given = compensation_give(
        case=case, data=CompensationInput(kind="voucher", value="10000", idempotency_key="v1"), actor=agent
    )
    assert given.compensation.status == CompensationStatus.GRANTED
    assert given.compensation.voucher_code.startswith("GW-")
    assert TimelineEvent.objects.filter(member=alice, kind="case_compensated").exists()
    assert Compensation.objects.count() == 1


def test_no_limit_is_no_compensation(office_hours, alice, db):
    nobody = User.objects.create_user(username="temp", password="x")
    case = _complaint(alice)
    with pytest.raises(PermissionDenied):
        compensation_give(
            case=case, data=CompensationInput(kind="refund", value="1", idempotency_key="r"), actor=nobody
        )


def test_a_case_status_change_goes_through_the_one_transition_function(office_hours, alice, agent):
    case = _complaint(alice)
    with pytest.raises(InvalidTransition) as refused:
        case_transition(case=case, to="teleported", actor=agent, at=case.created_at)
    assert refused.value.field == "status"


# Step 6


def test_the_follow_up_asks_once_and_the_rating_is_kept_with_the_agent(office_hours, alice, agent):
    monday_9 = datetime(2026, 3, 9, 9, 0, tzinfo=SEOUL)
    with time_machine.travel(monday_9, tick=False):
        case = _complaint(alice)
        case.assignee = agent
        case.save()
        case = case_move(case=case, to=CaseStatus.RESOLVED, actor=agent)
        case = case_move(case=case, to=CaseStatus.CLOSED, actor=agent)
    with time_machine.travel(monday_9 + timedelta(hours=3), tick=False):
        case_follow_up(case=case, actor=agent)
        case_follow_up(case=case, actor=agent)
    assert Message.objects.filter(kind="case_follow_up", member=alice).count() == 1
    assert _leg(case, LegKind.FOLLOW_UP).met_at == monday_9 + timedelta(hours=3)
    with pytest.raises(ValidationFailed):
        case_rate(case=case, rating=6)
    rated = case_rate(case=case, rating=5, comment="Quick and kind")
    assert (rated.satisfaction, rated.assignee) == (5, agent)
    assert TimelineEvent.objects.filter(member=alice, kind="case_rated").exists()


def test_an_open_case_is_neither_followed_up_nor_rated(office_hours, alice, agent):
    case = _complaint(alice)
    with pytest.raises(Conflict):
        case_follow_up(case=case, actor=agent)
    with pytest.raises(Conflict):
        case_rate(case=case, rating=3)


def test_a_customer_with_no_file_gets_the_apology_at_their_address_in_their_language(office_hours):
    case = _complaint(contact_email="walk-in@example.com", contact_name="Sato Hana", language="ja")
    apology = Message.objects.get(kind="case_acknowledged")
    assert case.member is None
    assert (apology.address, apology.language) == ("walk-in@example.com", "ja")
    assert "Sato Hana" in apology.text_body
    assert "申し訳" in apology.text_body


def test_a_member_writing_in_another_language_is_answered_in_it(office_hours, alice):
    _complaint(alice, language="ja")
    assert Message.objects.get(kind="case_acknowledged", member=alice).language == "ja"
