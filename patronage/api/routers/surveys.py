"""Surveys for shops, apps and CRMs: build them, open and close them, record responses, invite members, set
the closed-loop rules and read the results. Each endpoint parses, checks the scope, and calls one service
or selector of patronage.feedback.
"""

# No `from __future__ import annotations` here: ninja reads the parameters' annotations at import time.

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.surveys import (
    SurveyBreakdownFilters,
    SurveyBreakdownOut,
    SurveyCreateIn,
    SurveyIn,
    SurveyInvitationsIn,
    SurveyInvitationsOut,
    SurveyOut,
    SurveyResponseIn,
    SurveyResponseOut,
    SurveyResultsOut,
    SurveyRuleIn,
    SurveyRuleOut,
    SurveyThemesOut,
)
from patronage.core.errors import ValidationFailed
from patronage.feedback import integration
from patronage.feedback.invitations import Sent, invitations_send
from patronage.feedback.models import LoopRule, Response, Survey
from patronage.feedback.responses import ResponseInput
from patronage.feedback.selectors import Results, invitation_by_token, survey_get, survey_results
from patronage.feedback.survey_groups import Breakdown, survey_breakdown
from patronage.feedback.survey_services import (
    ChoiceInput,
    QuestionInput,
    SurveyInput,
    loop_rule_add,
    loop_rule_remove,
    survey_close,
    survey_open,
    survey_update,
)
from patronage.feedback.theme_selectors import survey_themes
from patronage.loyalty.selectors.accounts import program_get

router = Router(tags=["surveys"])

READ = require_scope("surveys:read")
WRITE = require_scope("surveys:write")
# Invitations made through the API are told apart from the console's and the triggers' ("case:42").
BATCH_PREFIX = "api:"


def _survey_input(payload: SurveyIn) -> SurveyInput:
    return SurveyInput(
        title=payload.title,
        title_translations=payload.title_translations,
        intro=payload.intro,
        intro_translations=payload.intro_translations,
        trigger=payload.trigger,
        throttle_days=payload.throttle_days,
        questions=[
            QuestionInput(
                type=question.type,
                text=question.text,
                key=question.key or "",
                text_translations=question.text_translations,
                required=question.required,
                choices=[
                    ChoiceInput(id=choice.id, text=choice.text, text_translations=choice.text_translations)
                    for choice in question.choices
                ],
                scale=(question.scale[0], question.scale[1]) if question.scale else None,
                max_length=question.max_length,
                shown_when=question.shown_when.model_dump(exclude_none=True) if question.shown_when else None,
            )
            for question in payload.questions
        ],
    )


def _answers(payload: SurveyResponseIn) -> dict[str, object]:
    """The answers by question id; a question answered twice in one response is refused, naming it."""
    answers: dict[str, object] = {}
    twice = []
    for answer in payload.answers:
        if answer.question in answers:
            twice.append(answer.question)
        answers[answer.question] = answer.value
    if twice:
        raise ValidationFailed.every(
            [(f"answers[{key}]", gettext("this question is answered more than once")) for key in twice]
        )
    return answers


