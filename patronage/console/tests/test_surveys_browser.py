"""A manager's look at a survey's results in Chromium: the list's NPS, the dashboard with its charts, the
detractor's follow-up case listed; then a service lead follows the case into its page. Takes the guide's
picture of the results."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from patronage.conftest import business_set, console_sign_in
from patronage.core import clock
from patronage.feedback.models import FollowUp, Survey
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import (
    ChoiceInput,
    QuestionInput,
    SurveyInput,
    loop_rule_add,
    survey_create,
    survey_open,
)
from patronage.members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEOUL = ZoneInfo("Asia/Seoul")


def _answered_over_four_weeks(alice: Member, bob: Member) -> Survey:
    """NPS answers 10, 7, 3 and 9, a week apart: 25 in all; the 3, Alice's, opens a follow-up case."""
    survey = survey_create(
        data=SurveyInput(
            title="How was your visit?",
            title_translations={"ko": "방문은 어떠셨나요?"},
            questions=[
                QuestionInput(
                    type="nps", key="nps", text="How likely are you to recommend us?", required=True
                ),
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
        ),
        actor=None,
    )
    survey = survey_open(survey=survey, actor=None)
    loop_rule_add(survey=survey, kind="detractor", actor=None)
    now = clock.now()
    for weeks_ago, member, answers in (
        (3, bob, {"nps": 10, "visit": "buy"}),
        (2, bob, {"nps": 7, "visit": "look"}),
        (1, alice, {"nps": 3, "why": "Nobody at the counter for twenty minutes", "visit": "buy"}),
        (0, bob, {"nps": 9, "visit": "buy"}),
    ):
        with time_machine.travel(now - timedelta(weeks=weeks_ago), tick=False):
            response_submit(survey=survey, data=ResponseInput(answers=answers, member=member))
    return survey


def test_a_manager_reads_the_nps_and_the_detractors_case(browser_page, screenshot, manager, lead, alice, bob):
    business_set(time_zone=str(SEOUL), languages=["en", "ko"])
    survey = _answered_over_four_weeks(alice, bob)
    reference = FollowUp.objects.get().case.reference
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)

    page.click("nav.mainnav a:has-text('Surveys')")
    page.wait_for_url("**/console/surveys/")
    row = page.locator(f"#survey-{survey.pk}")
    assert row.locator(".survey-nps .score").inner_text() == "25"
    row.locator("a:has-text('How was your visit?')").click()
    page.wait_for_selector("#survey-nps")
    assert page.inner_text("#survey-nps .score") == "25"
    assert "n = 4" in page.inner_text("#survey-nps")
    page.wait_for_selector("canvas[data-chart='survey-trend'][data-drawn='true']")
    follow_ups = page.inner_text("#follow-ups")
    assert reference in follow_ups
    assert "Alice Kim" in follow_ups
    assert "Nobody at the counter for twenty minutes" in page.inner_text("#result-why")
    screenshot(page, "console-survey-results")

    # The breakdown: without a loyalty program it starts with the channels; picking another group swaps the
    # block in place.
    assert "other system" in page.inner_text("#breakdown-table")
    page.select_option("#id_by", "clv_band")
    page.wait_for_selector("#breakdown-unavailable")
    assert "No lifetime-value analysis" in page.inner_text("#breakdown")
    page.select_option("#id_by", "store")
    page.wait_for_selector("#breakdown-table tr[data-group='']")
    no_store = page.locator("#breakdown-table tr[data-group='']")
    assert no_store.inner_text().split("\t")[:3] == ["no store (fewer than 5 answers)", "4", "25 (n = 4)"]
    assert "too-few" in (no_store.get_attribute("class") or "")  # greyed
    assert "n = 4" in page.inner_text("#survey-nps")  # the rest of the page stays

    # A service lead, who works cases, follows the case from the survey into its page.
    page.click("form[action$='/logout/'] button")
    page.goto("/console/login/")
    console_sign_in(page, lead)
    page.goto(f"/console/surveys/{survey.pk}/")
    page.click(f"#follow-ups a:has-text('{reference}')")
    page.wait_for_url(f"**/console/cases/{reference}/")
    assert "Nobody at the counter for twenty minutes" in page.inner_text("main")
