"""The unsubscribe link on a phone: opened from an e-mail by someone who is not logged in, the question and
the answer pages fit 390 px with no sideways scrolling, in the member's language (Korean, Japanese), with
text of a readable size and a button a thumb can press (at least 44 px tall). Takes the guide's pictures
(phone-unsubscribe-*.png)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from patronage.members.models import Consent, Member
from patronage.messages.message_services import unsubscribe_url

PHONE = {"width": 390, "height": 844}
THUMB_PX = 44  # the smallest target a finger hits reliably (WCAG 2.5.5, Apple's guidelines)
READABLE_PX = 16  # the body text's size, at least; smaller text on a phone makes people zoom
# What each language's pages say (the words come from the catalogues, as the member's language picks).
WORDS = {
    "ko": {"question": "수신을 거부하시겠습니까", "done": "수신 거부가 완료되었습니다"},
    "ja": {"question": "配信を停止しますか", "done": "配信を停止しました"},
}
# The document's width and every element or run of text sticking out of the window, with its right edge.
OVERFLOW = """() => {
  const limit = window.innerWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right;
    if (right > limit + 0.5) out.push(`${el.tagName.toLowerCase()} ${Math.round(right)} px`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    range.selectNodeContents(node);
    const right = range.getBoundingClientRect().right;
    if (right > limit + 0.5) out.push(`text "${node.textContent.trim().slice(0, 30)}" ${Math.round(right)} px`);
  }
  return { width: document.documentElement.scrollWidth, limit, out };
}"""


def _member_in(member: Member, language: str) -> Member:
    Member.objects.filter(pk=member.pk).update(locale=language)
    member.refresh_from_db()
    return member


def _fits_a_phone(page: Any, what: str) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["limit"] == PHONE["width"]
    assert found["width"] <= found["limit"], f"{what} is {found['width']} px wide: {found['out']}"
    assert found["out"] == [], f"{what}: sticking out: {found['out']}"


def _readable(page: Any, selector: str, what: str) -> None:
    for paragraph in page.locator(selector).all():
        size = paragraph.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= READABLE_PX, f"{what}: text of {size} px"
        box = paragraph.bounding_box()
        assert box is not None
        assert box["x"] >= 0, f"{what}: text off the screen"
        assert box["x"] + box["width"] <= PHONE["width"], f"{what}: text off the screen"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ko", "ja"])
def test_the_unsubscribe_pages_fit_a_phone_and_work_without_logging_in(
    browser_page, screenshot, alice, language
):
    member = _member_in(alice, language)
    path = urlparse(unsubscribe_url(member=member, channel="email")).path
    page = browser_page
    page.set_viewport_size(PHONE)
    page.context.clear_cookies()  # as from a mail app: nobody logged in, no session

    response = page.goto(path)

    assert response is not None
    assert response.status == 200
    assert urlparse(page.url).path == path  # not sent to a login page
    assert page.get_attribute("html", "lang") == language
    assert WORDS[language]["question"] in page.inner_text("main")
    # No menu button that opens an empty menu, no language switch the page would not obey.
    assert page.locator(".nav-toggle-label, .langswitch").count() == 0
    _fits_a_phone(page, f"the question in {language}")
    _readable(page, "main p", f"the question in {language}")
    button = page.locator("main form button[type=submit]")
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= THUMB_PX, f"the button is {box['height']} px tall"
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, f"phone-unsubscribe-{language}")

    button.click()
    page.wait_for_selector("main [role=status]")

    assert WORDS[language]["done"] in page.inner_text("main")
    _fits_a_phone(page, f"the answer in {language}")
    _readable(page, "main p", f"the answer in {language}")
    screenshot(page, f"phone-unsubscribe-{language}-done")
    assert Consent.objects.get(member=member, purpose="email_marketing").granted is False
