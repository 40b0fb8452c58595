"""Responses: checked against the survey's questions, tied to the member's file, and closing the loop.

One invitation is answered once: its first complete response is final, and a later one is refused (partial
saves before it are kept and completed in place). Two saves of the same invitation at once are serialised
on the invitation's row. A response whose answers match a closed-loop rule opens one follow-up case for its
customer, in the response's own transaction, so a response and its case exist together or not at all and a
response never opens two (FollowUp is one per response); the case it follows up is rated, and a promoter
thanked, in that transaction too (feedback.loop). A staff member's try of a survey is kept apart
and never counted, and opens nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patronage.care.models import CaseChannel, CaseType
from patronage.care.services import CaseInput, case_open_within
from patronage.core import clock
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import User
from patronage.core.outbox import outbox_publish
from patronage.feedback import timeline_kinds as kinds
from patronage.feedback.loop import case_rating_record, promoter_thank
from patronage.feedback.models import (
    Answer,
    FollowUp,
    Invitation,
    LoopRule,
    LoopRuleKind,
    Question,
    Response,
    ResponseChannel,
    Survey,
    SurveyStatus,
)
from patronage.feedback.questions import Answer as CleanAnswer
from patronage.feedback.questions import QuestionType, submission_clean
from patronage.feedback.scores import DETRACTOR_UP_TO, nps_group
from patronage.feedback.survey_services import question_specs
from patronage.members.models import Member
from patronage.members.services import timeline_record

LOW_CSAT_UP_TO = 2
EXTERNAL_ID_MAX = 100


@dataclass(frozen=True)
class ResponseInput:
    answers: Mapping[str, object]
    member: Member | None = None
    invitation: Invitation | None = None
    channel: str = ResponseChannel.API
    language: str = ""
    partial: bool = False
    external_id: str = ""


def response_submit(*, survey: Survey, data: ResponseInput) -> Response:
    """Records a response (or completes a partial one of the same invitation) and runs the closed loop."""
    if data.invitation is not None and data.invitation.survey_id != survey.pk:
        raise ValidationFailed(_("this invitation is for another survey"), field="token")
    if len(data.external_id) > EXTERNAL_ID_MAX:
        raise ValidationFailed(
            _("at most %(max)d characters") % {"max": EXTERNAL_ID_MAX}, field="external_id"
        )
    if survey.status != SurveyStatus.OPEN:
        raise Conflict(_("this survey is not open for answers"), field="survey")
    questions = list(survey.questions.all())
    clean = submission_clean(question_specs(questions), data.answers, partial=data.partial)
    if data.external_id and (found := _by_external_id(survey, data.external_id)):
        return found
    try:
        with transaction.atomic(durable=True):
            return _record(survey, questions, clean, data)
    except IntegrityError:
        if data.external_id and (found := _by_external_id(survey, data.external_id)):
            return found  # the same response, saved at the same moment by a retried request
        raise


def survey_try(*, survey: Survey, answers: Mapping[str, object], actor: User, language: str = "") -> Response:
    """A staff member fills in the survey as a customer would (a draft too): checked the same way, kept as a
    test, never counted and never opening a case."""
    questions = list(survey.questions.all())
    clean = submission_clean(question_specs(questions), answers)
    now = clock.now()
    with transaction.atomic(durable=True):
        response = Response.objects.create(
            survey=survey,
            agent=actor,
            channel=ResponseChannel.TRY,
            language=language,
            test=True,
            created_at=now,
            updated_at=now,
        )
        _answers_write(response, questions, clean)
    return response


def _by_external_id(survey: Survey, external_id: str) -> Response | None:
    return Response.objects.filter(survey=survey, external_id=external_id).first()


def _record(
    survey: Survey, questions: list[Question], clean: dict[str, CleanAnswer], data: ResponseInput
) -> Response:
    now = clock.now()
    invitation = data.invitation
    response: Response | None = None
    if invitation is not None:
        # Serialises two saves of one invitation: the second sees what the first wrote.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        response = Response.objects.filter(invitation=invitation).first()
        if response is not None and response.complete:
            raise Conflict(_("this survey was already answered with this invitation"), field="token")
    member = data.member or (invitation.member if invitation else None)
    if response is None:
        response = Response(
            survey=survey,
            invitation=invitation,
            member=member,
            case=invitation.case if invitation else None,
            agent=_case_agent(invitation),
            store=_store(invitation),
            channel=data.channel,
            language=data.language or (invitation.language if invitation else ""),
            external_id=data.external_id.strip(),
            created_at=now,
        )
    new = response.pk is None
    response.complete, response.updated_at = not data.partial, now
    response.save()
    if not new:  # a partial response completed: its answers are replaced
        response.answers.all().delete()
    _answers_write(response, questions, clean)
    if invitation is not None and response.complete:
        Invitation.objects.filter(pk=invitation.pk).update(answered_at=now)
    if response.complete:
        _answered(survey, response, questions, clean, now)
    return response


def _case_agent(invitation: Invitation | None) -> User | None:
    return invitation.case.assignee if invitation and invitation.case else None


def _store(invitation: Invitation | None) -> Any:
    if invitation is None:
        return None
    if invitation.order is not None:
        return invitation.order.store
    return invitation.case.store if invitation.case else None


def _answers_write(response: Response, questions: list[Question], clean: dict[str, CleanAnswer]) -> None:
    by_key = {question.key: question for question in questions}
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question=by_key[key],
                number=value if isinstance(value, int) else None,
                chosen=list(value)
                if isinstance(value, tuple)
                else [value]
                if _is_choice(by_key[key])
                else [],
                text=value if isinstance(value, str) and not _is_choice(by_key[key]) else "",
            )
            for key, value in clean.items()
        ]
    )


def _is_choice(question: Question) -> bool:
    return question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)


def _answered(
    survey: Survey,
    response: Response,
    questions: list[Question],
    clean: dict[str, CleanAnswer],
    now: datetime,
) -> None:
    """What a complete response sets off: the member's timeline, the webhook event, the closed loop (the case
    it follows up rated, a follow-up case opened, a promoter thanked)."""
    nps, csat = _first_of(QuestionType.NPS, questions, clean), _first_of(QuestionType.CSAT, questions, clean)
    # A response is completed once (the invitation's lock and the refusal of a second answer see to it), so
    # its timeline entry and its event are new: no look for an earlier one, no savepoint.
    if response.member_id is not None:
        timeline_record(
            member=response.member,  # type: ignore[arg-type]
            kind=kinds.SURVEY_ANSWERED.code,
            occurred_at=now,
            data={**kinds.survey_named(survey), "nps": nps},
        )
    outbox_publish(
        topic="survey.response",
        payload={
            "survey": survey.pk,
            "response": response.pk,
            "member": response.member_id,
            "nps": nps,
            "nps_group": nps_group(nps).value if nps is not None else None,
            "csat": csat,
            "case": response.case_id,
            "at": now.isoformat(),
        },
        key=f"survey.response:{response.pk}",
        at=now,
        new=True,
    )
    case_rating_record(response=response, csat=csat, questions=questions, clean=clean)
    rule = _matching_rule(survey, questions, clean)
    if rule is not None:
        _follow_up_open(survey, response, rule, questions, clean, now)
    promoter_thank(survey=survey, response=response, nps=nps, at=now)


def _first_of(kind: QuestionType, questions: list[Question], clean: dict[str, CleanAnswer]) -> int | None:
    for question in questions:
        value = clean.get(question.key)
        if question.type == kind and isinstance(value, int):
            return value
    return None


def _matching_rule(
    survey: Survey, questions: list[Question], clean: dict[str, CleanAnswer]
) -> LoopRule | None:
    """The first active rule (in the order they were set) the answers match."""
    texts = " ".join(
        value.casefold()
        for question in questions
        if isinstance(value := clean.get(question.key), str) and question.type == QuestionType.TEXT
    )
    for rule in survey.loop_rules.filter(active=True):
        if rule.kind == LoopRuleKind.DETRACTOR:
            score = _first_of(QuestionType.NPS, questions, clean)
            if score is not None and score <= DETRACTOR_UP_TO:
                return rule
        elif rule.kind == LoopRuleKind.LOW_CSAT:
            score = _first_of(QuestionType.CSAT, questions, clean)
            if score is not None and score <= LOW_CSAT_UP_TO:
                return rule
        elif rule.kind == LoopRuleKind.KEYWORDS and any(word in texts for word in rule.keywords):
            return rule
    return None


def _follow_up_open(
    survey: Survey,
    response: Response,
    rule: LoopRule,
    questions: list[Question],
    clean: dict[str, CleanAnswer],
    now: datetime,
) -> None:
    member = response.member
    words = [
        f"{question.text}: {_answer_words(question, clean[question.key])}"
        for question in questions
        if question.key in clean
    ]
    case = case_open_within(
        data=CaseInput(
            type=CaseType.COMPLAINT,
            channel=CaseChannel.SURVEY,
            summary=(_("Survey answer: %(title)s") % {"title": survey.title})[:200],
            description="\n".join(words)[:20_000],
            member=member,
            contact_name=member.name if member else "",
            language=response.language,
            severity=rule.severity,
            store_id=response.store_id,
            external_id=f"survey-response:{response.pk}",
        )
    )
    FollowUp.objects.create(response=response, rule=rule, case=case, created_at=now)


def _answer_words(question: Question, value: CleanAnswer) -> str:
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)
