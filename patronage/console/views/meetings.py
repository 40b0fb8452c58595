"""Advisory meetings, beside the surveys: the list, planning one, and a meeting's page (inviting customers
found as the customer list finds them, each guest's answer, attendance and note, the meeting's notes, holding
and cancelling it).

Reading needs the right to read survey results; everything else the right to manage surveys. Each action
parses its form, calls one feedback service and goes back to the meeting with a message; a refusal shows
the page again with the form as sent and the error on its input, nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.care.permissions import CASES_WORK
from patronage.console.access import acting_user, staff_required
from patronage.console.case_file import store_list
from patronage.console.forms import ServiceForm
from patronage.console.meeting_forms import (
    FOUND_MAX,
    AttendanceForm,
    FindForm,
    GuestNoteForm,
    InviteForm,
    MeetingForm,
    MeetingNotesForm,
    meeting_initial,
)
from patronage.core.errors import ApplicationError, NotFound
from patronage.feedback.meeting_selectors import (
    MeetingPage,
    guest_cases,
    meeting_get,
    meeting_guest_get,
    meeting_list,
    meeting_page,
)
from patronage.feedback.meetings import (
    guest_attendance_set,
    guest_note_record,
    guests_invite,
    meeting_cancel,
    meeting_create,
    meeting_hold,
    meeting_notes_record,
    meeting_update,
)
from patronage.feedback.models import Meeting, MeetingGuest, MeetingStatus
from patronage.feedback.permissions import RESULTS_VIEW, SURVEYS_MANAGE
from patronage.feedback.survey_overview import members_matching

MEETINGS_PER_PAGE = 25


def _meeting_or_404(meeting_id: int) -> Meeting:
    try:
        return meeting_get(meeting_id=meeting_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _guest_or_404(meeting: Meeting, guest_id: int) -> MeetingGuest:
    try:
        return meeting_guest_get(meeting=meeting, guest_id=guest_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _back(meeting: Meeting, part: str = "") -> HttpResponse:
    return redirect(reverse("console:meeting", args=[meeting.pk]) + (f"#{part}" if part else ""))


def _guest_prefix(guest: MeetingGuest) -> str:
    return f"guest-{guest.pk}"


@staff_required(RESULTS_VIEW, SURVEYS_MANAGE)
@require_GET
def meeting_list_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(meeting_list(), MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "may_manage": acting_user(request).has_staff_perm(SURVEYS_MANAGE)}
    return render(request, "console/surveys/meetings/list.html", context)


@staff_required(SURVEYS_MANAGE)
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    return _meeting_form(request, None)


@staff_required(SURVEYS_MANAGE)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_form(request, _meeting_or_404(meeting_id))


def _meeting_form(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    initial = meeting_initial(meeting) if meeting else None
    if request.method == "GET":
        form = MeetingForm(initial=initial, stores=store_list())
        return render(request, "console/surveys/meetings/form.html", {"meeting": meeting, "form": form})
    form = MeetingForm(request.POST, initial=initial, stores=store_list())
    status = 400
    if form.is_valid():
        actor = acting_user(request)
        try:
            if meeting is None:
                meeting = meeting_create(data=form.meeting_input(), actor=actor)
            else:
                meeting = meeting_update(meeting=meeting, data=form.meeting_input(), actor=actor)
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(request, _("The meeting is saved."))
            return _back(meeting)
    context = {"meeting": meeting, "form": form}
    return render(request, "console/surveys/meetings/form.html", context, status=status)


@staff_required(RESULTS_VIEW, SURVEYS_MANAGE)
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_page(request, _meeting_or_404(meeting_id))


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    status: int = 200,
    bound: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    """The meeting; for a manager, each form fresh or (the one that failed) as it was sent."""
    bound = bound or {}
    user = acting_user(request)
    page = meeting_page(meeting=meeting)
    may_manage = user.has_staff_perm(SURVEYS_MANAGE)
    context: dict[str, Any] = {
        "meeting": meeting,
        "page": page,
        "may_manage": may_manage,
        "may_work_cases": user.has_staff_perm(CASES_WORK),
        "planned": meeting.status == MeetingStatus.PLANNED,
        "cancelled": meeting.status == MeetingStatus.CANCELLED,
    }
    if may_manage and meeting.status != MeetingStatus.CANCELLED:
        context.update(_manager_forms(request, page, bound))
    return render(request, "console/surveys/meetings/detail.html", context, status=status)


def _manager_forms(request: HttpRequest, page: MeetingPage, bound: dict[str, forms.Form]) -> dict[str, Any]:
    find = FindForm(request.GET)
    search = find.cleaned_data["find"].strip() if find.is_valid() else ""
    invited = [guest.member_id for guest in page.guests]
    found = (
        list(members_matching(filters={"search": search}).exclude(pk__in=invited)[:FOUND_MAX])
        if search
        else []
    )
    guest_forms = [
        (
            guest,
            bound.get(f"attendance-{guest.pk}")
            or AttendanceForm(initial={"attendance": guest.attendance}, prefix=_guest_prefix(guest)),
            bound.get(f"note-{guest.pk}")
            or GuestNoteForm(
                initial={"note": guest.note, "case": str(guest.case_id or "")},
                cases=page.cases.get(guest.member_id, []),
                prefix=_guest_prefix(guest),
            ),
        )
        for guest in page.guests
    ]
    return {
        "find_form": find,
        "searched": bool(search),
        "found": found,
        "invite_form": bound.get("invite") or InviteForm(),
        "guest_forms": guest_forms,
        "notes_form": bound.get("notes") or MeetingNotesForm(initial={"notes": page.meeting.notes}),
    }


def _done(request: HttpRequest, meeting: Meeting, words: str, part: str) -> HttpResponse:
    messages.success(request, words)
    return _back(meeting, part)


def _refused(
    request: HttpRequest, meeting: Meeting, error: ApplicationError, name: str, form: ServiceForm
) -> HttpResponse:
    """The page again, the error on the form's input it names, nothing changed."""
    messages.error(request, error.message)
    form.add_service_error(error)
    return _meeting_page(request, meeting, status=error.status, bound={name: form})


