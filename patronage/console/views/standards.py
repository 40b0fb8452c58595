"""Service standards: the list with each standard's compliance at a glance, defining and changing one,
retiring and restoring it, a standard's page (distribution, trend, control chart, figures by employee, team
and store) and a measurement typed by hand. The CSV upload has its own pages (standards/upload/).

Reading needs the right to see standards; defining them the right to manage them; typing a measurement the
right to add measurements. Each action parses its form, calls one standards service and goes back with a
message; a refusal shows the form again as sent with each error on its input, nothing changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.care.selectors import team_list
from patronage.console.access import acting_user, staff_required
from patronage.console.case_file import store_list
from patronage.console.charts import chart
from patronage.console.standard_forms import (
    MeasurementForm,
    RangeForm,
    StandardForm,
    measurement_now,
    standard_initial,
)
from patronage.console.templatetags.standards_console import figure, period_words
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.names import in_reader_language
from patronage.core.selectors import staff_users
from patronage.standards.models import Source, Standard
from patronage.standards.permissions import MEASUREMENTS_ADD, STANDARDS_MANAGE, STANDARDS_VIEW
from patronage.standards.selectors import standard_get, standard_list
from patronage.standards.services import measurements_add, standard_create, standard_retire, standard_update
from patronage.standards.standard_page import (
    Bin,
    Glance,
    StandardPage,
    business_today,
    standard_page,
    standards_glance,
)


def _standard_or_404(standard_id: int) -> Standard:
    try:
        return standard_get(standard_id=standard_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _back(standard: Standard) -> HttpResponse:
    return redirect(reverse("console:standard_detail", args=[standard.pk]))


def _rights(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    return {
        "may_manage": user.has_staff_perm(STANDARDS_MANAGE),
        "may_add": user.has_staff_perm(MEASUREMENTS_ADD),
    }


def _tick(start: date, period: str) -> str:
    return date_format(start, "YEAR_MONTH_FORMAT" if period == "month" else "MONTH_DAY_FORMAT")


def _share_chart(
    chart_id: str, ticks: list[str], shares: list[float | None], target_share: float
) -> dict[str, Any]:
    """A line of the share meeting the target per period, under the dashed line of the share it should be."""
    return chart(
        chart_id,
        "line",
        ticks,
        [
            {"label": _("Share meeting the target"), "data": shares},
            {"label": _("Target share"), "data": [target_share] * len(ticks), "dashed": True},
        ],
        title=_("Share meeting the target"),
        percent=True,
    )


# --- the list ----------------------------------------------------------------------------------------------


@staff_required(STANDARDS_VIEW)
@require_GET
def standard_list_page(request: HttpRequest) -> HttpResponse:
    retired = request.GET.get("retired") == "1"
    standards = list(standard_list(active=None if retired else True))
    glances = standards_glance(standards=standards, today=business_today())
    context = {
        **_rights(request),
        "rows": [(glance, _glance_id(glance)) for glance in glances],
        "retired": retired,
        "charts": _glance_charts(glances),
    }
    return render(request, "console/standards/list.html", context)


def _glance_id(glance: Glance) -> str:
    return f"standard-{glance.standard.pk}-glance"


def _glance_charts(glances: list[Glance]) -> list[dict[str, Any]]:
    return [
        _share_chart(
            _glance_id(glance),
            [_tick(start, glance.standard.period) for start in glance.starts],
            glance.shares,
            glance.standard.target_share,
        )
        for glance in glances
    ]


# --- defining a standard -----------------------------------------------------------------------------------


def _places() -> dict[str, Any]:
    return {"teams": list(team_list()), "stores": list(store_list()), "staff": list(staff_users())}


@staff_required(STANDARDS_MANAGE)
@require_http_methods(["GET", "POST"])
def standard_new(request: HttpRequest) -> HttpResponse:
    return _standard_form(request, None)


@staff_required(STANDARDS_MANAGE)
@require_http_methods(["GET", "POST"])
def standard_edit(request: HttpRequest, standard_id: int) -> HttpResponse:
    return _standard_form(request, _standard_or_404(standard_id))


def _standard_form(request: HttpRequest, standard: Standard | None) -> HttpResponse:
    initial = standard_initial(standard) if standard else None
    places = _places()
    if request.method == "GET":
        form = StandardForm(initial=initial, standard=standard, **places)
        return render(request, "console/standards/form.html", {"standard": standard, "form": form})
    form = StandardForm(request.POST, initial=initial, standard=standard, **places)
    status = 400
    if form.is_valid():
        actor = acting_user(request)
        try:
            if standard is None:
                standard = standard_create(data=form.standard_input(), actor=actor)
            else:
                standard = standard_update(standard=standard, data=form.standard_input(), actor=actor)
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(request, _("The standard is saved."))
            return _back(standard)
    else:
        messages.error(request, _("The standard is not saved: see what is marked below."))
    context = {"standard": standard, "form": form}
    return render(request, "console/standards/form.html", context, status=status)


@staff_required(STANDARDS_MANAGE)
@require_POST
def standard_retire_view(request: HttpRequest, standard_id: int) -> HttpResponse:
    standard = _standard_or_404(standard_id)
    active = request.POST.get("active") == "1"
    standard_retire(standard=standard, active=active, actor=acting_user(request))
    if active:
        messages.success(request, _("The standard is back on the list."))
    else:
        messages.success(request, _("The standard is retired: its measurements stay."))
    return _back(standard)


# --- a standard's page -------------------------------------------------------------------------------------


@staff_required(STANDARDS_VIEW)
@require_GET
def standard_detail(request: HttpRequest, standard_id: int) -> HttpResponse:
    standard = _standard_or_404(standard_id)
    form = RangeForm(request.GET or None, initial={"period": standard.period})
    period, count, chosen = form.chosen(standard.period)
    page = standard_page(standard=standard, period=period, count=count, today=business_today(), chosen=chosen)
    context = {
        **_rights(request),
        "standard": standard,
        "page": page,
        "form": form,
        "moved": _moved_words(page),
        "groups": [
            (_("By employee"), "employee", page.groups["employee"]),
            (_("By team"), "team", page.groups["team"]),
            (_("By store"), "store", page.groups["store"]),
        ],
        "charts": _page_charts(page),
        "measured": standard.source == Source.MEASURED,
    }
    return render(request, "console/standards/detail.html", context)


def _moved_words(page: StandardPage) -> str:
    """A sentence naming the first period whose point says the process moved; '' when none does."""
    if not page.moved_in:
        return ""
    first = page.moved_in[0]
    if page.period == "day":
        return _("The process moved on %(day)s.") % {"day": period_words(first, "day")}
    if page.period == "week":
        return _("The process moved in the week of %(day)s.") % {"day": period_words(first, "day")}
    return _("The process moved in %(month)s.") % {"month": period_words(first, "month")}


def _bin_label(one: Bin) -> str:
    return figure(one.only) if one.only is not None else f"{figure(one.low)}\N{EN DASH}{figure(one.high)}"


def _page_charts(page: StandardPage) -> list[dict[str, Any]]:
    standard, ticks = page.standard, [_tick(start, page.period) for start in page.starts]
    zones = (
        ("met", _("Meeting the target"), "good"),
        ("between", _("Between the target and the minimum"), "warn"),
        ("past", _("Past the minimum"), "bad"),
    )
    points = {point.period_start: point for point in page.control.points}
    along = [points.get(start) for start in page.starts]
    return [
        chart(
            "standard-distribution",
            "bar",
            [_bin_label(one) for one in page.bins],
            [
                {
                    "label": label,
                    "data": [one.count if one.zone == zone else None for one in page.bins],
                    "stack": "zone",
                    "tone": tone,
                }
                for zone, label, tone in zones
            ],
            title=_("How many measurements had each value"),
            whole=True,
        ),
        _share_chart("standard-trend", ticks, page.shares, standard.target_share),
        chart(
            "standard-control",
            "line",
            ticks,
            [
                {"label": _("Share meeting the target"), "data": [p.share if p else None for p in along]},
                {
                    "label": _("Centre"),
                    "data": [page.control.centre if p else None for p in along],
                    "dashed": True,
                },
                {
                    "label": _("Upper limit"),
                    "data": [p.upper_limit if p else None for p in along],
                    "dashed": True,
                },
                {
                    "label": _("Lower limit"),
                    "data": [p.lower_limit if p else None for p in along],
                    "dashed": True,
                },
                {
                    "label": _("The process moved"),
                    "data": [p.share if p and p.signal else None for p in along],
                    "dots": True,
                    "tone": "bad",
                },
            ],
            title=_("Control chart of the share meeting the target"),
            percent=True,
        ),
    ]


# --- a measurement typed by hand ---------------------------------------------------------------------------


@staff_required(MEASUREMENTS_ADD)
@require_http_methods(["GET", "POST"])
def standard_measurement_new(request: HttpRequest, standard_id: int) -> HttpResponse:
    standard = _standard_or_404(standard_id)
    if standard.source != Source.MEASURED:
        raise Http404("this standard is measured from cases and ratings")
    places = _places()
    if request.method == "GET":
        form = MeasurementForm(initial=measurement_now(), **places)
        return _measurement_page(request, standard, form)
    form = MeasurementForm(request.POST, **places)
    status = 400
    if form.is_valid():
        try:
            counts = measurements_add(
                standard=standard, items=[form.measurement_input()], actor=acting_user(request)
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
            status = error.status
        else:
            if counts.created:
                messages.success(request, _("The measurement is recorded."))
            else:
                messages.info(
                    request, _("A measurement with this external id was recorded before: nothing changed.")
                )
            return _back(standard)
    else:
        messages.error(request, _("The measurement is not recorded: see what is marked below."))
    return _measurement_page(request, standard, form, status=status)


def _measurement_page(
    request: HttpRequest, standard: Standard, form: MeasurementForm, *, status: int = 200
) -> HttpResponse:
    context = {"standard": standard, "form": form, "name": in_reader_language(standard, "name")}
    return render(request, "console/standards/measurement_form.html", context, status=status)
