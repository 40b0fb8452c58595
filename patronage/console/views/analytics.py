"""The analytics home: each analysis with its last run, recomputing with live progress, exports and methods."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import markdown
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patronage.analytics.models import AnalysisKind, AnalysisRun
from patronage.analytics.permissions import ANALYTICS_ANY, analysis_allowed, analysis_kinds_allowed
from patronage.analytics.selectors import analysis_overview, analysis_run_get, scores_export
from patronage.analytics.services import analysis_request
from patronage.analytics.tasks import analysis_enqueue
from patronage.console.access import acting_user, forbidden, staff_required
from patronage.core.errors import ApplicationError, NotFound

METHODS_FILE = Path(settings.BASE_DIR) / "docs" / "guide" / "analytics-methods.md"
# The section of the methods page each analysis links to.
METHOD_SECTIONS = {
    "clv": "Customer lifetime value and profitability",
    "churn": "Churn-risk score and its reasons",
    "loyalty": "Loyalty index and repeat-purchase rate",
    "deal_seekers": "Deal-seekers",
    "service": "Complaint outcomes and response speed",
    "whatif": "What-if studies of service projects (TARP's sensitivity analysis)",
}
PAGES = {
    "clv": "console:analytics_clv",
    "churn": "console:analytics_churn",
    "loyalty": "console:analytics_loyalty",
    "deal_seekers": "console:analytics_deal_seekers",
    "service": "console:analytics_service",
    "whatif": "console:analytics_whatif",
}


def slug(heading: str) -> str:
    """A heading's anchor, as GitHub makes it: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def method_anchor(kind: str) -> str:
    return slug(METHOD_SECTIONS[kind])


def _run(run_id: int) -> AnalysisRun:
    try:
        return analysis_run_get(run_id=run_id)
    except NotFound as error:
        raise Http404(error.message) from error


@staff_required(*ANALYTICS_ANY)
@require_GET
def analytics_home(request: HttpRequest) -> HttpResponse:
    """Each analysis the person may open, with when it last ran, on which data and parameters, and a
    Recompute button."""
    user = acting_user(request)
    rows = [
        {"row": row, "page": PAGES[row.kind], "anchor": method_anchor(row.kind)}
        for row in analysis_overview(kinds=analysis_kinds_allowed(user, PAGES))
    ]
    return render(request, "console/analytics/home.html", {"rows": rows})


@staff_required(*ANALYTICS_ANY)
@require_POST
def analytics_recompute(request: HttpRequest, kind: str) -> HttpResponse:
    """Queues a run with the parameters of the last one (defaults the first time); the page shows its progress."""
    if kind not in AnalysisKind.values:
        raise Http404(kind)
    if not analysis_allowed(acting_user(request), kind):
        return forbidden(request)
    params = _recompute_params(request, kind)
    try:
        run = analysis_request(kind=kind, params=params, actor=acting_user(request), enqueue=analysis_enqueue)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(analysis)s is being recomputed.") % {"analysis": run.get_kind_display()}
        )
    return redirect(request.POST.get("next") or "console:analytics")


def _recompute_params(request: HttpRequest, kind: str) -> dict[str, Any]:
    from patronage.analytics.selectors import analysis_latest

    latest = analysis_latest(kind=kind)
    params = dict(latest.params) if latest is not None else {}
    # A recompute reads the data up to now, unless the analyst fixed the window end.
    params.pop("window_end", None)
    if kind == "whatif" and latest is None:
        params["calibrate"] = True
    return params


@staff_required(*ANALYTICS_ANY)
@require_GET
def analytics_run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run's status and progress bar; htmx polls it while the run computes, and reloads the page at the end."""
    run = _run(run_id)
    if not analysis_allowed(acting_user(request), run.kind):
        return forbidden(request)
    response = render(request, "console/analytics/_progress.html", {"run": run})
    if request.headers.get("HX-Request") and not run.is_active:
        response["HX-Refresh"] = "true"
    return response


@staff_required(*ANALYTICS_ANY)
@require_GET
def analytics_export(request: HttpRequest, run_id: int, format: str) -> HttpResponse:
    """A finished run's per-customer scores as CSV or Parquet."""
    run = _run(run_id)
    if not analysis_allowed(acting_user(request), run.kind):
        return forbidden(request)
    try:
        content, content_type, name = scores_export(run=run, format=format)
    except ApplicationError as error:
        raise Http404(error.message) from error
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required(*ANALYTICS_ANY)
@require_GET
def analytics_methods(request: HttpRequest) -> HttpResponse:
    """docs/guide/analytics-methods.md, one section per heading, so each page can link to its method."""
    sections = _method_sections()
    return render(request, "console/analytics/methods.html", {"sections": sections})


def _method_sections() -> list[dict[str, str]]:
    if not METHODS_FILE.exists():
        return []
    sections: list[dict[str, str]] = []
    for block in re.split(r"^(?=#{1,2} )", METHODS_FILE.read_text(encoding="utf-8"), flags=re.M):
        heading, _newline, body = block.partition("\n")
        if not heading.startswith("#"):
            continue
        title = heading.lstrip("#").strip()
        # Our own guide, rendered as the repository shows it: trusted text, so its HTML is kept.
        html = markdown.markdown(body.strip(), extensions=["tables", "fenced_code"])
        sections.append({"title": title, "anchor": slug(title), "body": html})
    return sections
