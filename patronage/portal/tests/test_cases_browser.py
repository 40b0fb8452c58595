"""A complaint on a phone, in Chromium: a visitor whose browser speaks Japanese tells us about a problem at
390 px and gets a reference at once; once an agent has answered, resolved and closed it, the member rates
the follow-up in the portal. Takes the guides' pictures of the form (Japanese, Korean), the thanks and
the rated case."""

from __future__ import annotations

from typing import Any

import pytest

from patronage.care.models import Case, CaseStatus
from patronage.care.services import case_follow_up, case_move, case_reply
from patronage.conftest import MEMBER_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Every control a thumb presses in the form: its height, and the widest thing on the page.
CONTROLS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.offsetParent !== null && !el.closest('.visually-hidden'))
  .map((el) => ({ name: el.name || el.className || el.tagName, height: el.getBoundingClientRect().height }))"""
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
TAPPED = (
    "form.case-form input[type=text], form.case-form input[type=email], form.case-form input[type=tel],"
    " form.case-form textarea, form.case-form button, form.case-form .case-choice"
)


def _speaks(page: Any, language: str) -> None:
    """The browser's language, as a phone set to it sends it (no cookie: the visitor never chose)."""
    page.context.clear_cookies()
    page.set_extra_http_headers({"Accept-Language": f"{language},{language.split('-')[0]};q=0.9"})


def _fits_a_phone(page: Any) -> None:
    scroll_width, window_width = page.evaluate(WIDTH)
    assert scroll_width <= window_width, f"{page.url} is {scroll_width} px wide at {window_width} px"


def _thumb_sized(page: Any, selector: str) -> None:
    controls = page.evaluate(CONTROLS, selector)
    assert controls, f"no {selector} on {page.url}"
    small = [control for control in controls if control["height"] < 44]
    assert not small, f"controls under 44 px on {page.url}: {small}"


def test_a_visitor_in_japanese_complains_on_a_phone_and_the_member_rates_the_follow_up(
    browser_page, screenshot, alice, agent
):
    alice.locale = "ja"
    alice.save()
    agent.first_name = "Sam"
    agent.save()
    page = browser_page
    page.set_viewport_size(PHONE)

    _speaks(page, "ko-KR")
    page.goto("/complaints/new/")
    assert page.get_attribute("html", "lang") == "ko"
    _fits_a_phone(page)
    screenshot(page, "phone-complaint-form-ko")

    _speaks(page, "ja-JP")
    page.goto("/portal/")
    page.click("footer a[href='/complaints/new/']")  # "Tell us about a problem", at the foot of every page
    page.wait_for_url("**/complaints/new/")
    assert page.get_attribute("html", "lang") == "ja"
    _fits_a_phone(page)
    _thumb_sized(page, TAPPED)
    screenshot(page, "phone-complaint-form-ja")

    page.fill("input[name=summary]", "ソファに傷がありました")
    page.fill("textarea[name=description]", "左のひじ掛けに長い傷があります。配達は月曜日でした。")
    page.fill("input[name=contact_name]", "Alice Kim")
    page.fill("input[name=contact_email]", "alice@example.com")
    page.click("form.case-form button[type=submit]")
    page.wait_for_url("**/thanks/")

    reference = page.inner_text("#case-reference").strip()
    case = Case.objects.get(reference=reference)
    assert (case.language, case.member, case.channel) == ("ja", alice, "web_form")
    assert page.input_value("#case-link").endswith(f"/complaints/c/{case.access_token}/")
    size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.getElementById('case-reference')).fontSize)"
    )
    assert size >= 32  # the reference in large type
    _fits_a_phone(page)
    screenshot(page, "phone-complaint-thanks")

    # An agent answers, resolves and closes the case; the follow-up asks how we did.
    case_reply(case=case, body="申し訳ございません。新しいソファを金曜日にお届けします。", actor=agent)
    case = case_move(case=case, to=CaseStatus.RESOLVED, actor=agent)
    case = case_move(case=case, to=CaseStatus.CLOSED, actor=agent)
    case_follow_up(case=case, actor=agent)

    # The member, on the same phone, rates it in the portal.
    page.goto("/portal/login/")
    page.fill("input[name=username]", "alice@example.com")
    page.fill("input[name=password]", MEMBER_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/portal/")
    page.goto("/portal/cases/")
    _fits_a_phone(page)
    page.click(f"#my-cases a:has-text('{reference}')")
    page.wait_for_url(f"**/portal/cases/{reference}/")
    assert "Sam" in page.inner_text("#messages")
    assert "sam_agent" not in page.content()
    _thumb_sized(page, "#rate .rating-number, #rate button")
    _fits_a_phone(page)

    page.click("label[for=id_rating_4]")  # the fifth target: 5, completely satisfied
    page.fill("#rate textarea[name=comment]", "早い対応をありがとう")
    page.locator("#rate").scroll_into_view_if_needed()
    screenshot(page, "phone-case-rating")
    page.click("#rate button[type=submit]")
    page.wait_for_selector("#rating-given")

    case.refresh_from_db()
    assert (case.satisfaction, case.satisfaction_comment) == (5, "早い対応をありがとう")
    assert "5" in page.inner_text("#rating-given")
    _fits_a_phone(page)
    page.locator("#rate").scroll_into_view_if_needed()
    screenshot(page, "phone-case-rated")
