"""Segments: the list with each segment's size and rules in words, the builder (a visual tree of conditions
with a live count and sample), a segment's page (its size over time, last nightly check and members),
retiring and restoring it, and a static list's CSV upload.

Reading needs the right to see segments; building, retiring and uploading the right to manage them. Each
action parses its form, calls one segments service and goes back with a message; a refusal shows the form
again as sent, each error on its input and each rule's error on the row it names.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.console.access import acting_user, staff_required
from patronage.console.charts import chart
from patronage.console.segment_forms import (
    ListUploadForm,
    RuleProblem,
    SegmentForm,
    SelectionForm,
    TreatmentForm,
    rule_problems,
    rules_parse,
    segment_initial,
    treatment_initial,
)
from patronage.core.errors import ApplicationError, NotFound, ValidationFailed
from patronage.core.names import in_reader_language
from patronage.loyalty.selectors.accounts import program_list
from patronage.loyalty.selectors.catalogue import benefit_offerable
from patronage.segments.campaign_selectors import campaigns_of_segment
from patronage.segments.models import Segment, SegmentKind
from patronage.segments.permissions import SEGMENTS_MANAGE, SEGMENTS_VIEW
from patronage.segments.rule_words import date_operator_words, operator_words, rules_words
from patronage.segments.selectors import (
    segment_earn_rules,
    segment_fields,
    segment_get,
    segment_last_reconciliation,
    segment_list,
    segment_members,
    segment_preview,
    segment_sizes,
    segment_static_lists,
    segment_treatment_counts,
)
from patronage.segments.services import (
    segment_create,
    segment_list_read,
    segment_members_set,
    segment_retire,
    segment_update,
)
from patronage.segments.treatment_services import segment_treatment_set

MEMBERS_PER_PAGE = 50
WORDS_SHORT = 140  # characters of the rules in words the list shows


def _segment_or_404(code: str) -> Segment:
    try:
        return segment_get(code=code)
    except NotFound as error:
        raise Http404(error.message) from error


def _back(segment: Segment) -> HttpResponse:
    return redirect(reverse("console:segment_detail", args=[segment.code]))


def _may_manage(request: HttpRequest) -> bool:
    return acting_user(request).has_staff_perm(SEGMENTS_MANAGE)


# --- the list ----------------------------------------------------------------------------------------------


@staff_required(SEGMENTS_VIEW)
@require_GET
def segment_list_page(request: HttpRequest) -> HttpResponse:
    retired = request.GET.get("retired") == "1"
    rows = [
        {
            "segment": segment,
            "name": in_reader_language(segment, "name"),
            "words": rules_words(segment.rules) if segment.kind == SegmentKind.RULES else "",
        }
        for segment in segment_list(include_retired=retired)
    ]
    context = {"rows": rows, "retired": retired, "may_manage": _may_manage(request), "short": WORDS_SHORT}
    return render(request, "console/segments/list.html", context)


# --- the builder -------------------------------------------------------------------------------------------


def builder_catalogue() -> dict[str, Any]:
    """What segment_builder.js needs: the fields, the operators in words and the builder's own words."""
    return {
        "fields": [
            {
                "name": entry.name,
                "label": entry.label,
                "group": entry.group,
                "kind": entry.kind,
                "operators": list(entry.operators),
                "windowed": entry.windowed,
                "help": entry.help,
                "choices": [(code, entry.labels.get(code, code)) for code in entry.choices]
                if entry.choices is not None
                else None,
            }
            for entry in segment_fields()
        ],
        "operators": operator_words(),
        "dateOperators": date_operator_words(),
        "words": {
            "all": _("all of"),
            "any": _("any of"),
            "not": _("not:"),
            "addCondition": _("+ Condition"),
            "addGroup": _("+ Group"),
            "addNot": _("+ Not"),
            "remove": _("Remove"),
            "field": _("Field"),
            "operator": _("Operator"),
            "value": _("Value"),
            "and": _("and"),
            "days": _("days"),
            "window": _("in the last"),
            "windowHelp": _("days (empty: any time)"),
            "yes": _("yes"),
            "no": _("no"),
            "commaHelp": _("separate values with commas"),
            "row": _("Row %(number)s"),
            "match": _("Customers match when"),
        },
    }


