"""Surveys as a manager builds them and customers answer them: scores, partial answers, invitations answered
once, staff tries kept apart, and detractors turned into follow-up cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from patronage.care.models import Case, CaseChannel
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import OutboxEvent, User
from patronage.feedback.invitations import invitations_send, triggers_run
from patronage.feedback.models import FollowUp, Invitation, Response, Survey, SurveyStatus
from patronage.feedback.responses import ResponseInput, response_submit, survey_try
from patronage.feedback.selectors import survey_results
from patronage.feedback.survey_services import (
    ChoiceInput,
    QuestionInput,
    SurveyInput,
    loop_rule_add,
    survey_create,
    survey_open,
    survey_update,
)
from patronage.members.models import Member, TimelineEvent
from patronage.messages.models import Message

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _visit_survey(actor: User | None = None, **fields: Any) -> Survey:
    data = SurveyInput(
        title="How was your visit?",
        title_translations={"ko": "방문은 어떠셨나요?"},
        questions=[
            QuestionInput(type="nps", key="nps", text="How likely are you to recommend us?", required=True),
            QuestionInput(
                type="text",
                key="why",
                text="What went wrong?",
                shown_when={"question": "nps", "at_most": 6},
            ),
            QuestionInput(
                type="single_choice",
                key="visit",
                text="What did you come for?",
                choices=[ChoiceInput("buy", "To buy"), ChoiceInput("look", "To look around")],
            ),
        ],
        **fields,
    )
    return survey_create(data=data, actor=actor)


def _opened(**fields: Any) -> Survey:
    survey = _visit_survey(**fields)
    return survey_open(survey=survey, actor=None)


def test_nps_of_10_7_3_9_is_25_and_unanswered_questions_do_not_count(alice: Member, bob: Member):
    survey = _opened()
    with time_machine.travel(NOW, tick=False):
        for member, answers in (
            (alice, {"nps": 10}),
            (bob, {"nps": 7, "visit": "buy"}),
            (alice, {"nps": 3, "why": "Long queue"}),
            (bob, {"nps": 9}),
        ):
            response_submit(survey=survey, data=ResponseInput(answers=answers, member=member))
        # Left half-way without the NPS: kept, and counted in no score.
        response_submit(
            survey=survey, data=ResponseInput(answers={"visit": "look"}, member=alice, partial=True)
        )

        results = survey_results(survey=survey)

    assert results.nps.value == pytest.approx(25.0)
    assert results.nps.n == 4
    assert results.responses == 4
    assert results.partial == 1
    visit = next(summary for summary in results.questions if summary.question.key == "visit")
    assert visit.counts == {"buy": 1, "look": 0}
    why = next(summary for summary in results.questions if summary.question.key == "why")
    assert why.examples == ["Long queue"]


def test_a_required_question_left_unanswered_and_an_11_are_refused_naming_the_question(alice: Member):
    survey = _opened()
    with pytest.raises(ValidationFailed) as refused:
        response_submit(survey=survey, data=ResponseInput(answers={"nps": 11}, member=alice))
    assert refused.value.errors[0]["field"] == "answers[nps]"
    with pytest.raises(ValidationFailed) as refused:
        response_submit(survey=survey, data=ResponseInput(answers={"visit": "buy"}, member=alice))
    assert refused.value.errors[0]["field"] == "answers[nps]"
    assert not Response.objects.exists()


def test_a_drafts_try_by_staff_does_not_count(admin: User, alice: Member):
    survey = _visit_survey(actor=admin)
    survey_try(survey=survey, answers={"nps": 0}, actor=admin)
    survey = survey_open(survey=survey, actor=admin)
    response_submit(survey=survey, data=ResponseInput(answers={"nps": 10}, member=alice))

    results = survey_results(survey=survey)

    assert results.nps.value == 100.0
    assert results.responses == 1
    assert not Case.objects.exists()


def test_a_draft_takes_no_answers_from_customers(alice: Member):
    survey = _visit_survey()
    with pytest.raises(Conflict):
        response_submit(survey=survey, data=ResponseInput(answers={"nps": 9}, member=alice))


def test_a_detractor_opens_one_follow_up_case_with_the_answer(alice: Member):
    survey = _opened()
    loop_rule_add(survey=survey, kind="detractor", actor=None)

    response = response_submit(
        survey=survey, data=ResponseInput(answers={"nps": 2, "why": "Rude cashier"}, member=alice)
    )
    response_submit(survey=survey, data=ResponseInput(answers={"nps": 9}, member=alice))

    follow_up = FollowUp.objects.get()
    assert follow_up.response == response
    case = follow_up.case
    assert case.member == alice
    assert case.channel == CaseChannel.SURVEY
    assert "Rude cashier" in case.description
    assert case.legs.exists()  # its SLA clocks run
    assert Case.objects.count() == 1


def test_a_keyword_rule_catches_the_word_in_any_case(alice: Member):
    survey = _opened()
    loop_rule_add(survey=survey, kind="keywords", keywords=["Refund"], actor=None)

    response_submit(
        survey=survey, data=ResponseInput(answers={"nps": 5, "why": "Still no REFUND"}, member=alice)
    )

    assert FollowUp.objects.count() == 1


def test_an_invitation_is_answered_once_and_partial_answers_are_completed_in_place(alice: Member):
    survey = _opened()
    invitations_send(survey=survey, members=[alice], actor=None, batch="list:1")
    invitation = Invitation.objects.get()

    response_submit(
        survey=survey, data=ResponseInput(answers={"visit": "buy"}, invitation=invitation, partial=True)
    )
    response_submit(
        survey=survey, data=ResponseInput(answers={"nps": 9, "visit": "buy"}, invitation=invitation)
    )
    with pytest.raises(Conflict) as refused:
        response_submit(survey=survey, data=ResponseInput(answers={"nps": 1}, invitation=invitation))

    assert refused.value.field == "token"
    response = Response.objects.get()
    assert response.complete
    assert response.member == alice
    assert sorted(response.answers.values_list("question__key", flat=True)) == ["nps", "visit"]
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert TimelineEvent.objects.filter(member=alice, kind="survey_answered").count() == 1
    assert OutboxEvent.objects.filter(topic="survey.response").count() == 1


def test_invitations_respect_the_throttle_and_are_sent_once_per_batch(alice: Member, bob: Member):
    survey = _opened(throttle_days=30)
    with time_machine.travel(NOW, tick=False):
        first = invitations_send(survey=survey, members=[alice], actor=None, batch="list:1")
    with time_machine.travel(NOW + timedelta(days=10), tick=False):
        again = invitations_send(survey=survey, members=[alice, bob], actor=None, batch="list:1")
        later = invitations_send(survey=survey, members=[alice], actor=None, batch="list:2")

    assert (first.invited, again.invited, again.already, later.throttled) == (1, 1, 1, 1)
    assert Message.objects.filter(kind="survey_invitation").count() == 2


def test_an_opened_surveys_questions_can_be_reworded_but_not_changed():
    survey = _opened()
    reworded = SurveyInput(
        title="How was your visit today?",
        questions=[
            QuestionInput(type="nps", key="nps", text="Would you recommend us?", required=True),
            QuestionInput(
                type="text", key="why", text="What went wrong?", shown_when={"question": "nps", "at_most": 6}
            ),
            QuestionInput(
                type="single_choice",
                key="visit",
                text="Why did you come?",
                choices=[ChoiceInput("buy", "To buy"), ChoiceInput("look", "To browse")],
            ),
        ],
    )
    survey_update(survey=survey, data=reworded, actor=None)
    assert survey.questions.get(key="nps").text == "Would you recommend us?"

    changed = SurveyInput(title="x", questions=[QuestionInput(type="csat", key="nps", text="Happy?")])
    with pytest.raises(ValidationFailed) as refused:
        survey_update(survey=survey, data=changed, actor=None)
    assert refused.value.errors[0]["field"] == "questions"


def test_bad_survey_input_names_every_field():
    data = SurveyInput(
        title="",
        questions=[
            QuestionInput(type="stars", text="Rate us"),
            QuestionInput(type="single_choice", text="Pick", choices=[ChoiceInput("a", "A")]),
            QuestionInput(type="rating", text="Rate", scale=(1, 20)),
        ],
        title_translations={"xx": "?"},
        throttle_days=-1,
    )
    with pytest.raises(ValidationFailed) as refused:
        survey_create(data=data, actor=None)
    fields = {error["field"] for error in refused.value.errors}
    assert {"title", "title_translations.xx", "throttle_days", "questions[0].type"} <= fields
    assert not Survey.objects.exists()


def test_a_closed_case_triggers_one_invitation_to_its_customer(alice: Member, agent: User):
    from patronage.care.services import CaseInput, case_move, case_open

    survey = _opened(trigger="case_closed")
    with time_machine.travel(NOW, tick=False):
        case = case_open(data=CaseInput(type="complaint", channel="api", summary="Late", member=alice)).case
        for step in ("listening", "proposed", "resolved", "closed"):
            case_move(case=case, to=step, actor=agent, solution="Refunded" if step == "proposed" else "")
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert triggers_run() == 1
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        assert triggers_run() == 0  # the event read again invites no one twice

    invitation = Invitation.objects.get()
    assert invitation.member == alice
    assert invitation.case == case
    assert survey.status == SurveyStatus.OPEN
