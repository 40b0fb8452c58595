"""Real concurrency on PostgreSQL: sweeps running at once stamp, escalate and warn each leg once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from threading import Barrier
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from patronage.care.models import CaseEntry, EntryKind, SlaLeg, SlaPolicy, Team
from patronage.care.services import CaseInput, case_open
from patronage.care.sweep import sla_sweep
from patronage.core.models import OutboxEvent, User
from patronage.members.models import Member
from patronage.messages.models import Message

pytestmark = pytest.mark.django_db(transaction=True)
SWEEPERS = 6
CASES = 30
FILED = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.fixture(autouse=True)
def _needs_a_server_database():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")


def test_sweeps_at_once_escalate_each_breach_once(alice: Member, agent: User, lead: User):
    policy = SlaPolicy.objects.get(is_default=True)
    policy.calendar, policy.first_response_seconds, policy.resolution_seconds = None, 3600, 7200
    policy.save()
    team = Team.objects.create(name="Care", lead=lead)
    with time_machine.travel(FILED, tick=False):
        for number in range(CASES):
            case = case_open(
                data=CaseInput(type="complaint", channel="api", summary=f"Broken lamp {number}", member=alice)
            ).case
            case.assignee, case.team = agent, team
            case.save()
    start = Barrier(SWEEPERS, timeout=60)

    def sweep(_index: int) -> tuple[int, int]:
        start.wait()
        try:
            with time_machine.travel(FILED + timedelta(hours=5), tick=False):
                report = sla_sweep(limit=1000)
            return report.breached, report.escalated
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SWEEPERS) as pool:
        reports = list(pool.map(sweep, range(SWEEPERS), timeout=120))

    legs = CASES * 2
    assert sum(breached for breached, _ in reports) == legs
    assert sum(escalated for _, escalated in reports) == legs
    assert SlaLeg.objects.filter(breached_at__isnull=False, escalated_at__isnull=False).count() == legs
    assert CaseEntry.objects.filter(kind=EntryKind.BREACHED).count() == legs
    assert OutboxEvent.objects.filter(topic="case.breached").count() == legs
    # Each breach told the agent and the lead, once.
    assert Message.objects.filter(kind="case_alert").count() == legs * 2
