"""Themes of a survey's free-text answers: found per question and language with each answer's sentiment, a
person's names and merges kept by the next run, the same answers giving the same themes, staff tries left
out, and the hourly job picking the surveys with new answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from patronage.core.errors import ValidationFailed
from patronage.core.models import AuditEntry
from patronage.feedback.models import Answer, Survey, Theme
from patronage.feedback.responses import ResponseInput, response_submit, survey_try
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open
from patronage.feedback.tasks import themes_find_enqueue, themes_find_task, themes_refresh_task
from patronage.feedback.text.tokens import TextMethodMissing
from patronage.feedback.theme_selectors import TEXT_MODULES, surveys_themes_due, theme_answers
from patronage.feedback.theme_services import (
    theme_merge,
    theme_rename,
    themes_find_for_survey,
    themes_find_request,
)

from .test_text_themes import DELIVERY, POINTS, PRICE

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
KOREAN = [
    "배송이 너무 늦었어요",
    "배송이 늦게 와서 실망했어요",
    "택배 배송이 일주일 늦었어요",
    "직원이 친절해서 좋았어요",
    "직원분들이 정말 친절했어요",
    "친절한 직원 덕분에 즐거웠어요",
]


@pytest.fixture(autouse=True)
def _text_method() -> None:
    for module in TEXT_MODULES:
        pytest.importorskip(module)


def _survey() -> Survey:
    data = SurveyInput(
        title="After your order",
        questions=[
            QuestionInput(type="nps", key="nps", text="Recommend us?", required=True),
            QuestionInput(type="text", key="why", text="Why?"),
            QuestionInput(type="text", key="more", text="Anything else?"),
        ],
    )
    return survey_open(survey=survey_create(data=data, actor=None), actor=None)


def _answer(survey: Survey, *texts: str, key: str = "why", language: str = "en") -> None:
    for text in texts:
        response_submit(survey=survey, data=ResponseInput(answers={"nps": 5, key: text}, language=language))


def _theme_of(text: str) -> Theme | None:
    return Answer.objects.select_related("theme").get(text=text).theme


def _themed(survey: Survey) -> Survey:
    with time_machine.travel(NOW, tick=False):
        themes_find_for_survey(survey=survey)
    survey.refresh_from_db()
    return survey


def _assignments() -> dict[str, tuple[int | None, str]]:
    return {
        text: (theme, sentiment)
        for text, theme, sentiment in Answer.objects.values_list("text", "theme", "sentiment")
    }


def test_each_answer_gets_the_theme_of_its_topic_and_a_sentiment():
    survey = _survey()
    _answer(survey, *DELIVERY, *PRICE, *POINTS)

    survey = _themed(survey)

    assert survey.themes_at == NOW
    for topic, word in ((DELIVERY, "delivery"), (PRICE, "price"), (POINTS, "points")):
        themes = {_theme_of(text) for text in topic}
        assert len(themes) == 1, topic
        theme = themes.pop()
        assert theme is not None
        assert word in theme.name
        assert theme.answers_count == len(topic)
    assert set(Answer.objects.exclude(text="").values_list("sentiment", flat=True)) <= {
        "positive",
        "neutral",
        "negative",
    }
    assert Answer.objects.get(text=DELIVERY[0]).sentiment == "negative"
    assert not Answer.objects.filter(text="", theme__isnull=False).exists()  # NPS answers have none


def test_answers_in_two_languages_are_themed_apart():
    survey = _survey()
    _answer(survey, *DELIVERY)
    _answer(survey, *KOREAN, language="ko")

    _themed(survey)

    assert {_theme_of(text).language for text in DELIVERY} == {"en"}
    korean = {_theme_of(text) for text in KOREAN}
    assert {theme.language for theme in korean if theme} == {"ko"}
    assert Answer.objects.get(text=KOREAN[3]).sentiment == "positive"


def test_a_staff_members_try_is_not_themed(manager):
    survey = _survey()
    _answer(survey, *DELIVERY)
    tried = survey_try(survey=survey, answers={"nps": 3, "why": "Delivery late, a staff test"}, actor=manager)

    _themed(survey)

    answer = tried.answers.get(question__key="why")
    assert answer.theme is None
    assert answer.sentiment == ""


def test_running_again_changes_nothing():
    survey = _survey()
    _answer(survey, *DELIVERY, *PRICE, *POINTS)
    _themed(survey)
    before = (_assignments(), list(Theme.objects.values_list("pk", "name", "answers_count")))

    _themed(survey)

    assert (_assignments(), list(Theme.objects.values_list("pk", "name", "answers_count"))) == before


def test_a_persons_name_stays_when_the_themes_are_found_again_with_more_answers(manager):
    survey = _survey()
    _answer(survey, *DELIVERY, *PRICE, *POINTS)
    _themed(survey)
    delivery = _theme_of(DELIVERY[0])
    assert delivery is not None

    theme_rename(theme=delivery, name="  Late parcels ", actor=manager)
    _answer(survey, "The delivery came late once more", "Late delivery, courier lost the box")
    _themed(survey)

    theme = _theme_of("The delivery came late once more")
    assert theme is not None
    assert (theme.pk, theme.name, theme.named_by_person) == (delivery.pk, "Late parcels", True)
    assert AuditEntry.objects.filter(action="survey.theme_renamed", actor=manager).exists()


def test_a_merge_holds_when_the_themes_are_found_again(manager):
    survey = _survey()
    _answer(survey, *DELIVERY, *PRICE, *POINTS)
    _themed(survey)
    delivery, price = _theme_of(DELIVERY[0]), _theme_of(PRICE[0])
    assert delivery is not None
    assert price is not None

    joined = theme_merge(theme=price, into=delivery, actor=manager)
    assert joined.answers_count == len(DELIVERY) + len(PRICE)
    _answer(survey, "Prices are far too high now")
    _themed(survey)

    price.refresh_from_db()
    delivery.refresh_from_db()
    assert price.merged_into_id == delivery.pk
    assert price.answers_count == 0
    assert {_theme_of(text) for text in [*PRICE, "Prices are far too high now"]} == {delivery}
    assert delivery.answers_count == len(DELIVERY) + len(PRICE) + 1
    assert theme_answers(theme=delivery).count() == delivery.answers_count
    assert AuditEntry.objects.filter(action="survey.theme_merged", actor=manager).exists()


def test_a_bad_name_is_refused_naming_the_field_and_changes_nothing(manager):
    survey = _survey()
    _answer(survey, *DELIVERY)
    _themed(survey)
    theme = Theme.objects.get()

    for name in ("   ", "x" * 201, "bad\x00name"):
        with pytest.raises(ValidationFailed) as refused:
            theme_rename(theme=theme, name=name, actor=manager)
        assert refused.value.field == "name"
    assert Theme.objects.get().named_by_person is False


def test_a_name_in_a_language_the_business_does_not_write_is_refused_naming_it(manager):
    survey = _survey()
    _answer(survey, *DELIVERY)
    _themed(survey)
    theme = Theme.objects.get()

    with pytest.raises(ValidationFailed) as refused:
        theme_rename(theme=theme, name="Late", name_translations={"fr": "En retard"}, actor=manager)

    assert refused.value.field == "name_translations.fr"
    assert Theme.objects.get().name != "Late"


def test_a_theme_joins_only_another_of_its_question_and_language(manager):
    survey = _survey()
    _answer(survey, *DELIVERY, *PRICE, *POINTS)
    _answer(survey, *DELIVERY, key="more")
    _answer(survey, *KOREAN, language="ko")
    _themed(survey)
    delivery = Theme.objects.get(question__key="why", language="en", name__contains="delivery")
    other_question = Theme.objects.filter(question__key="more").first()
    korean = Theme.objects.filter(language="ko").first()
    price = Theme.objects.get(question__key="why", language="en", name__contains="price")
    theme_merge(theme=price, into=delivery, actor=manager)

    for into in (delivery, other_question, korean, price):
        with pytest.raises(ValidationFailed) as refused:
            theme_merge(theme=delivery, into=into, actor=manager)
        assert refused.value.field == "into"
    assert Theme.objects.get(pk=delivery.pk).merged_into_id is None


def test_a_theme_left_without_answers_goes_unless_a_person_named_it(manager):
    survey = _survey()
    _answer(survey, *DELIVERY, *PRICE, *POINTS)
    _themed(survey)
    points = _theme_of(POINTS[0])
    price = _theme_of(PRICE[0])
    assert points is not None
    assert price is not None
    theme_rename(theme=price, name="Prices", actor=manager)
    Answer.objects.filter(text__in=[*POINTS, *PRICE]).update(text="")  # as if erased

    _themed(survey)

    assert not Theme.objects.filter(pk=points.pk).exists()
    assert Theme.objects.get(pk=price.pk).answers_count == 0


def test_without_the_text_method_nothing_is_written(monkeypatch):
    monkeypatch.setattr("patronage.feedback.theme_services.text_method_installed", lambda: False)
    survey = _survey()
    _answer(survey, *DELIVERY)

    with pytest.raises(TextMethodMissing):
        themes_find_for_survey(survey=survey)

    survey.refresh_from_db()
    assert survey.themes_at is None
    assert not Theme.objects.exists()


def test_the_job_picks_surveys_with_new_answers_at_most_hourly():
    quiet, busy = _survey(), _survey()
    with time_machine.travel(NOW, tick=False):
        _answer(busy, *DELIVERY)
        assert surveys_themes_due() == [busy.pk]  # never run, answered; the other has no answer
        themes_find_for_survey(survey=busy)
        assert surveys_themes_due() == []
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        _answer(busy, "Late delivery again")
        assert surveys_themes_due() == []  # run less than an hour ago
    with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
        assert surveys_themes_due() == [busy.pk]
        assert quiet.pk not in surveys_themes_due()


def test_beat_finds_the_themes_of_the_surveys_with_new_answers(settings, celery_eager):
    assert "feedback.themes_refresh" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    survey = _survey()
    _answer(survey, *DELIVERY)

    assert themes_refresh_task() == [survey.pk]

    survey.refresh_from_db()
    assert survey.themes_at is not None
    assert _theme_of(DELIVERY[0]) is not None


def test_asking_for_themes_runs_them_once_the_request_commits(
    manager, celery_eager, django_capture_on_commit_callbacks
):
    survey = _survey()
    _answer(survey, *DELIVERY)

    with django_capture_on_commit_callbacks(execute=True):
        themes_find_request(survey=survey, actor=manager, enqueue=themes_find_enqueue)

    assert _theme_of(DELIVERY[0]) is not None
    assert AuditEntry.objects.filter(action="survey.themes_requested", actor=manager).exists()
    assert themes_find_task(999) == 0  # a survey deleted meanwhile
