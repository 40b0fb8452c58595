"""Segments can name analytics' scores: the latest finished run's, and a new run moves members at once."""

from __future__ import annotations

from datetime import timedelta

from patronage.analytics.models import AnalysisKind, AnalysisRun, CustomerScore, RunStatus
from patronage.core import clock
from patronage.segments.models import SegmentMember
from patronage.segments.services import SegmentInput, segment_create
from patronage.segments.upkeep import segments_upkeep


def scored(kind: AnalysisKind, **scores: dict[int, object]) -> AnalysisRun:
    now = clock.now()
    run = AnalysisRun.objects.create(
        kind=kind,
        status=RunStatus.DONE,
        window_end=now,
        created_at=now,
        finished_at=now + timedelta(seconds=1),
    )
    for column, by_member in scores.items():
        for member_id, value in by_member.items():
            CustomerScore.objects.update_or_create(run=run, member_id=member_id, defaults={column: value})
    return run


def kept(code: str) -> set[int]:
    return set(SegmentMember.objects.filter(segment__code=code).values_list("member_id", flat=True))


def test_a_segment_on_churn_risk_reads_the_latest_run_and_follows_a_new_one(alice, bob) -> None:
    scored(AnalysisKind.CHURN, churn_risk={alice.pk: 0.8, bob.pk: 0.2})
    segment_create(
        data=SegmentInput(
            code="at-risk", name="At risk", rules={"field": "churn_risk", "op": "gte", "value": 0.7}
        ),
        actor=None,
    )
    assert kept("at-risk") == {alice.pk}
    segments_upkeep()

    scored(AnalysisKind.CHURN, churn_risk={alice.pk: 0.3, bob.pk: 0.9})
    report = segments_upkeep()

    assert kept("at-risk") == {bob.pk}
    assert report.refreshed == ["at-risk"]


def test_valuable_customers_at_risk_combine_two_analyses(alice, bob) -> None:
    scored(
        AnalysisKind.CLV,
        clv={alice.pk: 900_000.0, bob.pk: 1_000.0},
        rfm_segment={alice.pk: "At risk", bob.pk: "New"},
    )
    scored(AnalysisKind.CHURN, churn_risk={alice.pk: 0.8, bob.pk: 0.9})
    rules = {
        "all": [
            {"field": "clv", "op": "gte", "value": 500_000},
            {"field": "churn_risk", "op": "gt", "value": 0.5},
            {"field": "rfm_segment", "op": "in", "value": ["At risk", "Can't lose them"]},
        ]
    }

    segment = segment_create(data=SegmentInput(code="win-back", name="Win back", rules=rules), actor=None)

    assert kept("win-back") == {alice.pk}
    assert sorted(segment.reads) == ["analytics:churn", "analytics:clv", "joined", "merged"]


def test_a_member_no_run_scored_meets_no_condition_on_scores(alice, bob) -> None:
    scored(AnalysisKind.DEAL_SEEKERS, deal_seeker={alice.pk: True})
    segment_create(
        data=SegmentInput(
            code="full-price", name="Full price", rules={"field": "deal_seeker", "op": "eq", "value": False}
        ),
        actor=None,
    )
    assert kept("full-price") == set()
