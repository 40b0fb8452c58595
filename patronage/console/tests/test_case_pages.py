"""The case pages: agents and leads work the queue and the six steps of a case beside the customer; analysts
and program managers open none of it; a lead decides what is over an agent's limit. Every form names the
field it refuses and changes nothing then."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from patronage.care.compensation import CompensationInput, compensation_give
from patronage.care.models import (
    Case,
    CaseEntry,
    CaseStatus,
    Category,
    Compensation,
    CompensationStatus,
    EntryKind,
    Team,
)
from patronage.care.services import case_assign, case_move
from patronage.care.sweep import sla_sweep
from patronage.console.case_words import countdown, duration_words
from patronage.console.tests.loyalty_setup import program_make
from patronage.core import clock
from patronage.core.models import User
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open
from patronage.loyalty.models import LedgerEntry, Program
from patronage.members.models import Member, TimelineEvent
from patronage.messages.models import Message

from .case_setup import breached, complaint, due_at
from .conftest import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(alice: Member) -> Case:
    return complaint(alice, description="The left arm has a long scratch.")


@pytest.fixture
def club(db: None) -> Program:
    return program_make()


def _page(client, case: Case):
    return client.get(reverse("console:case", args=[case.reference]))


def _move(client, case: Case, to: str, **fields: str):
    return client.post(reverse("console:case_move", args=[case.reference]), {"to": to, **fields})


def test_with_the_survey_after_closed_cases_open_the_follow_up_invites_to_it_once(client_as, agent, case):
    survey = survey_create(
        data=SurveyInput(
            title="Your case",
            trigger="case_closed",
            questions=[QuestionInput(type="csat", key="csat", text="Happy?")],
        ),
        actor=None,
    )
    survey_open(survey=survey, actor=None)
    for step in ("listening", "proposed", "resolved", "closed"):
        case = case_move(case=case, to=step, actor=agent, solution="A new sofa" if step == "proposed" else "")
    client = client_as(agent)

    followed = client.post(reverse("console:case_follow_up", args=[case.reference]), follow=True)

    text = page_text(followed)
    assert "The follow-up is sent: the customer is invited to answer the survey." in text
    assert "Follow-up sent as a survey" in text
    follow_up = reverse("console:case_follow_up", args=[case.reference])
    assert f'action="{follow_up}"' not in followed.content.decode()  # the button is gone
    client.post(follow_up)  # sent again, as from a page left open
    asked = Message.objects.filter(kind__in=["case_follow_up", "survey_invitation"])
    assert list(asked.values_list("kind", flat=True)) == ["survey_invitation"]


def _state(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.status,
        case.assignee_id,
        case.solution,
        CaseEntry.objects.filter(case=case).count(),
        Compensation.objects.count(),
        Message.objects.count(),
        TimelineEvent.objects.count(),
    )


# ---- who may ------------------------------------------------------------------------------------------------


def _actions(case: Case, compensation: Compensation) -> list[tuple[str, str, dict]]:
    """(method, address, form) of every case page and action, each with input it would accept."""
    ref = case.reference
    return [
        ("get", reverse("console:cases"), {}),
        ("get", reverse("console:cases") + "?tab=breached", {}),
        ("get", reverse("console:case_new"), {}),
        (
            "post",
            reverse("console:case_new"),
            {
                "type": "complaint",
                "channel": "phone",
                "summary": "Rude driver",
                "severity": "minor",
                "contact_email": "walkin@example.com",
            },
        ),
        ("get", reverse("console:case", args=[ref]), {}),
        ("post", reverse("console:case_reply", args=[ref]), {"body": "We are so sorry."}),
        ("post", reverse("console:case_note", args=[ref]), {"body": "Called the courier."}),
        ("post", reverse("console:case_move", args=[ref]), {"to": "listening", "note": "On the phone"}),
        (
            "post",
            reverse("console:case_compensate", args=[ref]),
            {"kind": "voucher", "value": "5000", "idempotency_key": f"access-{id(compensation)}"},
        ),
        ("post", reverse("console:case_assign", args=[ref]), {"assignee": "", "team": ""}),
        ("post", reverse("console:case_follow_up", args=[ref]), {}),
    ]


@pytest.fixture
def awaiting(case: Case, agent: User) -> Compensation:
    return compensation_give(
        case=case,
        data=CompensationInput(kind="refund", value="50000", idempotency_key="big", ask_approval=True),
        actor=agent,
    ).compensation


def test_anonymous_people_are_sent_to_the_login(client, case, awaiting):
    decide = reverse("console:case_compensation_decide", args=[case.reference, awaiting.pk])
    for method, url, form in [*_actions(case, awaiting), ("post", decide, {"approve": "yes"})]:
        response = getattr(client, method)(url, form)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("console:login")), url


@pytest.mark.parametrize("who", ["analyst", "manager"])
def test_analysts_and_program_managers_open_none_of_it_and_change_nothing(
    request, client_as, case, awaiting, who
):
    client = client_as(request.getfixturevalue(who))
    before = _state(case)
    decide = reverse("console:case_compensation_decide", args=[case.reference, awaiting.pk])
    for method, url, form in [*_actions(case, awaiting), ("post", decide, {"approve": "yes"})]:
        assert getattr(client, method)(url, form).status_code == 403, url
    assert _state(case) == before
    assert Case.objects.count() == 1
    assert "Cases" not in page_text(client.get(reverse("console:home")))


@pytest.mark.parametrize("who", ["agent", "lead"])
def test_agents_and_leads_open_every_page_and_act(request, client_as, case, awaiting, who):
    client = client_as(request.getfixturevalue(who))
    for method, url, form in _actions(case, awaiting):
        response = getattr(client, method)(url, form)
        # The follow-up on an open case is refused with its reason (409), not with a 403.
        expected = (409,) if url.endswith("/follow-up/") else (200, 302)
        assert response.status_code in expected, f"{url}: {response.status_code}"
    assert Case.objects.count() == 2


def test_an_agent_cannot_approve_compensation_and_a_lead_does(client_as, agent, lead, case, awaiting, club):
    decide = reverse("console:case_compensation_decide", args=[case.reference, awaiting.pk])
    assert client_as(agent).post(decide, {"approve": "yes"}).status_code == 403
    awaiting.refresh_from_db()
    assert awaiting.status == CompensationStatus.AWAITING_APPROVAL
    page = page_text(_page(client_as(agent), case))
    assert "awaiting approval" in page
    assert "Approve" not in page.split("Give compensation")[0]

    lead_client = client_as(lead)
    assert "Approve" in page_text(_page(lead_client, case))
    response = lead_client.post(decide, {"approve": "yes"}, follow=True)
    assert "Approved: the compensation is given." in page_text(response)
    awaiting.refresh_from_db()
    assert (awaiting.status, awaiting.decided_by) == (CompensationStatus.GRANTED, lead)


def test_a_lead_declines_and_nothing_is_given(client_as, lead, case, awaiting):
    decide = reverse("console:case_compensation_decide", args=[case.reference, awaiting.pk])
    client_as(lead).post(decide, {"approve": "no"})
    awaiting.refresh_from_db()
    assert awaiting.status == CompensationStatus.DECLINED


def test_a_compensation_of_another_case_is_not_found_here(client_as, lead, alice, awaiting):
    other = complaint(alice, summary="Another thing")
    decide = reverse("console:case_compensation_decide", args=[other.reference, awaiting.pk])
    assert client_as(lead).post(decide, {"approve": "yes"}).status_code == 404


def test_an_unknown_case_is_404(client_as, agent):
    assert client_as(agent).get(reverse("console:case", args=["C-2026-999999"])).status_code == 404


def test_the_navigation_shows_cases_with_the_breached_count_to_agents(client_as, agent, analyst, alice):
    late, later = complaint(alice), complaint(alice, summary="Late invoice")
    breached(late, minutes=35, now=clock.now())
    due_at(later, clock.now() + timedelta(hours=3))
    html = client_as(agent).get(reverse("console:home")).content.decode()
    assert 'href="/console/cases/"' in html
    assert '<span class="badge bad nav-count"' in html
    assert "1 case past its target" in html
    assert 'href="/console/cases/"' not in client_as(analyst).get(reverse("console:home")).content.decode()


# ---- the queue ---------------------------------------------------------------------------------------------


def _queue_order(client, query: str = "") -> list[str]:
    response = client.get(reverse("console:cases") + query)
    assert response.status_code == 200
    return [row.case.reference for row in response.context["rows"]]


def test_the_queue_puts_what_breaches_first_on_top(client_as, agent, alice, bob):
    now = clock.now()
    paused = complaint(alice, summary="Waiting for a photo")
    later = complaint(bob, summary="Due in three hours")
    late = complaint(alice, summary="Past due")
    due_at(later, now + timedelta(hours=3))
    breached(late, minutes=35, now=now)
    case_move(case=paused, to=CaseStatus.WAITING, actor=agent)

    client = client_as(agent)
    assert _queue_order(client) == [late.reference, later.reference, paused.reference]
    text = page_text(client.get(reverse("console:cases")))
    assert "late by 35 min" in text
    assert "due in 2 h 59 min" in text or "due in 3 h" in text
    assert "paused" in text
    html = client.get(reverse("console:cases")).content.decode()
    assert f'data-due="{(now - timedelta(minutes=35)).replace(microsecond=0).isoformat()}' in html


def test_the_queue_tabs_and_filters(client_as, agent, lead, alice, bob):
    now = clock.now()
    team = Team.objects.create(name="Seoul care")
    team.members.add(agent)
    mine = complaint(alice, summary="Mine: broken lamp", severity="critical")
    case_assign(case=mine, assignee=agent, team=None, actor=lead)
    teams = complaint(bob, summary="The team's: late parcel")
    case_assign(case=teams, assignee=None, team=team, actor=lead)
    late = complaint(alice, summary="Late answer")
    breached(late, minutes=5, now=now)
    waiting = complaint(bob, summary="Waiting one")
    case_move(case=waiting, to=CaseStatus.WAITING, actor=agent)
    closed = complaint(bob, summary="Closed one")
    case_move(case=closed, to=CaseStatus.CLOSED, actor=agent)

    client = client_as(agent)
    assert _queue_order(client, "?tab=mine") == [mine.reference]
    assert _queue_order(client, "?tab=team") == [teams.reference]
    assert _queue_order(client, "?tab=breached") == [late.reference]
    assert _queue_order(client, "?tab=waiting") == [waiting.reference]
    assert _queue_order(client, "?tab=closed") == [closed.reference]
    assert closed.reference not in _queue_order(client)
    assert _queue_order(client, "?q=lamp") == [mine.reference]
    assert _queue_order(client, f"?q={late.reference.lower()}") == [late.reference]
    assert _queue_order(client, "?severity=critical") == [mine.reference]
    assert _queue_order(client, "?status=waiting&tab=open") == [waiting.reference]
    # A value no select offers is dropped, not the list.
    assert len(_queue_order(client, "?severity=dire&tab=nonsense")) == 4


def test_the_queue_filters_by_a_category_and_those_under_it(client_as, agent, alice):
    delivery = Category.objects.create(name="Delivery")
    late_delivery = Category.objects.create(name="Late delivery", parent=delivery)
    under = complaint(alice, category_id=late_delivery.pk)
    complaint(alice, summary="No category")
    client = client_as(agent)
    assert _queue_order(client, f"?category={delivery.pk}") == [under.reference]
    assert "Delivery / Late delivery" in page_text(client.get(reverse("console:cases")))


def test_the_queue_says_who_the_customer_is_without_a_file(client_as, agent):
    complaint(None, contact_email="walkin@example.com", contact_name="Min-jun Park")
    assert "Min-jun Park" in page_text(client_as(agent).get(reverse("console:cases")))


# ---- the steps ------------------------------------------------------------------------------------------------


def test_the_case_page_shows_the_steps_the_customer_and_the_targets(client_as, admin, case, alice):
    text = page_text(_page(client_as(admin), case))
    for words in (
        "1. Apologise & acknowledge",
        "2. Listen",
        "3. Propose a solution",
        "4. Compensate",
        "5. Keep the promise",
        "6. Follow up",
        "Apologised and acknowledged, automatically",
        "The left arm has a long scratch.",
        "Alice Kim",
        "first response",
        "resolution",
        "not scored yet",
        "None: this is their first.",
        "Your limit: 200,000 KRW",
    ):
        assert words in text, words
    html = _page(client_as(admin), case).content.decode()
    assert f'href="{reverse("console:customer", args=[alice.pk])}"' in html
    assert 'aria-current="step"' in html


def test_an_agent_sees_their_own_limit_and_the_customers_value_and_risk_for_their_case(
    client_as, agent, case, alice
):
    text = page_text(_page(client_as(agent), case))
    assert "Your limit: 20,000 KRW" in text
    assert "not scored yet" in text  # the lifetime value and churn risk, shown to the agent on the case
    # ...but not on the customer's page, which their groups do not open to scores.
    customer = page_text(client_as(agent).get(reverse("console:customer", args=[alice.pk])))
    assert "not scored yet" not in customer


def test_the_customers_other_cases_are_listed(client_as, agent, alice, case):
    earlier = complaint(alice, summary="The mattress was late")
    assert earlier.reference in page_text(_page(client_as(agent), case))


def test_an_anonymous_case_shows_the_contact_details(client_as, agent):
    case = complaint(None, contact_email="walkin@example.com", contact_phone="+82 10 5555 1234")
    text = page_text(_page(client_as(agent), case))
    assert "Filed by someone with no customer file." in text
    assert "walkin@example.com" in text


def test_each_step_moves_the_case(client_as, agent, case, alice, club):
    client = client_as(agent)
    response = _move(client, case, "listening", note="Called her back")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.LISTENING

    _move(client, case, "proposed", solution="A new arm fitted at home on Friday")
    case.refresh_from_db()
    assert (case.status, case.solution) == (CaseStatus.PROPOSED, "A new arm fitted at home on Friday")

    key = "page-key-1"
    given = client.post(
        reverse("console:case_compensate", args=[case.reference]),
        {"kind": "points", "value": "5000", "points": "500", "program": club.pk, "idempotency_key": key},
        follow=True,
    )
    assert "The compensation is given." in page_text(given)
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPENSATED
    assert LedgerEntry.objects.get(cause_type="case", cause_id=case.reference).points == 500

    promised_by = clock.now().date() + timedelta(days=3)
    _move(client, case, "promised", promise="The arm replaced", promised_by=promised_by.isoformat())
    case.refresh_from_db()
    assert (case.status, case.promise, case.promised_by) == (
        CaseStatus.PROMISED,
        "The arm replaced",
        promised_by,
    )
    text = page_text(_page(client, case))
    assert "500 points" in text
    assert "The arm replaced" in text

    _move(client, case, "resolved")
    _move(client, case, "closed")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert "Follow up" in page_text(_page(client, case))

    followed = client.post(reverse("console:case_follow_up", args=[case.reference]), follow=True)
    assert "The follow-up is sent" in page_text(followed)
    case.refresh_from_db()
    assert case.follow_up_sent_at is not None
    assert Message.objects.filter(kind="case_follow_up", member=alice).count() == 1

    _move(client, case, "reopened")
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED


def test_a_missed_target_says_how_late_in_business_hours(client_as, agent, alice, settings):
    settings.TIME_ZONE = "UTC"  # the standard policy's office hours: 09:00-12:00 and 13:00-18:00 on weekdays
    monday_9 = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    with time_machine.travel(monday_9, tick=False):
        case = complaint(alice)
    # Four business hours: 09:00-12:00, then 13:00-14:00. At 16:30 the sweep stamps the breach at 14:00.
    with time_machine.travel(monday_9 + timedelta(hours=7, minutes=30), tick=False):
        sla_sweep()
        text = page_text(_page(client_as(agent), case))
    assert "first response missed target 4 business hours" in text
    assert "late by 2 business hours 30 min" in text
    assert "Target missed: first response was due" in text


def test_waiting_pauses_the_targets_and_the_page_says_so(client_as, agent, case):
    client = client_as(agent)
    _move(client, case, "waiting")
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    text = page_text(_page(client, case))
    assert "the targets are paused" in text
    assert "paused while the customer is waited for" in text
    assert "since" in text.split("Paused while waiting for the customer", 1)[1]


def test_the_page_offers_only_the_moves_the_flow_allows(client_as, agent, case):
    html = _page(client_as(agent), case).content.decode()
    assert 'value="listening"' in html
    assert 'value="promised"' not in html  # a fix is promised once a solution is
    response = _move(client_as(agent), case, "promised", promise="x", promised_by="2030-01-01")
    assert response.status_code == 409
    assert "cannot become fix promised" in page_text(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACKNOWLEDGED


# ---- bad input ------------------------------------------------------------------------------------------------


def test_a_proposal_without_a_solution_names_the_field_and_changes_nothing(client_as, agent, case):
    before = _state(case)
    response = _move(client_as(agent), case, "proposed", solution="   ")
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<textarea name="solution"[^>]*aria-invalid="true"', html)
    assert _state(case) == before


def test_a_promise_in_the_past_is_refused_on_its_date(client_as, agent, case):
    case = case_move(case=case, to=CaseStatus.PROPOSED, actor=agent, solution="A new sofa")
    before = _state(case)
    yesterday = clock.now().date() - timedelta(days=2)
    response = _move(
        client_as(agent), case, "promised", promise="Delivery", promised_by=yesterday.isoformat()
    )
    assert response.status_code == 422
    assert "the promised date cannot be in the past" in page_text(response)
    assert 'id="move_promised_promised_by"' in response.content.decode()
    assert _state(case) == before


def test_an_empty_reply_names_the_field(client_as, agent, case):
    before = _state(case)
    response = client_as(agent).post(reverse("console:case_reply", args=[case.reference]), {"body": ""})
    assert response.status_code == 400
    assert 'id="reply_body"' in response.content.decode()
    assert _state(case) == before


def test_compensation_over_the_limit_names_it_and_asking_a_lead_waits(client_as, agent, case):
    client = client_as(agent)
    form = {"kind": "refund", "value": "50000", "idempotency_key": "over-1"}
    before = _state(case)
    refused = client.post(reverse("console:case_compensate", args=[case.reference]), form)
    assert refused.status_code == 403
    assert "over your compensation limit of 20,000 KRW" in page_text(refused)
    assert 'value="over-1"' in refused.content.decode()  # the same key, to ask again with
    assert _state(case) == before

    asked = client.post(
        reverse("console:case_compensate", args=[case.reference]), {**form, "ask_approval": "on"}, follow=True
    )
    assert "waits for a lead's approval" in page_text(asked)
    assert Compensation.objects.get().status == CompensationStatus.AWAITING_APPROVAL


def test_a_compensation_sent_twice_is_given_once(client_as, agent, case):
    client = client_as(agent)
    form = {"kind": "voucher", "value": "10000", "idempotency_key": "double-submit"}
    for _ in range(2):
        response = client.post(reverse("console:case_compensate", args=[case.reference]), form)
        assert response.status_code == 302
    assert Compensation.objects.count() == 1


def test_each_compensation_form_has_its_own_key(client_as, agent, case):
    client = client_as(agent)
    first = _page(client, case).context["compensation_form"].initial["idempotency_key"]
    second = _page(client, case).context["compensation_form"].initial["idempotency_key"]
    assert first
    assert first != second


def test_points_need_a_number_of_points(client_as, agent, case, club):
    before = _state(case)
    response = client_as(agent).post(
        reverse("console:case_compensate", args=[case.reference]),
        {"kind": "points", "value": "1000", "program": club.pk, "idempotency_key": "no-points"},
    )
    assert response.status_code == 422
    assert "points must be a positive whole number" in page_text(response)
    assert _state(case) == before


# ---- replies, notes, assignment ---------------------------------------------------------------------------


def test_a_reply_queues_the_customers_message_and_meets_the_first_response(client_as, agent, case, alice):
    response = client_as(agent).post(
        reverse("console:case_reply", args=[case.reference]),
        {"body": "We are so sorry. A new arm is coming."},
        follow=True,
    )
    assert "Your reply is on its way to the customer." in page_text(response)
    message = Message.objects.get(kind="case_reply", member=alice)
    assert "We are so sorry. A new arm is coming." in message.text_body
    assert case.legs.get(kind="first_response").met_at is not None
    text = page_text(response)
    assert "sam_agent replied to the customer" in text
    assert "to the customer" in text


def test_a_note_is_internal(client_as, agent, case):
    response = client_as(agent).post(
        reverse("console:case_note", args=[case.reference]), {"body": "The courier admits it."}, follow=True
    )
    entry = CaseEntry.objects.get(case=case, kind=EntryKind.NOTE)
    assert entry.public is False
    assert "internal" in page_text(response)
    assert not Message.objects.filter(kind="case_reply").exists()


def test_the_same_customers_open_case_is_offered_and_merging_goes_to_the_case_that_carries_on(
    client_as, agent, case, alice
):
    duplicate = complaint(alice, summary="Scratches everywhere", channel="email")
    client = client_as(agent)
    page = page_text(client.get(reverse("console:case", args=[duplicate.reference])))
    assert f"Merge into {case.reference}" in page

    response = client.post(
        reverse("console:case_merge", args=[duplicate.reference]), {"into": case.reference}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("console:case", args=[case.reference])
    text = page_text(response)
    assert f"{duplicate.reference} is merged into this case." in text
    assert f"{duplicate.reference} merged into this case: “Scratches everywhere”" in text
    merged = page_text(client.get(reverse("console:case", args=[duplicate.reference])))
    assert "Merged into another case" in merged or "merged into another case" in merged
    assert "A duplicate?" not in merged


def test_merging_into_an_unknown_case_names_the_field_and_changes_nothing(client_as, agent, case):
    response = client_as(agent).post(
        reverse("console:case_merge", args=[case.reference]), {"into": "C-1999-1"}
    )

    assert response.status_code == 404
    assert "no case C-1999-1" in page_text(response)
    case.refresh_from_db()
    assert case.status == "acknowledged"


def test_an_agent_takes_a_case_but_only_a_lead_takes_it_from_another(client_as, agent, lead, case, db):
    colleague = User.objects.get(username="sol_lead")
    client = client_as(agent)
    client.post(reverse("console:case_assign", args=[case.reference]), {"assignee": agent.pk, "team": ""})
    case.refresh_from_db()
    assert case.assignee == agent
    case_assign(case=case, assignee=colleague, team=None, actor=lead)
    refused = client.post(reverse("console:case_assign", args=[case.reference]), {"assignee": agent.pk})
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.assignee == colleague
    client_as(lead).post(reverse("console:case_assign", args=[case.reference]), {"assignee": agent.pk})
    case.refresh_from_db()
    assert case.assignee == agent


def test_only_people_who_work_cases_can_be_assigned(client_as, lead, analyst, case):
    response = client_as(lead).post(
        reverse("console:case_assign", args=[case.reference]), {"assignee": analyst.pk}
    )
    assert response.status_code == 400
    assert 'id="assign_assignee"' in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None


# ---- a case an agent logs -----------------------------------------------------------------------------------


def test_an_agent_logs_a_phone_call_for_a_customer_found_by_e_mail(client_as, agent, alice):
    response = client_as(agent).post(
        reverse("console:case_new"),
        {
            "type": "complaint",
            "channel": "phone",
            "summary": "The delivery man was rude",
            "description": "He threw the box over the gate.",
            "severity": "major",
            "customer": "ALICE@example.com",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("console:case", args=[case.reference])
    assert (case.member, case.channel, case.severity) == (alice, "phone", "major")
    assert Message.objects.filter(kind="case_acknowledged", member=alice).exists()


def test_a_new_case_names_each_bad_field_and_files_nothing(client_as, agent, alice, bob):
    client = client_as(agent)
    nobody = client.post(
        reverse("console:case_new"),
        {"type": "complaint", "channel": "phone", "summary": "x", "severity": "minor"},
    )
    assert nobody.status_code == 400
    assert "give an e-mail address or a phone number" in page_text(nobody)
    unknown = client.post(
        reverse("console:case_new"),
        {
            "type": "complaint",
            "channel": "phone",
            "summary": "x",
            "severity": "minor",
            "customer": "nobody@x.org",
            "product": "NO-SUCH-SKU",
        },
    )
    assert unknown.status_code == 400
    text = page_text(unknown)
    assert "no customer matches nobody@x.org" in text
    assert "no product with the SKU NO-SUCH-SKU" in text
    several = client.post(
        reverse("console:case_new"),
        {
            "type": "complaint",
            "channel": "phone",
            "summary": "x",
            "severity": "minor",
            "customer": "example.com",
        },
    )
    assert "several customers match" in page_text(several)
    assert not Case.objects.exists()


def test_the_new_case_form_starts_with_the_customer_of_the_link(client_as, agent, alice):
    response = client_as(agent).get(reverse("console:case_new") + f"?member={alice.pk}")
    assert f'value="#{alice.pk}"' in response.content.decode()


# ---- words ------------------------------------------------------------------------------------------------------


def test_durations_and_countdowns_read_as_people_say_them():
    now = clock.now()
    assert duration_words(80 * 60) == "1 h 20 min"
    assert duration_words(35 * 60) == "35 min"
    assert duration_words(2 * 86400 + 3 * 3600 + 59) == "2 d 3 h"
    assert duration_words(10 * 3600) == "10 h"
    assert duration_words(20) == "less than a minute"
    assert countdown(due=now + timedelta(minutes=80), now=now, paused=False).text == "due in 1 h 20 min"
    late = countdown(due=now - timedelta(minutes=35), now=now, paused=False)
    assert (late.state, late.text) == ("late", "late by 35 min")
    assert countdown(due=None, now=now, paused=True).text == "paused"
    assert countdown(due=None, now=now, paused=False).text == "no target"


def test_a_customer_written_in_japanese_reads_back_as_written(client_as, agent, alice):
    case = complaint(
        alice, summary="ソファに傷がありました", description="左の肘掛けに長い傷があります。", language="ja"
    )
    text = page_text(_page(client_as(agent), case))
    assert "ソファに傷がありました" in text
    assert "左の肘掛けに長い傷があります。" in text


def test_the_promise_date_field_is_bounded(client_as, agent, case):
    case_move(case=case, to=CaseStatus.PROPOSED, actor=agent, solution="A new sofa")
    response = _move(
        client_as(agent), case, "promised", promise="x", promised_by=date(9999, 12, 31).isoformat()
    )
    assert response.status_code == 400
    assert "Give a date between 2000 and 2999." in page_text(response)
