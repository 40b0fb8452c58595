"""A member's path through the portal in Chromium: sign up, log out, log in, download their data."""

import json
from pathlib import Path

import pytest

from patronage.members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-portal-passphrase-8"


def test_a_member_signs_up_logs_in_and_downloads_their_data(browser_page, screenshot):
    page = browser_page
    page.goto("/portal/signup/")
    page.fill("input[name=name]", "Mina Park")
    page.fill("input[name=email]", "mina.park@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=email_marketing]")
    screenshot(page, "portal-signup")
    page.click("button:has-text('Create my account')")

    page.wait_for_url("**/portal/")
    assert "Mina Park" in page.inner_text("main")
    member = Member.objects.get(identities__value="mina.park@example.com")
    assert member.consents.get(purpose="email_marketing").granted is True
    screenshot(page, "portal-overview")

    page.click("button:has-text('Log out')")
    page.goto("/portal/login/")
    page.fill("input[name=username]", "MINA.PARK@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url("**/portal/")

    page.goto("/portal/data/")
    with page.expect_download() as download_info:
        page.click("button:has-text('Download my data')")
    download = download_info.value
    assert download.suggested_filename == "patronage-my-data.json"
    exported = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert exported["member"]["name"] == "Mina Park"
    assert {"kind": "email", "namespace": "", "value": "mina.park@example.com", "primary": True} in exported[
        "identities"
    ]
