"""A service policy for valuable customers reads their predicted lifetime value from the latest analysis."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patronage.analytics.models import AnalysisKind, AnalysisRun, CustomerScore, RunStatus
from patronage.care.models import SlaPolicy
from patronage.care.services import CaseInput, case_open
from patronage.core import clock
from patronage.members.models import Member

pytestmark = pytest.mark.django_db


def _scored(values: dict[Member, float]) -> None:
    now = clock.now()
    run = AnalysisRun.objects.create(
        kind=AnalysisKind.CLV, status=RunStatus.DONE, window_end=now, created_at=now, finished_at=now
    )
    for member, clv in values.items():
        CustomerScore.objects.create(run=run, member=member, clv=clv)


def _policy_of(member: Member) -> str:
    case = case_open(data=CaseInput(type="complaint", channel="chat", summary="Late", member=member)).case
    assert case.policy is not None
    return case.policy.name


def test_a_customer_predicted_to_be_worth_more_than_the_minimum_gets_the_faster_targets(alice, bob):
    SlaPolicy.objects.create(
        name="Valuable customers",
        position=0,
        min_predicted_value=Decimal("100000"),
        first_response_seconds=600,
    )
    _scored({alice: 250_000.0, bob: 40_000.0})

    assert _policy_of(alice) == "Valuable customers"
    assert _policy_of(bob) == "Standard"  # below the minimum
    CustomerScore.objects.filter(member=bob).delete()
    assert _policy_of(bob) == "Standard"  # never scored: meets no minimum
