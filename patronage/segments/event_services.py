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
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages
from patronage.core.errors import Conflict, PermissionDenied, ValidationFailed
from patronage.core.inputs import code_refusal, instant_refusal, texts_problems
from patronage.core.message_kinds import InLanguages
from patronage.core.models import User
from patronage.core.names import translations_clean, translations_merge
from patronage.loyalty.models import Account, Program, Tier
from patronage.loyalty.services import account_open, bonus_book
from patronage.loyalty.services.ledger import Cause
from patronage.members.models import Member, MemberStatus
from patronage.members.services import timeline_record
from patronage.messages.message_services import messages_queue_many
from patronage.messages.models import Message, MessageStatus
from patronage.segments.message_kinds import EVENT_INVITATION
from patronage.segments.models import (
    ClubEvent,
    ClubEventKind,
    Registration,
    RegistrationStatus,
    Segment,
    SegmentMember,
)

CAPACITY_MAX = 100_000
ATTENDANCE_POINTS_MAX = 1_000_000
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
    program: str = ""  # a loyalty program's code: where coming earns its points
    attendance_points: int = 0
    name_translations: Mapping[str, str] = field(default_factory=dict)
    description_translations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Checked:
    segment: Segment | None
    program: Program | None
    names: dict[str, str]
    descriptions: dict[str, str]


def _checked(data: ClubEventInput) -> _Checked:
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
    if not _whole(data.capacity, 1, CAPACITY_MAX):
        problems.append(("capacity", _("a whole number from 1 to %(max)d") % {"max": CAPACITY_MAX}))
    known_tiers = set(Tier.objects.filter(code__in=list(data.tiers)).values_list("code", flat=True))
    if unknown := sorted(set(data.tiers) - known_tiers):
        problems.append(("tiers", _("no tier has the code '%(code)s'") % {"code": unknown[0]}))
    segment = Segment.objects.filter(code=data.segment, active=True).first() if data.segment else None
    if data.segment and segment is None:
        problems.append(("segment", _("no active segment has the code '%(code)s'") % {"code": data.segment}))
    program = _program_checked(data, problems)
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
    return _Checked(segment, program, names, descriptions)


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _program_checked(data: ClubEventInput, problems: list[tuple[str, str]]) -> Program | None:
    """The program coming earns in: needed when it earns anything."""
    if not _whole(data.attendance_points, 0, ATTENDANCE_POINTS_MAX):
        problems.append(
            ("attendance_points", _("a whole number from 0 to %(max)d") % {"max": ATTENDANCE_POINTS_MAX})
        )
    program = Program.objects.filter(code=data.program).first() if data.program else None
    if data.program and program is None:
        problems.append(("program", _("no program has the code '%(code)s'") % {"code": data.program}))
    elif program is None and _whole(data.attendance_points, 1, ATTENDANCE_POINTS_MAX):
        problems.append(("program", _("name the program the points for coming are earned in")))
    return program


def _fill(event: ClubEvent, data: ClubEventInput, checked: _Checked) -> None:
    main = business_languages()[0]
    event.kind, event.name = data.kind, data.name.strip()
    event.name_translations = translations_merge(event.name_translations, checked.names, main_language=main)
    event.description = data.description.strip()
    event.description_translations = translations_merge(
        event.description_translations, checked.descriptions, main_language=main
    )
    event.place, event.link = data.place.strip(), data.link.strip()
    event.starts_at, event.ends_at, event.capacity = data.starts_at, data.ends_at, data.capacity
    event.tiers, event.segment = sorted(set(data.tiers)), checked.segment
    event.program, event.attendance_points = checked.program, data.attendance_points


def club_event_create(*, data: ClubEventInput, actor: User | None) -> ClubEvent:
    """A new event open for registration; every problem named at once, a code in use refused."""
    checked = _checked(data)
    event = ClubEvent(code=data.code, created_at=clock.now())
    _fill(event, data, checked)
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


def club_event_update(*, event: ClubEvent, data: ClubEventInput, actor: User | None) -> ClubEvent:
    """Changes an event not cancelled; its code stays. The capacity never drops below the seats taken; seats
    it adds go to those who wait, in the order they asked."""
    data.code = event.code
    checked = _checked(data)
    with transaction.atomic(durable=True):
        locked = ClubEvent.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise Conflict(_("this event is cancelled"), field="event")
        if data.capacity < locked.registered:
            raise ValidationFailed(
                _("at least the %(seats)d seats taken; cancel registrations first")
                % {"seats": locked.registered},
                field="capacity",
            )
        _fill(locked, data, checked)
        locked.save()
        audit_change(actor=actor, action="club_event.changed", target=locked, code=locked.code)
        while locked.registered < locked.capacity and _seat_given(locked, actor):
            ClubEvent.objects.filter(pk=locked.pk).update(registered=F("registered") + 1)
            locked.registered += 1
    locked.refresh_from_db()
    return locked


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
    if not _seat_given(event, actor):
        ClubEvent.objects.filter(pk=event.pk).update(registered=F("registered") - 1)


