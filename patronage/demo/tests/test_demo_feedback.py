"""The demo's feedback part: the visit survey's planted NPS, trend and free text are what its results show,
and the last week's detractors are cases in the care queue."""

from __future__ import annotations

from typing import Any

import pytest

from patronage.care.models import CaseChannel
from patronage.feedback.models import Answer, FollowUp, Survey
from patronage.feedback.selectors import survey_results


def test_the_demo_plants_surveys_whose_results_texts_and_cases_the_product_recovers(demo: dict[str, Any]):
    # One demo load for the three checks: a load is most of this test's time.
    _planted_nps_and_its_rise(demo)
    _free_text_in_four_languages(demo)
    _last_weeks_detractors_are_cases(demo)


def _planted_nps_and_its_rise(demo: dict[str, Any]) -> None:
    planted = demo["feedback"]
    survey = Survey.objects.get(pk=planted["survey"])

    results = survey_results(survey=survey, now=survey.responses.latest("created_at").created_at)

    assert results.responses == planted["responses"] > 50
    assert results.nps.value == pytest.approx(planted["nps"])
    weekly = [score.value for _monday, score in results.trend if score.value is not None]
    assert sum(weekly[-4:]) / 4 > sum(weekly[:4]) / 4  # the shop got better, and the trend shows it
    assert results.response_rate.n > results.responses


def _free_text_in_four_languages(demo: dict[str, Any]) -> None:
    planted = demo["feedback"]["answers"]
    texts = set(Answer.objects.exclude(text="").values_list("text", flat=True))

    assert {answer["language"] for answer in planted} == {"en", "ko", "ja", "zh-hans"}
    assert {answer["text"] for answer in planted} == texts


def _last_weeks_detractors_are_cases(demo: dict[str, Any]) -> None:
    follow_ups = FollowUp.objects.select_related("case", "response")

    assert follow_ups.count() == demo["feedback"]["follow_up_cases"] > 0
    for follow_up in follow_ups:
        assert follow_up.case.channel == CaseChannel.SURVEY
        assert follow_up.case.member_id == follow_up.response.member_id
        score = follow_up.response.answers.get(question__key="nps").number
        assert score is not None
        assert score <= 6
