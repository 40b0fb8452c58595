"""Club events: the list (coming and past, seats taken and who waits), the form, an event's page with its
registrations (seats, the waiting list in its order, cancelled, come), cancelling it, inviting the members it
is for, and the door's check-in page, made for a phone: find a guest by name, card number or e-mail and
check them in with one tap (htmx swaps their row).

Reading needs the right to see segments or to hold events; changing anything, the right to hold events.
Each action parses its form, calls one events service and goes back with a message; a refusal shows the
form again as sent, each error on its input.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.console.access import acting_user, staff_required
from patronage.console.event_forms import ClubEventForm, event_initial
from patronage.core import clock
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.names import in_reader_language
from patronage.members.models import Member
from patronage.segments.event_selectors import (
    club_event_get,
    club_events_past,
    club_events_upcoming,
    door_list,
    event_registrations,
)
from patronage.segments.event_services import (
    check_in,
    club_event_cancel,
    club_event_create,
    club_event_update,
    event_invite,
)
from patronage.segments.models import ClubEvent, Registration, RegistrationStatus
from patronage.segments.permissions import EVENTS_MANAGE, SEGMENTS_VIEW

PAST_PER_PAGE = 20
DOOR_SHOWN = 50  # guests listed at once on the door's page; a search finds the others


def _event_or_404(code: str) -> ClubEvent:
    try:
        return club_event_get(code=code)
    except NotFound as error:
        raise Http404(error.message) from error


def _back(event: ClubEvent) -> HttpResponse:
    return redirect(reverse("console:event_detail", args=[event.code]))


def _may_manage(request: HttpRequest) -> bool:
    return acting_user(request).has_staff_perm(EVENTS_MANAGE)


def _named(event: ClubEvent) -> dict[str, Any]:
    return {"event": event, "name": in_reader_language(event, "name")}


# --- the list ----------------------------------------------------------------------------------------------


@staff_required(SEGMENTS_VIEW, EVENTS_MANAGE)
@require_GET
def event_list_page(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    past = Paginator(club_events_past(now=now), PAST_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "upcoming": [_named(event) for event in club_events_upcoming(now=now)],
        "past": [_named(event) for event in past.object_list],
        "page": past,
        "may_manage": _may_manage(request),
    }
    return render(request, "console/events/list.html", context)


# --- the form ----------------------------------------------------------------------------------------------


@staff_required(EVENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    return _event_form(request, None)


@staff_required(EVENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, code: str) -> HttpResponse:
    event = _event_or_404(code)
    if event.cancelled_at is not None:
        messages.error(request, _("A cancelled event cannot be changed."))
        return _back(event)
    return _event_form(request, event)


def _event_form(request: HttpRequest, event: ClubEvent | None) -> HttpResponse:
    initial = event_initial(event) if event else None
    if request.method == "GET":
        return _form_page(request, event, ClubEventForm(initial=initial, event=event))
    form = ClubEventForm(request.POST, initial=initial, event=event)
    status = 400
    if form.is_valid():
        actor = acting_user(request)
        try:
            if event is None:
                event = club_event_create(data=form.event_input(), actor=actor)
            else:
                event = club_event_update(event=event, data=form.event_input(), actor=actor)
        except ApplicationError as error:
            messages.error(request, _("The event is not saved: see what is marked below."))
            form.add_service_error(error)
            if not form.errors:  # about no input of the form (cancelled meanwhile)
                form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("The event is saved: members it is for may register."))
            return _back(event)
    else:
        messages.error(request, _("The event is not saved: see what is marked below."))
    return _form_page(request, event, form, status=status)


def _form_page(
    request: HttpRequest, event: ClubEvent | None, form: ClubEventForm, *, status: int = 200
) -> HttpResponse:
    return render(request, "console/events/form.html", {"event": event, "form": form}, status=status)


# --- an event's page ---------------------------------------------------------------------------------------


@staff_required(SEGMENTS_VIEW, EVENTS_MANAGE)
@require_GET
def event_detail(request: HttpRequest, code: str) -> HttpResponse:
    event = _event_or_404(code)
    groups: dict[str, list[Registration]] = {status: [] for status in RegistrationStatus.values}
    for registration in event_registrations(event=event):
        groups[registration.status].append(registration)
    now = clock.now()
    context = {
        **_named(event),
        "description": in_reader_language(event, "description"),
        "segment_name": in_reader_language(event.segment, "name") if event.segment else "",
        "program_name": in_reader_language(event.program, "name") if event.program else "",
        "registered": groups[RegistrationStatus.REGISTERED],
        "waiting": groups[RegistrationStatus.WAITING],
        "attended": groups[RegistrationStatus.ATTENDED],
        "cancelled": groups[RegistrationStatus.CANCELLED],
        "may_manage": _may_manage(request),
        "open": event.cancelled_at is None and now < event.starts_at,
        "live": event.cancelled_at is None and now < event.ends_at,
    }
    return render(request, "console/events/detail.html", context)


@staff_required(EVENTS_MANAGE)
@require_POST
def event_cancel_view(request: HttpRequest, code: str) -> HttpResponse:
    event = _event_or_404(code)
    club_event_cancel(event=event, actor=acting_user(request))
    messages.success(request, _("The event is cancelled: no one may register any more."))
    return _back(event)


@staff_required(EVENTS_MANAGE)
@require_POST
def event_invite_view(request: HttpRequest, code: str) -> HttpResponse:
    event = _event_or_404(code)
    try:
        invited = event_invite(event=event, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(event)
    words = [
        ngettext(
            "%(count)d invitation is on its way.", "%(count)d invitations are on their way.", invited.queued
        )
        % {"count": invited.queued}
    ]
    if invited.skipped:
        words.append(
            ngettext(
                "%(count)d member is not written to (no consent or no address).",
                "%(count)d members are not written to (no consent or no address).",
                invited.skipped,
            )
            % {"count": invited.skipped}
        )
    if invited.already:
        words.append(
            ngettext(
                "%(count)d member was invited before.",
                "%(count)d members were invited before.",
                invited.already,
            )
            % {"count": invited.already}
        )
    messages.success(request, " ".join(words))
    return _back(event)


# --- the door ----------------------------------------------------------------------------------------------


@staff_required(EVENTS_MANAGE)
@require_GET
def event_door(request: HttpRequest, code: str) -> HttpResponse:
    """The check-in page; with htmx, only the list of guests found (the search box asks as one types)."""
    event = _event_or_404(code)
    query = request.GET.get("q", "")[:100]
    found = door_list(event=event, query=query)
    context = {
        **_named(event),
        "query": query,
        "guests": list(found[:DOOR_SHOWN]),
        "more": max(found.count() - DOOR_SHOWN, 0),
        "come": event_registrations(event=event).filter(status=RegistrationStatus.ATTENDED).count(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "console/events/_door_guests.html", context)
    return render(request, "console/events/door.html", context)


@staff_required(EVENTS_MANAGE)
@require_POST
def event_check_in(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    """One tap: the guest is come (again: they were already). With htmx, their row; else the door's page."""
    event = _event_or_404(code)
    registration = event_registrations(event=event).filter(member_id=member_id).first()
    member = registration.member if registration else Member.objects.filter(pk=member_id).first()
    already = registration is not None and registration.status == RegistrationStatus.ATTENDED
    error = ""
    if member is None:
        raise Http404(_("no such customer"))
    try:
        registration = check_in(event=event, member=member, actor=acting_user(request))
    except ApplicationError as refused:
        error = refused.message
    if request.headers.get("HX-Request"):
        come = event_registrations(event=event).filter(status=RegistrationStatus.ATTENDED).count()
        context = {
            "event": event,
            "guest": registration,
            "already": already,
            "error": error,
            "come": come,
            "oob": True,  # the count of those come, swapped in beside the row
        }
        return render(request, "console/events/_door_guest.html", context)  # htmx swaps a 200 only
    if error:
        messages.error(request, error)
    elif already:
        messages.info(request, _("%(name)s was already checked in.") % {"name": member.name})
    else:
        messages.success(request, _("%(name)s is checked in.") % {"name": member.name})
    return redirect(reverse("console:event_door", args=[event.code]))
