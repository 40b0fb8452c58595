"""Club events: defining them, and members registering, cancelling and coming (decision 0030).

A registration takes the event's row lock, then a seat if one is free or a place on the waiting list; the
seats taken are counted on the row, under the lock, and a database check keeps them within the capacity,
so no number of members registering at once can pass it (PostgreSQL thread test). A seat given back goes
to the first on the waiting list in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages
from patronage.core.errors import Conflict, PermissionDenied, ValidationFailed
from patronage.core.inputs import code_refusal, instant_refusal, texts_problems
from patronage.core.models import User
from patronage.core.names import translations_clean, translations_merge
from patronage.loyalty.models import Account, Tier
from patronage.members.models import Member, MemberStatus
from patronage.members.services import timeline_record
from patronage.segments.models import (
    ClubEvent,
    ClubEventKind,
    Registration,
    RegistrationStatus,
    Segment,
    SegmentMember,
)

CAPACITY_MAX = 100_000
HOLDING_A_SEAT = (RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED)


@dataclass
class ClubEventInput:
    code: str
    name: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    kind: str = ClubEventKind.CLUB
    description: str = ""
    place: str = ""
    link: str = ""
    tiers: Sequence[str] = ()
    segment: str = ""  # a segment's code
    name_translations: Mapping[str, str] = field(default_factory=dict)
    description_translations: Mapping[str, str] = field(default_factory=dict)


def _checked(data: ClubEventInput) -> tuple[Segment | None, dict[str, str], dict[str, str]]:
    problems: list[tuple[str, str]] = []
    if refusal := code_refusal(data.code):
        problems.append(("code", refusal.message()))
    problems += texts_problems(
        data,
        (("name", 100, True), ("description", 5_000, False), ("place", 200, False), ("link", 500, False)),
    )
    if data.kind not in ClubEventKind.values:
        problems.append(("kind", _("must be one of: %(known)s") % {"known": ", ".join(ClubEventKind.values)}))
    if data.link and not data.link.startswith(("https://", "http://")):
        problems.append(("link", _("a web address starting with https://")))
    for name in ("starts_at", "ends_at"):
        if refusal := instant_refusal(getattr(data, name)):
            problems.append((name, refusal.message()))
    if not problems and data.ends_at <= data.starts_at:
        problems.append(("ends_at", _("must be after the start")))
    if (
        isinstance(data.capacity, bool)
        or not isinstance(data.capacity, int)
        or not 1 <= data.capacity <= CAPACITY_MAX
    ):
        problems.append(("capacity", _("a whole number from 1 to %(max)d") % {"max": CAPACITY_MAX}))
    known_tiers = set(Tier.objects.filter(code__in=list(data.tiers)).values_list("code", flat=True))
    if unknown := sorted(set(data.tiers) - known_tiers):
        problems.append(("tiers", _("no tier has the code '%(code)s'") % {"code": unknown[0]}))
    segment = Segment.objects.filter(code=data.segment, active=True).first() if data.segment else None
    if data.segment and segment is None:
        problems.append(("segment", _("no active segment has the code '%(code)s'") % {"code": data.segment}))
    languages = business_languages()
    names, name_problems = translations_clean(
        data.name_translations, field="name_translations", languages=languages, max_length=100
    )
    descriptions, description_problems = translations_clean(
        data.description_translations, field="description_translations", languages=languages, max_length=5_000
    )
    problems += name_problems + description_problems
    if problems:
        raise ValidationFailed.every(problems)
    return segment, names, descriptions


def club_event_create(*, data: ClubEventInput, actor: User | None) -> ClubEvent:
    """A new event open for registration; every problem named at once, a code in use refused."""
    segment, names, descriptions = _checked(data)
    main = business_languages()[0]
    event = ClubEvent(
        code=data.code,
        kind=data.kind,
        name=data.name.strip(),
        name_translations=translations_merge({}, names, main_language=main),
        description=data.description.strip(),
        description_translations=translations_merge({}, descriptions, main_language=main),
        place=data.place.strip(),
        link=data.link.strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        capacity=data.capacity,
        tiers=sorted(set(data.tiers)),
        segment=segment,
        created_at=clock.now(),
    )
    try:
        with transaction.atomic(durable=True):
            event.save()
            audit_change(actor=actor, action="club_event.created", target=event, code=event.code)
    except IntegrityError as error:
        if ClubEvent.objects.filter(code=data.code).exists():
            raise Conflict(
                _("an event with the code '%(code)s' exists") % {"code": data.code}, field="code"
            ) from error
        raise
    return event


def club_event_cancel(*, event: ClubEvent, actor: User | None) -> ClubEvent:
    """Cancels an event: no one may register any more (those registered keep their registration's record)."""
    with transaction.atomic(durable=True):
        ClubEvent.objects.filter(pk=event.pk, cancelled_at__isnull=True).update(cancelled_at=clock.now())
        audit_change(actor=actor, action="club_event.cancelled", target=event)
    event.refresh_from_db()
    return event


def member_eligible(*, event: ClubEvent, member: Member) -> bool:
    """Whether the member may register: in one of its tiers or its segment; anyone when it names neither."""
    if not event.tiers and event.segment_id is None:
        return True
    if event.tiers and Account.objects.filter(member=member, tier__code__in=event.tiers).exists():
        return True
    return bool(
        event.segment_id is not None
        and SegmentMember.objects.filter(segment_id=event.segment_id, member=member).exists()
    )


def _open_for(event: ClubEvent, member: Member, now: datetime) -> None:
    if event.cancelled_at is not None:
        raise Conflict(_("this event is cancelled"), field="event")
    if now >= event.starts_at:
        raise Conflict(_("this event has started: registration is closed"), field="event")
    if member.status != MemberStatus.ACTIVE:
        raise Conflict(_("this customer's file is not active"), field="member")
    if not member_eligible(event=event, member=member):
        raise PermissionDenied(_("this event is for other members"), field="member")


def registration_request(*, event: ClubEvent, member: Member, actor: User | None = None) -> Registration:
    """A seat if one is free, else a place on the waiting list; asking again changes nothing (a cancelled
    registration asks anew, at the end of the list)."""
    now = clock.now()
    _open_for(event, member, now)
    with transaction.atomic(durable=True):
        locked = ClubEvent.objects.select_for_update().get(pk=event.pk)
        existing = Registration.objects.filter(event=locked, member=member).first()
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            return existing
        seat = locked.registered < locked.capacity
        status = RegistrationStatus.REGISTERED if seat else RegistrationStatus.WAITING
        if seat:
            ClubEvent.objects.filter(pk=locked.pk).update(registered=F("registered") + 1)
        if existing is None:
            registration = Registration.objects.create(
                event=locked, member=member, status=status, asked_at=now
            )
        else:
            Registration.objects.filter(pk=existing.pk).update(
                status=status, asked_at=now, checked_in_at=None
            )
            registration = Registration.objects.get(pk=existing.pk)
        _on_timeline(registration, "event_registered" if seat else "event_waiting", actor)
    return registration


def registration_cancel(*, event: ClubEvent, member: Member, actor: User | None = None) -> Registration:
    """Gives the seat (or the place on the list) back; a seat goes to the first who waits."""
    with transaction.atomic(durable=True):
        locked = ClubEvent.objects.select_for_update().get(pk=event.pk)
        registration = Registration.objects.filter(event=locked, member=member).first()
        if registration is None or registration.status == RegistrationStatus.CANCELLED:
            raise Conflict(_("this customer is not registered"), field="member")
        if registration.status == RegistrationStatus.ATTENDED:
            raise Conflict(_("this customer has come already"), field="member")
        held_seat = registration.status == RegistrationStatus.REGISTERED
        Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.CANCELLED)
        registration.status = RegistrationStatus.CANCELLED
        _on_timeline(registration, "event_cancelled", actor)
        if held_seat:
            _seat_passed_on(locked, actor)
    return registration


