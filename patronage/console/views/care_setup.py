"""Setting up the service desk: SLA policies and business calendars (a service lead's, SLA_MANAGE), the
category tree, root causes and teams (CARE_MANAGE).

Each page lists what exists with a form; each action parses its form, calls one care.setup service and goes
back to its list with a message. A refusal shows the page again with the form as sent, the error on its
field and nothing changed. The calendar editor's preview works on the form's unsaved values, so a lead can
try a calendar before saving it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.care import selectors, setup, sla
from patronage.care.models import (
    BusinessCalendar,
    CaseChannel,
    CaseType,
    Category,
    ReplyTemplate,
    RootCause,
    Severity,
    SlaPolicy,
    Team,
)
from patronage.care.permissions import CARE_MANAGE, SLA_MANAGE
from patronage.console import care_setup_forms as forms
from patronage.console.access import acting_user, staff_required
from patronage.console.case_words import currency, target_words
from patronage.console.loyalty_forms.names import translations_initial
from patronage.console.views.loyalty_common import service_run
from patronage.core import clock
from patronage.core.business import business_languages, business_zone
from patronage.core.errors import ApplicationError
from patronage.core.names import in_reader_language, language_name
from patronage.core.words import money_words, zone_words
from patronage.loyalty.models import Tier

PREVIEW_DAYS = 7


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A set-up page, with the sections its reader may open for the tabs."""
    user = acting_user(request)
    context |= {"can_sla": user.has_staff_perm(SLA_MANAGE), "can_care": user.has_staff_perm(CARE_MANAGE)}
    return render(request, template, context, status=status)


# --- the landing page -----------------------------------------------------------------------------------


@staff_required(SLA_MANAGE, CARE_MANAGE)
@require_GET
def care_home(request: HttpRequest) -> HttpResponse:
    context = {
        "section": "home",
        "policies": selectors.policy_list().count(),
        "calendars": selectors.calendar_list().count(),
        "categories": selectors.category_list().filter(active=True).count(),
        "root_causes": selectors.root_cause_list().filter(active=True).count(),
        "teams": selectors.team_list().count(),
        "reply_templates": selectors.reply_template_list().filter(active=True).count(),
    }
    return _render(request, "console/care/home.html", context)


# --- SLA policies ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyRow:
    policy: SlaPolicy
    calendar: str
    conditions: list[str]
    targets: list[tuple[str, str]]
    warnings: str


def _labels(choices: Any, values: list[str]) -> str:
    named = dict(choices.choices)
    return ", ".join(str(named.get(value, value)) for value in values)


def _tier_choices() -> list[tuple[str, str]]:
    """Tier codes with the names the programs give them ('Gold (Hanbit Club)'); one choice per code."""
    names: dict[str, list[str]] = {}
    for tier in Tier.objects.select_related("program").order_by("program__name", "rank"):
        names.setdefault(tier.code, []).append(
            f"{in_reader_language(tier, 'name')} ({in_reader_language(tier.program, 'name')})"
        )
    return sorted(((code, " / ".join(found)) for code, found in names.items()), key=lambda c: c[1].casefold())


def _conditions(policy: SlaPolicy, tiers: dict[str, str]) -> list[str]:
    if policy.is_default:
        return [_("every case no policy above takes")]
    found = []
    if policy.case_types:
        found.append(_("type: %(values)s") % {"values": _labels(CaseType, policy.case_types)})
    if policy.severities:
        found.append(_("severity: %(values)s") % {"values": _labels(Severity, policy.severities)})
    if policy.channels:
        found.append(_("channel: %(values)s") % {"values": _labels(CaseChannel, policy.channels)})
    if categories := [in_reader_language(c, "name") for c in policy.categories.all()]:
        found.append(_("category: %(values)s") % {"values": ", ".join(categories)})
    if policy.tiers:
        found.append(_("tier: %(values)s") % {"values": ", ".join(tiers.get(t, t) for t in policy.tiers)})
    if policy.min_predicted_value is not None:
        value = money_words(policy.min_predicted_value, currency())
        found.append(_("predicted value at least %(value)s") % {"value": value})
    return found or [_("every case")]


def _policy_rows() -> list[PolicyRow]:
    tiers = dict(_tier_choices())
    rows = []
    for policy in selectors.policy_list():
        targets = [
            (str(label), target_words(seconds) if seconds else _("not measured"))
            for (leg, label) in forms.LEGS
            for seconds in [getattr(policy, f"{leg}_seconds")]
        ]
        rows.append(
            PolicyRow(
                policy=policy,
                calendar=policy.calendar.name if policy.calendar else _("round the clock"),
                conditions=_conditions(policy, tiers),
                targets=targets,
                warnings=", ".join(f"{p}%" for p in policy.warn_percents),
            )
        )
    return rows


