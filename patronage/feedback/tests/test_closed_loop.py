"""The survey as a closed case's follow-up (care's step 6), its CSAT as the case's rating, and promoters
thanked: a customer gets the survey or care's one question, never both, whichever of the trigger job and the
Follow up button comes first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from patronage.care.models import Case, CaseStatus, EntryKind, LegKind
from patronage.care.selectors import member_cases_summary
from patronage.care.services import CaseInput, case_customer_reply, case_follow_up, case_move, case_open
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import OutboxEvent, User
from patronage.feedback.invitations import triggers_run
from patronage.feedback.models import Invitation, LoopRule, Survey
from patronage.feedback.responses import ResponseInput, response_submit, survey_try
from patronage.feedback.survey_services import (
    QuestionInput,
    SurveyInput,
    loop_rule_add,
    survey_create,
    survey_open,
)
from patronage.loyalty.models import Program
from patronage.loyalty.services import earn_rule_save
from patronage.members.models import Member, TimelineEvent
from patronage.messages.models import Message

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
TO_CUSTOMER = ("case_follow_up", "survey_invitation")


def _survey(trigger: str = "case_closed") -> Survey:
    data = SurveyInput(
        title="How did we handle your case?",
        trigger=trigger,
        questions=[
            QuestionInput(type="nps", key="nps", text="How likely are you to recommend us?"),
            QuestionInput(type="csat", key="csat", text="How satisfied are you with the help?"),
            QuestionInput(type="text", key="why", text="Tell us more"),
            QuestionInput(type="text", key="else", text="Anything else?"),
        ],
    )
    return survey_open(survey=survey_create(data=data, actor=None), actor=None)


def _closed_case(member: Member, agent: User) -> Case:
    case = case_open(data=CaseInput(type="complaint", channel="api", summary="Late", member=member)).case
    case.assignee = agent
    case.save(update_fields=["assignee"])
    for step in ("listening", "proposed", "resolved", "closed"):
        case = case_move(case=case, to=step, actor=agent, solution="Refunded" if step == "proposed" else "")
    return case


def _asked(member: Member) -> list[str]:
    """The follow-up messages the customer got: care's question, the survey's invitation, or both."""
    return list(Message.objects.filter(member=member, kind__in=TO_CUSTOMER).values_list("kind", flat=True))


def _answer(survey: Survey, answers: dict[str, object]) -> None:
    invitation = Invitation.objects.get(survey=survey)
    response_submit(survey=survey, data=ResponseInput(answers=answers, invitation=invitation))


# The survey as step 6


def test_the_button_after_the_job_sends_nothing_more_and_the_job_counts_as_the_follow_up(alice, agent):
    _survey()
    with time_machine.travel(NOW, tick=False):
        case = _closed_case(alice, agent)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert triggers_run() == 1
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        case_follow_up(case=case, actor=agent)

    case.refresh_from_db()
    assert _asked(alice) == ["survey_invitation"]
    assert case.follow_up_sent_at == NOW + timedelta(minutes=1)
    assert case.legs.get(kind=LegKind.FOLLOW_UP).met_at == NOW + timedelta(minutes=1)
    entry = case.entries.get(kind=EntryKind.FOLLOW_UP)
    assert entry.data == {"survey": True}
    event = OutboxEvent.objects.get(topic="case.updated", key__endswith=":follow_up")
    assert event.payload["change"] == {"follow_up": True, "survey": True}
    assert Invitation.objects.get().case == case


def test_the_job_after_the_button_invites_no_one_again(alice, agent):
    _survey()
    with time_machine.travel(NOW, tick=False):
        case = _closed_case(alice, agent)
        case_follow_up(case=case, actor=agent)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert triggers_run() == 0

    assert _asked(alice) == ["survey_invitation"]
    invitation = Invitation.objects.get()
    assert (invitation.case, invitation.cause) == (case, f"case:{case.pk}")
    assert case.entries.get(kind=EntryKind.FOLLOW_UP).data == {"survey": True}
    assert TimelineEvent.objects.filter(member=alice, kind="survey_invited").count() == 1


def test_without_an_open_survey_the_one_question_stays_and_a_survey_opened_later_does_not_add_one(
    alice, agent
):
    with time_machine.travel(NOW, tick=False):
        case = _closed_case(alice, agent)
        case_follow_up(case=case, actor=agent)
        _survey()
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert triggers_run() == 0

    assert _asked(alice) == ["case_follow_up"]
    assert not Invitation.objects.exists()
    assert case.entries.get(kind=EntryKind.FOLLOW_UP).data == {}
    assert "rate us from 1 to 5" in Message.objects.get(kind="case_follow_up").text_body


def test_a_customer_surveyed_too_recently_gets_the_one_question(alice, agent):
    survey = _survey()
    Invitation.objects.create(survey=survey, member=alice, cause="list:1", created_at=NOW - timedelta(days=3))
    with time_machine.travel(NOW, tick=False):
        case = _closed_case(alice, agent)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert triggers_run() == 0  # throttled: the case's follow-up is still to do
        case_follow_up(case=case, actor=agent)

    assert _asked(alice) == ["case_follow_up"]


def test_a_case_reopened_before_the_job_runs_is_not_surveyed_yet(alice, agent):
    _survey()
    with time_machine.travel(NOW, tick=False):
        case = _closed_case(alice, agent)
        case_customer_reply(case=case, body="It broke again")
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert triggers_run() == 0

    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED
    assert (_asked(alice), case.follow_up_sent_at) == ([], None)


# The answers


def test_a_csat_answer_rates_the_case_with_the_first_free_text_as_its_comment(alice, agent):
    survey = _survey()
    with time_machine.travel(NOW, tick=False):
        case = _closed_case(alice, agent)
        case_follow_up(case=case, actor=agent)
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        _answer(survey, {"csat": 4, "why": "Quick refund", "else": "Nice staff"})

    case.refresh_from_db()
    assert (case.satisfaction, case.satisfaction_comment) == (4, "Quick refund")
    assert case.satisfaction_at == NOW + timedelta(hours=2)
    assert case.entries.filter(kind=EntryKind.RATED).count() == 1
    assert member_cases_summary(member=alice).satisfaction == 4.0
    assert TimelineEvent.objects.filter(member=alice, kind="case_rated").count() == 1


def test_an_answer_without_csat_or_to_a_reopened_case_leaves_the_rating_alone(alice, bob, agent):
    survey = _survey()
    with time_machine.travel(NOW, tick=False):
        quiet, reopened = _closed_case(alice, agent), _closed_case(bob, agent)
        case_follow_up(case=quiet, actor=agent)
        case_follow_up(case=reopened, actor=agent)
        case_customer_reply(case=reopened, body="Still broken")
        for invitation in Invitation.objects.all():
            answers = {"nps": 8} if invitation.member == alice else {"csat": 2}
            response_submit(survey=survey, data=ResponseInput(answers=answers, invitation=invitation))

    assert list(Case.objects.values_list("satisfaction", flat=True)) == [None, None]
    assert survey.responses.count() == 2


# Promoters thanked


def _thanking(survey: Survey, **fields: object) -> LoopRule:
    return loop_rule_add(survey=survey, kind="promoter", actor=None, **fields)  # type: ignore[arg-type]


def test_a_promoter_is_thanked_once_with_the_review_link_and_what_a_referral_earns(alice):
    program = Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW")
    earn_rule_save(
        program=program,
        code="referral",
        name="Referral",
        kind="event",
        params={"event": "referral", "points": 500},
        actor=None,
    )
    survey = _survey(trigger="")
    _thanking(survey, review_url="https://maps.example.com/hanbit", ask_referral=True)
    with time_machine.travel(NOW, tick=False):
        response = response_submit(survey=survey, data=ResponseInput(answers={"nps": 10}, member=alice))

    thanks = Message.objects.get(kind="survey_thanks")
    assert thanks.member == alice
    assert thanks.idempotency_key == f"survey_thanks:{response.pk}"
    assert "https://maps.example.com/hanbit" in thanks.text_body
    assert "Bring a friend along: you earn 500 points when they join" in thanks.text_body
    assert "How did we handle your case?" in thanks.text_body
    assert TimelineEvent.objects.filter(member=alice, kind="survey_thanked").count() == 1


def test_the_thanks_leave_out_the_review_and_referral_lines_the_rule_does_not_ask_for(alice):
    survey = _survey(trigger="")
    _thanking(survey)
    response_submit(survey=survey, data=ResponseInput(answers={"nps": 9}, member=alice))

    text = Message.objects.get(kind="survey_thanks").text_body
    assert "review" not in text
    assert "friend" not in text


def test_detractors_passives_staff_tries_and_anonymous_answers_are_not_thanked(alice, admin):
    survey = _survey(trigger="")
    _thanking(survey, ask_referral=True)
    response_submit(survey=survey, data=ResponseInput(answers={"nps": 3}, member=alice))
    response_submit(survey=survey, data=ResponseInput(answers={"nps": 8}, member=alice))
    response_submit(survey=survey, data=ResponseInput(answers={"nps": 10}))
    survey_try(survey=survey, answers={"nps": 10}, actor=admin)

    assert not Message.objects.filter(kind="survey_thanks").exists()
    assert not TimelineEvent.objects.filter(kind="survey_thanked").exists()


def test_a_removed_or_inactive_promoter_rule_thanks_no_one(alice):
    survey = _survey(trigger="")
    rule = _thanking(survey)
    LoopRule.objects.filter(pk=rule.pk).update(active=False)
    response_submit(survey=survey, data=ResponseInput(answers={"nps": 10}, member=alice))

    assert not Message.objects.filter(kind="survey_thanks").exists()


def test_a_promoter_rule_is_refused_a_bad_link_a_second_time_and_its_settings_on_other_rules():
    survey = _survey(trigger="")
    with pytest.raises(ValidationFailed) as refused:
        _thanking(survey, review_url="javascript:alert(1)")
    assert refused.value.field == "review_url"
    with pytest.raises(ValidationFailed) as refused:
        _thanking(survey, review_url="https://example.com/" + "a" * 500)
    assert refused.value.field == "review_url"
    with pytest.raises(ValidationFailed) as refused:
        loop_rule_add(
            survey=survey, kind="detractor", review_url="https://example.com", ask_referral=True, actor=None
        )
    assert {error["field"] for error in refused.value.errors} == {"review_url", "ask_referral"}
    assert not LoopRule.objects.exists()

    _thanking(survey, review_url=" https://example.com/review ")
    assert LoopRule.objects.get().review_url == "https://example.com/review"
    with pytest.raises(Conflict) as conflict:
        _thanking(survey)
    assert conflict.value.field == "kind"
