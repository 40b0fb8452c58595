"""A manager's look at what a survey's free-text answers are about, in Chromium: from the results to the
themes, each with its sentiment, examples and weekly chart; renaming one and merging two, kept when the
themes are found again. Takes the guide's picture of the themes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from patronage.conftest import console_sign_in
from patronage.core import clock
from patronage.feedback.models import Survey, Theme
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open
from patronage.feedback.tests.test_text_themes import DELIVERY, POINTS, PRICE
from patronage.feedback.theme_selectors import TEXT_MODULES
from patronage.feedback.theme_services import themes_find_for_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answered_over_six_weeks() -> Survey:
    """Answers about late deliveries, prices and loyalty points, a few each week; their themes found."""
    survey = survey_create(
        data=SurveyInput(
            title="How was your order?",
            questions=[
                QuestionInput(type="nps", key="nps", text="Would you recommend us?", required=True),
                QuestionInput(type="text", key="why", text="What should we do better?"),
            ],
        ),
        actor=None,
    )
    survey = survey_open(survey=survey, actor=None)
    now = clock.now()
    for place, text in enumerate([*DELIVERY, *PRICE, *POINTS]):
        with time_machine.travel(now - timedelta(weeks=place % 6, hours=place), tick=False):
            response_submit(survey=survey, data=ResponseInput(answers={"nps": place % 11, "why": text}))
    themes_find_for_survey(survey=survey)
    return survey


def test_a_manager_reads_renames_and_merges_themes(browser_page, screenshot, manager):
    for module in TEXT_MODULES:
        pytest.importorskip(module)
    survey = _answered_over_six_weeks()
    delivery = Theme.objects.get(name__contains="delivery")
    price = Theme.objects.get(name__contains="price")
    points = Theme.objects.get(name__contains="points")
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)

    page.goto(f"/console/surveys/{survey.pk}/")
    page.click("#result-why a:has-text('Themes and sentiment of these answers')")
    page.wait_for_url(f"**/console/surveys/{survey.pk}/themes/#themes-why")
    page.wait_for_selector(f"canvas[data-chart='theme-trend-{delivery.pk}'][data-drawn='true']")
    card = page.locator(f"#theme-{delivery.pk}")
    assert "8 answers, 33% of them" in card.inner_text()
    assert card.locator(".sentiment-bar .negative").count() == 1
    assert card.locator(".examples li").count() == 3

    # Renamed inline; the name stays when the themes are found again.
    card.locator("summary:has-text('Rename or merge')").click()
    card.locator("input[name=name]").fill("Late parcels")
    card.locator("button:has-text('Rename')").click()
    page.wait_for_selector(f"#theme-{delivery.pk} h3:has-text('Late parcels')")
    # Prices and points are one subject to this shop: merged.
    page.click(f"#theme-{points.pk} summary:has-text('Rename or merge')")
    merge = page.locator(f"#theme-{points.pk} form[action$='/merge/']")
    merge.locator("select").select_option(str(price.pk))
    merge.locator("button:has-text('Merge')").click()
    page.wait_for_selector(f"#theme-{price.pk}:has-text('16 answers')")
    assert page.locator(f"#theme-{points.pk}").count() == 0
    page.goto(f"/console/surveys/{survey.pk}/themes/")
    page.wait_for_selector(f"canvas[data-chart='theme-trend-{price.pk}'][data-drawn='true']")
    screenshot(page, "console-survey-themes")

    themes_find_for_survey(survey=survey)
    page.reload()
    assert "Late parcels" in page.inner_text(f"#theme-{delivery.pk}")
    assert "16 answers" in page.inner_text(f"#theme-{price.pk}")

    # The theme's answers, the negative ones only.
    page.click(f"#theme-{delivery.pk} h3 a")
    page.wait_for_url(f"**/themes/{delivery.pk}/")
    page.select_option("#theme-filter select[name=sentiment]", "negative")
    page.click("#theme-filter button")
    page.wait_for_url("**sentiment=negative**")
    rows = page.locator("#theme-answers tbody tr")
    assert rows.count() >= 1
    assert all("Negative" in row.inner_text() or "negative" in row.inner_text() for row in rows.all())
