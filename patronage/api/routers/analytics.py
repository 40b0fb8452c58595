"""Analytics for integrations and notebooks: stored runs, their per-customer scores and exports, and the
what-if study computed at once. Each endpoint checks the scope and calls one service or selector.

An API key with the `analytics` scope reads every analysis; a staff session reads the analyses its groups
allow (`patronage.analytics.permissions`), which each endpoint checks once it knows the kind."""

# No `from __future__ import annotations` here: ninja reads `Query[...]` parameters at import time.

from typing import Any, Literal, cast

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.analytics import selectors
from patronage.analytics.compute import whatif_study
from patronage.analytics.models import AnalysisKind as Kind
from patronage.analytics.models import AnalysisRun, CustomerScore
from patronage.analytics.permissions import analysis_allowed, analysis_kinds_allowed, analysis_permissions
from patronage.analytics.services import analysis_request
from patronage.analytics.tasks import analysis_enqueue
from patronage.analytics.whatif import WhatIfInputs
from patronage.api.auth import acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.analytics import (
    AnalysisKind,
    NpsOutcomesOut,
    RunFilters,
    RunOut,
    RunRequest,
    RunRequestIn,
    RunSummaryOut,
    ScoreFilters,
    ScoreOut,
    WhatIfIn,
    WhatIfOut,
)
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.core.errors import NotFound, PermissionDenied

router = Router(tags=["analytics"])
ANALYTICS = require_scope("analytics")


def _readable(request: HttpRequest, kind: str) -> str:
    """The kind, once checked: a staff session's groups must let it see analyses of `kind` (an API key's
    scope is enough)."""
    user = acting_user(request)
    if user is None or kind not in Kind.values or analysis_allowed(user, kind):
        return kind
    needed = " or ".join(f"'{permission}'" for permission in analysis_permissions(kind))
    raise PermissionDenied(
        _(
            "Your groups (%(groups)s) may not see the %(analysis)s analysis: it needs the %(needed)s permission."
        )
        % {"groups": user.roles_display or _("none"), "analysis": Kind(kind).label, "needed": needed}
    )


def _run_readable(request: HttpRequest, run_id: int) -> AnalysisRun:
    run = selectors.analysis_run_get(run_id=run_id)
    _readable(request, run.kind)
    return run


@router.get("/runs", response={200: list[RunSummaryOut], PROBLEM_STATUSES: Problem}, auth=ANALYTICS)
@paginate(LimitOffset)
def list_analysis_runs(request: HttpRequest, filters: Query[RunFilters]) -> QuerySet[AnalysisRun]:
    """Runs, newest first, of one kind (`?kind=clv`) or of all that the caller may see; results are left out."""
    user = acting_user(request)
    if filters.kind:
        _readable(request, filters.kind)
    kinds = None if user is None else analysis_kinds_allowed(user, Kind.values)
    return selectors.analysis_run_list(kind=filters.kind, kinds=kinds)


@router.post("/runs", response={202: RunOut, PROBLEM_STATUSES: Problem}, auth=ANALYTICS)
def request_analysis_run(request: HttpRequest, payload: RunRequestIn) -> Status[AnalysisRun]:
    """Queues a run (202); while one of the kind is queued or running, that one is returned instead.
    Follow it with GET /analytics/runs/{id} until its status is done or failed."""
    wanted = cast(RunRequest, payload)  # one shape per kind, all with these two
    run = analysis_request(
        kind=_readable(request, wanted.kind),
        params=wanted.given(),
        actor=acting_user(request),
        enqueue=analysis_enqueue,
    )
    return Status(202, run)


@router.get("/runs/{run_id}", response={200: RunOut, PROBLEM_STATUSES: Problem}, auth=ANALYTICS)
def get_analysis_run(request: HttpRequest, run_id: PathId) -> AnalysisRun:
    """One run with its parameters, data window, progress and, once done, its result."""
    return _run_readable(request, run_id)


@router.get(
    "/runs/{run_id}/customers", response={200: list[ScoreOut], PROBLEM_STATUSES: Problem}, auth=ANALYTICS
)
@paginate(LimitOffset)
def list_analysis_scores(
    request: HttpRequest, run_id: PathId, filters: Query[ScoreFilters]
) -> QuerySet[CustomerScore]:
    """The run's per-customer scores (kept for the latest finished run of each kind), best first."""
    run = _run_readable(request, run_id)
    return selectors.customer_score_list(run=run, segment=filters.segment)


@router.get("/runs/{run_id}/export", response={200: None, PROBLEM_STATUSES: Problem}, auth=ANALYTICS)
def export_analysis_scores(
    request: HttpRequest, run_id: PathId, format: Literal["csv", "parquet"] = "csv"
) -> HttpResponse:
    """The run's per-customer scores as a file: `?format=csv` or `?format=parquet`."""
    run = _run_readable(request, run_id)
    content, content_type, name = selectors.scores_export(run=run, format=format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/{kind}/latest", response={200: RunOut, PROBLEM_STATUSES: Problem}, auth=ANALYTICS)
def get_latest_analysis(request: HttpRequest, kind: AnalysisKind) -> AnalysisRun:
    """The last finished run of the kind: readable while the next one computes."""
    _readable(request, kind)
    run = selectors.analysis_latest(kind=kind)
    if run is None:
        raise NotFound(_("no %(kind)s analysis has finished yet") % {"kind": kind}, field="kind")
    return run


@router.get("/nps-groups", response={200: NpsOutcomesOut, PROBLEM_STATUSES: Problem}, auth=ANALYTICS)
def get_nps_group_outcomes(request: HttpRequest) -> selectors.NpsOutcomes:
    """Repurchase and churn of promoters, passives and detractors, each customer in the group of their latest
    NPS answer; read live from the answers, the orders and the latest churn run. Seen with the loyalty
    analysis."""
    _readable(request, "loyalty")
    return selectors.nps_group_outcomes()


@router.post("/whatif", response={200: WhatIfOut, PROBLEM_STATUSES: Problem}, auth=ANALYTICS)
def compute_whatif(request: HttpRequest, payload: WhatIfIn) -> dict[str, Any]:
    """A what-if study of service projects on the given inputs, computed at once and not stored."""
    _readable(request, "whatif")
    values = payload.dict()
    change = values.pop("change")
    return whatif_study(WhatIfInputs(**values), change=change)