@router.post("/surveys", response={201: SurveyOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def create_survey(request: HttpRequest, payload: SurveyCreateIn) -> Status[Survey]:
    """Builds a survey as a draft (with `open`: opened at once); its questions' ids are in the answer."""
    survey = integration.survey_create_opened(
        data=_survey_input(payload), actor=acting_user(request), open_now=payload.open
    )
    return Status(201, survey)


@router.get("/surveys", response={200: list[SurveyOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_surveys(request: HttpRequest) -> QuerySet[Survey]:
    """Surveys, newest first, with their questions."""
    return integration.survey_list()


@router.get("/surveys/{survey_id}", response={200: SurveyOut, PROBLEM_STATUSES: Problem}, auth=READ)
def get_survey(request: HttpRequest, survey_id: PathId) -> Survey:
    return survey_get(survey_id=survey_id)


@router.put("/surveys/{survey_id}", response={200: SurveyOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def update_survey(request: HttpRequest, survey_id: PathId, payload: SurveyIn) -> Survey:
    """Rewrites a draft. An opened survey's questions stay as they were answered: only the words (title,
    introduction, questions' and choices' texts) and the throttle change, and the questions sent must be its
    own, reworded (422 naming `questions` otherwise)."""
    return survey_update(
        survey=survey_get(survey_id=survey_id), data=_survey_input(payload), actor=acting_user(request)
    )


@router.post("/surveys/{survey_id}/open", response={200: SurveyOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def open_survey(request: HttpRequest, survey_id: PathId) -> Survey:
    """Opens a draft (or a closed survey again) to answers and invitations; an open one stays open. 409 when
    another open survey follows the same event."""
    return survey_open(survey=survey_get(survey_id=survey_id), actor=acting_user(request))


@router.post("/surveys/{survey_id}/close", response={200: SurveyOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def close_survey(request: HttpRequest, survey_id: PathId) -> Survey:
    """Closes an open survey (409 for any other): its links say it has ended; its results stay."""
    return survey_close(survey=survey_get(survey_id=survey_id), actor=acting_user(request))


@router.post(
    "/surveys/{survey_id}/responses",
    response={201: SurveyResponseOut, 200: SurveyResponseOut, PROBLEM_STATUSES: Problem},
    auth=WRITE,
)
def record_survey_response(
    request: HttpRequest, survey_id: PathId, payload: SurveyResponseIn
) -> Status[Response]:
    """Records a response (201): tied to the member's file, published as survey.response, and a follow-up
    case opened when a rule matches (`follow_up`). A bad answer is 422 naming `answers[<question id>]`; an
    invitation answered already is 409; the same `external_id` again answers the first response (200)."""
    survey = survey_get(survey_id=survey_id)
    answers = _answers(payload)
    recorded = integration.response_record(
        survey=survey,
        data=ResponseInput(
            answers=answers,
            member=integration.respondent(member_id=payload.member) if payload.member is not None else None,
            invitation=invitation_by_token(token=payload.token) if payload.token is not None else None,
            language=payload.language,
            partial=payload.partial,
            external_id=payload.external_id.strip(),
        ),
    )
    response = integration.response_detail(response_id=recorded.response.pk)
    return Status(201 if recorded.created else 200, response)


@router.get(
    "/surveys/{survey_id}/results", response={200: SurveyResultsOut, PROBLEM_STATUSES: Problem}, auth=READ
)
def get_survey_results(request: HttpRequest, survey_id: PathId) -> Results:
    """Scores with their intervals, the response rate, each question's summary (free-text examples are the
    customers' own words) and the NPS's 12-week trend. Complete responses only; staff tries never."""
    return survey_results(survey=survey_get(survey_id=survey_id))


@router.get(
    "/surveys/{survey_id}/breakdown", response={200: SurveyBreakdownOut, PROBLEM_STATUSES: Problem}, auth=READ
)
def get_survey_breakdown(
    request: HttpRequest, survey_id: PathId, filters: Query[SurveyBreakdownFilters]
) -> Breakdown:
    """The responses, NPS, CSAT and CES of each group of respondents (`?by=tier`), each score with its
    interval and flagged `too_few` under five answers. An unknown `by` is 422 naming it."""
    survey = survey_get(survey_id=survey_id)
    program = program_get(code=filters.program) if filters.program else None
    return survey_breakdown(survey=survey, by=filters.by, program=program)


@router.get(
    "/surveys/{survey_id}/themes", response={200: SurveyThemesOut, PROBLEM_STATUSES: Problem}, auth=READ
)
def get_survey_themes(request: HttpRequest, survey_id: PathId) -> dict[str, object]:
    """What each free-text question's answers are about: its themes, largest first, with their answers,
    share, sentiment split and three examples. Found again each hour while new answers come."""
    survey = survey_get(survey_id=survey_id)
    return {"survey": survey.pk, "themes_at": survey.themes_at, "questions": survey_themes(survey=survey)}


@router.post(
    "/surveys/{survey_id}/invitations",
    response={200: SurveyInvitationsOut, PROBLEM_STATUSES: Problem},
    auth=WRITE,
)
def invite_to_survey(request: HttpRequest, survey_id: PathId, payload: SurveyInvitationsIn) -> Sent:
    """E-mails each member their own link (409 unless the survey is open). A member invited to any survey
    within its `throttle_days` is skipped (`throttled`), as is one already invited in this batch
    (`already`). An id that is no member's is 404 naming `members`, and no one is invited."""
    survey = survey_get(survey_id=survey_id)
    return invitations_send(
        survey=survey,
        members=integration.invitation_members(member_ids=payload.members),
        actor=acting_user(request),
        batch=BATCH_PREFIX + payload.batch.strip(),
    )


@router.post(
    "/surveys/{survey_id}/rules", response={201: SurveyRuleOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def add_survey_rule(request: HttpRequest, survey_id: PathId, payload: SurveyRuleIn) -> Status[LoopRule]:
    """A closed-loop rule: each complete response it matches opens one follow-up case for its customer, or
    (a promoter rule) thanks them once."""
    rule = loop_rule_add(
        survey=survey_get(survey_id=survey_id),
        kind=payload.kind,
        keywords=payload.keywords,
        severity=payload.severity,
        review_url=payload.review_url,
        ask_referral=payload.ask_referral,
        actor=acting_user(request),
    )
    return Status(201, rule)


@router.get(
    "/surveys/{survey_id}/rules", response={200: list[SurveyRuleOut], PROBLEM_STATUSES: Problem}, auth=READ
)
def list_survey_rules(request: HttpRequest, survey_id: PathId) -> QuerySet[LoopRule]:
    """The survey's rules, in the order they are tried (the first that matches opens the case)."""
    return integration.loop_rule_list(survey=survey_get(survey_id=survey_id))


@router.delete(
    "/surveys/{survey_id}/rules/{rule_id}", response={204: None, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def delete_survey_rule(request: HttpRequest, survey_id: PathId, rule_id: PathId) -> Status[None]:
    """Removes the rule; the cases it opened stay."""
    rule = integration.loop_rule_get(survey=survey_get(survey_id=survey_id), rule_id=rule_id)
    loop_rule_remove(rule=rule, actor=acting_user(request))
    return Status(204, None)