def _seat_given(event: ClubEvent, actor: User | None) -> bool:
    """A free seat to the first on the waiting list (not once the event started); False when none waits.
    The caller holds the event's row lock and counts the seat."""
    first = (
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITING)
        .order_by("asked_at", "pk")
        .first()
    )
    if first is None or clock.now() >= event.starts_at:
        return False
    Registration.objects.filter(pk=first.pk).update(status=RegistrationStatus.REGISTERED)
    first.status = RegistrationStatus.REGISTERED
    _on_timeline(first, "event_registered", actor)
    return True


def check_in(*, event: ClubEvent, member: Member, actor: User | None) -> Registration:
    """Marks a registered member as come (at the door), earning the event's points for coming in the same
    transaction; again changes nothing and earns nothing."""
    with transaction.atomic(durable=True):
        registration = Registration.objects.select_for_update().filter(event=event, member=member).first()
        if registration is None or registration.status not in HOLDING_A_SEAT:
            raise Conflict(_("this customer has no seat at this event"), field="member")
        if registration.status == RegistrationStatus.ATTENDED:
            return registration
        now = clock.now()
        Registration.objects.filter(pk=registration.pk).update(
            status=RegistrationStatus.ATTENDED, checked_in_at=now
        )
        registration.refresh_from_db()
        points = _attendance_earn(registration, now, actor)
        _on_timeline(registration, "event_attended", actor, points=points)
    return registration


def attendance_key(event: ClubEvent, member: Member) -> str:
    return f"event:{event.pk}:attended:{member.pk}"


def _attendance_earn(registration: Registration, at: datetime, actor: User | None) -> int:
    """The event's points for coming, booked once: the status moved to attended under the registration's
    lock, and the ledger's unique key refuses a second booking whatever happens."""
    event = registration.event
    if not event.attendance_points or event.program is None:
        return 0
    account = account_open(program=event.program, member=registration.member, at=at)
    bonus_book(
        account=account,
        points=event.attendance_points,
        cause=Cause("club_event", str(event.pk)),
        key=attendance_key(event, registration.member),
        reason=_("Came to “%(name)s”") % {"name": event.name},
        at=at,
        actor=actor,
    )
    return event.attendance_points


def _on_timeline(registration: Registration, kind: str, actor: User | None, *, points: int = 0) -> None:
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
            **({"points": points} if points else {}),
        },
        source=event,
        actor=actor,
    )


# --- invitations -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invited:
    """What "Invite" did: messages queued, kept back by the messages app (no consent, no address: it
    says why on the messages page), and members invited before (never twice)."""

    queued: int
    skipped: int
    already: int


INVITE_BATCH = 200


def invitation_key(event: ClubEvent, member_id: int) -> str:
    return f"event:{event.pk}:invite:{member_id}"


def event_invite(*, event: ClubEvent, actor: User | None) -> Invited:
    """Invites, by message, the active members the event is for who have not asked for a place: consent,
    quiet hours and the weekly cap are the messages app's; a member is invited once per event, whoever
    presses "Invite" again. Each batch is one transaction, so a crash leaves whole batches sent."""
    now = clock.now()
    if event.cancelled_at is not None:
        raise Conflict(_("this event is cancelled"), field="event")
    if now >= event.starts_at:
        raise Conflict(_("this event has started: registration is closed"), field="event")
    audience = list(eligible_members(event=event).values_list("pk", flat=True))
    queued = skipped = already = 0
    context = _invitation_context(event)
    for start in range(0, len(audience), INVITE_BATCH):
        with transaction.atomic(durable=True):
            members = list(
                Member.objects.filter(pk__in=audience[start : start + INVITE_BATCH]).order_by("pk")
            )
            keys = [invitation_key(event, member.pk) for member in members]
            before = set(
                Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True)
            )
            for message in messages_queue_many(
                kind=EVENT_INVITATION.code, members=members, context=context, keys=keys, occurred_at=now
            ):
                if message.idempotency_key in before:
                    already += 1
                elif message.status == MessageStatus.SKIPPED:
                    skipped += 1
                else:
                    queued += 1
    with transaction.atomic(durable=True):
        audit_change(actor=actor, action="club_event.invited", target=event, queued=queued, skipped=skipped)
    return Invited(queued=queued, skipped=skipped, already=already)


def eligible_members(*, event: ClubEvent) -> QuerySet[Member]:
    """The active members the event is for (its tiers, its segment; neither: everyone) who have not asked."""
    members = Member.objects.filter(status=MemberStatus.ACTIVE)
    if event.tiers or event.segment_id is not None:
        who = Q(pk__in=[])
        if event.tiers:
            who |= Q(pk__in=Account.objects.filter(tier__code__in=event.tiers).values("member_id"))
        if event.segment_id is not None:
            who |= Q(pk__in=SegmentMember.objects.filter(segment_id=event.segment_id).values("member_id"))
        members = members.filter(who)
    return members.exclude(pk__in=Registration.objects.filter(event=event).values("member_id"))


def _invitation_context(event: ClubEvent) -> dict[str, object]:
    """Its name and words in the member's language; its time is written in their zone by the message."""
    return {
        "title": InLanguages(event.name, event.name_translations),
        "description": InLanguages(event.description, event.description_translations),
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "place": event.place,
        "link": event.link,
    }
