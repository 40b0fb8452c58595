"""Club events: a seat or the waiting list, a seat given back goes to the first who waits, only the members
it is for may register, and coming is on the member's timeline."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from django.db import connection

from patronage.core import clock
from patronage.core.errors import Conflict, PermissionDenied, ValidationFailed
from patronage.loyalty.models import Account, Program, Tier
from patronage.members.models import Member, TimelineEvent
from patronage.members.services import IdentityInput, member_create
from patronage.segments.event_services import (
    ClubEventInput,
    check_in,
    club_event_cancel,
    club_event_create,
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
