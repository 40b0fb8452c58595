"""Customer information: the items the business publishes (the list, the form, an item's page with its reach:
how many members it fits, how many get digests, how many it was sent to) and the topics members choose.

Reading needs the right to see segments; writing items and topics the right to build segments (decision
0031: the same marketer targets both, and the API's segments:write scope asks for that right too). Each
action parses its form, calls one information service and goes back with a message; a refusal shows the
form again as sent, each error on its input.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.console.access import acting_user, forbidden, staff_required
from patronage.console.information_forms import InformationForm, TopicForm, information_initial
from patronage.core import clock
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.names import in_reader_language
from patronage.segments.information_selectors import (
    information_item_get,
    information_item_list,
    information_reach,
    information_topic_list,
)
from patronage.segments.information_services import (
    information_item_create,
    information_item_retire,
    information_item_update,
    information_topic_create,
)
from patronage.segments.models import InformationItem
from patronage.segments.permissions import SEGMENTS_MANAGE, SEGMENTS_VIEW

ITEMS_PER_PAGE = 50


def _item_or_404(code: str) -> InformationItem:
    try:
        return information_item_get(code=code)
    except NotFound as error:
        raise Http404(error.message) from error


def _back(item: InformationItem) -> HttpResponse:
    return redirect(reverse("console:information_detail", args=[item.code]))


def _may_manage(request: HttpRequest) -> bool:
    return acting_user(request).has_staff_perm(SEGMENTS_MANAGE)


def _state(item: InformationItem) -> str:
    now = clock.now()
    if item.retired_at is not None:
        return _("Retired")
    if item.published_at > now:
        return _("Scheduled")
    if item.expires_at is not None and item.expires_at <= now:
        return _("Expired")
    return _("Published")


@staff_required(SEGMENTS_VIEW)
@require_GET
def information_list_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(information_item_list(), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "item": item,
            "title": in_reader_language(item, "title"),
            "topics": ", ".join(in_reader_language(topic, "name") for topic in item.topics.all()),
            "state": _state(item),
        }
        for item in page.object_list
    ]
    context = {"rows": rows, "page": page, "may_manage": _may_manage(request)}
    return render(request, "console/information/list.html", context)


@staff_required(SEGMENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def information_new(request: HttpRequest) -> HttpResponse:
    return _item_form(request, None)


@staff_required(SEGMENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def information_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _item_form(request, _item_or_404(code))


def _item_form(request: HttpRequest, item: InformationItem | None) -> HttpResponse:
    initial = information_initial(item) if item else None
    if request.method == "GET":
        return _form_page(request, item, InformationForm(initial=initial, item=item))
    form = InformationForm(request.POST, initial=initial, item=item)
    status = 400
    if form.is_valid():
        actor = acting_user(request)
        try:
            if item is None:
                item = information_item_create(data=form.information_input(), actor=actor)
            else:
                item = information_item_update(item=item, data=form.information_input(), actor=actor)
        except ApplicationError as error:
            messages.error(request, _("The item is not saved: see what is marked below."))
            form.add_service_error(error)
            if not form.errors:
                form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("The item is saved."))
            return _back(item)
    else:
        messages.error(request, _("The item is not saved: see what is marked below."))
    return _form_page(request, item, form, status=status)


def _form_page(
    request: HttpRequest, item: InformationItem | None, form: InformationForm, *, status: int = 200
) -> HttpResponse:
    return render(request, "console/information/form.html", {"item": item, "form": form}, status=status)


@staff_required(SEGMENTS_VIEW)
@require_GET
def information_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = _item_or_404(code)
    context = {
        "item": item,
        "title": in_reader_language(item, "title"),
        "body": in_reader_language(item, "body"),
        "topics": [in_reader_language(topic, "name") for topic in item.topics.all()],
        "segment_name": in_reader_language(item.segment, "name"),
        "state": _state(item),
        "reach": information_reach(item=item),
        "may_manage": _may_manage(request),
    }
    return render(request, "console/information/detail.html", context)


@staff_required(SEGMENTS_MANAGE)
@require_POST
def information_retire_view(request: HttpRequest, code: str) -> HttpResponse:
    item = information_item_retire(item=_item_or_404(code), actor=acting_user(request))
    messages.success(request, _("The item is retired: members no longer see it."))
    return _back(item)


@staff_required(SEGMENTS_VIEW)
@require_http_methods(["GET", "POST"])
def information_topics(request: HttpRequest) -> HttpResponse:
    """The topics with how many members chose each, and (with the right) the form for a new one."""
    form = TopicForm()
    status = 200
    if request.method == "POST":
        if not _may_manage(request):
            return forbidden(request)
        form = TopicForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                information_topic_create(data=form.topic_input(), actor=acting_user(request))
            except ApplicationError as error:
                form.add_service_error(error)
                if not form.errors:
                    form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The topic is added: members can choose it now."))
                return redirect(reverse("console:information_topics"))
        messages.error(request, _("The topic is not saved: see what is marked below."))
    rows = [(topic, in_reader_language(topic, "name")) for topic in information_topic_list()]
    context = {"rows": rows, "form": form, "may_manage": _may_manage(request)}
    return render(request, "console/information/topics.html", context, status=status)
