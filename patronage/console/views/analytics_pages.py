"""One page per analysis: the last finished run's charts and tables, and the what-if study's form."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from patronage.analytics.compute import whatif_study
from patronage.analytics.models import AnalysisKind, AnalysisRun
from patronage.analytics.permissions import analysis_permissions
from patronage.analytics.segments import SEGMENT_LABELS
from patronage.analytics.selectors import analysis_active, analysis_latest, member_names
from patronage.analytics.whatif import PROJECTS, TARP_MINOR, WhatIfInputs
from patronage.console.access import staff_required
from patronage.console.charts import chart
from patronage.console.views.analytics import PAGES, method_anchor
from patronage.console.views.analytics_nps import nps_groups_context
from patronage.core.errors import ValidationFailed

FEATURE_LABELS: dict[str, str | Promise] = {
    "recency_days": _("Days since the last purchase"),
    "purchase_days": _("Purchase days"),
    "mean_spend": _("Mean spend"),
    "tenure_days": _("Tenure"),
    "ipt_cv": _("Irregular buying"),
    "overdue": _("Overdue against their usual gap"),
    "promo_share": _("Share bought on promotion"),
    "return_share": _("Share returned"),
    "problems": _("Problems with orders"),
    "complaints": _("Complaints"),
    "unresolved": _("Unresolved complaints"),
}
OUTCOME_LABELS: dict[str, str | Promise] = {
    "no_problem": _("No problem"),
    "silent": _("Problem, never complained"),
    "complained_unresolved": _("Complained, unresolved"),
    "resolved": _("Complaint resolved"),
    "resolved_quickly": _("Resolved quickly"),
    "resolved_slowly": _("Resolved slowly"),
    "satisfied": _("Satisfied with the resolution"),
}
OUTCOMES_SHOWN = (
    "no_problem",
    "silent",
    "complained_unresolved",
    "resolved",
    "resolved_quickly",
    "satisfied",
)
METRIC_LABELS: dict[str, str | Promise] = {
    "retained": _("Bought again after the cutoff"),
    "repeat": _("Repeat buyers"),
    "spend_after": _("Spend after the cutoff"),
    "spend_before": _("Spend before the cutoff"),
}
INPUT_LABELS: dict[str, Any] = {
    "customers": _("Customers"),
    "problem_rate": _("Share with a problem"),
    "complaint_rate": _("Share of them who complain"),
    "resolution_rate": _("Share of complaints resolved"),
    "quick_rate": _("Share of resolutions that are quick"),
    "repurchase_none": _("Buy again: no problem"),
    "repurchase_silent": _("Buy again: problem, no complaint"),
    "repurchase_unresolved": _("Buy again: complaint unresolved"),
    "repurchase_slow": _("Buy again: resolved slowly"),
    "repurchase_quick": _("Buy again: resolved quickly"),
    "value": _("Value of a repeat customer"),
}
PROJECT_LABELS: dict[str, str | Promise] = {
    "current": _("Today"),
    **dict(
        zip(
            PROJECTS,
            (
                _("Hear more complaints (+10 pts complaint rate)"),
                _("Resolve more (+10 pts resolution)"),
                _("Resolve faster (+10 pts resolved quickly)"),
                _("Prevent problems (-5 pts problem rate)"),
            ),
            strict=True,
        )
    ),
}


def _edges_labels(histogram: dict[str, Any], *, digits: int = 0) -> list[str]:
    edges = histogram.get("edges") or []
    return [f"{edges[i]:,.{digits}f}\u2013{edges[i + 1]:,.{digits}f}" for i in range(len(edges) - 1)]


def _base(kind: str) -> dict[str, Any]:
    latest = analysis_latest(kind=kind)
    return {
        "kind": kind,
        "label": AnalysisKind(kind).label,
        "run": latest,
        "active": analysis_active(kind=kind),
        "result": latest.result if latest is not None else {},
        "anchor": method_anchor(kind),
        "exports": kind in ("clv", "churn", "loyalty", "deal_seekers"),
        "page": PAGES[kind],
    }


def _page(request: HttpRequest, kind: str, build: Any, **live: Any) -> HttpResponse:
    """The page of the kind's last run; `live` adds what the page shows whether or not a run exists."""
    context = {**_base(kind), **live}
    context["charts"] = []
    if context["run"] is not None:
        context.update(build(context["run"]))
    return render(request, f"console/analytics/{kind}.html", context)


def _named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = member_names(row["member"] for row in rows)
    return [{**row, "name": names.get(row["member"], "")} for row in rows]


def _segment(name: str | None) -> str:
    return str(SEGMENT_LABELS.get(name or "", name or "—"))