@staff_required(SLA_MANAGE)
@require_GET
def care_policies(request: HttpRequest) -> HttpResponse:
    return _render(request, "console/care/policies.html", {"rows": _policy_rows(), "section": "policies"})


def _category_names() -> list[tuple[int, str]]:
    return [
        (category.pk, "— " * depth + in_reader_language(category, "name"))
        for category, depth in forms.category_tree(selectors.category_list())
    ]


def _policy_form(data: Any = None, *, policy: SlaPolicy | None = None) -> forms.PolicyForm:
    return forms.PolicyForm(
        data,
        initial=forms.policy_initial(policy) if policy is not None and data is None else None,
        calendars=selectors.calendar_list(),
        categories=_category_names(),
        tiers=_tier_choices(),
        is_default=policy is not None and policy.is_default,
    )


@staff_required(SLA_MANAGE)
@require_http_methods(["GET", "POST"])
def care_policy_edit(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=policy_id) if policy_id is not None else None
    if request.method == "GET":
        form = _policy_form(policy=policy)
        if policy is None:
            form.initial = {
                "first_response_unit": "hours",
                "resolution_unit": "days",
                "warn_percents": "50, 80",
            }
        return _policy_page(request, form, policy)
    form = _policy_form(request.POST, policy=policy)
    if form.is_valid() and service_run(
        request,
        form,
        lambda: setup.policy_save(data=form.policy_input(), policy=policy, actor=acting_user(request)),
        _("The policy %(name)s is saved.") % {"name": form.cleaned_data["name"]},
    ):
        return redirect("console:care_policies")
    return _policy_page(request, form, policy, status=400)


def _policy_page(
    request: HttpRequest, form: forms.PolicyForm, policy: SlaPolicy | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "policy": policy, "section": "policies"}
    return _render(request, "console/care/policy_form.html", context, status=status)


def _act(request: HttpRequest, perform: Any, success: str, back: str) -> HttpResponse:
    """Runs one service with nothing to fill in; a refusal is said as a message and changes nothing."""
    try:
        perform()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(back)


@staff_required(SLA_MANAGE)
@require_POST
def care_policy_move(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=policy_id)
    direction = request.POST.get("direction", "")
    return _act(
        request,
        lambda: setup.policy_move(policy=policy, direction=direction, actor=acting_user(request)),
        _("The policy %(name)s is moved.") % {"name": policy.name},
        "console:care_policies",
    )


@staff_required(SLA_MANAGE)
@require_POST
def care_policy_delete(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=policy_id)
    return _act(
        request,
        lambda: setup.policy_delete(policy=policy, actor=acting_user(request)),
        _("The policy %(name)s is deleted.") % {"name": policy.name},
        "console:care_policies",
    )


# --- calendars -------------------------------------------------------------------------------------------


@staff_required(SLA_MANAGE)
@require_GET
def care_calendars(request: HttpRequest) -> HttpResponse:
    return _calendars_page(request, forms.CalendarImportForm())


def _calendars_page(
    request: HttpRequest, import_form: forms.CalendarImportForm, status: int = 200
) -> HttpResponse:
    rows = [
        (calendar, zone_words(str(calendar.document.get("timezone", ""))), list(calendar.slapolicy_set.all()))
        for calendar in selectors.calendar_list()
    ]
    context = {"rows": rows, "import_form": import_form, "section": "calendars"}
    return _render(request, "console/care/calendars.html", context, status=status)


@dataclass(frozen=True)
class Preview:
    start: str
    target: str
    due: str
    zone: str
    days: list[tuple[str, list[str]]]  # each day of the next week with its opening hours


def _when(moment: datetime) -> str:
    """'Monday, Mar 9, 2026, 10:00 AM' on the moment's own clock (the calendar's zone), in the reader's
    format."""
    return _("%(weekday)s, %(when)s") % {
        "weekday": formats.date_format(moment, "l"),
        "when": formats.date_format(moment, "DATETIME_FORMAT"),
    }


def _preview(calendar: sla.Calendar, start: datetime, seconds: int) -> Preview:
    due = sla.due(calendar, start, seconds)
    days: dict[str, list[str]] = {}
    for opening, closing in sla.open_intervals(calendar, start, start + timedelta(days=PREVIEW_DAYS)):
        day = _("%(weekday)s, %(date)s") % {
            "weekday": formats.date_format(opening, "l"),
            "date": formats.date_format(opening, "DATE_FORMAT"),
        }
        days.setdefault(day, []).append(
            _("%(opening)s to %(closing)s")
            % {
                "opening": formats.time_format(opening, "TIME_FORMAT"),
                "closing": formats.time_format(closing, "TIME_FORMAT"),
            }
        )
    return Preview(
        start=_when(start),
        target=target_words(seconds),
        due=_when(due),
        zone=zone_words(calendar.timezone.key),
        days=list(days.items()),
    )