@staff_required(SEGMENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def segment_new(request: HttpRequest) -> HttpResponse:
    return _segment_form(request, None)


@staff_required(SEGMENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _segment_form(request, _segment_or_404(code))


def _segment_form(request: HttpRequest, segment: Segment | None) -> HttpResponse:
    initial = segment_initial(segment) if segment else None
    if request.method == "GET":
        return _form_page(request, segment, SegmentForm(initial=initial, segment=segment))
    form = SegmentForm(request.POST, initial=initial, segment=segment)
    status = 400
    if form.is_valid():
        actor = acting_user(request)
        try:
            if segment is None:
                segment = segment_create(data=form.segment_input(), actor=actor)
            else:
                segment = segment_update(segment=segment, data=form.segment_input(), actor=actor)
        except ApplicationError as error:
            messages.error(request, _("The segment is not saved: see what is marked below."))
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(request, _("The segment is saved."))
            return _back(segment)
    else:
        messages.error(request, _("The segment is not saved: see what is marked below."))
    return _form_page(request, segment, form, status=status)


def _form_page(
    request: HttpRequest, segment: Segment | None, form: SegmentForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "segment": segment,
        "name": in_reader_language(segment, "name"),
        "form": form,
        "catalogue": builder_catalogue(),
        "rule_problems": [problem.as_json() for problem in form.rule_problems],
    }
    return render(request, "console/segments/form.html", context, status=status)


@staff_required(SEGMENTS_MANAGE)
@require_POST
def segment_preview_view(request: HttpRequest) -> HttpResponse:
    """The live count and sample of the rules being built, or the rows' problems instead (a partial)."""
    context: dict[str, Any] = {"problems": [], "empty": False}
    try:
        rules = rules_parse(request.POST.get("rules") or "")
    except ValueError:
        context["problems"] = [
            RuleProblem("rules", None, _("The rules could not be read: build them again."))
        ]
        return render(request, "console/segments/_preview.html", context)
    if not rules or rules in ({"all": []}, {"any": []}):
        context["empty"] = True
        return render(request, "console/segments/_preview.html", context)
    try:
        context["preview"] = segment_preview(rules=rules)
    except ValidationFailed as error:
        context["problems"] = rule_problems(rules, error)
    return render(request, "console/segments/_preview.html", context)


# --- a segment's page --------------------------------------------------------------------------------------


@staff_required(SEGMENTS_VIEW)
@require_GET
def segment_detail(request: HttpRequest, code: str) -> HttpResponse:
    segment = _segment_or_404(code)
    return _detail_page(request, segment, ListUploadForm())


def _detail_page(
    request: HttpRequest,
    segment: Segment,
    upload_form: ListUploadForm,
    *,
    list_problems: list[str] | None = None,
    treatment_form: TreatmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = Paginator(segment_members(segment=segment), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    sizes = segment_sizes(segment=segment)
    context = {
        "segment": segment,
        "name": in_reader_language(segment, "name"),
        "description": in_reader_language(segment, "description"),
        "words": rules_words(segment.rules) if segment.kind == SegmentKind.RULES else "",
        "static": segment.kind == SegmentKind.STATIC,
        "may_manage": _may_manage(request),
        "reconciliation": segment_last_reconciliation(segment=segment),
        "page": page,
        "upload_form": upload_form,
        "list_problems": list_problems or [],
        "campaigns": campaigns_of_segment(segment=segment),
        "treatment_form": treatment_form
        or TreatmentForm(initial=treatment_initial(segment), benefits=list(benefit_offerable())),
        "benefit_name": in_reader_language(segment.benefit, "name"),
        "welcome_subject": in_reader_language(segment, "welcome_subject"),
        "treated": segment_treatment_counts(segment=segment),
        "earn_rules": segment_earn_rules(segment=segment),
        "programs": program_list(),
        "charts": [
            chart(
                "segment-sizes",
                "line",
                [date_format(point.day, "SHORT_DATE_FORMAT") for point in sizes],
                [{"label": _("Members"), "data": [point.members for point in sizes]}],
                title=_("Members at the end of each day"),
                whole=True,
            )
        ],
    }
    return render(request, "console/segments/detail.html", context, status=status)


@staff_required(SEGMENTS_MANAGE)
@require_POST
def segment_retire_view(request: HttpRequest, code: str) -> HttpResponse:
    segment = _segment_or_404(code)
    active = request.POST.get("active") == "1"
    try:
        segment_retire(segment=segment, active=active, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if active:
            messages.success(request, _("The segment is back: its members are found again."))
        else:
            messages.success(request, _("The segment is retired: it is no longer kept and has no members."))
    return _back(segment)


@staff_required(SEGMENTS_MANAGE)
@require_POST
def segment_list_upload(request: HttpRequest, code: str) -> HttpResponse:
    """A static list's customers from a CSV file: every line no customer matches is named, nothing changed."""
    segment = _segment_or_404(code)
    form = ListUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail_page(request, segment, form, status=400)
    try:
        member_ids = segment_list_read(form.cleaned_data["file"])
        moves = segment_members_set(
            segment=segment,
            member_ids=member_ids,
            actor=acting_user(request),
            replace=form.cleaned_data["replace"],
        )
    except ApplicationError as error:
        problems = [item.get("message") or error.message for item in error.errors or []] or [error.message]
        messages.error(request, _("The list is not changed."))
        return _detail_page(request, segment, form, list_problems=problems, status=error.status)
    messages.success(
        request,
        _("The list is saved: %(entered)d customers added, %(left)d taken off.")
        % {"entered": len(moves.entered), "left": len(moves.left)},
    )
    return _back(segment)


@staff_required(SEGMENTS_MANAGE)
@require_POST
def segment_treatment_view(request: HttpRequest, code: str) -> HttpResponse:
    """The segment's benefit and welcome message for those who enter from now on."""
    segment = _segment_or_404(code)
    form = TreatmentForm(request.POST, initial=treatment_initial(segment), benefits=list(benefit_offerable()))
    if form.is_valid():
        try:
            segment_treatment_set(segment=segment, data=form.treatment_input(), actor=acting_user(request))
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The treatment is saved: members who enter from now on get it."))
            return _back(segment)
    messages.error(request, _("The treatment is not saved: see what is marked below."))
    return _detail_page(request, segment, ListUploadForm(), treatment_form=form, status=400)


@staff_required(SEGMENTS_MANAGE)
@require_POST
def segment_selection_add(request: HttpRequest) -> HttpResponse:
    """The customers ticked in the customer list, added to a static list; a refusal goes back to the list
    of customers with what to do."""
    form = SelectionForm(request.POST, lists=list(segment_static_lists()))
    if not form.is_valid():
        for problem in (message for problems in form.errors.values() for message in problems):
            messages.error(request, str(problem))
        return redirect(reverse("console:customers"))
    segment = form.lists[form.cleaned_data["segment"]]
    try:
        moves = segment_members_set(
            segment=segment, member_ids=form.cleaned_data["member"], actor=acting_user(request), replace=False
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(reverse("console:customers"))
    messages.success(
        request,
        ngettext(
            "%(count)d customer added to the list.",
            "%(count)d customers added to the list.",
            len(moves.entered),
        )
        % {"count": len(moves.entered)},
    )
    return _back(segment)