@staff_required(SURVEYS_MANAGE)
@require_POST
def meeting_invite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(meeting_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _meeting_page(request, meeting, status=400, bound={"invite": form})
    try:
        invited = guests_invite(
            meeting=meeting, members=form.cleaned_data["members"], actor=acting_user(request)
        )
    except ApplicationError as error:
        return _refused(request, meeting, error, "invite", form)
    words = _(
        "Invited: %(count)s. Each gets an e-mail in their language; anyone invited before is not invited again."
    )
    return _done(request, meeting, words % {"count": invited}, "guests")


@staff_required(SURVEYS_MANAGE)
@require_POST
def meeting_attendance(request: HttpRequest, meeting_id: int, guest_id: int) -> HttpResponse:
    meeting = _meeting_or_404(meeting_id)
    guest = _guest_or_404(meeting, guest_id)
    form = AttendanceForm(request.POST, prefix=_guest_prefix(guest))
    name = f"attendance-{guest.pk}"
    if not form.is_valid():
        return _meeting_page(request, meeting, status=400, bound={name: form})
    try:
        guest_attendance_set(
            guest=guest, attendance=form.cleaned_data["attendance"], actor=acting_user(request)
        )
    except ApplicationError as error:
        return _refused(request, meeting, error, name, form)
    words = _("%(name)s: %(attendance)s.") % {
        "name": guest.member.name,
        "attendance": guest.get_attendance_display(),
    }
    return _done(request, meeting, words, f"guest-{guest.pk}")


@staff_required(SURVEYS_MANAGE)
@require_POST
def meeting_guest_note(request: HttpRequest, meeting_id: int, guest_id: int) -> HttpResponse:
    meeting = _meeting_or_404(meeting_id)
    guest = _guest_or_404(meeting, guest_id)
    form = GuestNoteForm(
        request.POST, cases=guest_cases(member_id=guest.member_id), prefix=_guest_prefix(guest)
    )
    name = f"note-{guest.pk}"
    if not form.is_valid():
        return _meeting_page(request, meeting, status=400, bound={name: form})
    try:
        guest_note_record(
            guest=guest, note=form.cleaned_data["note"], case=form.chosen_case(), actor=acting_user(request)
        )
    except ApplicationError as error:
        return _refused(request, meeting, error, name, form)
    words = _("What %(name)s said is on their timeline.") % {"name": guest.member.name}
    if form.chosen_case() is not None:
        words = _("What %(name)s said is on their timeline and their case.") % {"name": guest.member.name}
    return _done(request, meeting, words, f"guest-{guest.pk}")


@staff_required(SURVEYS_MANAGE)
@require_POST
def meeting_notes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(meeting_id)
    form = MeetingNotesForm(request.POST)
    if not form.is_valid():
        return _meeting_page(request, meeting, status=400, bound={"notes": form})
    try:
        meeting_notes_record(meeting=meeting, notes=form.cleaned_data["notes"], actor=acting_user(request))
    except ApplicationError as error:
        return _refused(request, meeting, error, "notes", form)
    return _done(request, meeting, _("The meeting's notes are saved."), "notes")


@staff_required(SURVEYS_MANAGE)
@require_POST
def meeting_held(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _status_change(request, meeting_id, meeting_hold, _("The meeting is marked as held."))


@staff_required(SURVEYS_MANAGE)
@require_POST
def meeting_cancel_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    words = _("The meeting is cancelled; the guests still expected are told by e-mail.")
    return _status_change(request, meeting_id, meeting_cancel, words)


def _status_change(
    request: HttpRequest, meeting_id: int, change: Callable[..., Meeting], words: str
) -> HttpResponse:
    """Holds or cancels the meeting; a refusal (it has not begun, it was held) is said above the page."""
    meeting = _meeting_or_404(meeting_id)
    try:
        change(meeting=meeting, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(meeting)
    return _done(request, meeting, words, "")
