"""Repurchase and churn by NPS group: each customer counts once, in the group of their latest answer; a
customer who answered less than 90 days ago is not yet counted for repurchase; churn is the latest churn
run's prediction where there is one, else observed (no purchase in the churn horizon before today)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from patronage.analytics.models import AnalysisKind, AnalysisRun, CustomerScore, RunStatus
from patronage.analytics.nps_link import Customer, outcomes_by_group
from patronage.analytics.selectors import nps_group_outcomes
from patronage.core.intervals import wilson_interval
from patronage.core.models import User
from patronage.feedback.scores import NpsGroup
from patronage.members.models import Member

from .nps_setup import JUNE, NOW, nps_planted

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(admin: User) -> dict[str, Member]:
    return nps_planted(admin)


def test_observed_churn_and_repurchase_by_nps_group(planted):
    with time_machine.travel(NOW, tick=False):
        outcomes = nps_group_outcomes()

    promoters, passives, detractors = outcomes.groups
    assert [group.group for group in outcomes.groups] == [
        NpsGroup.PROMOTER,
        NpsGroup.PASSIVE,
        NpsGroup.DETRACTOR,
    ]
    assert (promoters.customers, passives.customers, detractors.customers) == (3, 1, 1)
    # Repurchase over the two promoters whose 90 days have ended; churn over all three.
    assert (promoters.repurchase.count, promoters.repurchase.of) == (1, 2)
    assert (promoters.churn.count, promoters.churn.of) == (2, 3)
    interval = wilson_interval(1, 2)
    assert promoters.repurchase.value == 0.5
    assert promoters.repurchase.low == pytest.approx(float(interval.low))
    assert promoters.repurchase.high == pytest.approx(float(interval.high))
    assert (passives.repurchase.count, passives.repurchase.of, passives.churn.count) == (1, 1, 1)
    assert (detractors.repurchase.count, detractors.repurchase.of) == (0, 1)
    assert (detractors.churn.count, detractors.churn.of) == (1, 1)
    assert outcomes.churn_run is None
    assert outcomes.churn_days == 90


def test_with_a_churn_run_churn_is_its_prediction_over_the_customers_it_scored(planted):
    run = AnalysisRun.objects.create(
        kind=AnalysisKind.CHURN,
        status=RunStatus.DONE,
        params={"horizon_days": 60},
        window_end=NOW,
        created_at=NOW,
        finished_at=NOW,
    )
    for name, risk in (("bought back", 0.2), ("bought late", 0.7), ("turned", 0.9)):
        CustomerScore.objects.create(run=run, member=planted[name], churn_risk=risk)

    with time_machine.travel(NOW, tick=False):
        outcomes = nps_group_outcomes()

    promoters, passives, detractors = outcomes.groups
    assert (promoters.churn.count, promoters.churn.of) == (1, 2)  # "answered lately" was not scored
    assert passives.churn.of == 0
    assert passives.churn.value is None
    assert (detractors.churn.count, detractors.churn.of) == (1, 1)
    assert (promoters.repurchase.count, promoters.repurchase.of) == (1, 2)  # repurchase is always observed
    assert outcomes.churn_run == run
    assert outcomes.churn_days == 60


def test_an_answer_after_the_moment_asked_about_is_not_read(planted):
    with time_machine.travel(JUNE - timedelta(days=1), tick=False):
        outcomes = nps_group_outcomes()

    # Before June only the passive and "turned"'s first answer, a 10, had been given.
    assert [group.customers for group in outcomes.groups] == [1, 1, 0]


def test_no_answers_give_empty_groups_without_shares():
    groups = outcomes_by_group([])

    assert [group.customers for group in groups] == [0, 0, 0]
    assert all(group.repurchase.value is None and group.churn.low is None for group in groups)


def test_each_customer_falls_in_the_group_of_their_answer():
    customers = [
        Customer(answer=answer, bought_again=True, churned=False) for answer in (0, 6, 7, 8, 9, 10, 10)
    ]

    assert [group.customers for group in outcomes_by_group(customers)] == [3, 2, 2]
