"""A manager's advisory meeting in Chromium: planned from the surveys list in two languages, a customer found
by name and invited, marked as come, her words written onto her case, the meeting held with its notes; then
the words are on her case's page. Takes the guide's picture of the meeting."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from patronage.care.services import CaseInput, case_open
from patronage.conftest import business_set, console_sign_in
from patronage.core import clock
from patronage.feedback.models import Meeting, MeetingStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEOUL = ZoneInfo("Asia/Seoul")
SAID = "The oat latte is too sweet; a second till at lunch, please"


def test_a_manager_runs_an_advisory_meeting(browser_page, screenshot, admin, manager, alice, bob):
    business_set(time_zone=str(SEOUL), languages=["en", "ko"])
    case = case_open(
        data=CaseInput(type="complaint", channel="phone", summary="Cold latte", member=alice)
    ).case
    # The meeting began an hour ago: who came can be told now.
    began = (clock.now() - timedelta(hours=1)).astimezone(SEOUL)
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)

    page.click("nav.mainnav a:has-text('Surveys')")
    page.click("#meetings-link")
    page.click("a:has-text('New meeting')")
    page.fill("#meeting_title", "Regulars' panel")
    page.fill("#meeting_title_in_ko", "단골 고객 간담회")
    page.fill("#meeting_starts_at", began.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#meeting_place", "Gangnam store, 2nd floor")
    page.fill("#meeting_agenda", "What brings you back, and one thing you would change.")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#meeting-facts")
    meeting = Meeting.objects.get()
    assert meeting.starts_at == began.replace(second=0, microsecond=0)

    page.fill("#find_find", "Alice")
    page.click("#meeting-find button[type=submit]")
    page.check(f"#meeting-invite input[value='{alice.pk}']")
    assert page.locator(f"#meeting-invite input[value='{bob.pk}']").count() == 0
    page.click("#meeting-invite button[type=submit]")
    guest = meeting.guests.get()
    block = page.locator(f"#guest-{guest.pk}")
    block.locator("select[name$='-attendance']").select_option("attended")
    block.locator(".attendance-form button").click()
    block = page.locator(f"#guest-{guest.pk}")
    block.locator("textarea[name$='-note']").fill(SAID)
    block.locator("select[name$='-case']").select_option(str(case.pk))
    block.locator(".note-form button").click()
    page.fill("#meeting-notes textarea", "Everyone asked for a second till at lunch.")
    page.click("#meeting-notes button[type=submit]")
    page.click("#meeting-actions button:has-text('Mark as held')")
    page.wait_for_selector("#meeting-facts .badge.good")
    assert "Attended: 1" in page.inner_text("#attendance-counts")
    screenshot(page, "console-advisory-meeting")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD

    # The admin, who works cases, reads her words on her case.
    page.click("form[action$='/logout/'] button")
    page.goto("/console/login/")
    console_sign_in(page, admin)
    page.goto(f"/console/cases/{case.reference}/")
    assert SAID in page.inner_text("main")
