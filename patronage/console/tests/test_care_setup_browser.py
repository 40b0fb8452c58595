"""A service lead sets up a calendar in Chromium: adds a Saturday morning with the editor's script, tries a
due time before saving, then saves; and reads the policies in their order. Takes the care guide's pictures."""

from __future__ import annotations

import pytest

from patronage.care import setup
from patronage.care.models import BusinessCalendar
from patronage.conftest import business_set, console_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_previews_a_due_time_and_saves_the_calendar(browser_page, screenshot, lead):
    business_set(time_zone="Asia/Seoul")
    setup.policy_save(
        data=setup.PolicyInput(
            "Critical", severities=["critical"], first_response_seconds=1800, resolution_seconds=4 * 3600
        ),
        actor=lead,
    )
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, lead)
    page.click("nav.mainnav a:has-text('Service desk')")
    page.wait_for_url("**/console/care/")
    page.click("#care-sections a:has-text('Calendars')")
    page.click("a:has-text('Add a calendar')")
    page.wait_for_url("**/console/care/calendars/new/")

    page.fill("#calendar_name", "Seoul office")
    page.select_option("#calendar_timezone", "Asia/Seoul")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        page.fill(f"#calendar_{day}_end_0", "12:00")
        page.fill(f"#calendar_{day}_start_1", "13:00")
        page.fill(f"#calendar_{day}_end_1", "18:00")
    saturday = page.locator("tr[data-day=sat]")
    for _ in range(2):  # the script adds rows past the three the page offers
        saturday.get_by_role("button", name="Add hours").click()
    assert saturday.locator(".interval").count() == 5
    page.fill("#calendar_sat_start_4", "10:00")
    page.fill("#calendar_sat_end_4", "14:00")
    page.fill("#calendar_holidays", "2026-03-02")
    page.select_option("#calendar_country", "KR")

    page.fill("#id_preview-start", "2026-03-06T16:00")
    page.fill("#id_preview-amount", "3")
    page.select_option("#id_preview-unit", "hours")
    page.get_by_role("button", name="Preview the due time").click()
    page.wait_for_selector("#preview-due")
    assert "Saturday, Mar 7, 2026, 11:00 AM" in page.inner_text("#preview-due")
    assert not BusinessCalendar.objects.filter(name="Seoul office").exists()  # tried, not saved
    page.set_viewport_size({"width": 1280, "height": 1300})  # the week beside the holidays and the preview
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "care-calendar-editor")
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_role("button", name="Save the calendar").click()
    page.wait_for_selector("text=The calendar Seoul office is saved.")
    document = BusinessCalendar.objects.get(name="Seoul office").document
    assert document["hours"]["mon"] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert document["hours"]["sat"] == [["10:00", "14:00"]]
    assert document["country"] == "KR"

    page.click("nav.tabs a:has-text('SLA policies')")
    page.wait_for_url("**/console/care/policies/")
    rows = page.locator("#policies tbody tr")
    assert "Critical" in rows.nth(0).inner_text()
    assert "30 minutes" in rows.nth(0).inner_text()
    assert "default" in rows.nth(1).inner_text()
    screenshot(page, "care-policies")
