"""An administrator's path through Settings → Staff in Chromium: give a service lead the analyst's group
too, and see the person hold both."""

import pytest

from patronage.conftest import console_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_gives_a_lead_a_second_group(browser_page, screenshot, admin, agent, lead_analyst):
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, admin)

    page.click("nav a:has-text('Staff')")
    page.wait_for_url("**/console/settings/staff/")
    listing = page.inner_text("main")
    assert "sam_agent" in listing
    assert "Can read the audit log" in listing
    screenshot(page, "console-staff")

    page.click("tr:has-text('sam_agent') a:has-text('Change groups')")
    page.check("label:has-text('Analyst') input")
    screenshot(page, "console-staff-groups")
    page.click("main button:has-text('Save groups')")
    page.wait_for_url("**/console/settings/staff/")
    assert "sam_agent now holds: Analyst, Service agent." in page.inner_text("main")
    assert sorted(agent.groups.values_list("name", flat=True)) == ["Analyst", "Service agent"]
