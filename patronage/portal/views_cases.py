"""The customer's side of cases: telling us about a problem, following it, answering, rating how we did.

The public pages need no login. A case opens only by its secret link (/complaints/c/<token>/), never by
its reference, which is guessable; a signed-in member also finds their own cases under /portal/cases/,
where another member's reference is not found, exactly as one that does not exist. Both show the same
page, with the same forms.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from patronage.care.attachment_web import attachment_response
from patronage.care.attachments import CheckedFile, attachment_get, attachments_check
from patronage.care.models import Case, CaseType
from patronage.care.selectors import case_by_token, case_of_member
from patronage.care.services import case_customer_reply, case_files_add, case_open, case_rate
from patronage.core import clock
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.models import User
from patronage.members.models import Member
from patronage.members.selectors import member_of_user
from patronage.portal.access import member_required
from patronage.portal.case_throttle import intake_blocked_until, intake_count
from patronage.portal.forms_cases import CaseForm, RatingForm, ReplyForm, add_case_errors, form_key_new
from patronage.portal.selectors_cases import (
    acknowledgement_emailed,
    case_page,
    member_cases,
    order_by_number,
)

CASES_PER_PAGE = 20
logger = logging.getLogger(__name__)


@require_GET
def complaints_home(request: HttpRequest) -> HttpResponse:
    return redirect("complaints:new")


@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """The form. Once it is valid the case is filed before anything else, so that it is never lost."""
    member = member_of_user(user=request.user)
    if request.method == "POST" and (until := intake_blocked_until(request)):
        return _too_many(request, until, CaseForm(request.POST, member=member))
    wanted = request.GET.get("type")
    initial = {"key": form_key_new(), "type": wanted if wanted in CaseType.values else CaseType.COMPLAINT}
    form = CaseForm(request.POST or None, request.FILES or None, member=member, initial=initial)
    if request.method == "POST" and form.is_valid():
        if form.is_bot:  # the same thanks, so that the program learns nothing; nothing is filed
            intake_count(request)
            return render(request, "portal/cases/thanks.html", {"case": None, "member": member})
        order = order_by_number(number=form.cleaned_data["order_number"], member=member)
        actor = member.user if member else None
        try:
            files = attachments_check(form.cleaned_data["attachments"])  # a bad file: nothing is filed
            opened = case_open(data=form.case_input(language=get_language(), order=order), actor=actor)
        except ApplicationError as error:
            add_case_errors(form, error)
        else:
            if opened.created:
                intake_count(request)
                _files_after_filing(request, opened.case, files, actor)
            return redirect("complaints:thanks", token=opened.case.access_token)
    return render(request, "portal/cases/new.html", {"form": form, "member": member})


def _files_after_filing(
    request: HttpRequest, case: Case, files: list[CheckedFile], actor: User | None
) -> None:
    """Stores the files once the case is written: a storage failure loses the files, never the case."""
    if not files:
        return
    try:
        case_files_add(case=case, files=files, from_customer=True, actor=actor, on_filing=True)
    except Exception:
        logger.exception("the files sent with case %s could not be stored", case.reference)
        messages.warning(
            request,
            _("Your message is filed, but your files could not be saved. Please send them again below."),
        )


@require_GET
def case_thanks(request: HttpRequest, token: str) -> HttpResponse:
    case = case_by_token(token=token)
    if case is None:
        return _not_found(request)
    context = {
        "case": case,
        "link": request.build_absolute_uri(reverse("complaints:case", kwargs={"token": token})),
        "emailed": acknowledgement_emailed(case=case),
        "member": member_of_user(user=request.user),
    }
    return render(request, "portal/cases/thanks.html", context)


@require_http_methods(["GET", "POST"])
def case_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The case behind the customer's secret link: no login, the token is the key."""
    case = case_by_token(token=token)
    if case is None:
        return _not_found(request)
    return _case_page(request, case, member=None)


@require_GET
def case_file_by_link(request: HttpRequest, token: str, attachment_id: int) -> HttpResponseBase:
    """A file of the case behind the secret link: only that case's, and never an internal note's."""
    case = case_by_token(token=token)
    if case is None:
        return _not_found(request)
    return _file(request, case, attachment_id)


@member_required
@require_GET
def my_case_file(
    request: HttpRequest, member: Member, reference: str, attachment_id: int
) -> HttpResponseBase:
    try:
        case = case_of_member(member=member, reference=reference)
    except NotFound:
        return _not_found(request, member)
    return _file(request, case, attachment_id, member)


def _file(
    request: HttpRequest, case: Case, attachment_id: int, member: Member | None = None
) -> HttpResponseBase:
    try:
        return attachment_response(attachment_get(case=case, attachment_id=attachment_id, customer=True))
    except NotFound:
        return _not_found(request, member)


@member_required
@require_GET
def my_cases(request: HttpRequest, member: Member) -> HttpResponse:
    cases = Paginator(member_cases(member=member), CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/cases/list.html", {"member": member, "cases": cases})


@member_required
@require_http_methods(["GET", "POST"])
def my_case(request: HttpRequest, member: Member, reference: str) -> HttpResponse:
    try:
        case = case_of_member(member=member, reference=reference)
    except NotFound:
        return _not_found(request, member)
    return _case_page(request, case, member=member)


def _case_page(request: HttpRequest, case: Case, *, member: Member | None) -> HttpResponse:
    """The case as its customer sees it; POST sends their reply, or (action=rate) their rating."""
    reply, rating = ReplyForm(), RatingForm()
    if request.method == "POST" and request.POST.get("action") == "rate":
        rating = RatingForm(request.POST)
        if rating.is_valid():
            try:
                case_rate(
                    case=case, rating=rating.cleaned_data["rating"], comment=rating.cleaned_data["comment"]
                )
            except ApplicationError as error:
                add_case_errors(rating, error)
            else:
                messages.success(request, _("Thank you for telling us. It helps us do better."))
                return redirect(f"{request.path}#rate")
    elif request.method == "POST":
        reply = ReplyForm(request.POST, request.FILES)
        if reply.is_valid():
            try:
                files = attachments_check(reply.cleaned_data["attachments"])
                case_customer_reply(case=case, body=reply.cleaned_data["body"], files=files)
            except ApplicationError as error:
                add_case_errors(reply, error)
            else:
                messages.success(request, _("Thank you. We have your message and will answer soon."))
                return redirect(f"{request.path}#messages")
    context = {"page": case_page(case=case), "reply": reply, "rating": rating, "member": member}
    return render(request, "portal/cases/case.html", context)


def _not_found(request: HttpRequest, member: Member | None = None) -> HttpResponse:
    return render(request, "portal/cases/not_found.html", {"member": member}, status=404)


def _too_many(request: HttpRequest, until: datetime, form: CaseForm) -> HttpResponse:
    """Says when to try again, and keeps what the person wrote in the form below, ready to send then."""
    seconds = max(1, math.ceil((until - clock.now()).total_seconds()))
    context = {"until": until, "minutes": math.ceil(seconds / 60), "form": form, "member": form.member}
    response = render(request, "portal/cases/too_many.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