# --- lifetime value -----------------------------------------------------------------------------


def _fit_rows(fit: dict[str, Any]) -> list[dict[str, Any]]:
    errors = fit.get("standard_errors", {})
    return [
        {"name": name, "value": value, "se": errors.get(name)}
        for name, value in fit.get("params", {}).items()
    ]


def _clv(run: AnalysisRun) -> dict[str, Any]:
    result = run.result
    segments = result.get("by_segment", [])
    labels = [_segment(row["segment"]) for row in segments]
    charts = [
        chart(
            "clv-histogram",
            "bar",
            _edges_labels(result["histogram"]),
            [{"label": _("Customers"), "data": result["histogram"]["counts"]}],
            title=_("Customers by lifetime value"),
        ),
        chart(
            "clv-segments",
            "bar",
            labels,
            [{"label": _("Mean lifetime value"), "data": [row["mean_clv"] for row in segments]}],
            title=_("Mean lifetime value by RFM segment"),
        ),
        chart(
            "clv-alive",
            "bar",
            labels,
            [{"label": _("Mean probability alive"), "data": [row["mean_p_alive"] for row in segments]}],
            title=_("Probability alive by RFM segment"),
            percent=True,
        ),
    ]
    validation = result.get("validation")
    if validation:
        rows = validation["by_frequency"]
        charts.append(
            chart(
                "clv-holdout",
                "bar",
                [f"{row['frequency']}{'+' if row['frequency'] == 7 else ''}" for row in rows],
                [
                    {"label": _("Actual"), "data": [row["actual"] for row in rows]},
                    {"label": _("Predicted"), "data": [row["predicted"] for row in rows]},
                ],
                title=_("Holdout purchases per customer by calibration repeat purchases"),
            )
        )
    return {
        "charts": charts,
        "fit_rows": _fit_rows(result["fit"]),
        "spend_rows": _fit_rows(result["spend_fit"]),
        "segments": [{**row, "label": _segment(row["segment"])} for row in segments],
        "top": [{**row, "segment_label": _segment(row["segment"])} for row in _named(result["top"])],
    }


@staff_required(*analysis_permissions("clv"))
@require_GET
def clv_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "clv", _clv)


# --- churn --------------------------------------------------------------------------------------


def _heat(value: float | None) -> dict[str, Any]:
    if value is None:
        return {"text": "", "alpha": 0}
    return {"text": f"{100 * value:.0f}%", "alpha": round(0.1 + 0.9 * value, 2), "dark": value > 0.55}


def _period_label(start: str, period: str) -> str:
    """A period of a churn run (stored as the ISO day it starts) as people name it: 'Jan 2026', '2026 Q1',
    the week's first day."""
    try:
        day = date.fromisoformat(str(start)[:10])
    except ValueError:
        return str(start)
    if period == "M":
        return date_format(day, "YEAR_MONTH_FORMAT")
    if period == "Q":
        return _("%(year)s Q%(quarter)s") % {"year": day.year, "quarter": (day.month - 1) // 3 + 1}
    return date_format(day, "DATE_FORMAT")


def _churn(run: AnalysisRun) -> dict[str, Any]:
    result = run.result
    rates, curve, model = result["rates"], result["curve"], result["model"]
    period = str(result.get("period", "M"))
    charts = [
        chart(
            "churn-rate",
            "line",
            [_period_label(row["period"], period) for row in rates],
            [{"label": _("Churn rate"), "data": [row["churn_rate"] for row in rates]}],
            title=_("Churn rate by period"),
            percent=True,
        ),
        chart(
            "churn-curve",
            "line",
            [row["age"] for row in curve],
            [
                {"label": _("Retention"), "data": [row["retention"] for row in curve]},
                # xgettext:no-python-format
                {"label": _("95% interval, low"), "data": [row["low"] for row in curve], "dashed": True},
                # xgettext:no-python-format
                {"label": _("95% interval, high"), "data": [row["high"] for row in curve], "dashed": True},
            ],
            title=_("Retention by periods since the first purchase"),
            percent=True,
        ),
        chart(
            "churn-auc",
            "bar",
            [_("Churn-risk model"), _("Recency alone")],
            [{"label": _("Holdout ROC AUC"), "data": [model["auc"], model["baseline_auc"]]}],
            title=_("Churn-risk model against a recency-only baseline"),
        ),
    ]
    cohorts = [
        {
            "cohort": _period_label(row["cohort"], period),
            "size": row["size"],
            "cells": [_heat(v) for v in row["retention"]],
        }
        for row in result["cohorts"]["rows"]
    ]
    top = [
        {**row, "reasons": [str(FEATURE_LABELS.get(r, r)) for r in row.get("churn_reasons") or []]}
        for row in _named(result["top"])
    ]
    return {
        "charts": charts,
        "cohorts": cohorts,
        "ages": result["cohorts"]["ages"],
        "model": model,
        "top": top,
    }


@staff_required(*analysis_permissions("churn"))
@require_GET
def churn_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "churn", _churn)


