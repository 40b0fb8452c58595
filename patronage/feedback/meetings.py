"""Customer advisory meetings: a few chosen customers asked in person how the business looks through their
eyes. Planning one, inviting its guests (each gets a message, once), recording who came and what each said
(their timeline keeps it, and the case it follows up when one is chosen), and the meeting's own notes.

Each public service is one durable transaction. A cancelled meeting changes no more; cancelling tells the
guests who were still expected, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from patronage.care.models import Case
from patronage.care.services import case_note_within
from patronage.commerce.models import Store
from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages, business_zone
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.inputs import instant_refusal
from patronage.core.message_kinds import InLanguages
from patronage.core.models import User
from patronage.core.names import translations_clean, translations_merge
from patronage.feedback import timeline_kinds as kinds
from patronage.feedback.message_kinds import ADVISORY_MEETING_CANCELLED, ADVISORY_MEETING_INVITATION
from patronage.feedback.models import Attendance, Meeting, MeetingGuest, MeetingStatus
from patronage.feedback.survey_services import text_problems
from patronage.members.models import Member, MemberStatus
from patronage.members.services import timeline_record
from patronage.messages.message_services import message_queue

TITLE_MAX = 200
PLACE_MAX = 200
AGENDA_MAX = 5000
NOTES_MAX = 20_000
GUEST_NOTE_MAX = 5000
# One sending invites at most this many: an advisory meeting is a small group, not a campaign.
INVITE_MAX = 100
# Only a meeting that has begun can say who came.
AFTER_START = {Attendance.ATTENDED, Attendance.ABSENT}
# The guests a cancellation is news to: those who declined or never answered were not coming.
EXPECTED = (Attendance.INVITED, Attendance.ACCEPTED)


@dataclass(frozen=True)
class MeetingInput:
    title: str
    starts_at: datetime
    title_translations: Mapping[str, str] = field(default_factory=dict)
    place: str = ""
    store_id: int | None = None
    agenda: str = ""


def meeting_create(*, data: MeetingInput, actor: User | None) -> Meeting:
    """A planned meeting; every problem of the input is named at once."""
    store = _checked(data)
    now = clock.now()
    with transaction.atomic(durable=True):
        meeting = Meeting(created_by=actor, created_at=now, updated_at=now)
        _details_set(meeting, data, store)
        meeting.save()
        audit_change(actor=actor, action="meeting.created", target=meeting, title=meeting.title)
    return meeting


def meeting_update(*, meeting: Meeting, data: MeetingInput, actor: User | None) -> Meeting:
    """Its title, time, place and agenda; a cancelled meeting stays as it was."""
    store = _checked(data)
    with transaction.atomic(durable=True):
        meeting = _locked(meeting)
        _refuse_cancelled(meeting)
        _details_set(meeting, data, store)
        meeting.updated_at = clock.now()
        meeting.save()
        audit_change(actor=actor, action="meeting.changed", target=meeting, title=meeting.title)
    return meeting


def meeting_cancel(*, meeting: Meeting, actor: User | None) -> Meeting:
    """Cancels a planned meeting and tells each guest still expected; cancelling again tells no one."""
    with transaction.atomic(durable=True):
        meeting = _locked(meeting)
        if meeting.status == MeetingStatus.CANCELLED:
            return meeting
        if meeting.status == MeetingStatus.HELD:
            raise Conflict(_("the meeting has been held: it cannot be cancelled"), field="status")
        now = clock.now()
        meeting.status, meeting.updated_at = MeetingStatus.CANCELLED, now
        meeting.save(update_fields=["status", "updated_at"])
        for guest in meeting.guests.filter(attendance__in=EXPECTED).select_related("member"):
            message_queue(
                kind=ADVISORY_MEETING_CANCELLED.code,
                member=guest.member,
                context=_message_context(meeting),
                key=f"advisory_meeting_cancelled:{guest.pk}",
                occurred_at=now,
            )
        audit_change(actor=actor, action="meeting.cancelled", target=meeting)
    return meeting


def meeting_hold(*, meeting: Meeting, notes: str | None = None, actor: User | None) -> Meeting:
    """Marks a meeting that has begun as held, with what was said when given."""
    if notes is not None:
        notes = _notes_checked(notes)
    with transaction.atomic(durable=True):
        meeting = _locked(meeting)
        _refuse_cancelled(meeting)
        if meeting.starts_at > clock.now():
            raise Conflict(_("the meeting has not begun yet"), field="starts_at")
        meeting.status, meeting.updated_at = MeetingStatus.HELD, clock.now()
        if notes is not None:
            meeting.notes = notes
        meeting.save(update_fields=["status", "notes", "updated_at"])
        audit_change(actor=actor, action="meeting.held", target=meeting)
    return meeting


def meeting_notes_record(*, meeting: Meeting, notes: str, actor: User | None) -> Meeting:
    """The meeting's own notes: what was said, written during or after it."""
    notes = _notes_checked(notes)
    with transaction.atomic(durable=True):
        meeting = _locked(meeting)
        _refuse_cancelled(meeting)
        meeting.notes, meeting.updated_at = notes, clock.now()
        meeting.save(update_fields=["notes", "updated_at"])
        audit_change(actor=actor, action="meeting.notes", target=meeting)
    return meeting


