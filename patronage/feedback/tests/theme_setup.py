"""A survey whose free-text answers are in themes, planted without the text method (which a page or an
endpoint test need not run): two themes of the "why" question, each answer with a sentiment."""

from __future__ import annotations

from collections.abc import Sequence

from patronage.core import clock
from patronage.feedback.models import Answer, Survey, Theme
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open

# (answer, sentiment, score) of each theme
DELIVERY = [
    ("The delivery was late again", "negative", -0.9),
    ("Late delivery and a rude courier", "negative", -0.8),
    ("Delivery came a day late, fine otherwise", "neutral", -0.1),
]
STAFF = [
    ("Lovely staff, so helpful", "positive", 0.9),
    ("The staff were kind", "positive", 0.7),
]


def themed_survey(*, title: str = "After your visit") -> Survey:
    """An open survey answered five times, its answers in the themes "delivery · late" (three) and
    "staff · kind" (two)."""
    data = SurveyInput(
        title=title,
        questions=[
            QuestionInput(type="nps", key="nps", text="Recommend us?", required=True),
            QuestionInput(type="text", key="why", text="Why?"),
        ],
    )
    survey = survey_open(survey=survey_create(data=data, actor=None), actor=None)
    _theme(survey, "delivery · late", DELIVERY)
    _theme(survey, "staff · kind", STAFF)
    survey.themes_at = clock.now()
    survey.save(update_fields=["themes_at"])
    return survey


def theme_plant(*, survey: Survey, name: str) -> Theme:
    """A theme of the survey's "why" question holding each of its answers not yet in one, as negative."""
    now = clock.now()
    theme = Theme.objects.create(
        survey=survey,
        question=survey.questions.get(key="why"),
        language="en",
        name=name,
        top_terms=name.split(" · "),
        centroid=dict.fromkeys(name.split(" · "), 0.7),
        created_at=now,
        updated_at=now,
    )
    theme.answers_count = (
        Answer.objects.filter(question=theme.question, theme__isnull=True)
        .exclude(text="")
        .update(theme=theme, sentiment="negative", sentiment_score=-0.5)
    )
    theme.save(update_fields=["answers_count"])
    return theme


def _theme(survey: Survey, name: str, answers: Sequence[tuple[str, str, float]]) -> Theme:
    for text, _sentiment, _score in answers:
        response_submit(survey=survey, data=ResponseInput(answers={"nps": 5, "why": text}, language="en"))
    theme = theme_plant(survey=survey, name=name)
    for text, sentiment, score in answers:
        Answer.objects.filter(theme=theme, text=text).update(sentiment=sentiment, sentiment_score=score)
    return theme
