"""Advisory meetings as a manager runs them: planning, inviting once, the invitation in the guest's language and
clock, who came, what each said (on their timeline and their case), the meeting's notes, and cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from patronage.care.models import Case, CaseEntry, EntryKind
from patronage.care.services import CaseInput, case_open
from patronage.conftest import business_set
from patronage.core.errors import Conflict, ValidationFailed
from patronage.feedback.meeting_selectors import meeting_list, meeting_page, member_meetings
from patronage.feedback.meetings import (
    MeetingInput,
    guest_attendance_set,
    guest_note_record,
    guests_invite,
    meeting_cancel,
    meeting_create,
    meeting_hold,
    meeting_notes_record,
    meeting_update,
)
from patronage.feedback.models import Attendance, Meeting, MeetingGuest, MeetingStatus
from patronage.members.models import Member, TimelineEvent
from patronage.members.services import IdentityInput, member_create
from patronage.messages.models import Message

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
# 20 March 2027, 14:00 in Seoul.
STARTS = datetime(2027, 3, 20, 5, 0, tzinfo=UTC)


def _meeting(**fields: Any) -> Meeting:
    data = {
        "title": "Spring tasting panel",
        "title_translations": {"ko": "봄 시음회"},
        "starts_at": STARTS,
        "place": "Gangnam store, 2nd floor",
        "agenda": "The new seasonal menu",
        **fields,
    }
    with time_machine.travel(NOW, tick=False):
        return meeting_create(data=MeetingInput(**data), actor=None)


def _invited(meeting: Meeting, *members: Member) -> list[MeetingGuest]:
    with time_machine.travel(NOW, tick=False):
        guests_invite(meeting=meeting, members=members, actor=None)
    return list(meeting.guests.order_by("pk"))


def _case(member: Member) -> Case:
    return case_open(
        data=CaseInput(type="complaint", channel="api", summary="Cold latte", member=member)
    ).case


def test_a_meeting_is_planned_with_its_title_in_two_languages():
    meeting = _meeting()
    assert meeting.status == MeetingStatus.PLANNED
    assert (meeting.title, meeting.title_translations) == ("Spring tasting panel", {"ko": "봄 시음회"})


def test_a_bad_meeting_names_every_field_and_saves_nothing():
    with pytest.raises(ValidationFailed) as refused:
        _meeting(title=" ", place="x" * 201, title_translations={"xx": "?"}, starts_at=datetime(2027, 3, 20))
    fields = {error["field"] for error in refused.value.errors}
    assert fields == {"title", "place", "title_translations.xx", "starts_at"}
    assert not Meeting.objects.exists()


def test_a_store_that_does_not_exist_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        _meeting(store_id=9999)
    assert refused.value.field == "store"


def test_inviting_twice_adds_each_guest_and_sends_each_message_once(alice, bob):
    meeting = _meeting()
    with time_machine.travel(NOW, tick=False):
        assert guests_invite(meeting=meeting, members=[alice], actor=None) == 1
        assert guests_invite(meeting=meeting, members=[alice, bob], actor=None) == 1
    assert meeting.guests.count() == 2
    assert Message.objects.filter(kind="advisory_meeting_invitation").count() == 2
    assert TimelineEvent.objects.filter(member=alice, kind="meeting_invited").count() == 1


def test_the_invitation_gives_the_time_on_the_guests_clock_in_their_language(alice):
    alice.locale, alice.time_zone = "ko", "Asia/Seoul"
    alice.save(update_fields=["locale", "time_zone"])
    _invited(_meeting(), alice)
    message = Message.objects.get(kind="advisory_meeting_invitation", member=alice)
    assert "봄 시음회" in message.subject
    assert "2027. 3. 20. 오후 2:00" in message.text_body
    assert "Gangnam store, 2nd floor" in message.text_body


def _invited_alice(alice: Member) -> MeetingGuest:
    return _invited(_meeting(), alice)[0]


def test_a_cancelled_meeting_takes_no_guests(alice):
    meeting = _meeting()
    meeting_cancel(meeting=meeting, actor=None)
    with pytest.raises(Conflict):
        guests_invite(meeting=meeting, members=[alice], actor=None)
    assert not meeting.guests.exists()


def test_attendance_before_the_meeting_is_an_answer_after_it_whether_they_came(alice):
    guest = _invited_alice(alice)
    with time_machine.travel(NOW, tick=False):
        guest_attendance_set(guest=guest, attendance=Attendance.ACCEPTED, actor=None)
        with pytest.raises(Conflict) as refused:
            guest_attendance_set(guest=guest, attendance=Attendance.ATTENDED, actor=None)
    assert refused.value.field == "attendance"
    with time_machine.travel(STARTS + timedelta(hours=2), tick=False):
        guest_attendance_set(guest=guest, attendance=Attendance.ATTENDED, actor=None)
        guest_attendance_set(guest=guest, attendance=Attendance.ATTENDED, actor=None)
    guest.refresh_from_db()
    assert guest.attendance == Attendance.ATTENDED
    assert TimelineEvent.objects.filter(member=alice, kind="meeting_attended").count() == 1


def test_an_unknown_attendance_names_the_field(alice):
    with pytest.raises(ValidationFailed) as refused:
        guest_attendance_set(guest=_invited_alice(alice), attendance="maybe", actor=None)
    assert refused.value.field == "attendance"


def test_a_guests_note_goes_on_their_timeline_and_as_an_internal_note_on_their_case(alice, manager):
    guest = _invited_alice(alice)
    case = _case(alice)
    guest_note_record(guest=guest, note="The oat latte is too sweet", case=case, actor=manager)
    guest.refresh_from_db()
    assert (guest.note, guest.case) == ("The oat latte is too sweet", case)
    event = TimelineEvent.objects.get(member=alice, kind="meeting_note")
    assert event.data["note"] == "The oat latte is too sweet"
    entry = CaseEntry.objects.get(case=case, kind=EntryKind.NOTE)
    assert "Spring tasting panel" in entry.body
    assert "The oat latte is too sweet" in entry.body
    assert not entry.public


def test_the_same_note_again_writes_nothing_more(alice):
    guest = _invited_alice(alice)
    guest_note_record(guest=guest, note="More seats, please", actor=None)
    guest_note_record(guest=guest, note="More seats, please", actor=None)
    assert TimelineEvent.objects.filter(member=alice, kind="meeting_note").count() == 1


def test_another_customers_case_is_refused_and_nothing_is_written(alice, bob):
    guest = _invited_alice(alice)
    bobs = _case(bob)
    with pytest.raises(ValidationFailed) as refused:
        guest_note_record(guest=guest, note="Too sweet", case=bobs, actor=None)
    assert refused.value.field == "case"
    guest.refresh_from_db()
    assert guest.note == ""
    assert not CaseEntry.objects.filter(case=bobs, kind=EntryKind.NOTE).exists()
    assert not TimelineEvent.objects.filter(kind="meeting_note").exists()


def test_an_empty_note_is_refused(alice):
    with pytest.raises(ValidationFailed) as refused:
        guest_note_record(guest=_invited_alice(alice), note="  ", actor=None)
    assert refused.value.field == "note"


def test_cancelling_tells_the_expected_guests_once(alice, bob, admin):
    meeting = _meeting()
    carol = member_create(
        actor=None, identities=[IdentityInput("email", "carol@example.com")], profile={"name": "Carol"}
    )
    _alices, bobs, carols = _invited(meeting, alice, bob, carol)
    guest_attendance_set(guest=bobs, attendance=Attendance.DECLINED, actor=None)
    guest_attendance_set(guest=carols, attendance=Attendance.ACCEPTED, actor=None)
    with time_machine.travel(NOW, tick=False):
        meeting_cancel(meeting=meeting, actor=admin)
        meeting_cancel(meeting=meeting, actor=admin)
    told = Message.objects.filter(kind="advisory_meeting_cancelled")
    assert sorted(told.values_list("member__name", flat=True)) == ["Alice Kim", "Carol"]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_a_cancelled_meeting_changes_no_more(alice):
    guest = _invited_alice(alice)
    meeting_cancel(meeting=guest.meeting, actor=None)
    with pytest.raises(Conflict):
        guest_note_record(guest=guest, note="Too sweet", actor=None)
    with pytest.raises(Conflict):
        meeting_update(meeting=guest.meeting, data=MeetingInput(title="Again", starts_at=STARTS), actor=None)


def test_a_meeting_is_held_once_it_has_begun_with_its_notes():
    meeting = _meeting()
    with time_machine.travel(NOW, tick=False), pytest.raises(Conflict):
        meeting_hold(meeting=meeting, notes="Too early", actor=None)
    with time_machine.travel(STARTS + timedelta(hours=3), tick=False):
        meeting_hold(meeting=meeting, notes="Everyone asked for oat milk", actor=None)
        meeting_notes_record(meeting=meeting, notes="Everyone asked for oat milk; two for decaf", actor=None)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.notes == "Everyone asked for oat milk; two for decaf"
    with pytest.raises(Conflict):
        meeting_cancel(meeting=meeting, actor=None)


def test_the_list_shows_the_coming_meetings_soonest_first_then_the_past_latest_first():
    titles = {}
    for days in (-30, 40, -2, 10):
        titles[days] = _meeting(title=f"in {days} days", starts_at=NOW + timedelta(days=days)).title
    assert [m.title for m in meeting_list(now=NOW)] == [titles[10], titles[40], titles[-2], titles[-30]]


def test_a_meetings_page_counts_its_guests_by_attendance_and_offers_each_their_own_cases(alice, bob):
    meeting = _meeting()
    alices, _bobs = _invited(meeting, alice, bob)
    guest_attendance_set(guest=alices, attendance=Attendance.ACCEPTED, actor=None)
    case = _case(alice)
    page = meeting_page(meeting=meeting)
    assert dict(page.counts)[Attendance.ACCEPTED] == 1
    assert dict(page.counts)[Attendance.INVITED] == 1
    assert page.cases == {alice.pk: [case]}
    assert [guest.meeting for guest in member_meetings(member_id=alice.pk)] == [meeting]


def test_the_case_note_names_the_day_on_the_business_clock(alice):
    business_set(time_zone="Pacific/Kiritimati")  # UTC+14: the meeting's day there is the next day
    guest = _invited(_meeting(starts_at=datetime(2027, 3, 20, 12, 0, tzinfo=UTC)), alice)[0]
    case = _case(alice)
    guest_note_record(guest=guest, note="Too sweet", case=case, actor=None)
    assert "Mar 21, 2027" in CaseEntry.objects.get(case=case, kind=EntryKind.NOTE).body
