"""Reading surveys and their results: scores with intervals, per-question summaries, the trend. The scores by
group of respondents (tier, store, channel, agent, lifetime-value band, language) are in survey_groups.py.

Results count complete responses only, never a staff member's try; a question left unanswered counts in
no score (NPS is over the answered NPS questions).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.business import business_zone
from patronage.core.errors import NotFound
from patronage.core.names import text_in_language
from patronage.feedback.models import Answer, FollowUp, Invitation, Question, Response, Survey
from patronage.feedback.questions import QuestionType
from patronage.feedback.scores import NO_ANSWERS, Score, ces, csat, nps, response_rate

EXAMPLES = 5
TREND_WEEKS = 12


@dataclass(frozen=True)
class QuestionSummary:
    question: Question
    answered: int
    # Scale questions: how many gave each point, and the mean; choices: how many chose each choice id.
    counts: dict[str, int] = field(default_factory=dict)
    mean: float | None = None
    score: Score | None = None  # NPS, CSAT or CES of this question
    examples: list[str] = field(default_factory=list)  # free text: the latest answers


@dataclass(frozen=True)
class Results:
    survey: Survey
    responses: int
    partial: int
    invited: int
    response_rate: Score
    nps: Score
    csat: Score
    ces: Score
    questions: list[QuestionSummary]
    # (week's Monday in the business's zone, NPS that week)
    trend: list[tuple[datetime, Score]]


def survey_get(*, survey_id: int) -> Survey:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("no survey with this id"), field="survey")
    return survey


def invitation_by_token(*, token: str) -> Invitation:
    invitation = Invitation.objects.select_related("survey", "member").filter(token=token).first()
    if invitation is None:
        raise NotFound(_("this survey link is not valid"), field="token")
    return invitation


def counted(path: str = "") -> Q:
    """What makes a response count, seen through `path` ("response__" from an answer, "responses__" from a
    survey): complete, and not a staff member's try."""
    return Q(**{f"{path}complete": True, f"{path}test": False})


def counted_responses(survey: Survey) -> QuerySet[Response]:
    """The responses that count: complete, not a staff member's try."""
    return Response.objects.filter(counted(), survey=survey)


def survey_results(*, survey: Survey, now: datetime | None = None) -> Results:
    now = now or clock.now()
    questions = list(survey.questions.all())
    counted = counted_responses(survey)
    rows = list(
        Answer.objects.filter(response__in=counted).values_list(
            "question_id", "number", "chosen", "text", "response_id"
        )
    )
    by_question: dict[int, list[tuple[int | None, list[str], str, int]]] = defaultdict(list)
    for question_id, number, chosen, text, response_id in rows:
        by_question[question_id].append((number, chosen, text, response_id))
    summaries = [_summary(question, by_question.get(question.pk, [])) for question in questions]
    first = {kind: next((s for s in summaries if s.question.type == kind), None) for kind in QuestionType}
    responses = counted.count()
    invited = Invitation.objects.filter(survey=survey).count()
    answered_invitations = counted.filter(invitation__isnull=False).count()
    nps_question = first[QuestionType.NPS]
    return Results(
        survey=survey,
        responses=responses,
        partial=Response.objects.filter(survey=survey, complete=False, test=False).count(),
        invited=invited,
        response_rate=response_rate(answered_invitations, invited) if invited else NO_ANSWERS,
        nps=_score_of(first[QuestionType.NPS]),
        csat=_score_of(first[QuestionType.CSAT]),
        ces=_score_of(first[QuestionType.CES]),
        questions=summaries,
        trend=_trend(nps_question.question, counted, now) if nps_question else [],
    )


def member_responses(*, member_id: int) -> QuerySet[Response]:
    """A member's own complete responses, newest first (the portal's "my surveys")."""
    return (
        Response.objects.filter(member_id=member_id, test=False)
        .select_related("survey")
        .order_by("-created_at", "-pk")
    )


def member_open_invitations(*, member_id: int) -> QuerySet[Invitation]:
    """Invitations the member has not answered, of surveys still open."""
    return (
        Invitation.objects.filter(member_id=member_id, answered_at__isnull=True, survey__status="open")
        .select_related("survey")
        .order_by("-created_at", "-pk")
    )


# Helpers


def _score_of(summary: QuestionSummary | None) -> Score:
    return summary.score if summary is not None and summary.score is not None else NO_ANSWERS


