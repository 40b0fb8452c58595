"""Club events: a seat or the waiting list, a seat given back goes to the first who waits, only the members
it is for may register, and coming is on the member's timeline."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from threading import Barrier
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from patronage.core import clock
from patronage.core.errors import Conflict, PermissionDenied, ValidationFailed
from patronage.loyalty.models import Account, LedgerEntry, Program, Tier
from patronage.members.models import ConsentMethod, Member, TimelineEvent
from patronage.members.services import IdentityInput, member_create
from patronage.messages.models import Message, MessageStatus
from patronage.segments.event_services import (
    ClubEventInput,
    check_in,
    club_event_cancel,
    club_event_create,
    club_event_update,
    event_invite,
    registration_cancel,
    registration_request,
)
from patronage.segments.models import ClubEvent, Registration, RegistrationStatus


def tasting(capacity: int = 2, **extra) -> ClubEvent:
    start = clock.now() + timedelta(days=7)
    return club_event_create(
        data=ClubEventInput(
            code="pan-tasting",
            name="New pans tasting",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=capacity,
            place="Gangnam store",
            **extra,
        ),
        actor=None,
    )


def people(count: int) -> list[Member]:
    return [
        member_create(
            actor=None,
            identities=[IdentityInput("email", f"guest{n}@example.com")],
            profile={"name": f"Guest {n}"},
            source="api",
        )
        for n in range(count)
    ]


def statuses(event: ClubEvent) -> list[str]:
    return list(
        Registration.objects.filter(event=event).order_by("asked_at", "pk").values_list("status", flat=True)
    )


def test_seats_first_then_the_waiting_list_and_asking_again_changes_nothing(db):
    event = tasting(capacity=2)
    first, second, third = people(3)

    for member in (first, second, third, first):
        registration_request(event=event, member=member)

    assert statuses(event) == ["registered", "registered", "waiting"]
    event.refresh_from_db()
    assert event.registered == 2


def test_a_seat_given_back_goes_to_the_first_who_waits(db):
    event = tasting(capacity=1)
    first, second, third = people(3)
    for member in (first, second, third):
        registration_request(event=event, member=member)

    registration_cancel(event=event, member=first)

    assert Registration.objects.get(event=event, member=second).status == RegistrationStatus.REGISTERED
    assert Registration.objects.get(event=event, member=third).status == RegistrationStatus.WAITING
    event.refresh_from_db()
    assert event.registered == 1
    assert TimelineEvent.objects.filter(member=second, kind="event_registered").exists()


def test_only_the_members_it_is_for_may_register(db):
    club = Program.objects.create(code="club", name="Club", currency="KRW")
    Tier.objects.create(program=club, code="vip", name="VIP", rank=1)
    vip, other = people(2)
    Account.objects.create(
        program=club, member=vip, enrolled_at=clock.now(), tier=Tier.objects.get(code="vip")
    )
    event = tasting(tiers=["vip"])

    registration_request(event=event, member=vip)
    with pytest.raises(PermissionDenied):
        registration_request(event=event, member=other)


def test_no_registration_once_it_started_or_was_cancelled(db):
    [member] = people(1)
    event = tasting()
    club_event_cancel(event=event, actor=None)

    with pytest.raises(Conflict):
        registration_request(event=event, member=member)


def test_coming_is_checked_in_once_and_on_the_timeline(db, agent):
    first, second = people(2)
    event = tasting(capacity=1)
    registration_request(event=event, member=first)
    registration_request(event=event, member=second)

    check_in(event=event, member=first, actor=agent)
    check_in(event=event, member=first, actor=agent)

    assert TimelineEvent.objects.filter(member=first, kind="event_attended").count() == 1
    with pytest.raises(Conflict):
        check_in(event=event, member=second, actor=agent)  # only waiting


def test_bad_input_names_each_field(db):
    with pytest.raises(ValidationFailed) as refused:
        club_event_create(
            data=ClubEventInput(
                code="Bad Code",
                name="",
                starts_at=clock.now(),
                ends_at=clock.now() - timedelta(hours=1),
                capacity=0,
                tiers=["nobody"],
            ),
            actor=None,
        )
    assert {error["field"] for error in refused.value.errors or []} >= {"code", "name", "capacity", "tiers"}


@pytest.mark.django_db(transaction=True)
def test_many_registering_at_once_never_pass_the_capacity():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")
    event = tasting(capacity=5)
    members = people(24)
    start = Barrier(8, timeout=60)

    def register(index: int) -> None:
        start.wait()
        try:
            for member in members[index::8]:
                registration_request(event=event, member=member)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(register, range(8), timeout=120))

    event.refresh_from_db()
    seated = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()
    assert seated == event.registered == 5
    assert Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).count() == 19


# --- points for coming, changing an event, invitations -------------------------------------------------


def test_coming_earns_the_events_points_once_however_often_the_door_checks_in(program):
    event = tasting(capacity=2, program="hanbit", attendance_points=200)
    (guest,) = people(1)
    registration_request(event=event, member=guest)

    check_in(event=event, member=guest, actor=None)
    check_in(event=event, member=guest, actor=None)

    account = Account.objects.get(program=program, member=guest)
    assert account.active == 200
    assert LedgerEntry.objects.filter(account=account).count() == 1
    came = TimelineEvent.objects.get(member=guest, kind="event_attended")
    assert came.data["points"] == 200
    assert TimelineEvent.objects.filter(member=guest, kind="points_earned").count() == 1


def test_points_for_coming_need_a_program(db):
    with pytest.raises(ValidationFailed) as refused:
        tasting(attendance_points=100)
    assert refused.value.errors[0]["field"] == "program"
    assert not ClubEvent.objects.exists()


def test_more_seats_go_to_those_who_wait_and_fewer_than_taken_are_refused(db):
    event = tasting(capacity=1)
    first, second, third = people(3)
    for member in (first, second, third):
        registration_request(event=event, member=member)

    changed = ClubEventInput(
        code="ignored",
        name="New pans tasting",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=2,
        place="Gangnam store",
    )
    event = club_event_update(event=event, data=changed, actor=None)

    assert statuses(event) == ["registered", "registered", "waiting"]
    assert (event.code, event.registered) == ("pan-tasting", 2)
    changed.capacity = 1
    with pytest.raises(ValidationFailed) as refused:
        club_event_update(event=event, data=changed, actor=None)
    assert refused.value.errors[0]["field"] == "capacity"
    event.refresh_from_db()
    assert event.capacity == 2


def _consenting(name: str, *, consent: bool = True) -> Member:
    return member_create(
        actor=None,
        identities=[IdentityInput("email", f"{name}@example.com")],
        profile={"name": name.title()},
        consents={"email_marketing": consent},
        consent_method=ConsentMethod.PORTAL,
        source="api",
    )


def test_invite_writes_to_those_it_is_for_who_have_not_asked_once_each(db, segment_of):
    agreed, refused, registered = (
        _consenting("agreed"),
        _consenting("refused", consent=False),
        _consenting("came"),
    )
    _consenting("elsewhere")  # not in Seoul
    Member.objects.filter(pk__in=[agreed.pk, refused.pk, registered.pk]).update(city="Seoul")
    segment_of("seoul", {"all": [{"field": "city", "op": "eq", "value": "Seoul"}]})
    event = tasting(capacity=5, segment="seoul")
    registration_request(event=event, member=registered)

    first = event_invite(event=event, actor=None)
    again = event_invite(event=event, actor=None)

    assert (first.queued, first.skipped, first.already) == (1, 1, 0)
    assert (again.queued, again.skipped, again.already) == (0, 0, 2)
    invitations = Message.objects.filter(kind="event_invitation")
    assert sorted(invitations.values_list("idempotency_key", flat=True)) == [
        f"event:{event.pk}:invite:{agreed.pk}",
        f"event:{event.pk}:invite:{refused.pk}",
    ]
    sent = invitations.get(member=agreed)
    assert sent.status != MessageStatus.SKIPPED
    assert "New pans tasting" in sent.subject


def test_a_cancelled_or_started_event_invites_no_one(db):
    event = tasting()
    _consenting("agreed")
    club_event_cancel(event=event, actor=None)
    with pytest.raises(Conflict):
        event_invite(event=event, actor=None)
    assert not Message.objects.exists()


def test_an_invitation_pressed_at_night_waits_for_the_members_morning(db):
    seoul = ZoneInfo("Asia/Seoul")
    with time_machine.travel(datetime(2030, 4, 1, 23, 30, tzinfo=seoul), tick=False):
        guest = _consenting("night")
        Member.objects.filter(pk=guest.pk).update(time_zone="Asia/Seoul")
        event = tasting()

        assert event_invite(event=event, actor=None).queued == 1

    message = Message.objects.get(kind="event_invitation", member=guest)
    assert message.send_after == datetime(2030, 4, 2, 8, 0, tzinfo=seoul)
