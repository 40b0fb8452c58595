"""A customer answers a survey on a phone, in Chromium, in Korean: the question for detractors appears only
while the NPS says so, the scale is answered with the keyboard as well as a thumb, and the thanks follow.
Takes the guides' pictures of the survey and its thanks (phone-survey-ko, phone-survey-thanks-ko)."""

from __future__ import annotations

from typing import Any

import pytest

from patronage.feedback.models import Answer, Response
from patronage.portal.tests.survey_setup import invite, link, visit_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# The height of every target a thumb presses: the scale's points, the choices, the buttons.
HEIGHTS = """() => [...document.querySelectorAll(
    '.survey-number, .survey-choice, .survey-actions button')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => el.getBoundingClientRect().height)"""


def _fits_a_phone(page: Any) -> None:
    scroll_width, window_width = page.evaluate(WIDTH)
    assert scroll_width <= window_width, f"{page.url} is {scroll_width} px wide at {window_width} px"


def test_a_customer_answers_a_survey_on_a_phone_in_korean(browser_page, screenshot, alice):
    invitation = invite(visit_survey(), alice, language="ko")
    page = browser_page
    page.set_viewport_size(PHONE)
    page.context.clear_cookies()
    page.set_extra_http_headers({"Accept-Language": "en-US,en;q=0.9"})  # the invitation's language wins

    page.goto(link(invitation))

    assert page.get_attribute("html", "lang") == "ko"
    assert page.inner_text("#survey-title") == "방문은 어떠셨나요?"
    _fits_a_phone(page)
    heights = page.evaluate(HEIGHTS)
    assert heights
    assert min(heights) >= 44
    why = page.locator("#q-why")
    assert not why.is_visible()  # for detractors only: no NPS yet

    # A thumb on 3: the question for detractors appears.
    page.click("label[for=q-nps-3]")
    assert why.is_visible()
    page.fill("#q-why-text", "계산대 줄이 너무 길었어요")
    # The keyboard moves along the scale as well: from 3 to 4, then to 9, a promoter's answer.
    page.focus("#q-nps-3")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("#q-nps-4")
    assert why.is_visible()
    page.click("label[for=q-nps-9]")
    assert not why.is_visible()
    # Back to a detractor's 2: what they wrote is still there.
    page.click("label[for=q-nps-2]")
    assert page.input_value("#q-why-text") == "계산대 줄이 너무 길었어요"

    page.click("label[for=q-visit-0]")  # 구매
    page.click("label[for=q-liked-0]")  # 직원
    page.click("label[for=q-liked-1]")  # 가격
    assert page.is_checked("#q-liked-0")
    assert page.is_checked("#q-liked-1")
    page.locator("#q-nps").scroll_into_view_if_needed()
    screenshot(page, "phone-survey-ko")

    page.click(".survey-actions button[value=send]")
    page.wait_for_url("**/thanks/")
    assert page.get_attribute("html", "lang") == "ko"
    assert page.locator("#survey-thanks").is_visible()
    _fits_a_phone(page)
    screenshot(page, "phone-survey-thanks-ko")

    response = Response.objects.get(invitation=invitation)
    assert (response.member, response.channel, response.language, response.complete) == (
        alice,
        "link",
        "ko",
        True,
    )
    answers = {
        answer.question.key: answer.number if answer.number is not None else answer.chosen or answer.text
        for answer in Answer.objects.filter(response=response).select_related("question")
    }
    assert answers == {
        "nps": 2,
        "why": "계산대 줄이 너무 길었어요",
        "visit": ["buy"],
        "liked": ["staff", "price"],
    }


def test_a_promoter_never_sends_the_detractors_answer_and_a_mistake_is_shown_on_its_question(
    browser_page, alice
):
    invitation = invite(visit_survey(), alice)
    page = browser_page
    page.set_viewport_size(PHONE)

    page.goto(link(invitation))
    page.click("label[for=q-visit-1]")
    page.click(".survey-actions button[value=send]")  # no NPS: the required answer is asked for
    page.wait_for_selector("#q-nps-error")
    assert page.locator("#survey-problems a[href='#q-nps']").is_visible()
    assert page.get_attribute("#q-nps-0", "aria-describedby") == "q-nps-error"
    assert page.is_checked("#q-visit-1")  # the answer given is kept

    page.click("label[for=q-nps-3]")
    page.fill("#q-why-text", "Too slow")
    page.click("label[for=q-nps-10]")
    page.click(".survey-actions button[value=send]")
    page.wait_for_url("**/thanks/")

    response = Response.objects.get(invitation=invitation)
    assert sorted(Answer.objects.filter(response=response).values_list("question__key", flat=True)) == [
        "nps",
        "visit",
    ]