@staff_required(SLA_MANAGE)
@require_http_methods(["GET", "POST"])
def care_calendar_edit(request: HttpRequest, calendar_id: int | None = None) -> HttpResponse:
    """The editor: Save writes the calendar; Preview works out a due time on the values as typed."""
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id) if calendar_id is not None else None
    if request.method == "GET":
        if calendar is not None:
            initial = forms.calendar_initial(calendar.name, calendar.document)
        else:
            office = {day: [["09:00", "18:00"]] for day in sla.WEEKDAYS[:5]}
            initial = forms.calendar_initial("", {"timezone": business_zone().key, "hours": office})
        return _calendar_page(request, forms.CalendarForm(initial=initial), forms.PreviewForm(), calendar)
    form, preview_form = forms.CalendarForm(request.POST), forms.PreviewForm(request.POST)
    if request.POST.get("action") == "preview":
        return _calendar_preview(request, form, preview_form, calendar)
    if form.is_valid() and service_run(
        request,
        form,
        lambda: setup.calendar_save(
            data=form.calendar_input(), calendar=calendar, actor=acting_user(request)
        ),
        _("The calendar %(name)s is saved.") % {"name": form.cleaned_data["name"]},
    ):
        return redirect("console:care_calendars")
    return _calendar_page(request, form, forms.PreviewForm(), calendar, status=400)


def _calendar_preview(
    request: HttpRequest,
    form: forms.CalendarForm,
    preview_form: forms.PreviewForm,
    calendar: BusinessCalendar | None,
) -> HttpResponse:
    # The name is not needed to try the hours: a new calendar can be previewed before it is named.
    form.is_valid()
    form.errors.pop("name", None)
    if form.errors or not preview_form.is_valid():
        return _calendar_page(request, form, preview_form, calendar, status=400)
    try:
        checked = setup.calendar_check(form.document())
    except ApplicationError as error:
        form.add_service_error(error)
        return _calendar_page(request, form, preview_form, calendar, status=400)
    seconds = preview_form.seconds()
    if seconds is None:
        preview_form.add_error("amount", _("Give a target to work out when it falls due."))
        return _calendar_page(request, form, preview_form, calendar, status=400)
    start = preview_form.start_in(checked.timezone, clock.now())
    preview = _preview(checked, start, seconds)
    return _calendar_page(request, form, preview_form, calendar, preview=preview)


def _calendar_page(
    request: HttpRequest,
    form: forms.CalendarForm,
    preview_form: forms.PreviewForm,
    calendar: BusinessCalendar | None,
    *,
    status: int = 200,
    preview: Preview | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "preview_form": preview_form,
        "preview": preview,
        "calendar": calendar,
        "import_form": forms.CalendarImportForm(initial={"name": calendar.name} if calendar else None),
        "section": "calendars",
    }
    return _render(request, "console/care/calendar_form.html", context, status=status)


@staff_required(SLA_MANAGE)
@require_POST
def care_calendar_import(request: HttpRequest) -> HttpResponse:
    form = forms.CalendarImportForm(request.POST, request.FILES)
    if form.is_valid() and service_run(
        request,
        form,
        lambda: setup.calendar_import(data=form.calendar_input(), actor=acting_user(request)),
        _("The calendar %(name)s is imported.") % {"name": form.cleaned_data["name"]},
    ):
        return redirect("console:care_calendars")
    return _calendars_page(request, form, status=400)


@staff_required(SLA_MANAGE)
@require_GET
def care_calendar_export(request: HttpRequest, calendar_id: int) -> HttpResponse:
    """The calendar as CAL.json, as `patronage sla due --calendar` reads it."""
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
    document = sla.calendar_to_dict(sla.calendar_from_dict(calendar.document))
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", content_type="application/json"
    )
    filename = slugify(calendar.name) or f"calendar-{calendar.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


@staff_required(SLA_MANAGE)
@require_POST
def care_calendar_delete(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar, pk=calendar_id)
    return _act(
        request,
        lambda: setup.calendar_delete(calendar=calendar, actor=acting_user(request)),
        _("The calendar %(name)s is deleted.") % {"name": calendar.name},
        "console:care_calendars",
    )


# --- categories ------------------------------------------------------------------------------------------


