"""Repurchase and churn by NPS group: each customer counts once, in the group of their latest answer; a
customer who answered less than 90 days ago is not yet counted for repurchase; churn is the latest churn
run's prediction where there is one, else observed (no purchase in the churn horizon before today)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from patronage.analytics.models import AnalysisKind, AnalysisRun, CustomerScore, RunStatus
from patronage.analytics.nps_link import Customer, outcomes_by_group
from patronage.analytics.selectors import nps_group_outcomes
from patronage.commerce.models import Order, OrderKind
from patronage.core.intervals import wilson_interval
from patronage.core.models import User
from patronage.feedback.responses import ResponseInput, response_submit, survey_try
from patronage.feedback.scores import NpsGroup
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open
from patronage.members.models import Member

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
JUNE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # 183 days before NOW: the 90-day window has ended


def _member(name: str) -> Member:
    return Member.objects.create(name=name, joined_at=datetime(2026, 1, 1, tzinfo=UTC))


def _bought(member: Member, at: datetime) -> None:
    Order.objects.create(
        external_id=f"{member.pk}-{at.isoformat()}",
        kind=OrderKind.PURCHASE,
        member=member,
        occurred_at=at,
        currency="KRW",
        amount=Decimal("10000"),
    )


@pytest.fixture
def planted(admin: User) -> dict[str, Member]:
    """Three promoters, a passive and a detractor whose earlier answer was a 10."""
    survey = survey_create(
        data=SurveyInput(
            title="Visit", questions=[QuestionInput(type="nps", key="nps", text="Recommend us?")]
        ),
        actor=None,
    )
    survey = survey_open(survey=survey, actor=None)
    people = {
        name: _member(name) for name in ("bought back", "bought late", "answered lately", "passive", "turned")
    }

    def answer(member: Member, score: int, at: datetime) -> None:
        with time_machine.travel(at, tick=False):
            response_submit(survey=survey, data=ResponseInput(answers={"nps": score}, member=member))

    answer(people["bought back"], 10, JUNE)
    _bought(people["bought back"], JUNE + timedelta(days=30))  # again within 90 days; nothing since: churned
    answer(people["bought late"], 9, JUNE)
    _bought(people["bought late"], JUNE + timedelta(days=150))  # not within 90 days; bought lately: kept
    answer(
        people["answered lately"], 10, NOW - timedelta(days=10)
    )  # too recent to tell; no purchase: churned
    answer(people["passive"], 8, JUNE - timedelta(days=31))
    _bought(people["passive"], JUNE - timedelta(days=30))
    answer(people["turned"], 10, JUNE - timedelta(days=150))
    answer(people["turned"], 3, JUNE)  # the latest answer decides: a detractor
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        survey_try(survey=survey, answers={"nps": 0}, actor=admin)  # a staff try counts nowhere
    return people


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
