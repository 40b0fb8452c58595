"""Real concurrency on PostgreSQL: workers deriving measurements or finding breaches at once create each
measurement once and warn of each breach once."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from threading import Barrier
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from patronage.care.models import Case, LegKind, SlaLeg, SlaPolicy
from patronage.conftest import business_set
from patronage.core.models import OutboxEvent, User
from patronage.messages.models import Message
from patronage.standards.breaches import breaches_find
from patronage.standards.derive import derived_measurements_refresh
from patronage.standards.models import Breach, Measurement, Standard
from patronage.standards.services import MeasurementInput, StandardInput, measurements_add, standard_create

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 6
CASES = 300
SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def _needs_a_server_database():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")


def _at_once(work: Callable[[], int]) -> list[int]:
    start = Barrier(WORKERS, timeout=60)

    def run(_index: int) -> int:
        start.wait()
        try:
            with time_machine.travel(NOW, tick=False):
                return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, range(WORKERS), timeout=120))


def _standard(code: str, source: str, owner: str = "") -> Standard:
    higher = source == "satisfaction"
    return standard_create(
        data=StandardInput(
            code=code,
            name=code,
            unit="minutes",
            direction="higher" if higher else "lower",
            target=4 if higher else 60,
            minimum=2 if higher else 240,
            source=source,
            owner=owner,
        ),
        actor=None,
    )


def test_workers_deriving_at_once_create_each_measurement_once(agent: User) -> None:
    policy = SlaPolicy.objects.create(name="Round the clock", first_response_seconds=3600)
    cases = Case.objects.bulk_create(
        Case(
            reference=f"C-{n}",
            channel="phone",
            summary="Call",
            policy=policy,
            assignee=agent,
            satisfaction=1 + n % 5,
            satisfaction_at=NOW,
            created_at=NOW,
            updated_at=NOW,
        )
        for n in range(CASES)
    )
    SlaLeg.objects.bulk_create(
        SlaLeg(case=case, kind=LegKind.FIRST_RESPONSE, started_at=NOW, met_at=NOW, target_seconds=3600)
        for case in cases
    )
    _standard("first-response", "first_response")
    _standard("case-rating", "satisfaction")

    _at_once(derived_measurements_refresh)

    assert Measurement.objects.count() == 2 * CASES
    assert Measurement.objects.values("standard", "external_id").distinct().count() == 2 * CASES
    assert derived_measurements_refresh() == 0


def test_workers_finding_breaches_at_once_record_and_warn_once(lead: User) -> None:
    business_set(time_zone="Asia/Seoul")
    standard = _standard("phone-rings", "measured", owner="sol_lead")
    measurements_add(
        standard=standard,
        items=[MeasurementInput(value=value, at=datetime(2026, 11, 10, tzinfo=SEOUL)) for value in (1, 300)],
        actor=None,
    )

    outcomes = _at_once(breaches_find)

    assert sorted(outcomes) == [0] * (WORKERS - 1) + [1]
    assert Breach.objects.count() == 1
    assert Message.objects.filter(kind="standard_breach").count() == 1
    assert OutboxEvent.objects.filter(topic="standard.breached").count() == 1