def _names_in_languages(item: Category | RootCause) -> list[tuple[str, str]]:
    """The item's name in each of the business's languages ('' where it has none yet)."""
    main, *others = business_languages()
    return [(language_name(main), item.name)] + [
        (language_name(code), (item.name_translations or {}).get(code, "")) for code in others
    ]


def _categories_page(
    request: HttpRequest, form: forms.CategoryForm | None = None, status: int = 200
) -> HttpResponse:
    tree = forms.category_tree(selectors.category_list())
    editing = next((c for c, _depth in tree if str(c.pk) == request.GET.get("edit")), None)
    if form is None:
        initial = None
        if editing is not None:
            initial = {
                "name": editing.name,
                "parent": str(editing.parent_id or ""),
                "position": editing.position,
            } | translations_initial(editing, forms.CategoryForm.in_languages)
        form = forms.CategoryForm(initial=initial, parents=tree)
    context = {
        "rows": [(category, depth, _names_in_languages(category)) for category, depth in tree],
        "languages": [language_name(code) for code in business_languages()],
        "form": form,
        "editing": editing,
        "section": "categories",
    }
    return _render(request, "console/care/categories.html", context, status=status)


@staff_required(CARE_MANAGE)
@require_GET
def care_categories(request: HttpRequest) -> HttpResponse:
    return _categories_page(request)


@staff_required(CARE_MANAGE)
@require_POST
def care_category_save(request: HttpRequest, category_id: int | None = None) -> HttpResponse:
    category = get_object_or_404(Category, pk=category_id) if category_id is not None else None
    form = forms.CategoryForm(request.POST, parents=forms.category_tree(selectors.category_list()))
    if form.is_valid() and service_run(
        request,
        form,
        lambda: setup.category_save(
            data=form.category_input(), category=category, actor=acting_user(request)
        ),
        _("The category %(name)s is saved.") % {"name": form.cleaned_data["name"]},
    ):
        return redirect("console:care_categories")
    return _categories_page(request, form, status=400)


@staff_required(CARE_MANAGE)
@require_POST
def care_category_active(request: HttpRequest, category_id: int) -> HttpResponse:
    category, user = get_object_or_404(Category, pk=category_id), acting_user(request)
    if request.POST.get("active") == "1":
        setup.category_activate(category=category, actor=user)
        done = _("The category %(name)s is in use again.")
    else:
        setup.category_deactivate(category=category, actor=user)
        done = _("The category %(name)s is no longer offered; its cases keep it.")
    messages.success(request, done % {"name": category.name})
    return redirect("console:care_categories")


# --- root causes -----------------------------------------------------------------------------------------


def _root_causes_page(
    request: HttpRequest, form: forms.RootCauseForm | None = None, status: int = 200
) -> HttpResponse:
    causes = list(selectors.root_cause_list())
    editing = next((c for c in causes if str(c.pk) == request.GET.get("edit")), None)
    if form is None:
        initial = None
        if editing is not None:
            initial = {"name": editing.name} | translations_initial(editing, forms.RootCauseForm.in_languages)
        form = forms.RootCauseForm(initial=initial)
    context = {
        "rows": [(cause, _names_in_languages(cause)) for cause in causes],
        "languages": [language_name(code) for code in business_languages()],
        "form": form,
        "editing": editing,
        "section": "root_causes",
    }
    return _render(request, "console/care/root_causes.html", context, status=status)


@staff_required(CARE_MANAGE)
@require_GET
def care_root_causes(request: HttpRequest) -> HttpResponse:
    return _root_causes_page(request)


@staff_required(CARE_MANAGE)
@require_POST
def care_root_cause_save(request: HttpRequest, root_cause_id: int | None = None) -> HttpResponse:
    cause = get_object_or_404(RootCause, pk=root_cause_id) if root_cause_id is not None else None
    form = forms.RootCauseForm(request.POST)
    if form.is_valid() and service_run(
        request,
        form,
        lambda: setup.root_cause_save(
            data=form.root_cause_input(), root_cause=cause, actor=acting_user(request)
        ),
        _("The root cause %(name)s is saved.") % {"name": form.cleaned_data["name"]},
    ):
        return redirect("console:care_root_causes")
    return _root_causes_page(request, form, status=400)


@staff_required(CARE_MANAGE)
@require_POST
def care_root_cause_active(request: HttpRequest, root_cause_id: int) -> HttpResponse:
    cause, user = get_object_or_404(RootCause, pk=root_cause_id), acting_user(request)
    if request.POST.get("active") == "1":
        setup.root_cause_activate(root_cause=cause, actor=user)
        done = _("The root cause %(name)s is in use again.")
    else:
        setup.root_cause_deactivate(root_cause=cause, actor=user)
        done = _("The root cause %(name)s is no longer offered; its cases keep it.")
    messages.success(request, done % {"name": cause.name})
    return redirect("console:care_root_causes")


