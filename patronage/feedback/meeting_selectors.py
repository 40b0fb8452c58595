"""Reading advisory meetings: the list (the coming ones first, soonest first, then the past ones, latest
first), one meeting with its guests and how many of them answered or came, and a customer's meetings."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Count, Q, QuerySet, When
from django.utils.translation import gettext as _

from patronage.care.models import Case
from patronage.core import clock
from patronage.core.errors import NotFound
from patronage.feedback.models import Attendance, Meeting, MeetingGuest

# A guest's note offers this many of their latest cases to follow up.
GUEST_CASES = 20


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    guests: list[MeetingGuest]
    # Every attendance value, in its order, with how many guests have it (0 included).
    counts: list[tuple[Attendance, int]]
    # Each guest's member id -> their latest cases, for the note's choice of case.
    cases: dict[int, list[Case]]


def meeting_get(*, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("store").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(_("no meeting with this id"), field="meeting")
    return meeting


def meeting_guest_get(*, meeting: Meeting, guest_id: int) -> MeetingGuest:
    """A guest of this meeting; another meeting's guest is not found."""
    guest = (
        MeetingGuest.objects.select_related("meeting", "member").filter(pk=guest_id, meeting=meeting).first()
    )
    if guest is None:
        raise NotFound(_("no guest with this id at this meeting"), field="guest")
    return guest


def meeting_list(*, now: datetime | None = None) -> QuerySet[Meeting]:
    """Every meeting with its number of guests and of those who came: the coming ones first, soonest first,
    then the past ones, latest first."""
    now = now or clock.now()
    coming_first = models.Case(When(starts_at__gte=now, then=0), default=1)
    coming_soonest = models.Case(When(starts_at__gte=now, then="starts_at"), default=None)
    return (
        Meeting.objects.select_related("store")
        .annotate(
            guest_count=Count("guests"),
            attended_count=Count("guests", filter=Q(guests__attendance=Attendance.ATTENDED)),
        )
        .order_by(coming_first, coming_soonest.asc(nulls_last=True), "-starts_at", "-pk")
    )


def meeting_page(*, meeting: Meeting) -> MeetingPage:
    """The meeting, its guests by name, the counts by attendance and each guest's latest cases."""
    guests = list(meeting.guests.select_related("member", "case").order_by("member__name", "pk"))
    by_attendance = Counter(guest.attendance for guest in guests)
    cases: dict[int, list[Case]] = defaultdict(list)
    member_ids = [guest.member_id for guest in guests]
    for case in Case.objects.filter(member_id__in=member_ids).order_by("-created_at", "-pk"):
        if case.member_id is not None and len(cases[case.member_id]) < GUEST_CASES:
            cases[case.member_id].append(case)
    return MeetingPage(
        meeting=meeting,
        guests=guests,
        counts=[(Attendance(value), by_attendance[value]) for value in Attendance.values],
        cases=dict(cases),
    )


def guest_cases(*, member_id: int) -> list[Case]:
    """A guest's latest cases: those their note may follow up."""
    return list(Case.objects.filter(member_id=member_id).order_by("-created_at", "-pk")[:GUEST_CASES])


def member_meetings(*, member_id: int) -> QuerySet[MeetingGuest]:
    """The meetings a customer was invited to, the latest first, with their answer or attendance."""
    return (
        MeetingGuest.objects.filter(member_id=member_id)
        .select_related("meeting")
        .order_by("-meeting__starts_at", "-pk")
    )
