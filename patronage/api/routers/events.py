"""Club events for a booking system or the door: define an event, register members (a seat or the waiting
list), cancel, check in. Each endpoint parses, checks the scope, and calls one service or selector of
patronage.segments.
"""

# No `from __future__ import annotations` here: ninja reads the parameters' annotations at import time.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.segments import ClubEventIn, ClubEventOut, RegistrationIn, RegistrationOut
from patronage.members.selectors import member_get
from patronage.segments.event_selectors import club_event_get, club_event_list, event_registrations
from patronage.segments.event_services import (
    ClubEventInput,
    check_in,
    club_event_create,
    registration_cancel,
    registration_request,
)
from patronage.segments.models import ClubEvent, Registration

router = Router(tags=["events"])

READ = require_scope("segments:read")
WRITE = require_scope("events:write")


@router.post("/events", response={201: ClubEventOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def create_event(request: HttpRequest, payload: ClubEventIn) -> Status[ClubEvent]:
    """Defines an event open for registration (201). A code in use is 409; unknown tiers or segment 422."""
    data = ClubEventInput(
        code=payload.code,
        kind=payload.kind,
        name=payload.name,
        name_translations=payload.name_translations or {},
        description=payload.description,
        place=payload.place,
        link=payload.link,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        capacity=payload.capacity,
        tiers=payload.tiers,
        segment=payload.segment or "",
        program=payload.program or "",
        attendance_points=payload.attendance_points,
    )
    created = club_event_create(data=data, actor=acting_user(request))
    return Status(201, club_event_get(event_id=created.pk))


@router.get("/events", response={200: list[ClubEventOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_events(request: HttpRequest) -> QuerySet[ClubEvent]:
    """The soonest first."""
    return club_event_list()


@router.get("/events/{event_id}", response={200: ClubEventOut, PROBLEM_STATUSES: Problem}, auth=READ)
def get_event(request: HttpRequest, event_id: PathId) -> ClubEvent:
    return club_event_get(event_id=event_id)


@router.get(
    "/events/{event_id}/registrations",
    response={200: list[RegistrationOut], PROBLEM_STATUSES: Problem},
    auth=READ,
)
@paginate(LimitOffset)
def list_registrations(request: HttpRequest, event_id: PathId) -> QuerySet[Registration]:
    """Everyone who asked, in the order they asked: the waiting list's order."""
    return event_registrations(event=club_event_get(event_id=event_id))


@router.post(
    "/events/{event_id}/registrations", response={200: RegistrationOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def register(request: HttpRequest, event_id: PathId, payload: RegistrationIn) -> Registration:
    """A seat if one is free, else the waiting list (`status` says which); again changes nothing. Not for
    this member (its tiers or segment): 403; cancelled or started: 409."""
    member = member_get(member_id=payload.member)
    return registration_request(
        event=club_event_get(event_id=event_id), member=member, actor=acting_user(request)
    )


@router.post(
    "/events/{event_id}/cancellations", response={200: RegistrationOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def cancel_registration(request: HttpRequest, event_id: PathId, payload: RegistrationIn) -> Registration:
    """Gives the member's seat back (it goes to the first who waits) or takes them off the list."""
    member = member_get(member_id=payload.member)
    return registration_cancel(
        event=club_event_get(event_id=event_id), member=member, actor=acting_user(request)
    )


@router.post(
    "/events/{event_id}/check-ins", response={200: RegistrationOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def check_in_member(request: HttpRequest, event_id: PathId, payload: RegistrationIn) -> Registration:
    """Marks a member with a seat as come; again changes nothing. Without a seat: 409."""
    member = member_get(member_id=payload.member)
    return check_in(event=club_event_get(event_id=event_id), member=member, actor=acting_user(request))
