"""A program's overview: its members, points and liability over a period the manager picks, with charts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from patronage.console.access import staff_required
from patronage.console.charts import chart
from patronage.console.views.loyalty_common import program_or_404, setup_context
from patronage.loyalty.permissions import LOYALTY_VIEW
from patronage.loyalty.report_periods import DEFAULT_PERIOD, ReportPeriod
from patronage.loyalty.selectors.overview import ProgramOverview, program_overview


@staff_required(LOYALTY_VIEW)
@require_GET
def overview(request: HttpRequest, code: str) -> HttpResponse:
    program = program_or_404(code)
    period = _period(request)
    figures = program_overview(program=program, period=period)
    context = setup_context(request, program, "overview")
    context.update(overview=figures, periods=ReportPeriod.choices, charts=_charts(figures))
    return render(request, "console/loyalty/overview.html", context)


def _period(request: HttpRequest) -> ReportPeriod:
    asked = request.GET.get("period", "")
    if not asked:
        return DEFAULT_PERIOD
    if asked in ReportPeriod.values:
        return ReportPeriod(asked)
    messages.warning(
        request,
        _("There is no period “%(period)s”: showing %(default)s.")
        % {
            "period": asked,
            "default": DEFAULT_PERIOD.label,
        },
    )
    return DEFAULT_PERIOD


def _charts(figures: ProgramOverview) -> list[dict[str, Any]]:
    months = figures.months
    return [
        chart(
            "points-by-month",
            "bar",
            [formats.date_format(row.month, "YEAR_MONTH_FORMAT") for row in months],
            [
                {"label": _("Issued"), "data": [row.earned for row in months]},
                {"label": _("Redeemed"), "data": [row.redeemed for row in months]},
                {"label": _("Expired"), "data": [row.expired for row in months]},
            ],
            title=_("Points by month"),
            whole=True,
        ),
        chart(
            "members-by-tier",
            "bar",
            [row.tier.name if row.tier else _("No tier") for row in figures.tiers],
            [{"label": _("Members"), "data": [row.members for row in figures.tiers]}],
            title=_("Members by tier"),
            horizontal=True,
            whole=True,
        ),
    ]
