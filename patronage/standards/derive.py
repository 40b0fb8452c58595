"""Measurements derived from the product's own data: each met SLA leg and each rated case becomes a
measurement of every active standard it falls under (Standard.source other than measured).

A leg's value is its business time, as the SLA itself measures it: care.sla.between on the case's
policy calendar with the time the case waited for the customer (care.models.CasePause) taken off. So a
case filed on Friday evening and answered on Monday at 09:20 took 20 minutes, which is what the SLA
judged, and a standard on first response agrees with the SLA page.

Each measurement carries an external id naming its leg or case (`leg:<pk>`, `rating:<pk>`); the unique
index (standard, external id) with ignore_conflicts makes a second run, or two workers at once, create
nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import TypeVar

from django.db.models import Q, QuerySet

from patronage.care import legs as leg_clock
from patronage.care import sla
from patronage.care.models import Case, CasePause, LegKind, SlaLeg
from patronage.core import clock
from patronage.standards.models import Measurement, Source, Standard

CHUNK = 2_000
T = TypeVar("T")
Row = TypeVar("Row", SlaLeg, Case)
_LEG_KIND = {Source.FIRST_RESPONSE: LegKind.FIRST_RESPONSE, Source.RESOLUTION: LegKind.RESOLUTION}
# Business seconds per unit of the standard's value: minutes to first response, hours to resolve.
_SECONDS_PER_UNIT = {Source.FIRST_RESPONSE: 60, Source.RESOLUTION: 3600}


def derived_measurements_refresh(*, since: datetime | None = None) -> int:
    """Derives the measurements of every active derived standard from the legs met and the cases rated
    since `since` (None: all of them); returns how many measurements are new."""
    created = 0
    for standard in Standard.objects.filter(active=True).exclude(source=Source.MEASURED):
        if standard.source == Source.SATISFACTION:
            created += _ratings_derive(standard, since)
        else:
            created += _legs_derive(standard, since)
    return created


def _cases_in_scope(standard: Standard, *, through: str = "") -> Q:
    """The cases a standard is about (its channel, team and store, where it names them), seen from the
    rows `through` leads from (`case__` from a leg)."""
    scope = Q()
    if standard.channel:
        scope &= Q(**{f"{through}channel": standard.channel})
    if standard.team_id is not None:
        scope &= Q(**{f"{through}team_id": standard.team_id})
    if standard.store_id is not None:
        scope &= Q(**{f"{through}store_id": standard.store_id})
    return scope


def _legs_derive(standard: Standard, since: datetime | None) -> int:
    legs = SlaLeg.objects.filter(
        _cases_in_scope(standard, through="case__"),
        kind=_LEG_KIND[Source(standard.source)],
        met_at__isnull=False,
    ).select_related("case__policy__calendar")
    if since is not None:
        legs = legs.filter(met_at__gte=since)
    per_unit = _SECONDS_PER_UNIT[Source(standard.source)]
    created = 0
    for chunk in _chunks(legs.order_by("pk")):
        fresh = _not_yet_derived(standard, {f"leg:{leg.pk}": leg for leg in chunk})
        pauses = _pauses_of([leg.case_id for leg in fresh.values()])
        rows = [
            _row(
                standard,
                leg.case,
                key,
                value=_business_seconds(leg, pauses[leg.case_id]) / per_unit,
                at=leg.met_at,
            )
            for key, leg in fresh.items()
            if leg.met_at is not None
        ]
        created += _insert(rows)
    return created


def _ratings_derive(standard: Standard, since: datetime | None) -> int:
    cases = Case.objects.filter(
        _cases_in_scope(standard), satisfaction__isnull=False, satisfaction_at__isnull=False
    )
    if since is not None:
        cases = cases.filter(satisfaction_at__gte=since)
    created = 0
    for chunk in _chunks(cases.order_by("pk")):
        fresh = _not_yet_derived(standard, {f"rating:{case.pk}": case for case in chunk})
        rows = [
            _row(standard, case, key, value=float(case.satisfaction), at=case.satisfaction_at)
            for key, case in fresh.items()
            if case.satisfaction is not None and case.satisfaction_at is not None
        ]
        created += _insert(rows)
    return created


def _chunks(rows: QuerySet[Row]) -> Iterator[list[Row]]:
    """The rows CHUNK at a time, by primary key, so memory stays flat however much history there is."""
    last = 0
    while chunk := list(rows.filter(pk__gt=last)[:CHUNK]):
        yield chunk
        last = chunk[-1].pk


def _not_yet_derived(standard: Standard, by_key: dict[str, T]) -> dict[str, T]:
    # Read once per chunk: a full run then only computes what is new. A worker deriving the same rows at
    # the same moment is left to the unique index.
    known = set(
        Measurement.objects.filter(standard=standard, external_id__in=list(by_key)).values_list(
            "external_id", flat=True
        )
    )
    return {key: row for key, row in by_key.items() if key not in known}


def _pauses_of(case_ids: list[int]) -> dict[int, list[tuple[datetime, datetime]]]:
    """Each case's waits for the customer, one query for the chunk; a wait still running counts to now."""
    now = clock.now()
    pauses: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for case_id, started_at, ended_at in CasePause.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "started_at", "ended_at"
    ):
        pauses[case_id].append((started_at, ended_at or now))
    return pauses


def _business_seconds(leg: SlaLeg, pauses: list[tuple[datetime, datetime]]) -> int:
    assert leg.met_at is not None
    calendar = leg_clock.calendar_of(leg.case.policy)
    return sla.between(calendar, leg.started_at, leg.met_at, pauses)


def _row(standard: Standard, case: Case, key: str, *, value: float, at: datetime) -> Measurement:
    return Measurement(
        standard=standard,
        value=value,
        at=at,
        employee_id=case.assignee_id,
        team_id=case.team_id,
        store_id=case.store_id,
        case=case,
        external_id=key,
        created_at=clock.now(),
    )


def _insert(rows: list[Measurement]) -> int:
    # ignore_conflicts: a worker deriving the same leg at the same moment inserted it first; the unique
    # index drops this copy. The count is of rows offered, which is what this worker found new.
    Measurement.objects.bulk_create(rows, batch_size=1_000, ignore_conflicts=True)
    return len(rows)
