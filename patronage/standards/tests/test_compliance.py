"""Compliance figures on a fixed set of measurements, computed by hand, on either database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from patronage.conftest import business_set
from patronage.core.models import User
from patronage.standards.selectors import Scope, standard_compliance
from patronage.standards.services import (
    AddCounts,
    MeasurementInput,
    StandardInput,
    measurements_add,
    standard_create,
)
from patronage.standards.tests.factories import rings_standard

pytestmark = pytest.mark.django_db

WEEK_1, WEEK_2 = date(2026, 11, 2), date(2026, 11, 9)


def _at(day: int, hour: int = 3) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def rings(admin: User, agent: User, lead: User) -> object:
    business_set(time_zone="Asia/Seoul")
    standard = rings_standard(actor=admin, target_share=0.95)
    items = [MeasurementInput(value=v, at=_at(3), employee="sam_agent") for v in (1, 2, 3, 5)]
    items += [MeasurementInput(value=1, at=_at(4), employee="sol_lead") for _ in range(2)]
    # Sunday 16:00 UTC is Monday 01:00 in Seoul: the second week there.
    items.append(MeasurementInput(value=2, at=_at(8, 16), employee="sam_agent"))
    measurements_add(standard=standard, items=items, actor=admin)
    return standard


def _figures(rows: list) -> list[tuple]:
    return [
        (
            row.period_start,
            row.group_id,
            row.summary.count,
            round(row.summary.meeting_target_share, 4),
            round(row.summary.below_minimum_share, 4),
            round(row.summary.median, 4),
            round(row.summary.p90, 4),
        )
        for row in rows
    ]


def test_it_reports_each_employee_each_week_in_the_business_zone(rings, agent: User, lead: User) -> None:
    rows = standard_compliance(standard=rings, period="week", group="employee")
    assert _figures(rows) == sorted(
        [
            # 1, 2, 3, 5: half within 2 rings, one past 4; median 2.5; p90 3 + 0.7 × (5 - 3)
            (WEEK_1, agent.pk, 4, 0.5, 0.25, 2.5, 4.4),
            (WEEK_1, lead.pk, 2, 1.0, 0.0, 1.0, 1.0),
            (WEEK_2, agent.pk, 1, 1.0, 0.0, 2.0, 2.0),
        ]
    )


def test_it_reports_everyone_over_all_time(rings) -> None:
    rows = standard_compliance(standard=rings, period="all", group="none")
    # 1, 1, 1, 2, 2, 3, 5: five within 2 rings, one past 4; p90 at position 5.4: 3 + 0.4 × 2
    assert _figures(rows) == [(None, None, 7, round(5 / 7, 4), round(1 / 7, 4), 2.0, 3.8)]


def test_a_scope_reads_only_its_people_and_time(rings, agent: User) -> None:
    scope = Scope(since=datetime(2026, 11, 8, 15, tzinfo=UTC), employee_ids=[agent.pk])
    rows = standard_compliance(standard=rings, period="week", group="none", scope=scope)
    assert _figures(rows) == [(WEEK_2, None, 1, 1.0, 0.0, 2.0, 2.0)]


def test_higher_is_better_counts_the_other_way(admin: User) -> None:
    standard = standard_create(
        data=StandardInput(
            code="greeting-smile",
            name="Greeting rated",
            unit="points",
            direction="higher",
            target=4,
            minimum=2,
            target_share=0.9,
        ),
        actor=admin,
    )
    items = [MeasurementInput(value=v, at=_at(10)) for v in (5, 4, 3, 1)]
    measurements_add(standard=standard, items=items, actor=admin)
    rows = standard_compliance(standard=standard, period="month", group="none")
    # 4 and 5 meet 4 or more; 1 is below the minimum of 2; p90 of 1, 3, 4, 5: 4 + 0.7 × 1
    assert _figures(rows) == [(date(2026, 11, 1), None, 4, 0.5, 0.25, 3.5, 4.7)]


def test_an_external_id_counts_once_within_a_batch_and_across_batches(admin: User) -> None:
    standard = standard_create(
        data=StandardInput(
            code="greet", name="Greeted", unit="seconds", direction="lower", target=30, minimum=60
        ),
        actor=admin,
    )
    first = [MeasurementInput(value=12, at=_at(3), external_id="visit-1")] * 2
    first.append(MeasurementInput(value=80, at=_at(3), external_id="visit-2"))
    assert measurements_add(standard=standard, items=first, actor=admin) == AddCounts(created=2, unchanged=1)
    again = [
        MeasurementInput(value=99, at=_at(4), external_id="visit-2"),
        MeasurementInput(value=5, at=_at(4)),
    ]
    assert measurements_add(standard=standard, items=again, actor=admin) == AddCounts(created=1, unchanged=1)
    rows = standard_compliance(standard=standard, period="all", group="none")
    # 12, 80 and 5: the retried visit-2 kept its first value
    assert _figures(rows) == [(None, None, 3, round(2 / 3, 4), round(1 / 3, 4), 12.0, 66.4)]
