"""What used to be inline script, now in site.js under the Content-Security-Policy, still works in Chromium."""

import pytest

from patronage.conftest import console_sign_in
from patronage.loyalty.models import EarnRule

from .loyalty_setup import program_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user) -> None:
    page.goto("/console/login/")
    console_sign_in(page, user)


def test_deleting_an_earn_rule_asks_first(browser_page, admin):
    from playwright.sync_api import expect

    program_make()
    page = browser_page
    _sign_in(page, admin)
    page.goto("/console/loyalty/hanbit/rules/")
    delete = page.locator("#rules tr", has_text="Double in the app").locator("button:has-text('Delete')")

    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    delete.click()
    page.wait_for_timeout(300)
    assert questions == ["Delete this rule? Points it gave stay."]
    assert EarnRule.objects.filter(code="app-double").exists()  # "Cancel" keeps it

    page.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    expect(page.locator("#rules")).not_to_contain_text("Double in the app")
    assert not EarnRule.objects.filter(code="app-double").exists()


def test_a_new_api_key_is_selected_when_its_field_gets_focus(browser_page, admin):
    page = browser_page
    _sign_in(page, admin)
    page.goto("/console/settings/api-keys/")
    page.fill("#id_name", "Web shop")
    page.locator("input[name=scopes]").first.check()
    page.click("main button:has-text('Create key')")
    page.wait_for_selector("#new-key")

    page.focus("#new-key")
    selected = page.evaluate(
        "() => { const f = document.querySelector('#new-key'); return [f.selectionStart, f.selectionEnd, f.value.length]; }"
    )
    assert selected[0] == 0
    assert selected[1] == selected[2] > 20