# --- loyalty ------------------------------------------------------------------------------------


def _interval_datasets(rows: list[dict[str, Any]], key: str, label: str | Promise) -> list[dict[str, Any]]:
    return [
        {"label": label, "data": [row[key] for row in rows]},
        # xgettext:no-python-format
        {"label": _("95% interval"), "data": [[row["low"], row["high"]] for row in rows], "interval": True},
    ]


def _loyalty(run: AnalysisRun) -> dict[str, Any]:
    result = run.result
    segments, repeat = result["by_segment"], result["repeat_by_segment"]
    charts = [
        chart(
            "loyalty-histogram",
            "bar",
            _edges_labels(result["histogram"]),
            [{"label": _("Customers"), "data": result["histogram"]["counts"]}],
            title=_("Customers by loyalty index"),
        ),
        chart(
            "loyalty-segments",
            "bar",
            [_segment(row["segment"]) for row in segments],
            [{"label": _("Mean loyalty index"), "data": [row["mean_index"] for row in segments]}],
            title=_("Loyalty index by RFM segment"),
        ),
        chart(
            "loyalty-repeat",
            "bar",
            [_segment(row["segment"]) for row in repeat],
            _interval_datasets(repeat, "repeat_rate", _("Repeat-purchase rate")),
            title=_("Repeat-purchase rate by RFM segment"),
            percent=True,
        ),
    ]
    return {
        "charts": charts,
        "segments": [{**row, "label": _segment(row["segment"])} for row in segments],
        "components": result["components"],
    }


@staff_required(*analysis_permissions("loyalty"))
@require_GET
def loyalty_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "loyalty", _loyalty, **nps_groups_context())


# --- deal-seekers -------------------------------------------------------------------------------


def _deal_seekers(run: AnalysisRun) -> dict[str, Any]:
    result = run.result
    rows = [{**row, "label": METRIC_LABELS.get(row["metric"], row["metric"])} for row in result["compare"]]
    charts = []
    for kind, chart_id, title, percent in (
        ("rate", "deal-rates", _("Retention of deal-seekers and the others"), True),
        ("mean", "deal-values", _("Value of deal-seekers and the others"), False),
    ):
        metrics = [row for row in rows if row["kind"] == kind]
        datasets = []
        for group, label in (("deal_seekers", _("Deal-seekers")), ("others", _("Others"))):
            # One stack per group: each interval is drawn over its own group's bar, like an error bar.
            datasets.append(
                {"label": label, "data": [row[f"{group}_estimate"] for row in metrics], "stack": group}
            )
            datasets.append(
                {
                    # xgettext:no-python-format
                    "label": _("95% interval"),
                    "data": [[row[f"{group}_low"], row[f"{group}_high"]] for row in metrics],
                    "interval": True,
                    "stack": group,
                }
            )
        charts.append(
            chart(chart_id, "bar", [row["label"] for row in metrics], datasets, title=title, percent=percent)
        )
    histogram = result["promo_share_histogram"]
    charts.append(
        chart(
            "deal-promo",
            "bar",
            [f"{100 * e:.0f}%" for e in histogram["edges"][:-1]],
            [{"label": _("Customers"), "data": histogram["counts"]}],
            title=_("Customers by share of purchases on promotion"),
        )
    )
    return {"charts": charts, "compare": rows}


@staff_required(*analysis_permissions("deal_seekers"))
@require_GET
def deal_seekers_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "deal_seekers", _deal_seekers)


# --- complaint outcomes -------------------------------------------------------------------------


def _service(run: AnalysisRun) -> dict[str, Any]:
    result = run.result
    by_group = {row["group"]: row for row in result["outcomes"]}
    outcomes = [{**by_group[g], "label": OUTCOME_LABELS[g]} for g in OUTCOMES_SHOWN if g in by_group]
    bands = [
        {**row, "label": _("no response") if row["band"] == "no response" else row["band"]}
        for row in result["response"]
    ]
    charts = [
        chart(
            "service-outcomes",
            "bar",
            [row["label"] for row in outcomes],
            _interval_datasets(outcomes, "repurchase_rate", _("Bought again")),
            title=_("Repurchase rate by what happened to the purchase"),
            percent=True,
        ),
        chart(
            "service-response",
            "bar",
            [row["label"] for row in bands],
            _interval_datasets(bands, "retention", _("Bought again")),
            title=_("Repurchase rate by time to resolution"),
            percent=True,
        ),
    ]
    return {"charts": charts, "outcomes": outcomes, "bands": bands}


