"""Redemptions, their cancellation and benefits granted reach the outbox with their change, once."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine

from patronage.core.models import OutboxEvent
from patronage.loyalty.models import Redemption
from patronage.loyalty.services import (
    benefit_grant,
    benefit_save,
    notify,
    points_adjust,
    points_redeem,
    redemption_cancel,
    reward_save,
    tier_benefit_set,
)
from patronage.loyalty.tests.test_tier_moves import SEOUL_2026, spend, tiered  # noqa: F401

NOW = "2026-11-20 12:00:00+09:00"


def payloads(topic: str) -> list[dict[str, Any]]:
    return [event.payload for event in OutboxEvent.objects.filter(topic=topic)]


def assert_no_personal_data(payload: dict[str, Any]) -> None:
    text = json.dumps(payload)
    for value in ("Alice", "Kim", "alice@example.com", "Seoul", "CARD-0001"):
        assert value not in text


def fail_on(monkeypatch, topic: str) -> None:
    """The change fails just after its event was written: both must go."""
    publish = notify.outbox_publish

    def then_fail(**kwargs):
        publish(**kwargs)
        if kwargs["topic"] == topic:
            raise RuntimeError("the database went away")

    monkeypatch.setattr(notify, "outbox_publish", then_fail)


@pytest.fixture
def rich(account):
    points_adjust(account=account, points=5000, reason="welcome", idempotency_key="w", actor=None)
    account.refresh_from_db()
    return account


@time_machine.travel(NOW, tick=False)
def test_a_redemption_publishes_its_id_and_reward_but_never_its_code_once(rich):
    mug = reward_save(program=rich.program, code="mug", name="Mug", points_price=1200, stock=5, actor=None)

    redemption = points_redeem(account=rich, points=1200, reward=mug, idempotency_key="r1", actor=None)
    points_redeem(account=rich, points=1200, reward=mug, idempotency_key="r1", actor=None)  # a retry

    [payload] = payloads("reward.redeemed")
    assert payload == {
        "member": rich.member_id,
        "program": rich.program.code,
        "redemption": redemption.pk,
        "reward": "mug",
        "points": 1200,
        "at": payload["at"],
    }
    assert redemption.code not in json.dumps(payload)  # whoever holds the code collects the mug
    assert_no_personal_data(payload)


@time_machine.travel(NOW, tick=False)
def test_a_redemption_that_rolls_back_publishes_nothing(rich, monkeypatch):
    fail_on(monkeypatch, "reward.redeemed")
    with pytest.raises(RuntimeError):
        points_redeem(account=rich, points=100, idempotency_key="r1", actor=None)

    assert not Redemption.objects.exists()
    assert payloads("reward.redeemed") == []


@time_machine.travel(NOW, tick=False)
def test_a_cancellation_is_published_once(rich):
    redemption = points_redeem(account=rich, points=300, idempotency_key="r1", actor=None)

    redemption_cancel(redemption=redemption, actor=None)
    redemption_cancel(redemption=redemption, actor=None)  # a second click

    [payload] = payloads("redemption.cancelled")
    assert (payload["redemption"], payload["reward"], payload["points"]) == (redemption.pk, None, 300)
    assert redemption.code not in json.dumps(payload)


@time_machine.travel(NOW, tick=False)
def test_a_cancellation_that_rolls_back_publishes_nothing(rich, monkeypatch):
    redemption = points_redeem(account=rich, points=300, idempotency_key="r1", actor=None)
    fail_on(monkeypatch, "redemption.cancelled")

    with pytest.raises(RuntimeError):
        redemption_cancel(redemption=redemption, actor=None)

    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.CONFIRMED
    assert payloads("redemption.cancelled") == []


@time_machine.travel(NOW, tick=False)
def test_a_benefit_given_by_hand_is_published_once_with_its_dates(account, agent):
    trial = benefit_save(program=account.program, code="trial", name="Trial", kind="trial", actor=None)
    given = {"account": account, "benefit": trial, "quantity": 2, "valid_days": 30, "actor": agent}

    grant = benefit_grant(**given, reason="apology to Alice Kim", idempotency_key="g1")
    benefit_grant(**given, reason="apology to Alice Kim", idempotency_key="g1")  # a retry

    [payload] = payloads("benefit.granted")
    assert payload == {
        "member": account.member_id,
        "program": account.program.code,
        "grant": grant.pk,
        "benefit": "trial",
        "quantity": 2,
        "valid_from": grant.valid_from.isoformat(),
        "valid_to": grant.valid_to.isoformat(),
        "source": "manual",
        "at": grant.valid_from.isoformat(),
    }
    assert_no_personal_data(payload)  # the reason stays out


@time_machine.travel(NOW, tick=False)
def test_a_benefit_grant_that_rolls_back_publishes_nothing(account, agent, monkeypatch):
    trial = benefit_save(program=account.program, code="trial", name="Trial", kind="trial", actor=None)

    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("patronage.loyalty.services.benefits.audit_change", fail)
    with pytest.raises(RuntimeError):
        benefit_grant(
            account=account,
            benefit=trial,
            quantity=1,
            valid_days=3,
            reason="r",
            idempotency_key="g",
            actor=agent,
        )

    assert payloads("benefit.granted") == []


@time_machine.travel(SEOUL_2026, tick=False)
def test_a_tier_benefit_is_published_with_the_move_that_brings_it_once_per_period(tiered, alice):  # noqa: F811
    hotline = benefit_save(
        program=tiered, code="hotline", name="Priority hotline", kind="hotline", actor=None
    )
    tier_benefit_set(
        tier=tiered.tiers.get(code="gold"), benefit=hotline, quantity=2, period="year", actor=None
    )

    spend(tiered, alice, "P-1", "25000")
    spend(tiered, alice, "P-2", "25000")

    [payload] = payloads("benefit.granted")
    assert (payload["member"], payload["benefit"], payload["source"]) == (
        alice.pk,
        "hotline",
        "tier:gold:2026",
    )
    topics = list(OutboxEvent.objects.values_list("topic", flat=True))
    assert topics.index("tier.changed") < topics.index("benefit.granted")
