"""Reading a survey's themes: per free-text question, each theme's count, share, sentiment split, examples
and weekly trend; a theme's answers; the surveys whose new answers are due a run.

A theme's examples are its three answers of the strongest feeling (the largest |sentiment_score|, the newest
first among equals): the run keeps no order of nearness, and the strongest answers are the ones a reader
acts on. Merged themes are not listed: their answers are counted in the theme they joined.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.util import find_spec

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import Abs, RowNumber
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.errors import NotFound
from patronage.feedback.models import Answer, Question, Sentiment, Survey, Theme
from patronage.feedback.questions import QuestionType
from patronage.feedback.selectors import counted, monday_of, trend_mondays

EXAMPLES = 3
# The extra `patronage[text]`: the tokenisers `text.tokens` imports when it needs them.
TEXT_MODULES = ("kiwipiepy", "sudachipy", "sudachidict_core", "jieba")
# A survey's themes are found again at most this often, however fast its answers come.
RUN_AT_MOST_EVERY = timedelta(hours=1)
SENTIMENTS = (Sentiment.POSITIVE, Sentiment.NEUTRAL, Sentiment.NEGATIVE)  # as the page's bar reads


@dataclass(frozen=True)
class ThemeSummary:
    theme: Theme
    share: float  # of the question's answers with a theme, 0 to 1
    sentiments: dict[str, int]  # positive, neutral, negative (in that order) -> answers
    examples: list[Answer]
    trend: list[tuple[datetime, int]]  # (week's Monday in the business's zone, answers that week)


@dataclass(frozen=True)
class QuestionThemes:
    question: Question
    answers: int  # with a theme
    themes: list[ThemeSummary]


def text_method_installed() -> bool:
    """Whether the optional extra with the tokenisers is installed (without importing its large models)."""
    return all(find_spec(module) is not None for module in TEXT_MODULES)


def survey_themes(*, survey: Survey, now: datetime | None = None) -> list[QuestionThemes]:
    """The themes of each free-text question, largest first; five queries whatever their number; a question
    not yet run has none."""
    mondays = trend_mondays(now or clock.now())
    themes = list(
        Theme.objects.filter(survey=survey, merged_into__isnull=True, answers_count__gt=0).order_by(
            "-answers_count", "pk"
        )
    )
    ids = [theme.pk for theme in themes]
    sentiments: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SENTIMENTS, 0))
    for theme_id, sentiment, count in (
        Answer.objects.filter(theme_id__in=ids, sentiment__in=SENTIMENTS)
        .values_list("theme_id", "sentiment")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        sentiments[theme_id][sentiment] = count
    weekly: dict[int, dict[datetime, int]] = defaultdict(lambda: dict.fromkeys(mondays, 0))
    for theme_id, created in Answer.objects.filter(
        theme_id__in=ids, response__created_at__gte=mondays[0]
    ).values_list("theme_id", "response__created_at"):
        monday = monday_of(created)
        if monday in weekly[theme_id]:
            weekly[theme_id][monday] += 1
    examples = _examples(ids)
    totals: Counter[int] = Counter()
    for theme in themes:
        totals[theme.question_id] += theme.answers_count
    summaries: dict[int, list[ThemeSummary]] = defaultdict(list)
    for theme in themes:
        summaries[theme.question_id].append(
            ThemeSummary(
                theme=theme,
                share=theme.answers_count / totals[theme.question_id],
                sentiments=sentiments[theme.pk],
                examples=examples.get(theme.pk, []),
                trend=list(weekly[theme.pk].items()),
            )
        )
    return [
        QuestionThemes(question=question, answers=totals[question.pk], themes=summaries[question.pk])
        for question in survey.questions.filter(type=QuestionType.TEXT)
    ]


def theme_get(*, survey: Survey, theme_id: int) -> Theme:
    theme = Theme.objects.filter(survey=survey, pk=theme_id).select_related("question", "merged_into").first()
    if theme is None:
        raise NotFound(_("this survey has no such theme"), field="theme")
    return theme


def theme_answers(*, theme: Theme, sentiment: str = "") -> QuerySet[Answer]:
    """A theme's answers, newest first, of one sentiment when given; with their response."""
    answers = Answer.objects.filter(theme=theme).select_related("response")
    if sentiment:
        answers = answers.filter(sentiment=sentiment)
    return answers.order_by("-response__created_at", "-pk")


def theme_merge_choices(*, theme: Theme) -> QuerySet[Theme]:
    """The themes a theme may join: the same question and language, itself and merged ones left out."""
    return Theme.objects.filter(
        survey_id=theme.survey_id,
        question_id=theme.question_id,
        language=theme.language,
        merged_into__isnull=True,
    ).exclude(pk=theme.pk)


def text_answers_latest(*, questions: Sequence[Question], limit: int) -> dict[int, list[Answer]]:
    """Each free-text question's latest counted answers, with their theme and sentiment, newest first."""
    latest: dict[int, list[Answer]] = {}
    for question in questions:
        if question.type == QuestionType.TEXT:
            latest[question.pk] = list(
                Answer.objects.filter(counted("response__"), question=question)
                .exclude(text="")
                .select_related("theme")
                .order_by("-response_id")[:limit]
            )
    return latest


def surveys_themes_due(*, now: datetime | None = None) -> list[int]:
    """The surveys with counted free-text answers that arrived after their last run, last run at least
    RUN_AT_MOST_EVERY ago; their ids."""
    now = now or clock.now()
    newer = Answer.objects.filter(
        counted("response__"), question__survey=OuterRef("pk"), question__type=QuestionType.TEXT, text__gt=""
    )
    never_run = Q(themes_at__isnull=True) & Exists(newer)
    run_before = Q(themes_at__lte=now - RUN_AT_MOST_EVERY) & Exists(
        newer.filter(response__updated_at__gt=OuterRef("themes_at"))
    )
    return list(Survey.objects.filter(never_run | run_before).order_by("pk").values_list("pk", flat=True))


def _examples(theme_ids: list[int]) -> dict[int, list[Answer]]:
    strongest = Window(
        RowNumber(),
        partition_by=[F("theme_id")],
        order_by=[
            Abs("sentiment_score").desc(nulls_last=True),
            F("response__created_at").desc(),
            F("pk").desc(),
        ],
    )
    examples: dict[int, list[Answer]] = defaultdict(list)
    for answer in (
        Answer.objects.filter(theme_id__in=theme_ids)
        .annotate(place=strongest)
        .filter(place__lte=EXAMPLES)
        .order_by("theme_id", "place")
    ):
        if answer.theme_id is not None:
            examples[answer.theme_id].append(answer)
    return examples
