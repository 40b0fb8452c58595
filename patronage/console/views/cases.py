"""Cases: the queue in the order targets are missed, a case logged by an agent, and the case page, where the
six steps of service recovery are the main actions, beside the customer.

Each action parses its form, checks the permission, calls one care service and goes back to the case with
a message; a refusal shows the case page again with the form as it was sent and the error on its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.care import classify, merging, services
from patronage.care.attachment_web import attachment_response
from patronage.care.attachments import attachment_get, attachments_check
from patronage.care.compensation import compensation_decide, compensation_give
from patronage.care.models import Case, CaseStatus, CompensationStatus
from patronage.care.permissions import CARE_MANAGE, CASES_LEAD, CASES_WORK
from patronage.care.selectors import (
    ReplyOffer,
    case_followed_up_by_survey,
    case_get,
    case_workers,
    reply_templates_for,
    team_list,
)
from patronage.console import case_file
from patronage.console import case_forms as forms_
from patronage.console.access import acting_user, forbidden, staff_required
from patronage.console.case_words import currency, timer_words
from patronage.core import clock
from patronage.core.errors import ApplicationError, NotFound

CASES_PER_PAGE = 50
TAB_LABELS = {
    case_file.TAB_MINE: gettext_lazy("Mine"),
    case_file.TAB_TEAM: gettext_lazy("My teams"),
    case_file.TAB_BREACHED: gettext_lazy("Breached"),
    case_file.TAB_WAITING: gettext_lazy("Waiting for the customer"),
    case_file.TAB_OPEN: gettext_lazy("All open"),
    case_file.TAB_CLOSED: gettext_lazy("Closed"),
}


def _case(reference: str) -> Case:
    try:
        return case_get(reference=reference)
    except NotFound as error:
        raise Http404(error.message) from error


def _back(case: Case) -> HttpResponse:
    return redirect("console:case", reference=case.reference)


# --- the queue -----------------------------------------------------------------------------------------------


@staff_required(CASES_WORK)
@require_GET
def case_queue(request: HttpRequest) -> HttpResponse:
    form = forms_.QueueFilterForm(
        request.GET, categories=case_file.category_choices(), root_causes=case_file.root_cause_choices()
    )
    filters, now = form.filters(), clock.now()
    cases = case_file.case_queue(user=acting_user(request), filters=filters, now=now)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": case_file.queue_rows(page, now=now),
        "tab": filters.tab,
        "tabs": [(key, str(label)) for key, label in TAB_LABELS.items()],
        "timer_words": timer_words(),
        "may_read_causes": any(acting_user(request).has_staff_perm(p) for p in (CASES_LEAD, CARE_MANAGE)),
    }
    return render(request, "console/cases/queue.html", context)


# --- a case an agent logs ----------------------------------------------------------------------------------


def _new_form(data: Any = None, initial: dict[str, Any] | None = None) -> forms_.CaseNewForm:
    return forms_.CaseNewForm(
        data,
        initial=initial,
        categories=case_file.category_choices(),
        stores=case_file.store_list(),
    )


@staff_required(CASES_WORK)
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        member = request.GET.get("member", "")
        form = _new_form(initial={"customer": f"#{member}"} if member.isdigit() else None)
        return render(request, "console/cases/new.html", {"form": form})
    form = _new_form(request.POST)
    if form.is_valid():
        try:
            opened = services.case_open(data=form.case_input(), actor=acting_user(request))
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Case %(reference)s is filed.") % {"reference": opened.case.reference}
            )
            return _back(opened.case)
    return render(request, "console/cases/new.html", {"form": form}, status=400)


# --- the case page --------------------------------------------------------------------------------------------


def _forms(
    request: HttpRequest, page: case_file.CasePage, bound: dict[str, forms.Form], offers: list[ReplyOffer]
) -> dict[str, Any]:
    """The page's forms, fresh (a new idempotency key for compensation), or as sent when one failed. The
    reply starts as the saved reply the address asks for (`?reply_template=<id>`, the choice made without
    the page's script); an id that is none of those offered is ignored."""
    case = page.case
    chosen = next((o for o in offers if str(o.template.pk) == request.GET.get("reply_template")), None)
    made: dict[str, Any] = {
        "moves": [(to, label, bound.get(f"move_{to}") or forms_.move_form(to)) for to, label in page.moves],
        "reply_form": bound.get("reply_form")
        or forms_.ReplyForm(initial={"body": chosen.text} if chosen else None),
        "reply_offers": offers,
        "reply_chosen": chosen.template.pk if chosen else None,
        "note_form": bound.get("note_form") or forms_.CaseNoteForm(),
        "assign_form": bound.get("assign_form")
        or _assign_form(initial={"assignee": case.assignee_id or "", "team": case.team_id or ""}),
        "merge_form": bound.get("merge_form") or forms_.MergeForm(),
        "classify_form": bound.get("classify_form") or _classify_form(case),
    }
    if case.is_open:
        made["compensation_form"] = bound.get("compensation_form") or _compensation_form(request)
    return made


def _case_page(request: HttpRequest, case: Case, *, status: int = 200, **bound: forms.Form) -> HttpResponse:
    user = acting_user(request)
    page = case_file.case_page(case=case, user=user, now=clock.now())
    offers = reply_templates_for(case=case, language=case.language, agent=user)
    context = {
        "case": case,
        "page": page,
        "timer_words": timer_words(),
        **_forms(request, page, bound, offers),
    }
    return render(request, "console/cases/detail.html", context, status=status)


@staff_required(CASES_WORK)
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_page(request, _case(reference))


def _act(
    request: HttpRequest,
    case: Case,
    form: forms_.ServiceForm,
    *,
    name: str,
    perform: Callable[[], object],
    success: str | Callable[[], str],
) -> HttpResponse:
    """Runs one service with a valid form and goes back to the case; a refusal shows the page again with the
    form as sent, the error on its field, and nothing changed."""
    status = 400
    if form.is_valid():
        try:
            perform()
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(request, success() if callable(success) else success)
            return _back(case)
    # A field the page holds (the step, a key) has no place to show its error: it is said as a message.
    for problem in (problem for field in form.hidden_fields() for problem in field.errors):
        messages.error(request, str(problem))
    return _case_page(request, _case(case.reference), status=status, **{name: form})


@staff_required(CASES_WORK)
@require_POST
def case_move(request: HttpRequest, reference: str) -> HttpResponse:
    case, to = _case(reference), request.POST.get("to", "")
    form = forms_.move_form(to, request.POST)

    def perform() -> object:
        return services.case_move(case=case, actor=acting_user(request), **form.move())

    label = dict(CaseStatus.choices).get(to, to)
    success = _("Saved: the case is now “%(status)s”.") % {"status": label}
    return _act(request, case, form, name=f"move_{to}", perform=perform, success=success)


@staff_required(CASES_WORK)
@require_POST
def case_reply(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(reference)
    form = forms_.ReplyForm(request.POST, request.FILES)

    def perform() -> object:
        files = attachments_check(form.cleaned_data["attachments"])
        return services.case_reply(
            case=case, body=form.cleaned_data["body"], actor=acting_user(request), files=files
        )

    # care.services.customer_tell e-mails the address on the case, else the customer's file's.
    if case.member_id is not None or case.contact_email:
        success = _("Your reply is on its way to the customer. It is sent by e-mail in their language.")
    else:
        success = _(
            "Your reply is on the case, but not sent: the customer gave only a phone number. Call them at "
            "%(phone)s."
        ) % {"phone": case.contact_phone}
    return _act(request, case, form, name="reply_form", perform=perform, success=success)


@staff_required(CASES_WORK)
@require_POST
def case_merge(request: HttpRequest, reference: str) -> HttpResponse:
    """Merges this case, a duplicate, into another; the page that follows is the case that carries on."""
    case = _case(reference)
    form = forms_.MergeForm(request.POST)
    kept: list[Case] = []

    def perform() -> object:
        into = case_get(reference=form.cleaned_data["into"])
        kept.append(
            merging.case_merge(
                duplicate=case, into=into, actor=acting_user(request), note=form.cleaned_data["note"]
            )
        )
        return kept[0]

    response = _act(
        request,
        case,
        form,
        name="merge_form",
        perform=perform,
        success=lambda: _("%(duplicate)s is merged into this case.") % {"duplicate": case.reference},
    )
    return _back(kept[0]) if kept else response


@staff_required(CASES_WORK)
@require_POST
def case_note(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(reference)
    form = forms_.CaseNoteForm(request.POST, request.FILES)

    def perform() -> object:
        files = attachments_check(form.cleaned_data["attachments"])
        return services.case_note(
            case=case, body=form.cleaned_data["body"], actor=acting_user(request), files=files
        )

    return _act(request, case, form, name="note_form", perform=perform, success=_("The note is added."))


@staff_required(CASES_WORK)
@require_GET
def case_attachment(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponseBase:
    """A file of the case (a reply's, a note's, the customer's); another case's is not found."""
    try:
        return attachment_response(attachment_get(case=_case(reference), attachment_id=attachment_id))
    except NotFound as error:
        raise Http404(error.message) from error


def _compensation_form(request: HttpRequest, data: Any = None) -> forms_.CompensationForm:
    programs, benefits = case_file.compensation_choices()
    return forms_.CompensationForm(data, programs=programs, benefits=benefits, currency=currency())


@staff_required(CASES_WORK)
@require_POST
def case_compensate(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(reference)
    form = _compensation_form(request, request.POST)
    outcome: dict[str, Any] = {}

    def perform() -> object:
        given = compensation_give(case=case, data=form.compensation_input(), actor=acting_user(request))
        outcome["status"] = given.compensation.status
        return given

    def success() -> str:
        if outcome.get("status") == CompensationStatus.AWAITING_APPROVAL:
            return _("The compensation waits for a lead's approval; nothing is given until then.")
        return _("The compensation is given.")

    return _act(request, case, form, name="compensation_form", perform=perform, success=success)


@staff_required(CASES_LEAD)
@require_POST
def case_compensation_decide(request: HttpRequest, reference: str, compensation_id: int) -> HttpResponse:
    case = _case(reference)
    try:
        compensation = case_file.compensation_of_case(case=case, compensation_id=compensation_id)
    except NotFound as error:
        raise Http404(error.message) from error
    form = forms_.DecisionForm(request.POST)

    def perform() -> object:
        return compensation_decide(
            compensation=compensation, approve=form.approved(), actor=acting_user(request)
        )

    def success() -> str:
        return _("Approved: the compensation is given.") if form.approved() else _("Declined.")

    return _act(request, case, form, name="decision_form", perform=perform, success=success)


def _assign_form(data: Any = None, initial: dict[str, Any] | None = None) -> forms_.AssignForm:
    return forms_.AssignForm(data, initial=initial, agents=list(case_workers()), teams=list(team_list()))


@staff_required(CASES_WORK)
@require_POST
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    case, user = _case(reference), acting_user(request)
    form = _assign_form(request.POST)
    if form.is_valid():
        # An agent takes a case nobody has, or passes on their own; taking it from another is a lead's call.
        assignee, _team = form.chosen()
        held_by_another = case.assignee_id not in (None, user.pk)
        if held_by_another and assignee != case.assignee and not user.has_staff_perm(CASES_LEAD):
            return forbidden(request)

    def perform() -> object:
        assignee, team = form.chosen()
        return services.case_assign(case=case, assignee=assignee, team=team, actor=user)

    return _act(
        request, case, form, name="assign_form", perform=perform, success=_("The assignment is saved.")
    )


@staff_required(CASES_WORK)
@require_POST
def case_follow_up(request: HttpRequest, reference: str) -> HttpResponse:
    """Step 6: nothing to fill in, only the button."""
    case = _case(reference)
    try:
        services.case_follow_up(case=case, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return _case_page(request, case, status=error.status)
    if case_followed_up_by_survey(case=case):
        messages.success(request, _("The follow-up is sent: the customer is invited to answer the survey."))
    else:
        messages.success(request, _("The follow-up is sent: the customer is asked how satisfied they are."))
    return _back(case)


# --- classification -------------------------------------------------------------------------------------------


def _classify_form(case: Case, data: Any = None) -> forms_.ClassifyForm:
    initial = {
        "root_cause": case.root_cause_id or "",
        "category": case.category_id or "",
        "severity": case.severity,
        "product": case.product.sku if case.product is not None else "",
        "tags": ", ".join(case.tags),
    }
    return forms_.ClassifyForm(
        data,
        initial=initial,
        root_causes=case_file.root_cause_choices(current=case.root_cause_id),
        categories=case_file.category_choices(),
    )


@staff_required(CASES_WORK)
@require_POST
def case_classify(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(reference)
    form = _classify_form(case, request.POST)

    def perform() -> object:
        return classify.case_classify(case=case, actor=acting_user(request), **form.classification())

    return _act(
        request, case, form, name="classify_form", perform=perform, success=_("The classification is saved.")
    )
