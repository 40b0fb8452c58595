"""A customer's lifetime value and churn risk where the customer file shows them: from the latest finished
run that scored them, with that run, and 'not computed' when there is none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from patronage.analytics.models import AnalysisRun, CustomerScore, RunStatus
from patronage.analytics.selectors import member_score, score_column
from patronage.members.models import Member

pytestmark = pytest.mark.django_db


def _run(kind: str, day: int, status: str = RunStatus.DONE) -> AnalysisRun:
    at = datetime(2026, 11, day, 3, tzinfo=UTC)
    return AnalysisRun.objects.create(
        kind=kind,
        status=status,
        window_end=at,
        created_at=at,
        finished_at=at if status != RunStatus.RUNNING else None,
    )


def test_no_finished_run_means_not_computed_yet(alice):
    _run("clv", 1, status=RunStatus.RUNNING)
    score = member_score(member=alice, kind="clv")
    assert (score.run, score.value) == (None, None)


def test_the_score_comes_from_the_latest_finished_run_that_scored_the_member(alice):
    older, latest = _run("clv", 1), _run("clv", 2)
    CustomerScore.objects.create(run=older, member=alice, clv=100.0)
    CustomerScore.objects.create(run=latest, member=alice, clv=250.5, churn_risk=0.9)
    failed = _run("clv", 3, status=RunStatus.FAILED)

    score = member_score(member=alice, kind="clv")

    assert (score.run, score.value) == (latest, 250.5)
    assert score.run != failed


def test_churn_risk_is_read_from_the_churn_run(alice):
    churn = _run("churn", 2)
    CustomerScore.objects.create(run=churn, member=alice, churn_risk=0.42)
    assert member_score(member=alice, kind="churn").value == 0.42


def test_a_member_the_run_left_out_gets_the_run_without_a_value(alice, bob):
    run = _run("churn", 2)
    CustomerScore.objects.create(run=run, member=bob, churn_risk=0.1)
    score = member_score(member=alice, kind="churn")
    assert (score.run, score.value) == (run, None)


def test_the_score_column_gives_each_member_their_score_in_the_run(alice, bob):
    clv, churn = _run("clv", 2), _run("churn", 2)
    CustomerScore.objects.create(run=clv, member=alice, clv=300.0)
    CustomerScore.objects.create(run=churn, member=alice, churn_risk=0.25)
    CustomerScore.objects.create(run=churn, member=bob, churn_risk=0.75)

    values = dict(Member.objects.annotate(clv=score_column(run=clv)).values_list("pk", "clv"))
    risks = dict(Member.objects.annotate(risk=score_column(run=churn)).values_list("pk", "risk"))

    assert values == {alice.pk: 300.0, bob.pk: None}
    assert risks == {alice.pk: 0.25, bob.pk: 0.75}
