"""The club events pages: a program manager plans "New pans tasting" on the business's clock, sees who has a
seat and who waits in order, invites the members it is for (once each), and checks guests in at the door by
name, card number or e-mail with one tap, the second tap saying they were already in. An analyst reads it
all and changes nothing; nobody without the right sees any of it, and a customer's login never reaches it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from patronage.conftest import business_set
from patronage.core import clock
from patronage.members.models import Member
from patronage.messages.models import Message
from patronage.segments.event_services import ClubEventInput, club_event_create, registration_request
from patronage.segments.models import ClubEvent, Registration, RegistrationStatus

from .conftest import page_text

pytestmark = pytest.mark.django_db


def _tasting(capacity: int = 1) -> ClubEvent:
    start = clock.now() + timedelta(days=7)
    return club_event_create(
        data=ClubEventInput(
            code="pan-tasting",
            name="New pans tasting",
            name_translations={"ko": "새 프라이팬 시식회"},
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=capacity,
            place="Gangnam store",
        ),
        actor=None,
    )


@pytest.fixture
def tasting(db: None) -> ClubEvent:
    return _tasting()


def _form_post(**fields: Any) -> dict[str, Any]:
    return {
        "code": "spring-class",
        "name": "Spring cooking class",
        "description": "",
        "kind": "training",
        "starts_at": "2030-04-10T14:00",
        "ends_at": "2030-04-10T16:00",
        "place": "Gangnam store",
        "link": "",
        "capacity": "12",
        "segment": "",
        "program": "",
        "attendance_points": "0",
        **fields,
    }


def _pages(event: ClubEvent, member: Member) -> list[tuple[str, str, dict[str, Any]]]:
    """Every page and action, with what a request to it sends; the first two only read."""
    code = event.code
    return [
        ("get", reverse("console:event_list"), {}),
        ("get", reverse("console:event_detail", args=[code]), {}),
        ("get", reverse("console:event_new"), {}),
        ("post", reverse("console:event_new"), _form_post()),
        ("get", reverse("console:event_edit", args=[code]), {}),
        ("post", reverse("console:event_edit", args=[code]), _form_post(name="Changed")),
        ("get", reverse("console:event_door", args=[code]), {}),
        ("post", reverse("console:event_check_in", args=[code, member.pk]), {}),
        ("post", reverse("console:event_invite", args=[code]), {}),
        ("post", reverse("console:event_cancel", args=[code]), {}),
    ]


def _unchanged(event: ClubEvent) -> None:
    event.refresh_from_db()
    assert (event.name, event.cancelled_at) == ("New pans tasting", None)
    assert not ClubEvent.objects.filter(code="spring-class").exists()
    assert not Registration.objects.filter(status=RegistrationStatus.ATTENDED).exists()
    assert not Message.objects.filter(kind="event_invitation").exists()


# --- who may open what -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_console_login(client, tasting, alice):
    registration_request(event=tasting, member=alice)
    for method, url, data in _pages(tasting, alice):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("console:login")), url
    _unchanged(tasting)


def test_a_customers_login_and_staff_without_the_rights_are_refused(client_as, tasting, alice, agent):
    registration_request(event=tasting, member=alice)
    for user in (alice.user, agent):
        client = client_as(user)
        for method, url, data in _pages(tasting, alice):
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    _unchanged(tasting)


def test_an_analyst_reads_events_but_changes_nothing(client_as, analyst, tasting, alice):
    registration_request(event=tasting, member=alice)
    client = client_as(analyst)
    pages = _pages(tasting, alice)
    for method, url, data in pages[:2]:
        assert getattr(client, method)(url, data).status_code == 200, url
    for method, url, data in pages[2:]:
        assert getattr(client, method)(url, data).status_code == 403, url
    _unchanged(tasting)
    text = page_text(client.get(reverse("console:event_detail", args=[tasting.code])))
    assert "Invite" not in text
    assert "Check in at the door" not in text
    assert "New event" not in page_text(client.get(reverse("console:event_list")))


def test_a_program_manager_may_do_everything(client_as, manager, tasting, alice):
    registration_request(event=tasting, member=alice)
    client = client_as(manager)
    for method, url, data in _pages(tasting, alice):
        assert getattr(client, method)(url, data).status_code in (200, 302), url
    assert ClubEvent.objects.get(code="spring-class").name == "Spring cooking class"
    tasting.refresh_from_db()
    assert tasting.name == "Changed"
    assert tasting.cancelled_at is not None
    assert Registration.objects.get(member=alice).status == RegistrationStatus.ATTENDED


def test_the_navigation_shows_events_next_to_campaigns(client_as, analyst, agent):
    link = f'href="{reverse("console:event_list")}"'
    home = client_as(analyst).get(reverse("console:home")).content.decode()
    assert link in home
    assert home.index(link) > home.index(f'href="{reverse("console:campaign_list")}"')
    assert link not in client_as(agent).get(reverse("console:home")).content.decode()


# --- planning an event -------------------------------------------------------------------------------------


def test_a_manager_plans_an_event_on_the_business_clock_in_each_language(client_as, manager):
    business_set(time_zone="Asia/Seoul", languages=["en", "ko"])
    client = client_as(manager)
    assert "Name (한국어)" in page_text(client.get(reverse("console:event_new")))

    response = client.post(reverse("console:event_new"), _form_post(name_in_ko="봄 요리 교실"))

    assert response.status_code == 302
    event = ClubEvent.objects.get(code="spring-class")
    assert event.starts_at == datetime(2030, 4, 10, 5, 0, tzinfo=UTC)  # 14:00 in Seoul
    assert event.name_translations == {"ko": "봄 요리 교실"}
    edit = client.get(reverse("console:event_edit", args=["spring-class"])).content.decode()
    assert 'value="2030-04-10T14:00"' in edit


def test_a_bad_field_is_marked_on_its_input_and_nothing_is_saved(client_as, manager):
    client = client_as(manager)
    response = client.post(
        reverse("console:event_new"),
        _form_post(ends_at="2030-04-10T13:00", attendance_points="100"),
    )
    assert response.status_code == 422  # the service refused it, naming the field
    text = page_text(response)
    assert "must be after the start" in text
    assert not ClubEvent.objects.exists()
    assert "name the program the points for coming are earned in" in text
    response = client.post(reverse("console:event_new"), _form_post(link="ftp://nowhere"))
    assert response.status_code == 422
    assert "a web address starting with https://" in page_text(response)
    assert not ClubEvent.objects.exists()


def test_the_list_shows_seats_taken_and_who_waits_and_the_page_the_waiting_order(
    client_as, manager, tasting, alice, bob
):
    with time_machine.travel(clock.now(), tick=False) as traveller:
        for member in (alice, bob):
            registration_request(event=tasting, member=member)
            traveller.shift(timedelta(minutes=1))
    client = client_as(manager)

    listed = page_text(client.get(reverse("console:event_list")))
    assert "New pans tasting Club event" in listed
    assert "1 of 1 1" in listed  # one seat of one taken, one waiting
    page = page_text(client.get(reverse("console:event_detail", args=[tasting.code])))
    assert "Registered (1) Alice Kim" in page
    assert "Waiting list, in order (1) Bob Tanaka" in page


# --- invitations -------------------------------------------------------------------------------------------


def test_invite_writes_once_to_each_member_it_is_for_who_has_not_asked(
    client_as, manager, tasting, alice, bob
):
    registration_request(event=tasting, member=alice)
    client = client_as(manager)

    first = client.post(reverse("console:event_invite", args=[tasting.code]), follow=True)
    again = client.post(reverse("console:event_invite", args=[tasting.code]), follow=True)

    assert "1 invitation is on its way." in page_text(first)
    assert "0 invitations are on their way. 1 member was invited before." in page_text(again)
    assert list(Message.objects.filter(kind="event_invitation").values_list("member", flat=True)) == [bob.pk]


# --- the door ----------------------------------------------------------------------------------------------


def test_the_door_finds_a_guest_by_card_number_and_one_tap_checks_them_in_once(
    client_as, manager, tasting, alice, bob
):
    for member in (alice, bob):
        registration_request(event=tasting, member=member)
    client = client_as(manager)
    door = reverse("console:event_door", args=[tasting.code])

    found = page_text(client.get(door, {"q": "card-0001"}, headers={"HX-Request": "true"}))
    assert "Alice Kim" in found
    assert "Bob Tanaka" not in found
    assert "Alice" in page_text(client.get(door, {"q": "alice@example"}))
    assert "No guest of this event matches." in page_text(client.get(door, {"q": "nobody"}))
    assert "On the waiting list: no seat" in page_text(client.get(door, {"q": "Bob"}))

    tap = reverse("console:event_check_in", args=[tasting.code, alice.pk])
    first = page_text(client.post(tap, headers={"HX-Request": "true"}))
    second = page_text(client.post(tap, headers={"HX-Request": "true"}))
    refused = page_text(
        client.post(
            reverse("console:event_check_in", args=[tasting.code, bob.pk]), headers={"HX-Request": "true"}
        )
    )

    assert "Checked in" in first
    assert "Already checked in" in second
    assert "this customer has no seat at this event" in refused
    assert Registration.objects.get(member=alice).status == RegistrationStatus.ATTENDED
    assert Registration.objects.get(member=bob).status == RegistrationStatus.WAITING


def test_a_guests_row_is_named_by_their_number_unformatted_so_a_tap_finds_it(client_as, manager, tasting):
    # Customer 12,345 in English: the row's id and the tap's target must both read guest-12345.
    guest = Member.objects.create(pk=12_345, name="Dana Choi", joined_at=clock.now())
    registration_request(event=tasting, member=guest)
    html = client_as(manager).get(reverse("console:event_door", args=[tasting.code])).content.decode()
    assert 'id="guest-12345"' in html
    assert 'hx-target="#guest-12345"' in html


def test_an_unknown_event_or_guest_is_a_404(client_as, manager, tasting):
    client = client_as(manager)
    assert client.get(reverse("console:event_detail", args=["nope"])).status_code == 404
    assert client.post(reverse("console:event_check_in", args=[tasting.code, 999_999])).status_code == 404
