"""The customer list and the customer page with its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.care.permissions import CASES_WORK
from patronage.care.selectors import member_cases_summary
from patronage.console import customer_file
from patronage.console import forms as console_forms
from patronage.console.access import acting_user, staff_required
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.names import in_reader_language
from patronage.core.selectors import staff_users
from patronage.feedback.meeting_selectors import member_meetings
from patronage.feedback.permissions import RESULTS_VIEW
from patronage.members import selectors, services
from patronage.members.models import Member, MemberStatus
from patronage.members.permissions import (
    MEMBERS_EDIT,
    MEMBERS_EXPORT,
    MEMBERS_MERGE,
    MEMBERS_PRIVACY,
    MEMBERS_VIEW,
)
from patronage.segments.offers_selectors import member_next_offers
from patronage.segments.permissions import SEGMENTS_MANAGE, SEGMENTS_VIEW
from patronage.segments.selectors import member_segments, segment_static_lists

CUSTOMERS_PER_PAGE = 50
TIMELINE_PER_PAGE = 20
# The customer's latest advisory meetings on their file; the timeline keeps every one.
MEETINGS_SHOWN = 5


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _member(member_id: int, *, include_erased: bool = False) -> Member:
    try:
        return selectors.member_get(member_id=member_id, include_inactive=include_erased)
    except NotFound as error:
        raise Http404(error.message) from error


def _listing(
    request: HttpRequest, data: QueryDict
) -> tuple[console_forms.MemberSearchForm, customer_file.ListColumns, QuerySet[Member]]:
    """The list's form, its columns as this viewer may see them, and the customers it lists in order."""
    user = acting_user(request)
    programs = customer_file.list_programs(user=user)
    form = console_forms.MemberSearchForm(data, programs=programs.programs, tiers=programs.tiers)
    columns = customer_file.list_columns(user=user, programs=programs, program=form.chosen_program())
    members = customer_file.customer_query(
        members=selectors.member_list(**form.filters()),
        columns=columns,
        tier=form.chosen_tier(),
        sort=form.chosen_sort(),
    )
    return form, columns, members


@staff_required(MEMBERS_VIEW)
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    form, columns, members = _listing(request, request.GET)
    ids = members.values_list("pk", flat=True)
    page = Paginator(ids, CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "columns": columns,
        "rows": customer_file.customer_rows(list(page.object_list), columns),
        "headings": customer_file.sort_headings(columns, form.chosen_sort()),
        "can_export": acting_user(request).has_staff_perm(MEMBERS_EXPORT),
        # The lists a manager of segments can put ticked customers in.
        "lists": list(segment_static_lists()) if acting_user(request).has_staff_perm(SEGMENTS_MANAGE) else [],
        # What the list shows, for the export form to ask for the same (the page number aside).
        "export_query": [(name, value) for name, value in request.GET.items() if name != "page"],
    }
    if _is_htmx(request):
        template = "console/customers/_results.html"
    else:
        template = "console/customers/list.html"
        context.update(cities=selectors.member_city_list(), tags=selectors.tag_name_list())
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@staff_required(MEMBERS_EXPORT)
@require_POST
def customers_export(request: HttpRequest) -> StreamingHttpResponse:
    """The list as filtered and sorted, every page of it, as a CSV file; the download is audited."""
    form, columns, members = _listing(request, request.POST)
    services.member_list_export_record(
        actor=acting_user(request),
        filters=customer_file.filters_described(
            form.filters(), tier=form.chosen_tier(), sort=form.chosen_sort()
        ),
        rows=members.count(),
    )
    lines = customer_file.export_lines(members, columns)
    response = StreamingHttpResponse(customer_file.csv_stream(lines), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
    return response


def _timeline_page(request: HttpRequest, member: Member) -> dict[str, Any]:
    timeline_filter = console_forms.TimelineFilterForm(request.GET)
    events = selectors.member_timeline(member=member, kinds=timeline_filter.kinds())
    page = Paginator(events, TIMELINE_PER_PAGE).get_page(request.GET.get("page"))
    return {"member": member, "timeline_filter": timeline_filter, "timeline": page}


def _customer_page(
    request: HttpRequest, member: Member, *, status: int = 200, **bound_forms: forms.Form
) -> HttpResponse:
    """The customer page; a form that failed is passed in bound, so it shows its values and errors."""
    user = acting_user(request)
    erased = member.status == MemberStatus.ERASED
    context: dict[str, Any] = {
        **_timeline_page(request, member),
        "erased": erased,
        # An erased file shows only that it was erased: its orders and points stay, without the person.
        "header": None if erased else customer_file.customer_header(member=member, user=user),
        "can_edit": user.has_staff_perm(MEMBERS_EDIT),
        "can_merge": user.has_staff_perm(MEMBERS_MERGE),
        "can_privacy": user.has_staff_perm(MEMBERS_PRIVACY),
        "primaries": selectors.member_identities(member=member),
        "identities": selectors.member_identity_list(member=member),
        "consents": selectors.member_consent_answers(member=member),
        "consent_history": selectors.member_consent_history(member=member),
        "tags": [tag.name for tag in member.tags.all()],
        "note_form": console_forms.NoteForm(),
        "identity_form": console_forms.IdentityForm(),
        "consent_form": console_forms.ConsentForm(),
        "merge_form": console_forms.MergeStartForm(),
        "manager_form": console_forms.ManagerForm(
            initial={"account_manager": member.account_manager_id},
            staff=staff_users(),
        ),
    }
    context["tags_form"] = console_forms.TagsForm(initial={"tags": ", ".join(context["tags"])})
    if user.has_staff_perm(CASES_WORK) and not erased:
        context["cases"] = member_cases_summary(member=member)
    if user.has_staff_perm(RESULTS_VIEW) and not erased:
        context["meetings"] = list(member_meetings(member_id=member.pk)[:MEETINGS_SHOWN])
    if user.has_staff_perm(SEGMENTS_VIEW) and not erased:
        context["show_segments"] = True
        context["segments"] = [
            (place, in_reader_language(place.segment, "name")) for place in member_segments(member=member)
        ]
        # What staff see is not an exposure: only what the member is shown (portal, an app) is recorded.
        context["next_offers"] = member_next_offers(member=member)
    context.update(bound_forms)
    return render(request, "console/customers/detail.html", context, status=status)


@staff_required(MEMBERS_VIEW)
@require_GET
def customer_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id, include_erased=True)
    if member.pk != member_id:
        messages.info(request, _("Customer #%(id)s was merged into this file.") % {"id": member_id})
        return redirect("console:customer", member_id=member.pk)
    return _customer_page(request, member)