# --- teams -----------------------------------------------------------------------------------------------


def _teams_page(request: HttpRequest, form: forms.TeamForm | None = None, status: int = 200) -> HttpResponse:
    teams = list(selectors.team_list())
    editing = next((t for t in teams if str(t.pk) == request.GET.get("edit")), None)
    workers = list(selectors.case_workers())
    if form is None:
        initial = None
        if editing is not None:
            initial = {
                "name": editing.name,
                "lead": str(editing.lead_id or ""),
                "members": [str(user.pk) for user in editing.members.all()],
            }
        form = forms.TeamForm(initial=initial, workers=workers)
    context = {"teams": teams, "form": form, "editing": editing, "section": "teams"}
    return _render(request, "console/care/teams.html", context, status=status)


@staff_required(CARE_MANAGE)
@require_GET
def care_teams(request: HttpRequest) -> HttpResponse:
    return _teams_page(request)


@staff_required(CARE_MANAGE)
@require_POST
def care_team_save(request: HttpRequest, team_id: int | None = None) -> HttpResponse:
    team = get_object_or_404(Team, pk=team_id) if team_id is not None else None
    form = forms.TeamForm(request.POST, workers=list(selectors.case_workers()))
    if form.is_valid() and service_run(
        request,
        form,
        lambda: setup.team_save(data=form.team_input(), team=team, actor=acting_user(request)),
        _("The team %(name)s is saved.") % {"name": form.cleaned_data["name"]},
    ):
        return redirect("console:care_teams")
    return _teams_page(request, form, status=400)


# --- saved replies ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyTemplateRow:
    template: ReplyTemplate
    name: str  # in the reader's language
    category: str
    languages: str  # the languages its text is written in


def _reply_template_rows() -> list[ReplyTemplateRow]:
    main, *others = business_languages()
    rows = []
    for template in selectors.reply_template_list():
        written = [main, *(code for code in others if (template.body_translations or {}).get(code))]
        rows.append(
            ReplyTemplateRow(
                template=template,
                name=in_reader_language(template, "name"),
                category=in_reader_language(template.category, "name") or _("any category"),
                languages=", ".join(language_name(code) for code in written),
            )
        )
    return rows


@staff_required(CARE_MANAGE)
@require_GET
def care_reply_templates(request: HttpRequest) -> HttpResponse:
    context = {"rows": _reply_template_rows(), "section": "reply_templates"}
    return _render(request, "console/care/reply_templates.html", context)


@staff_required(CARE_MANAGE)
@require_http_methods(["GET", "POST"])
def care_reply_template_edit(request: HttpRequest, reply_template_id: int | None = None) -> HttpResponse:
    template = (
        get_object_or_404(ReplyTemplate, pk=reply_template_id) if reply_template_id is not None else None
    )
    if request.method == "GET":
        initial = forms.reply_template_initial(template) if template is not None else None
        form = forms.ReplyTemplateForm(initial=initial, categories=_category_names())
        return _reply_template_page(request, form, template)
    form = forms.ReplyTemplateForm(request.POST, categories=_category_names())
    if form.is_valid() and service_run(
        request,
        form,
        lambda: setup.reply_template_save(
            data=form.reply_template_input(), reply_template=template, actor=acting_user(request)
        ),
        _("The saved reply %(name)s is saved.") % {"name": form.cleaned_data["name"]},
    ):
        return redirect("console:care_reply_templates")
    return _reply_template_page(request, form, template, status=400)


def _reply_template_page(
    request: HttpRequest, form: forms.ReplyTemplateForm, template: ReplyTemplate | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "template": template, "section": "reply_templates"}
    return _render(request, "console/care/reply_template_form.html", context, status=status)


@staff_required(CARE_MANAGE)
@require_POST
def care_reply_template_active(request: HttpRequest, reply_template_id: int) -> HttpResponse:
    template, user = get_object_or_404(ReplyTemplate, pk=reply_template_id), acting_user(request)
    if request.POST.get("active") == "1":
        setup.reply_template_activate(reply_template=template, actor=user)
        done = _("The saved reply %(name)s is offered again.")
    else:
        setup.reply_template_deactivate(reply_template=template, actor=user)
        done = _("The saved reply %(name)s is no longer offered.")
    messages.success(request, done % {"name": template.name})
    return redirect("console:care_reply_templates")
