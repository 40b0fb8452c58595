"""Service standards for call-centre systems, door counters and tills: define a standard, send its
measurements in bulk, read its compliance per period and per employee, team or store. Each endpoint parses,
checks the scope, and calls one service or selector of patronage.standards.
"""

# No `from __future__ import annotations` here: ninja reads the parameters' annotations at import time.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.standards import (
    ComplianceFilters,
    ComplianceOut,
    MeasurementsIn,
    MeasurementsOut,
    StandardCreateIn,
    StandardIn,
    StandardOut,
)
from patronage.standards.models import Source, Standard
from patronage.standards.permissions import MEASUREMENTS_ADD, STANDARDS_MANAGE
from patronage.standards.selectors import (
    ComplianceRow,
    Scope,
    group_labels,
    standard_compliance,
    standard_get,
    standard_list,
)
from patronage.standards.services import (
    AddCounts,
    MeasurementInput,
    StandardInput,
    measurements_add,
    standard_create,
    standard_update,
)
from patronage.standards.stats import meets_standard

router = Router(tags=["standards"])

READ = require_scope("standards:read")
# The one write scope covers two rights a staff session holds apart: defining standards, sending measurements.
MANAGE = require_scope("standards:write", staff_permission=STANDARDS_MANAGE)
MEASURE = require_scope("standards:write", staff_permission=MEASUREMENTS_ADD)


def _standard_input(payload: StandardIn, *, code: str = "", source: str = Source.MEASURED) -> StandardInput:
    """The service's input; on a change, code and source are the standard's own (the service keeps them)."""
    return StandardInput(
        code=code,
        name=payload.name,
        unit=payload.unit,
        direction=payload.direction,
        target=payload.target,
        minimum=payload.minimum,
        target_share=payload.target_share,
        period=payload.period,
        name_translations=payload.name_translations or {},
        unit_translations=payload.unit_translations or {},
        channel=payload.channel or "",
        team=payload.team or "",
        store=payload.store or "",
        owner=payload.owner or "",
        source=source,
    )


@router.post("/standards", response={201: StandardOut, PROBLEM_STATUSES: Problem}, auth=MANAGE)
def create_standard(request: HttpRequest, payload: StandardCreateIn) -> Status[Standard]:
    """Defines a standard (201 with its `id`). A code in use is 409; every problem of the input is 422,
    each naming its field."""
    data = _standard_input(payload, code=payload.code, source=payload.source)
    return Status(201, standard_create(data=data, actor=acting_user(request)))


@router.get("/standards", response={200: list[StandardOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_standards(request: HttpRequest) -> QuerySet[Standard]:
    """Every standard by code, retired ones too (`active` false)."""
    return standard_list(active=None)


@router.get("/standards/{standard_id}", response={200: StandardOut, PROBLEM_STATUSES: Problem}, auth=READ)
def get_standard(request: HttpRequest, standard_id: PathId) -> Standard:
    return standard_get(standard_id=standard_id)


@router.put("/standards/{standard_id}", response={200: StandardOut, PROBLEM_STATUSES: Problem}, auth=MANAGE)
def update_standard(request: HttpRequest, standard_id: PathId, payload: StandardIn) -> Standard:
    """Rewrites a standard's words, target, minimum, period and where it applies; its code and source stay
    (they are not sent). Its measurements are judged by the new figures from then on."""
    return standard_update(
        standard=standard_get(standard_id=standard_id),
        data=_standard_input(payload),
        actor=acting_user(request),
    )


@router.post(
    "/standards/{standard_id}/measurements",
    response={201: MeasurementsOut, PROBLEM_STATUSES: Problem},
    auth=MEASURE,
)
def add_measurements(request: HttpRequest, standard_id: PathId, payload: MeasurementsIn) -> Status[AddCounts]:
    """Records a batch, all or none: one bad item refuses them all, 422 naming `items.<n>.<field>`. An item
    whose `external_id` was sent before (or earlier in the batch) is counted `unchanged`. A standard derived
    from cases and ratings takes no measurements (409)."""
    items = [
        MeasurementInput(
            value=item.value,
            at=item.at,
            employee=item.employee or "",
            team=item.team or "",
            store=item.store or "",
            external_id=item.external_id or "",
        )
        for item in payload.items
    ]
    counts = measurements_add(
        standard=standard_get(standard_id=standard_id), items=items, actor=acting_user(request)
    )
    return Status(201, counts)


@router.get(
    "/standards/{standard_id}/compliance",
    response={200: ComplianceOut, PROBLEM_STATUSES: Problem},
    auth=READ,
)
def get_standard_compliance(
    request: HttpRequest, standard_id: PathId, filters: Query[ComplianceFilters]
) -> dict[str, Any]:
    """Count, share meeting the target, share worse than the minimum, median and 90th percentile per period
    (`period=all`: all time) and per employee, team or store (`group=none`: everyone), oldest first."""
    standard = standard_get(standard_id=standard_id)
    period = filters.period or standard.period
    rows = standard_compliance(
        standard=standard,
        period=period,
        group=filters.group,
        scope=Scope(since=filters.since, until=filters.until),
    )
    labels = group_labels(filters.group, [row.group_id for row in rows])
    return {
        "standard": standard,
        "period": period,
        "group": filters.group,
        "rows": [_row(row, labels, standard) for row in rows],
    }


def _row(row: ComplianceRow, labels: dict[int, str], standard: Standard) -> dict[str, Any]:
    summary = row.summary
    return {
        "period_start": row.period_start,
        "group": {"id": row.group_id, "name": labels.get(row.group_id, "")}
        if row.group_id is not None
        else None,
        "count": summary.count,
        "meeting_target": summary.meeting_target,
        "meeting_target_share": summary.meeting_target_share,
        "below_minimum": summary.below_minimum,
        "below_minimum_share": summary.below_minimum_share,
        "median": summary.median,
        "p90": summary.p90,
        "meets_standard": meets_standard(summary, target_share=standard.target_share),
    }