def _summary(question: Question, rows: Sequence[tuple[int | None, list[str], str, int]]) -> QuestionSummary:
    kind = QuestionType(question.type)
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        counts = Counter(choice for _n, chosen, _t, _r in rows for choice in chosen)
        return QuestionSummary(
            question, answered=len(rows), counts={c["id"]: counts.get(c["id"], 0) for c in question.choices}
        )
    if kind == QuestionType.TEXT:
        # The latest answers first: the response ids grow with time.
        latest = sorted(rows, key=lambda row: row[3], reverse=True)[:EXAMPLES]
        return QuestionSummary(question, answered=len(rows), examples=[row[2] for row in latest])
    numbers = [number for number, _c, _t, _r in rows if number is not None]
    low = question.scale_low if question.scale_low is not None else _fixed_low(kind)
    high = question.scale_high if question.scale_high is not None else _fixed_high(kind)
    given = Counter(numbers)
    score = {QuestionType.NPS: nps, QuestionType.CSAT: csat, QuestionType.CES: ces}.get(kind)
    return QuestionSummary(
        question,
        answered=len(numbers),
        counts={str(point): given.get(point, 0) for point in range(low, high + 1)},
        mean=sum(numbers) / len(numbers) if numbers else None,
        score=score(numbers) if score else None,
    )


def _fixed_low(kind: QuestionType) -> int:
    return {QuestionType.NPS: 0, QuestionType.CSAT: 1, QuestionType.CES: 1}.get(kind, 1)


def _fixed_high(kind: QuestionType) -> int:
    return {QuestionType.NPS: 10, QuestionType.CSAT: 5, QuestionType.CES: 7}.get(kind, 5)


def _trend(question: Question, counted: QuerySet[Response], now: datetime) -> list[tuple[datetime, Score]]:
    """The NPS of each of the last TREND_WEEKS weeks (Monday to Sunday in the business's zone)."""
    start = trend_mondays(now)[0]
    weeks: dict[datetime, list[int | None]] = {monday: [] for monday in trend_mondays(now)}
    for number, created in Answer.objects.filter(
        question=question, response__in=counted, number__isnull=False, response__created_at__gte=start
    ).values_list("number", "response__created_at"):
        monday = monday_of(created)
        if monday in weeks:
            weeks[monday].append(number)
    return [(monday, nps(values)) for monday, values in weeks.items()]


def monday_of(moment: datetime) -> datetime:
    """The start of the moment's week (Monday, midnight) in the business's zone."""
    local = moment.astimezone(business_zone())
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def trend_mondays(now: datetime) -> list[datetime]:
    """The Mondays of the last TREND_WEEKS weeks up to `now`'s, oldest first, in the business's zone."""
    this_monday = monday_of(now)
    return [this_monday - timedelta(weeks=TREND_WEEKS - 1 - n) for n in range(TREND_WEEKS)]


@dataclass(frozen=True)
class AnswerLine:
    question: str  # in the reader's language
    answer: str


@dataclass(frozen=True)
class OpeningAnswer:
    """The survey response that opened a follow-up case, as the case page shows it."""

    survey: Survey
    title: str
    response: Response
    lines: list[AnswerLine]


def case_opening_answer(*, case_id: int, language: str) -> OpeningAnswer | None:
    """The response whose answers opened this case (closed loop), with each answer in words; None when a
    survey did not open it."""
    follow_up = FollowUp.objects.select_related("response__survey").filter(case_id=case_id).first()
    if follow_up is None:
        return None
    response = follow_up.response
    lines = []
    for answer in response.answers.select_related("question").order_by("question__position"):
        question = answer.question
        lines.append(
            AnswerLine(
                question=text_in_language(question.text, question.text_translations, language),
                answer=_answer_words(question, answer, language),
            )
        )
    survey = response.survey
    return OpeningAnswer(
        survey=survey,
        title=text_in_language(survey.title, survey.title_translations, language),
        response=response,
        lines=lines,
    )


def _answer_words(question: Question, answer: Answer, language: str) -> str:
    if answer.number is not None:
        low = (
            question.scale_low if question.scale_low is not None else _fixed_low(QuestionType(question.type))
        )
        high = (
            question.scale_high
            if question.scale_high is not None
            else _fixed_high(QuestionType(question.type))
        )
        return _("%(value)d of %(low)d-%(high)d") % {"value": answer.number, "low": low, "high": high}
    if answer.chosen:
        names = {
            choice["id"]: text_in_language(choice["text"], choice.get("text_translations"), language)
            for choice in question.choices
        }
        return ", ".join(names.get(choice, choice) for choice in answer.chosen)
    return answer.text