@staff_required(*analysis_permissions("service"))
@require_GET
def service_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "service", _service)


# --- what-if ------------------------------------------------------------------------------------


# The most customers, and the highest value of one, the study takes: far beyond any business, and small
# enough that its sums stay finite numbers to chart.
WHATIF_MAX_COUNT = 1e12


class WhatIfForm(forms.Form):
    """The study's inputs, prefilled with TARP's published figures (docs/guide/analytics-methods.md)."""

    change = forms.FloatField(
        label=_("Tornado: change of each input (fraction)"),
        min_value=0.01,
        max_value=0.99,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in fields(WhatIfInputs):
            share = field.name not in ("customers", "value")
            self.fields[field.name] = forms.FloatField(
                label=INPUT_LABELS[field.name],
                min_value=0,
                max_value=1 if share else WHATIF_MAX_COUNT,
                widget=forms.NumberInput(attrs={"step": "any"}),
            )
        self.order_fields([*(f.name for f in fields(WhatIfInputs)), "change"])

    def inputs(self) -> WhatIfInputs:
        return WhatIfInputs(**{f.name: self.cleaned_data[f.name] for f in fields(WhatIfInputs)})


def _whatif_initial(calibrated: AnalysisRun | None) -> dict[str, Any]:
    inputs = calibrated.result["inputs"] if calibrated is not None else {}
    values = {f.name: float(inputs.get(f.name, getattr(TARP_MINOR, f.name))) for f in fields(WhatIfInputs)}
    # Four decimals of a share are a hundredth of a point: enough to read, and what a person would type.
    rounded = {
        name: round(value, 0 if name in ("customers", "value") else 4) for name, value in values.items()
    }
    return rounded | {"change": 0.10}


def _whatif_charts(study: dict[str, Any]) -> list[dict[str, Any]]:
    projects = [row for row in study["projects"] if row["scenario"] != "current"]
    tornado = study["tornado"]
    base = study["sales_lost"]
    return [
        chart(
            "whatif-projects",
            "bar",
            [PROJECT_LABELS.get(row["scenario"], row["scenario"]) for row in projects],
            [{"label": _("Sales won back"), "data": [row["sales_won"] for row in projects]}],
            title=_("Sales won back by each project"),
            horizontal=True,
        ),
        chart(
            "whatif-tornado",
            "bar",
            [INPUT_LABELS.get(row["input"], row["input"]) for row in tornado],
            [
                {
                    "label": _("Change in sales lost"),
                    "data": [
                        [row["sales_lost_low"] - base, row["sales_lost_high"] - base] for row in tornado
                    ],
                    "interval": True,
                }
            ],
            title=_("Sensitivity of the sales lost to each input (tornado)"),
            horizontal=True,
        ),
    ]


@staff_required(*analysis_permissions("whatif"))
@require_GET
def whatif_page(request: HttpRequest) -> HttpResponse:
    """The form (TARP defaults, or the last calibrated study's inputs) and the study of what it holds."""
    context = _base("whatif")
    calibrated = (
        context["run"] if context["run"] is not None and context["run"].params.get("calibrate") else None
    )
    use_data = request.GET.get("calibrate") == "1"
    submitted = "problem_rate" in request.GET
    form = (
        WhatIfForm(request.GET)
        if submitted
        else WhatIfForm(initial=_whatif_initial(calibrated if use_data else None))
    )
    study, status = None, 200
    if submitted and form.is_valid():
        try:
            study = whatif_study(form.inputs(), change=form.cleaned_data["change"])
        except ValidationFailed as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    elif not submitted:
        initial = _whatif_initial(calibrated if use_data else None)
        study = whatif_study(WhatIfInputs(**{f.name: initial[f.name] for f in fields(WhatIfInputs)}))
    if form.errors:
        status = 400
    context.update(
        {
            "form": form,
            "study": study,
            "use_data": use_data,
            "calibrated": calibrated,
            "charts": _whatif_charts(study) if study else [],
            "projects": [
                {**row, "label": PROJECT_LABELS.get(row["scenario"], row["scenario"])}
                for row in study["projects"]
            ]
            if study
            else [],
            "sources": calibrated.result.get("sources", {}) if use_data and calibrated else {},
        }
    )
    return render(request, "console/analytics/whatif.html", context, status=status)
