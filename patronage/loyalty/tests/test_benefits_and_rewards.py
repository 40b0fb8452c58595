"""Benefits granted and used with a record; rewards that respect stock, limits and tiers, and refund on cancel."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from patronage.core import clock
from patronage.core.errors import Conflict, InsufficientPoints, ValidationFailed
from patronage.loyalty.models import Redemption
from patronage.loyalty.selectors import ledger_verify, reward_offers
from patronage.loyalty.services import (
    benefit_grant,
    benefit_save,
    benefit_use,
    points_adjust,
    points_redeem,
    redemption_cancel,
    redemption_fulfil,
    reward_save,
    tier_floor_set,
    tier_save,
)

NOW = "2026-11-20 12:00:00+09:00"


@pytest.fixture(autouse=True)
def _ledger_stays_true(db):
    yield
    assert ledger_verify() == []


@pytest.fixture
def rich(account):
    points_adjust(account=account, points=5000, reason="welcome", idempotency_key="w", actor=None)
    account.refresh_from_db()
    return account


@time_machine.travel(NOW, tick=False)
def test_a_benefit_given_by_hand_is_used_until_none_is_left(account, agent):
    trial = benefit_save(
        program=account.program, code="trial", name="New-product trial", kind="trial", actor=None
    )
    grant = benefit_grant(
        account=account,
        benefit=trial,
        quantity=2,
        valid_days=30,
        reason="apology",
        idempotency_key="g1",
        actor=agent,
    )
    assert (
        benefit_grant(
            account=account,
            benefit=trial,
            quantity=2,
            valid_days=30,
            reason="apology",
            idempotency_key="g1",
            actor=agent,
        )
        == grant
    )

    benefit_use(grant=grant, note="store visit", idempotency_key="u1", actor=agent)
    benefit_use(grant=grant, note="store visit", idempotency_key="u1", actor=agent)  # a retry
    benefit_use(grant=grant, note="second", idempotency_key="u2", actor=agent)
    grant.refresh_from_db()
    assert grant.remaining == 0
    with pytest.raises(Conflict):
        benefit_use(grant=grant, note="third", idempotency_key="u3", actor=agent)


def test_an_expired_benefit_cannot_be_used(account, agent):
    gift = benefit_save(program=account.program, code="gift", name="Gift", kind="gift", actor=None)
    with time_machine.travel(NOW, tick=False):
        grant = benefit_grant(
            account=account,
            benefit=gift,
            quantity=1,
            valid_days=10,
            reason="birthday",
            idempotency_key="g",
            actor=agent,
        )
    with time_machine.travel(clock.now() + timedelta(days=30), tick=False), pytest.raises(Conflict):
        benefit_use(grant=grant, note="", idempotency_key="u", actor=agent)


@time_machine.travel(NOW, tick=False)
def test_a_reward_redemption_takes_its_price_and_stock_and_cancelling_gives_both_back(rich):
    mug = reward_save(program=rich.program, code="mug", name="Mug", points_price=1200, stock=1, actor=None)

    redemption = points_redeem(account=rich, points=1200, reward=mug, idempotency_key="r1", actor=None)
    mug.refresh_from_db()
    rich.refresh_from_db()
    assert (rich.active, mug.stock) == (3800, 0)
    with pytest.raises(Conflict, match="out of stock"):
        points_redeem(account=rich, points=1200, reward=mug, idempotency_key="r2", actor=None)

    redemption_cancel(redemption=redemption, actor=None)
    mug.refresh_from_db()
    rich.refresh_from_db()
    assert (rich.active, mug.stock) == (5000, 1)


@time_machine.travel(NOW, tick=False)
def test_a_per_member_limit_and_a_minimum_tier_are_enforced(rich, manager):
    gold = tier_save(
        program=rich.program, code="gold", name="Gold", rank=2, threshold=Decimal(100_000), actor=None
    )
    lounge = reward_save(
        program=rich.program, code="lounge", name="Lounge pass", points_price=100, min_tier=gold, actor=None
    )
    cap = reward_save(
        program=rich.program, code="cap", name="Cap", points_price=100, per_member_limit=1, actor=None
    )

    with pytest.raises(ValidationFailed, match="Gold"):
        points_redeem(account=rich, points=100, reward=lounge, idempotency_key="l1", actor=None)
    points_redeem(account=rich, points=100, reward=cap, idempotency_key="c1", actor=None)
    with pytest.raises(Conflict, match="limit"):
        points_redeem(account=rich, points=100, reward=cap, idempotency_key="c2", actor=None)

    tier_floor_set(account=rich, tier=gold, actor=manager, reason="VIP")
    rich.refresh_from_db()
    points_redeem(account=rich, points=100, reward=lounge, idempotency_key="l2", actor=None)
    offers = {
        offer.reward.code: offer.blocked_by for offer in reward_offers(account=rich, program=rich.program)
    }
    assert offers["lounge"] == ""
    assert "limit" in offers["cap"]


@time_machine.travel(NOW, tick=False)
def test_a_reward_the_member_cannot_afford_changes_nothing(account):
    tv = reward_save(program=account.program, code="tv", name="TV", points_price=90_000, stock=3, actor=None)
    with pytest.raises(InsufficientPoints):
        points_redeem(account=account, points=90_000, reward=tv, idempotency_key="tv", actor=None)
    tv.refresh_from_db()
    assert tv.stock == 3
    assert not Redemption.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_fulfilled_redemption_cannot_be_cancelled_and_a_cancelled_one_not_fulfilled(rich):
    first = points_redeem(account=rich, points=100, idempotency_key="a", actor=None)
    second = points_redeem(account=rich, points=100, idempotency_key="b", actor=None)
    assert redemption_fulfil(redemption=first, actor=None).status == Redemption.Status.FULFILLED
    with pytest.raises(Conflict):
        redemption_cancel(redemption=first, actor=None)
    redemption_cancel(redemption=second, actor=None)
    with pytest.raises(Conflict):
        redemption_fulfil(redemption=second, actor=None)
