"""Purchases and returns as an integration sends them: earned by the program's rules, once per external id,
taken back in proportion on return, never more than the purchase earned."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from patronage.core import clock
from patronage.core.errors import Conflict, NotFound, ValidationFailed
from patronage.core.models import OutboxEvent
from patronage.loyalty.models import Account, CapUsage, OrderPoints, Program, ReturnPolicy
from patronage.loyalty.rules import Purchase
from patronage.loyalty.selectors import ledger_verify, purchase_simulate
from patronage.loyalty.services import (
    LineInput,
    TransactionInput,
    earn_rule_save,
    pending_activate,
    points_redeem,
    tier_save,
    transaction_record,
)
from patronage.members.models import TimelineEvent

NOW = "2026-11-20 12:00:00+09:00"


@pytest.fixture(autouse=True)
def _ledger_stays_true(db):
    yield
    assert ledger_verify() == []


@pytest.fixture
def club(program: Program) -> Program:
    """1 point per 100 KRW, double on the app, at most 500 bonus points a day from the app rule."""
    earn_rule_save(
        program=program,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": "100"},
        priority=10,
        actor=None,
    )
    earn_rule_save(
        program=program,
        code="app",
        name="App double",
        kind="channel",
        params={"channels": ["app"], "multiplier": "2"},
        priority=20,
        cap_points=500,
        cap_period="day",
        actor=None,
    )
    return program


def buy(program, member, external_id, amount, **extra):
    data = TransactionInput(
        kind="purchase",
        external_id=external_id,
        member=member,
        amount=Decimal(amount),
        currency=extra.pop("currency", "KRW"),
        occurred_at=extra.pop("occurred_at", clock.now()),
        **extra,
    )
    return transaction_record(program=program, data=data)


def give_back(program, member, external_id, original, amount):
    data = TransactionInput(
        kind="return",
        external_id=external_id,
        member=member,
        amount=Decimal(amount),
        currency="KRW",
        occurred_at=clock.now(),
        original_external_id=original,
    )
    return transaction_record(program=program, data=data)


def account_of(program, member) -> Account:
    return Account.objects.get(program=program, member=member)


@time_machine.travel(NOW, tick=False)
def test_a_purchase_earns_by_the_rules_and_says_why(club, alice):
    result = buy(club, alice, "P-1", "45000")

    assert result.created
    assert result.points == 450
    assert [c["rule"] for c in result.evaluation["contributions"]] == ["base"]
    assert "450 points" in result.evaluation["contributions"][0]["explanation"]["message"]
    assert account_of(club, alice).pending == 450
    kinds = set(TimelineEvent.objects.filter(member=alice).values_list("kind", flat=True))
    assert {"purchase", "points_earned"} <= kinds
    assert OutboxEvent.objects.filter(topic="points.changed").count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_same_external_id_again_is_answered_with_the_original_and_changes_nothing(club, alice):
    first = buy(club, alice, "P-1", "45000")
    again = buy(club, alice, "P-1", "45000")

    assert not again.created
    assert again.points == first.points
    assert again.order.pk == first.order.pk
    assert account_of(club, alice).pending == 450
    assert OrderPoints.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_same_external_id_for_a_different_transaction_is_refused(club, alice, bob):
    buy(club, alice, "P-1", "45000")
    with pytest.raises(Conflict):
        buy(club, alice, "P-1", "46000")
    with pytest.raises(Conflict):
        buy(club, bob, "P-1", "45000")


@time_machine.travel(NOW, tick=False)
def test_the_simulation_books_exactly_what_recording_books(club, alice):
    purchase = Purchase(amount=Decimal("30000"), currency="KRW", occurred_at=clock.now(), channel="app")
    simulated = purchase_simulate(program=club, account=None, purchase=purchase)
    assert simulated.total == 600


@time_machine.travel(NOW, tick=False)
def test_a_cap_limits_what_a_rule_gives_in_its_period(club, alice):
    from patronage.commerce.models import Channel

    Channel.objects.create(code="app", name="App", kind="app")
    first = buy(club, alice, "P-1", "40000", channel="app")
    second = buy(club, alice, "P-2", "40000", channel="app")

    assert first.points == 800  # 400 base + 400 app
    assert second.points == 500  # 400 base + only 100 left of the app rule's 500 a day
    assert CapUsage.objects.get(rule_code="app").points == 500


@time_machine.travel(NOW, tick=False)
def test_partial_returns_take_back_in_proportion_and_never_more_than_was_earned(club, alice):
    buy(club, alice, "P-1", "10000")  # 100 points
    taken = [give_back(club, alice, f"R-{i}", "P-1", "3333").points for i in range(3)]
    last = give_back(club, alice, "R-3", "P-1", "1")

    assert taken == [-33, -33, -33]
    assert last.points == -1
    assert sum(taken) + last.points == -100
    assert account_of(club, alice).pending == 0
    with pytest.raises(Conflict):
        give_back(club, alice, "R-4", "P-1", "1")


@time_machine.travel(NOW, tick=False)
def test_a_return_needs_a_purchase_of_the_same_member(club, alice, bob):
    buy(club, alice, "P-1", "10000")
    with pytest.raises(NotFound):
        give_back(club, alice, "R-1", "NOPE", "100")
    with pytest.raises(Conflict):
        give_back(club, bob, "R-2", "P-1", "100")


def test_buy_earn_redeem_return_under_the_negative_policy_leaves_the_points_owed(club, alice):
    club.return_policy = ReturnPolicy.ALLOW_NEGATIVE
    club.save()
    with time_machine.travel(NOW, tick=False):
        buy(club, alice, "P-1", "50000")
    with time_machine.travel(datetime.fromisoformat("2026-12-10 12:00:00+09:00"), tick=False):
        pending_activate()
        account = account_of(club, alice)
        points_redeem(account=account, points=500, idempotency_key="r1", actor=None)
        result = give_back(club, alice, "R-1", "P-1", "50000")

    account.refresh_from_db()
    assert result.points == -500
    assert (account.active, account.owed) == (0, 500)


def test_within_balance_policy_takes_only_what_is_there(club, alice):
    with time_machine.travel(NOW, tick=False):
        buy(club, alice, "P-1", "50000")
    with time_machine.travel(datetime.fromisoformat("2026-12-10 12:00:00+09:00"), tick=False):
        pending_activate()
        account = account_of(club, alice)
        points_redeem(account=account, points=400, idempotency_key="r1", actor=None)
        result = give_back(club, alice, "R-1", "P-1", "50000")

    account.refresh_from_db()
    assert result.points == -100
    assert (account.active, account.owed) == (0, 0)
    assert result.evaluation == {"due": 500, "taken": 100, "refunded": 0, "policy": "within_balance"}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"currency": "JPY"}, "currency", Conflict),
        (
            {"occurred_at": datetime.fromisoformat("2026-11-21 12:00:00+09:00")},
            "occurred_at",
            ValidationFailed,
        ),
        ({"occurred_at": datetime.fromisoformat("1999-12-31 23:00:00+00:00")}, "occurred_at", Conflict),
        ({"tax": Decimal("50000")}, "amount", ValidationFailed),
        (
            {"lines": (LineInput(sku="", quantity=Decimal(1), unit_price=Decimal(1)),)},
            "lines",
            ValidationFailed,
        ),
        ({"store": "nowhere"}, "store", NotFound),
    ],
)
def test_bad_input_is_refused_by_name_and_records_nothing(club, alice, changes, field, error):
    with pytest.raises(error) as refused:
        buy(club, alice, "P-1", "45000", **changes)
    assert refused.value.field == field
    assert not OrderPoints.objects.exists()
    assert not Account.objects.filter(program=club).exists()


@time_machine.travel(NOW, tick=False)
def test_lines_of_excluded_products_earn_nothing(club, alice):
    club.excluded_skus = ["GIFTCARD"]
    club.save()
    lines = (
        LineInput(sku="GIFTCARD", quantity=Decimal(1), unit_price=Decimal("30000")),
        LineInput(sku="TEA", quantity=Decimal(2), unit_price=Decimal("5000")),
    )
    assert buy(club, alice, "P-1", "40000", lines=lines).points == 100


@time_machine.travel(NOW, tick=False)
def test_the_purchase_that_crosses_a_threshold_moves_the_member_up_at_once(club, alice):
    tier_save(program=club, code="silver", name="Silver", rank=1, threshold=Decimal(0), actor=None)
    tier_save(program=club, code="gold", name="Gold", rank=2, threshold=Decimal(1000), actor=None)

    first = buy(club, alice, "P-1", "60000")
    second = buy(club, alice, "P-2", "40000")

    assert (first.tier.code, first.tier_changed) == ("silver", True)
    assert (second.tier.code, second.tier_changed) == ("gold", True)
    assert OutboxEvent.objects.filter(topic="tier.changed").count() == 2


def test_a_line_sent_without_its_amount_was_paid_quantity_times_price():
    assert LineInput(sku="A", quantity=Decimal(3), unit_price=Decimal("0.10")).paid == Decimal("0.30")


def test_points_earned_long_ago_are_still_pending_until_the_window_passes(club, alice):
    with time_machine.travel(NOW, tick=False):
        buy(club, alice, "P-1", "10000")
        assert pending_activate(now=clock.now() + timedelta(days=13)) == 0
        assert pending_activate(now=clock.now() + timedelta(days=14)) == 1
    assert account_of(club, alice).active == 100


def test_points_spent_on_a_returned_purchase_come_back_in_proportion(club, account, alice):
    from patronage.core.errors import Conflict
    from patronage.loyalty.services import points_adjust

    with time_machine.travel(NOW, tick=False):
        points_adjust(account=account, points=1000, reason="welcome", idempotency_key="w", actor=None)
        paid = points_redeem(account=account, points=600, idempotency_key="pos-1", actor=None)
        buy(club, alice, "P-1", "30000", redemption_code=paid.code)
        with pytest.raises(Conflict):
            buy(club, alice, "P-2", "10000", redemption_code=paid.code)
        half = give_back(club, alice, "R-1", "P-1", "15000")
        rest = give_back(club, alice, "R-2", "P-1", "15000")

    account.refresh_from_db()
    assert (half.refunded, rest.refunded) == (300, 300)
    assert account.active == 1000
    assert account.pending == 0
