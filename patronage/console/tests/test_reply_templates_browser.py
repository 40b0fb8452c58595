"""An agent inserts a saved reply with the case page's script, in Chromium: the Japanese text, filled in,
goes into the reply box where the cursor is, and is sent as the agent's reply."""

from __future__ import annotations

import pytest

from patronage.care import setup
from patronage.conftest import business_set, console_sign_in
from patronage.messages.models import Message

from .case_setup import complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choosing_a_saved_reply_fills_the_reply_box(browser_page, agent, lead, alice):
    business_set(languages=["en", "ja"])
    setup.reply_template_save(
        data=setup.ReplyTemplateInput(
            name="Apology",
            name_translations={"ja": "お詫び"},
            body="Dear {name}, we are sorry ({reference}).",
            body_translations={"ja": "{name}様、{reference}の件、誠に申し訳ございません。"},
        ),
        actor=lead,
    )
    case = complaint(alice, language="ja", contact_name="田中 結衣")
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, agent)
    page.goto(f"/console/cases/{case.reference}/")
    assert not page.is_visible("#reply-templates button")  # the script fills the box: no reload
    page.fill("#reply_body", "追伸")
    page.evaluate("document.getElementById('reply_body').setSelectionRange(0, 0)")
    page.select_option("#reply-template", label="Apology")
    expected = f"田中 結衣様、{case.reference}の件、誠に申し訳ございません。追伸"
    assert page.input_value("#reply_body") == expected
    page.get_by_role("button", name="Send the reply").click()
    page.wait_for_selector("text=It is sent by e-mail in their language.")
    assert expected in Message.objects.get(kind="case_reply").text_body
