"""What a complete response sets off besides the case a rule opens (feedback.responses): the rating of the
case it follows up, and a promoter's thank-you. Both run in the response's own transaction, which completes a
response once: each happens exactly once per response, or not at all.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from patronage.care.services import COMMENT_MAX, case_rate_within
from patronage.core.errors import Conflict
from patronage.core.names import text_in_language
from patronage.feedback import timeline_kinds as kinds
from patronage.feedback.message_kinds import SURVEY_THANKS, THANKS_KEY_PREFIX
from patronage.feedback.models import LoopRuleKind, Question, Response, Survey
from patronage.feedback.questions import Answer as CleanAnswer
from patronage.feedback.questions import QuestionType
from patronage.feedback.scores import PROMOTER_FROM
from patronage.loyalty.selectors import event_points
from patronage.members.services import timeline_record
from patronage.messages.message_services import message_queue


def case_rating_record(
    *, response: Response, csat: int | None, questions: list[Question], clean: dict[str, CleanAnswer]
) -> None:
    """A CSAT answer to the survey that follows a case up is the case's rating (care's reports and the
    agent's satisfaction read it), the answer to the survey's first free-text question its comment."""
    if response.case is None or csat is None:
        return
    first_text = next((question for question in questions if question.type == QuestionType.TEXT), None)
    comment = clean.get(first_text.key) if first_text is not None else None
    # Reopened since the survey was sent (care refuses): the case is open again, and its rating waits for
    # the next resolution.
    with suppress(Conflict):
        case_rate_within(
            case=response.case,
            rating=csat,
            comment=comment[:COMMENT_MAX] if isinstance(comment, str) else "",
        )


def promoter_thank(*, survey: Survey, response: Response, nps: int | None, at: datetime) -> None:
    """Thanks a customer whose NPS is 9 or 10, when the survey has an active promoter rule: a message with
    its review link and, when it asks, a line asking them to bring a friend (with what a referral earns),
    and an entry on their timeline."""
    member = response.member
    if member is None or nps is None or nps < PROMOTER_FROM:
        return
    rule = survey.loop_rules.filter(kind=LoopRuleKind.PROMOTER, active=True).first()
    if rule is None:
        return
    language = response.language or member.locale
    message_queue(
        kind=SURVEY_THANKS.code,
        member=member,
        context={
            "title": text_in_language(survey.title, survey.title_translations, language),
            "review_url": rule.review_url,
            "ask_referral": rule.ask_referral,
            "referral_points": event_points(member=member, event="referral", at=at)
            if rule.ask_referral
            else 0,
        },
        key=f"{THANKS_KEY_PREFIX}{response.pk}",
        occurred_at=at,
        language=language,
        new=True,
    )
    timeline_record(
        member=member,
        kind=kinds.SURVEY_THANKED.code,
        occurred_at=at,
        data=kinds.survey_named(survey),
    )