def guests_invite(*, meeting: Meeting, members: Iterable[Member], actor: User | None) -> int:
    """Invites each active member not invited yet (a message and a timeline entry each); returns how many
    were new. Inviting someone again changes nothing."""
    chosen = list({member.pk: member for member in members}.values())
    if not chosen:
        raise ValidationFailed(_("choose at least one customer"), field="members")
    if len(chosen) > INVITE_MAX:
        raise ValidationFailed(
            _("at most %(max)d customers at a time") % {"max": INVITE_MAX}, field="members"
        )
    if inactive := [member for member in chosen if member.status != MemberStatus.ACTIVE]:
        raise ValidationFailed(
            _("%(name)s is not an active customer") % {"name": inactive[0].name}, field="members"
        )
    with transaction.atomic(durable=True):
        # Locked so that two people inviting at once queue up rather than both adding the same guest.
        meeting = _locked(meeting)
        if meeting.status != MeetingStatus.PLANNED:
            raise Conflict(_("only a planned meeting takes new guests"), field="status")
        already = set(meeting.guests.values_list("member_id", flat=True))
        invited = [member for member in chosen if member.pk not in already]
        for member in invited:
            _invite(meeting, member)
        audit_change(actor=actor, action="meeting.invited", target=meeting, invited=len(invited))
    return len(invited)


def guest_attendance_set(*, guest: MeetingGuest, attendance: str, actor: User | None) -> MeetingGuest:
    """Their answer to the invitation, or (once the meeting has begun) whether they came."""
    if attendance not in Attendance.values:
        raise ValidationFailed(
            _("choose one of: %(kinds)s") % {"kinds": ", ".join(Attendance.values)}, field="attendance"
        )
    with transaction.atomic(durable=True):
        guest = _guest_locked(guest)
        _refuse_cancelled(guest.meeting)
        if attendance in AFTER_START and guest.meeting.starts_at > clock.now():
            raise Conflict(_("the meeting has not begun yet: no one has come"), field="attendance")
        guest.attendance, guest.updated_at = attendance, clock.now()
        guest.save(update_fields=["attendance", "updated_at"])
        if attendance == Attendance.ATTENDED:
            timeline_record(
                member=guest.member,
                kind=kinds.MEETING_ATTENDED.code,
                occurred_at=guest.meeting.starts_at,
                data=_timeline_data(guest.meeting),
                source=guest,
                actor=actor,
                dedupe_key=f"meeting_attended:{guest.pk}",
            )
        audit_change(actor=actor, action="meeting.attendance", target=guest.meeting, guest=guest.member_id)
    return guest