def _seat_passed_on(event: ClubEvent, actor: User | None) -> None:
    """The seat given back goes to the first on the waiting list, or back to the pool."""
    first = (
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITING)
        .order_by("asked_at", "pk")
        .first()
    )
    if first is None or clock.now() >= event.starts_at:
        ClubEvent.objects.filter(pk=event.pk).update(registered=F("registered") - 1)
        return
    Registration.objects.filter(pk=first.pk).update(status=RegistrationStatus.REGISTERED)
    first.status = RegistrationStatus.REGISTERED
    _on_timeline(first, "event_registered", actor)


def check_in(*, event: ClubEvent, member: Member, actor: User | None) -> Registration:
    """Marks a registered member as come (at the door); again changes nothing."""
    with transaction.atomic(durable=True):
        registration = Registration.objects.select_for_update().filter(event=event, member=member).first()
        if registration is None or registration.status not in HOLDING_A_SEAT:
            raise Conflict(_("this customer has no seat at this event"), field="member")
        if registration.status == RegistrationStatus.ATTENDED:
            return registration
        Registration.objects.filter(pk=registration.pk).update(
            status=RegistrationStatus.ATTENDED, checked_in_at=clock.now()
        )
        registration.refresh_from_db()
        _on_timeline(registration, "event_attended", actor)
    return registration


def _on_timeline(registration: Registration, kind: str, actor: User | None) -> None:
    event = registration.event
    timeline_record(
        member=registration.member,
        kind=kind,
        summary=event.name,
        data={
            "event": event.code,
            "name": event.name,
            "name_translations": event.name_translations,
            "starts_at": event.starts_at.isoformat(),
        },
        source=event,
        actor=actor,
    )
