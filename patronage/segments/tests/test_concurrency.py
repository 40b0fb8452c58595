"""Real concurrency on PostgreSQL: upkeep passes, clock checks and a change of rules running at once move
each member once, keep each segment's count equal to its rows, and announce each move once."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
import time_machine
from django.db import connection

from patronage.core import clock
from patronage.core.models import OutboxEvent
from patronage.members.models import Member, TimelineEvent
from patronage.members.services import IdentityInput, member_create, member_update
from patronage.segments.models import Segment, SegmentMember
from patronage.segments.services import SegmentInput, segment_create, segment_update
from patronage.segments.upkeep import SETTLE, segments_upkeep

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 6
MEMBERS = 200


@pytest.fixture(autouse=True)
def _needs_a_server_database():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")


def _at_once(work: Callable[[int], object]) -> list[object]:
    start = Barrier(WORKERS, timeout=60)

    def run(index: int) -> object:
        start.wait()
        try:
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, range(WORKERS), timeout=120))


def _members() -> list[Member]:
    return [
        member_create(
            actor=None,
            identities=[IdentityInput("email", f"m{n}@example.com")],
            profile={"name": f"M {n}", "city": "Busan"},
            source="api",
        )
        for n in range(MEMBERS)
    ]


def test_upkeep_passes_at_once_move_each_member_once() -> None:
    members = _members()
    seoul = segment_create(
        data=SegmentInput(code="seoul", name="Seoul", rules={"field": "city", "op": "eq", "value": "Seoul"}),
        actor=None,
    )
    segments_upkeep()
    for member in members[::2]:
        member_update(member=member, actor=None, profile={"city": "Seoul"})
    later = clock.now() + SETTLE + timedelta(seconds=1)

    def upkeep(_index: int) -> object:
        with time_machine.travel(later, tick=False):
            return segments_upkeep()

    _at_once(upkeep)

    kept = set(SegmentMember.objects.filter(segment=seoul).values_list("member_id", flat=True))
    assert kept == {member.pk for member in members[::2]}
    assert Segment.objects.get(pk=seoul.pk).member_count == MEMBERS // 2
    assert TimelineEvent.objects.filter(kind="segment_entered").count() == MEMBERS // 2
    assert OutboxEvent.objects.filter(topic="segment.entered").count() == MEMBERS // 2


def test_rules_changed_while_upkeep_runs_leave_the_count_true() -> None:
    members = _members()
    seoul = segment_create(
        data=SegmentInput(code="seoul", name="Seoul", rules={"field": "city", "op": "eq", "value": "Seoul"}),
        actor=None,
    )
    segments_upkeep()
    for member in members[:50]:
        member_update(member=member, actor=None, profile={"city": "Seoul"})
    later = clock.now() + SETTLE + timedelta(seconds=1)

    def work(index: int) -> object:
        with time_machine.travel(later, tick=False):
            if index == 0:
                return segment_update(
                    segment=seoul,
                    data=SegmentInput(
                        code="seoul",
                        name="Seoul",
                        rules={"field": "city", "op": "in", "value": ["Seoul", "Busan"]},
                    ),
                    actor=None,
                )
            return segments_upkeep()

    _at_once(work)

    segment = Segment.objects.get(pk=seoul.pk)
    kept = SegmentMember.objects.filter(segment=segment).count()
    assert kept == MEMBERS
    assert segment.member_count == kept
