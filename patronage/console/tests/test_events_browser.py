"""Club events in Chromium: a program manager reads an event's page (its seats, the waiting list in order),
then checks a guest in at the door on a phone: found by card number as it is typed, one tap, and a second
tap says they were already checked in. Takes the guide's pictures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from patronage.conftest import console_sign_in
from patronage.core import clock
from patronage.core.models import User
from patronage.members.models import Member
from patronage.segments.event_services import ClubEventInput, club_event_create, registration_request
from patronage.segments.models import Registration, RegistrationStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_staff_check_a_guest_in_at_the_door_on_a_phone(
    browser_page, screenshot, manager: User, alice: Member, bob: Member
):
    start = clock.now() + timedelta(minutes=30)
    event = club_event_create(
        data=ClubEventInput(
            code="pan-tasting",
            name="New pans tasting",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=1,
            place="Hanbit Gangnam flagship",
        ),
        actor=None,
    )
    for member in (alice, bob):  # Alice takes the seat, Bob waits
        registration_request(event=event, member=member)

    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)
    page.click("nav.mainnav a:has-text('Events')")
    page.click("#events-upcoming a:has-text('New pans tasting')")
    page.wait_for_url("**/console/events/pan-tasting/")
    expect(page.locator("#event-seats")).to_have_text("1 of 1")
    expect(page.locator("#people-waiting")).to_contain_text("Bob Tanaka")
    screenshot(page, "events-console")

    page.set_viewport_size(PHONE)
    page.goto("/console/events/pan-tasting/door/")
    page.fill("#door-q", "CARD-0001")
    guests = page.locator("#door-guests")
    expect(guests).not_to_contain_text("Bob Tanaka")
    expect(guests).to_contain_text("Alice Kim")  # the search's answer is in (its text shown if not)
    guest = page.locator(f"#guest-{alice.pk}")
    tap = guest.locator("button:has-text('Check in')")
    expect(tap).to_be_visible()
    box = tap.bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a thumb's target
    assert box["x"] + box["width"] <= PHONE["width"]
    tap.click()
    expect(page.locator(f"#guest-{alice.pk}")).to_contain_text("Checked in")
    expect(page.locator("#door-count")).to_have_text("1 came so far.")
    screenshot(page, "events-checkin-phone")

    page.fill("#door-q", "Bob")
    expect(page.locator(f"#guest-{bob.pk}")).to_contain_text("On the waiting list: no seat")
    assert Registration.objects.get(member=alice).status == RegistrationStatus.ATTENDED
    assert Registration.objects.get(member=bob).status == RegistrationStatus.WAITING