def guest_note_record(
    *, guest: MeetingGuest, note: str, case: Case | None = None, actor: User | None
) -> MeetingGuest:
    """What the guest said: on their timeline and, when a case of theirs is chosen, an internal note on it."""
    note = note.strip()
    problems = text_problems("note", note, GUEST_NOTE_MAX, required=True)
    if case is not None and case.member_id != guest.member_id:
        problems.append(("case", _("choose one of this customer's own cases")))
    if problems:
        raise ValidationFailed.every(problems)
    with transaction.atomic(durable=True):
        guest = _guest_locked(guest)
        meeting = guest.meeting
        _refuse_cancelled(meeting)
        if note == guest.note and (case is None or case.pk == guest.case_id):
            return guest
        now = clock.now()
        guest.note, guest.updated_at = note, now
        guest.case = case or guest.case
        guest.save(update_fields=["note", "case", "updated_at"])
        timeline_record(
            member=guest.member,
            kind=kinds.MEETING_NOTE.code,
            occurred_at=now,
            summary=note,
            data={**_timeline_data(meeting), "note": note},
            source=guest,
            actor=actor,
        )
        if case is not None:
            case_note_within(case=case, body=_case_note(meeting, note), actor=actor)
        audit_change(actor=actor, action="meeting.note", target=meeting, guest=guest.member_id)
    return guest


# Helpers


def _checked(data: MeetingInput) -> Store | None:
    """The meeting's store; raises naming every problem of the input."""
    problems = text_problems("title", data.title, TITLE_MAX, required=True)
    problems += translations_clean(
        data.title_translations,
        field="title_translations",
        languages=business_languages(),
        max_length=TITLE_MAX,
    )[1]
    problems += text_problems("place", data.place, PLACE_MAX)
    problems += text_problems("agenda", data.agenda, AGENDA_MAX)
    if refusal := instant_refusal(data.starts_at):
        problems.append(("starts_at", refusal.message()))
    store = None
    if data.store_id is not None:
        store = Store.objects.filter(pk=data.store_id).first()
        if store is None:
            problems.append(("store", _("no store with this id")))
    if problems:
        raise ValidationFailed.every(problems)
    return store


def _details_set(meeting: Meeting, data: MeetingInput, store: Store | None) -> None:
    languages = business_languages()
    given = translations_clean(
        data.title_translations, field="title_translations", languages=languages, max_length=TITLE_MAX
    )[0]
    meeting.title = data.title.strip()
    meeting.title_translations = translations_merge(
        meeting.title_translations, given, main_language=languages[0]
    )
    meeting.starts_at, meeting.store = data.starts_at, store
    meeting.place, meeting.agenda = data.place.strip(), data.agenda.strip()


def _notes_checked(notes: str) -> str:
    if problems := text_problems("notes", notes, NOTES_MAX):
        raise ValidationFailed.every(problems)
    return notes.strip()


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _guest_locked(guest: MeetingGuest) -> MeetingGuest:
    return (
        MeetingGuest.objects.select_for_update(of=("self",))
        .select_related("meeting", "member")
        .get(pk=guest.pk)
    )


def _refuse_cancelled(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("the meeting is cancelled: it changes no more"), field="status")


def _message_context(meeting: Meeting) -> dict[str, object]:
    """Its title in the guest's language; its time is written in their zone and language by the message."""
    return {
        "title": InLanguages(meeting.title, meeting.title_translations),
        "starts_at": meeting.starts_at,
        "place": meeting.where,
    }


def _timeline_data(meeting: Meeting) -> dict[str, object]:
    return {"meeting": meeting.pk, "title": meeting.title, "titles": meeting.title_translations}


def _invite(meeting: Meeting, member: Member) -> None:
    now = clock.now()
    guest = MeetingGuest.objects.create(meeting=meeting, member=member, invited_at=now, updated_at=now)
    message_queue(
        kind=ADVISORY_MEETING_INVITATION.code,
        member=member,
        context={**_message_context(meeting), "agenda": meeting.agenda},
        key=f"advisory_meeting_invitation:{guest.pk}",
        occurred_at=now,
        new=True,
    )
    timeline_record(
        member=member,
        kind=kinds.MEETING_INVITED.code,
        occurred_at=now,
        data=_timeline_data(meeting),
        source=guest,
        dedupe_key=f"meeting_invited:{guest.pk}",
    )


def _case_note(meeting: Meeting, note: str) -> str:
    """The case's note names the meeting and its day on the business's clock, in the writer's language."""
    day = date_format(timezone.localtime(meeting.starts_at, business_zone()), "DATE_FORMAT")
    return _("At the advisory meeting “%(title)s” on %(day)s: %(note)s") % {
        "title": meeting.title,
        "day": day,
        "note": note,
    }