@staff_required(MEMBERS_VIEW)
@require_GET
def customer_timeline(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id, include_erased=True)
    return render(request, "console/customers/_timeline_items.html", _timeline_page(request, member))


def _apply(
    request: HttpRequest,
    member: Member,
    *,
    form_name: str,
    form: console_forms.ServiceForm,
    perform: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """Runs one service with a valid form; a service error is shown and the page re-rendered unchanged."""
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
        else:
            messages.success(request, success)
            return redirect("console:customer", member_id=member.pk)
    return _customer_page(request, member, status=400, **{form_name: form})


@staff_required(MEMBERS_EDIT)
@require_POST
def note_add(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    return _apply(
        request,
        member,
        form_name="note_form",
        form=console_forms.NoteForm(request.POST),
        perform=lambda data: services.note_add(member=member, actor=acting_user(request), body=data["body"]),
        success=_("Note added."),
    )


@staff_required(MEMBERS_EDIT)
@require_POST
def tags_set(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    form = console_forms.TagsForm(request.POST)
    return _apply(
        request,
        member,
        form_name="tags_form",
        form=form,
        perform=lambda data: services.member_tags_set(
            member=member, actor=acting_user(request), names=form.names()
        ),
        success=_("Tags saved."),
    )


@staff_required(MEMBERS_EDIT)
@require_POST
def manager_assign(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    return _apply(
        request,
        member,
        form_name="manager_form",
        form=console_forms.ManagerForm(request.POST, staff=staff_users()),
        perform=lambda data: services.member_assign_manager(
            member=member, actor=acting_user(request), manager=data["account_manager"]
        ),
        success=_("Account manager saved."),
    )


@staff_required(MEMBERS_EDIT)
@require_POST
def identity_add(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    return _apply(
        request,
        member,
        form_name="identity_form",
        form=console_forms.IdentityForm(request.POST),
        perform=lambda data: services.identity_add(member=member, actor=acting_user(request), **data),
        success=_("Identity added."),
    )


@staff_required(MEMBERS_EDIT)
@require_POST
def consent_change(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    return _apply(
        request,
        member,
        form_name="consent_form",
        form=console_forms.ConsentForm(request.POST),
        perform=lambda data: services.consent_set(member=member, actor=acting_user(request), **data),
        success=_("Consent recorded."),
    )


@staff_required(MEMBERS_EDIT)
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    primaries = selectors.member_identities(member=member)
    form = console_forms.ProfileForm(
        request.POST or None, initial=console_forms.member_profile_initial(member, primaries)
    )
    if request.method == "POST" and form.is_valid():
        identities = [services.IdentityInput(kind, value) for kind, value in form.identities(primaries)]
        try:
            services.member_update(
                member=member, actor=acting_user(request), profile=form.profile(), identities=identities
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("console:customer", member_id=member.pk)
    status = 400 if form.is_bound else 200
    return render(request, "console/customers/edit.html", {"member": member, "form": form}, status=status)


@staff_required(MEMBERS_PRIVACY)
@require_POST
def customer_export(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    data = services.member_export(member=member, actor=acting_user(request))
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="customer-{member.pk}.json"'
    return response


@staff_required(MEMBERS_PRIVACY)
@require_http_methods(["GET", "POST"])
def customer_erase(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    form = console_forms.EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_erase(
                member=member, actor=acting_user(request), reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
        else:
            messages.success(request, _("The customer's personal data was erased."))
            return redirect("console:customer", member_id=member.pk)
    status = 400 if form.is_bound else 200
    return render(request, "console/customers/erase.html", {"member": member, "form": form}, status=status)
