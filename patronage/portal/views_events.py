"""The member's side of club events: the events they may come to, with their own place at each (a seat,
the waiting list) and a button to register, join the waiting list or cancel, and what they registered for.

Every page and action is the signed-in member's own: the member comes from the session, never from the
address, so no one reaches another member's registration. Times are shown in the member's zone
(access.member_required).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patronage.core import clock
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.names import in_reader_language
from patronage.members.models import Member
from patronage.portal.access import member_required
from patronage.segments.event_selectors import club_event_get, member_event_choices, member_registrations
from patronage.segments.event_services import registration_cancel, registration_request
from patronage.segments.models import ClubEvent, RegistrationStatus


@member_required
@require_GET
def events(request: HttpRequest, member: Member) -> HttpResponse:
    now = clock.now()
    coming = [
        {
            "event": event,
            "name": in_reader_language(event, "name"),
            "description": in_reader_language(event, "description"),
            "mine": mine,
            "left": max(event.capacity - event.registered, 0),
        }
        for event, mine in member_event_choices(member=member, now=now)
    ]
    past = [
        {"registration": registration, "name": in_reader_language(registration.event, "name")}
        for registration in member_registrations(member=member).filter(event__starts_at__lte=now)
    ]
    return render(request, "portal/events/events.html", {"member": member, "coming": coming, "past": past})


def _event_or_404(code: str) -> ClubEvent:
    try:
        return club_event_get(code=code)
    except NotFound as error:
        raise Http404(error.message) from error


@member_required
@require_POST
def event_register(request: HttpRequest, member: Member, code: str) -> HttpResponse:
    """A seat if one is free, else the waiting list; the member's own only."""
    event = _event_or_404(code)
    try:
        registration = registration_request(event=event, member=member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if registration.status == RegistrationStatus.WAITING:
            messages.info(
                request,
                _(
                    "The seats are taken: you are on the waiting list. A seat given back comes to you in turn."
                ),
            )
        else:
            messages.success(request, _("You are registered. See you there!"))
    return redirect("portal:events")


@member_required
@require_POST
def event_cancel(request: HttpRequest, member: Member, code: str) -> HttpResponse:
    """Gives the member's own seat (or place on the waiting list) back."""
    event = _event_or_404(code)
    try:
        registration_cancel(event=event, member=member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("portal:events")
