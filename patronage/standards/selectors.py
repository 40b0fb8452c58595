"""Reading standards and their compliance.

Compliance is one grouped query: on PostgreSQL the database buckets the periods in the business's zone and
computes the median and 90th percentile with percentile_cont, so the figures cost what a bare GROUP BY
costs (bench/standards.py); elsewhere (the embedded SQLite) the values are read and standards.stats
computes the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

from django.db import connection
from django.db.models import QuerySet

from patronage.care.models import Team
from patronage.commerce.models import Store
from patronage.core.business import business_zone
from patronage.core.errors import NotFound
from patronage.core.models import User
from patronage.standards.models import Direction, Measurement, Standard
from patronage.standards.stats import Summary, period_after, period_before, period_start, summarise

PeriodChoice = Literal["day", "week", "month", "all"]
GroupChoice = Literal["employee", "team", "store", "none"]
PERIOD_CHOICES: tuple[str, ...] = ("day", "week", "month", "all")
GROUP_CHOICES: tuple[str, ...] = ("employee", "team", "store", "none")
_GROUP_COLUMN = {"employee": "employee_id", "team": "team_id", "store": "store_id"}


def standard_list(*, active: bool | None = True) -> QuerySet[Standard]:
    standards = Standard.objects.select_related("team", "store", "owner")
    return standards if active is None else standards.filter(active=active)


def standard_get(*, standard_id: int) -> Standard:
    try:
        return standard_list(active=None).get(pk=standard_id)
    except Standard.DoesNotExist:
        raise NotFound("no such standard", field="standard") from None


def standard_by_code(*, code: str) -> Standard | None:
    return standard_list(active=None).filter(code=code).first()


@dataclass(frozen=True)
class ComplianceRow:
    """One period's (None: all time) figures for one employee, team or store (None: everyone, or nobody
    named)."""

    period_start: date | None
    group_id: int | None
    summary: Summary


@dataclass(frozen=True)
class Scope:
    """Which measurements are read: a time range (from, before) and, when given, only these employees,
    teams or stores."""

    since: datetime | None = None
    until: datetime | None = None
    employee_ids: Collection[int] | None = None
    team_ids: Collection[int] | None = None
    store_ids: Collection[int] | None = None


def standard_compliance(
    *, standard: Standard, period: str, group: str, scope: Scope | None = None
) -> list[ComplianceRow]:
    """Count, share meeting the target, share past the minimum, median and 90th percentile per period and
    group, in period then group order (the business's zone draws the periods' edges)."""
    if period not in PERIOD_CHOICES or group not in GROUP_CHOICES:
        raise ValueError(f"unknown period {period!r} or group {group!r}")
    scope = scope or Scope()
    if connection.vendor == "postgresql":
        return _compliance_sql(standard, period, group, scope)
    return _compliance_python(standard, period, group, scope)


def _filters(standard: Standard, scope: Scope) -> tuple[list[str], list[Any]]:
    where: list[str] = ["standard_id = %s"]
    params: list[Any] = [standard.pk]
    if scope.since is not None:
        where.append("at >= %s")
        params.append(scope.since)
    if scope.until is not None:
        where.append("at < %s")
        params.append(scope.until)
    for column, ids in (
        ("employee_id", scope.employee_ids),
        ("team_id", scope.team_ids),
        ("store_id", scope.store_ids),
    ):
        if ids is not None:
            where.append(f"{column} = ANY(%s)")
            params.append(list(ids))
    return where, params


def _compliance_sql(standard: Standard, period: str, group: str, scope: Scope) -> list[ComplianceRow]:
    lower = standard.direction == Direction.LOWER
    meeting = "value <= %s" if lower else "value >= %s"
    passing = "value > %s" if lower else "value < %s"
    keys: list[str] = []
    params: list[Any] = []
    if period != "all":
        keys.append("(date_trunc(%s, at AT TIME ZONE %s))::date")
        params += [period, str(business_zone())]
    if group != "none":
        keys.append(_GROUP_COLUMN[group])
    where, where_params = _filters(standard, scope)
    selected = ", ".join([*keys, ""]) if keys else ""
    positions = ", ".join(str(n) for n in range(1, len(keys) + 1))
    grouped = f"GROUP BY {positions} ORDER BY {positions}" if keys else ""
    sql = (
        f"SELECT {selected}count(*), count(*) FILTER (WHERE {meeting}), count(*) FILTER (WHERE {passing}), "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY value), percentile_cont(0.9) WITHIN GROUP (ORDER BY value) "
        f"FROM standards_measurement WHERE {' AND '.join(where)} {grouped}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, standard.target, standard.minimum, *where_params])
        rows = cursor.fetchall()
    result = []
    for row in rows:
        values = list(row)
        start = values.pop(0) if period != "all" else None
        group_id = values.pop(0) if group != "none" else None
        count, met, passed, median, p90 = values
        if count:
            result.append(ComplianceRow(start, group_id, Summary(count, met, passed, median, p90)))
    return result


def _compliance_python(standard: Standard, period: str, group: str, scope: Scope) -> list[ComplianceRow]:
    measurements = Measurement.objects.filter(standard=standard)
    if scope.since is not None:
        measurements = measurements.filter(at__gte=scope.since)
    if scope.until is not None:
        measurements = measurements.filter(at__lt=scope.until)
    if scope.employee_ids is not None:
        measurements = measurements.filter(employee_id__in=scope.employee_ids)
    if scope.team_ids is not None:
        measurements = measurements.filter(team_id__in=scope.team_ids)
    if scope.store_ids is not None:
        measurements = measurements.filter(store_id__in=scope.store_ids)
    column = _GROUP_COLUMN.get(group)
    zone = business_zone()
    values: dict[tuple[date | None, int | None], list[float]] = defaultdict(list)
    fields = ["at", "value", *([column] if column else [])]
    for row in measurements.values_list(*fields).iterator(chunk_size=10_000):
        start = period_start(row[0].astimezone(zone), period) if period != "all" else None
        values[(start, row[2] if column else None)].append(row[1])
    order = sorted(values, key=lambda key: (key[0] or date.min, key[1] is None, key[1] or 0))
    return [
        ComplianceRow(
            start,
            group_id,
            summarise(
                values[(start, group_id)],
                target=standard.target,
                minimum=standard.minimum,
                direction=standard.direction,
            ),
        )
        for start, group_id in order
    ]


def period_bounds(start: date, period: str) -> tuple[datetime, datetime]:
    """The instants a period of the business's calendar runs from and before."""
    zone = business_zone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(period_after(start, period), time.min, tzinfo=zone),
    )


def periods_back(*, period: str, count: int, today: date) -> list[date]:
    """The first days of the last `count` periods up to the one holding `today`, oldest first."""
    starts = [period_start(today, period)]
    while len(starts) < count:
        starts.append(period_before(starts[-1], period))
    return starts[::-1]


def group_labels(group: str, ids: Sequence[int | None]) -> dict[int, str]:
    """How each employee (full name, else username), team or store is named on a page or in an export."""
    wanted = [pk for pk in ids if pk is not None]
    if group == "employee":
        return {u.pk: u.get_full_name() or u.get_username() for u in User.objects.filter(pk__in=wanted)}
    if group == "team":
        return dict(Team.objects.filter(pk__in=wanted).values_list("pk", "name"))
    if group == "store":
        return dict(Store.objects.filter(pk__in=wanted).values_list("pk", "name"))
    return {}
