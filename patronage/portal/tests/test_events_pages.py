"""The member's events page: Alice sees the events she may come to (not the Gold members' evening while she is
Silver), registers, joins a waiting list when the seats are taken, cancels; the times are in her zone. Every
action is her own: nothing she sends reaches Bob's registration; anonymous visitors go to the login and a
staff login without a member file is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from patronage.console.tests.conftest import page_text
from patronage.loyalty.models import Account
from patronage.loyalty.services import account_open
from patronage.members.models import Member
from patronage.segments.event_services import ClubEventInput, club_event_create, registration_request
from patronage.segments.models import ClubEvent, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 4, 1, 1, 0, tzinfo=UTC)
START = datetime(2030, 4, 10, 5, 0, tzinfo=UTC)  # 14:00 in Seoul


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _event(code: str, name: str, *, capacity: int = 5, tiers: tuple[str, ...] = (), **extra) -> ClubEvent:
    return club_event_create(
        data=ClubEventInput(
            code=code,
            name=name,
            starts_at=START,
            ends_at=START + timedelta(hours=2),
            capacity=capacity,
            place="Gangnam store",
            tiers=tiers,
            **extra,
        ),
        actor=None,
    )


def _in_tier(member: Member, program, tier) -> None:
    Account.objects.filter(pk=account_open(program=program, member=member).pk).update(tier=tier)


def test_anonymous_visitors_go_to_the_login_and_staff_are_refused(client, client_as, agent):
    tasting = _event("pan-tasting", "New pans tasting")
    pages = [
        ("get", reverse("portal:events")),
        ("post", reverse("portal:event_register", args=[tasting.code])),
        ("post", reverse("portal:event_cancel", args=[tasting.code])),
    ]
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))
        assert getattr(client_as(agent), method)(url).status_code == 403
    assert not Registration.objects.exists()


def test_a_member_sees_the_events_for_them_in_their_zone(client_as, alice, program, tiers):
    Member.objects.filter(pk=alice.pk).update(time_zone="Asia/Seoul")
    _in_tier(alice, program, tiers["silver"])
    _event("pan-tasting", "New pans tasting", tiers=("silver", "gold"))
    _event("gold-evening", "Gold evening", tiers=("gold",))

    text = page_text(client_as(alice.user).get(reverse("portal:events")))

    assert "New pans tasting" in text
    assert "Gold evening" not in text
    assert "2:00 PM \u2013 4:00 PM" in text  # 05:00 UTC on Alice's clock in Seoul
    assert "5 seats left." in text


def test_a_member_registers_then_waits_then_cancels_their_own_only(client_as, alice, bob, program, tiers):
    tasting = _event("pan-tasting", "New pans tasting", capacity=1)
    registration_request(event=tasting, member=bob)
    client = client_as(alice.user)

    assert "Join the waiting list" in page_text(client.get(reverse("portal:events")))
    response = client.post(reverse("portal:event_register", args=[tasting.code]), follow=True)
    assert "you are on the waiting list" in page_text(response)
    assert "Leave the waiting list" in page_text(response)
    assert Registration.objects.get(member=alice).status == RegistrationStatus.WAITING

    client.post(reverse("portal:event_cancel", args=[tasting.code]))
    assert Registration.objects.get(member=alice).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(member=bob).status == RegistrationStatus.REGISTERED  # Bob's untouched

    response = client.post(reverse("portal:event_cancel", args=[tasting.code]), follow=True)
    assert "this customer is not registered" in page_text(response)
    assert Registration.objects.get(member=bob).status == RegistrationStatus.REGISTERED


def test_an_event_for_others_cannot_be_registered_for_by_its_address(client_as, alice, program, tiers):
    evening = _event("gold-evening", "Gold evening", tiers=("gold",))
    response = client_as(alice.user).post(reverse("portal:event_register", args=[evening.code]), follow=True)
    assert "this event is for other members" in page_text(response)
    assert not Registration.objects.exists()
    assert client_as(alice.user).post(reverse("portal:event_register", args=["nope"])).status_code == 404


def test_past_registrations_show_whether_the_member_came(client_as, alice):
    tasting = _event("pan-tasting", "New pans tasting")
    registration_request(event=tasting, member=alice)
    Registration.objects.filter(member=alice).update(status=RegistrationStatus.ATTENDED)
    with time_machine.travel(START + timedelta(days=1), tick=False):
        text = page_text(client_as(alice.user).get(reverse("portal:events")))
    assert "My past registrations New pans tasting" in text
    assert "Came" in text
