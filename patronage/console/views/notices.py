"""Proactive notices: the list, a new notice, and its page, where the audience is seen before it is sent and
the counts and recipients after. Each page checks the permission, calls care.notices and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.care.models import Notice, NoticeStatus
from patronage.care.notices import (
    notice_audience,
    notice_counts,
    notice_create,
    notice_get,
    notice_list,
    notice_start,
)
from patronage.care.permissions import CARE_MANAGE
from patronage.console.access import acting_user, staff_required
from patronage.console.notice_forms import NoticeForm
from patronage.core.business import business_languages
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.names import language_name
from patronage.loyalty.selectors import program_list

NOTICES_PER_PAGE = 25
RECIPIENTS_PER_PAGE = 50
SAMPLE = 10


def _notice(notice_id: int) -> Notice:
    try:
        return notice_get(notice_id=notice_id)
    except NotFound as error:
        raise Http404(error.message) from error


@staff_required(CARE_MANAGE)
@require_GET
def notice_list_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(notice_list(), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "console/notices/list.html", {"page": page})


def _form(data: Any = None) -> NoticeForm:
    return NoticeForm(data, programs=list(program_list()))


@staff_required(CARE_MANAGE)
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "console/notices/new.html", {"form": _form()})
    form, status = _form(request.POST), 400
    if form.is_valid():
        try:
            notice = notice_create(data=form.notice_input(), actor=acting_user(request))
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(
                request, _("The notice is saved as a draft: check whom it touches, then send it.")
            )
            return redirect("console:notice", notice_id=notice.pk)
    return render(request, "console/notices/new.html", {"form": form}, status=status)


@staff_required(CARE_MANAGE)
@require_GET
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _notice(notice_id)
    context: dict[str, Any] = {
        "notice": notice,
        "counts": notice_counts(notice),
        "texts": _texts(notice),
        "members_listed": len(notice.member_ids),
        "orders_listed": len(notice.order_numbers),
    }
    if notice.status == NoticeStatus.DRAFT:
        audience = notice_audience(notice)
        context.update(audience=audience.count(), sample=list(audience.order_by("pk")[:SAMPLE]))
    else:
        recipients = notice.recipients.select_related("member").order_by("pk")
        context["page"] = Paginator(recipients, RECIPIENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "console/notices/detail.html", context)


def _texts(notice: Notice) -> list[tuple[str, str, str]]:
    """The title and message in each language they were written in, the main one first."""
    main, *others = business_languages()
    texts = [(language_name(main), notice.title, notice.message)]
    for code in others:
        title, message = notice.title_translations.get(code), notice.message_translations.get(code)
        if title or message:
            texts.append((language_name(code), title or notice.title, message or notice.message))
    return texts


@staff_required(CARE_MANAGE)
@require_POST
def notice_send(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _notice(notice_id)
    try:
        notice_start(notice=notice)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sending: everyone it touches is told within a few minutes."))
    return redirect("console:notice", notice_id=notice.pk)
