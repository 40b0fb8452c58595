"""The bulk path books exactly what recording the same purchases one by one books."""

from decimal import Decimal

import pytest
import time_machine

from patronage.commerce.models import Channel
from patronage.core import clock
from patronage.core.errors import ValidationFailed
from patronage.core.models import OutboxEvent
from patronage.loyalty.models import Account, OrderPoints, Program
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import TransactionInput, earn_rule_save, tier_save, transaction_record
from patronage.loyalty.services.transactions_bulk import MAX_BULK, transactions_record_bulk
from patronage.members.models import TimelineEvent

NOW = "2026-11-20 12:00:00+09:00"


@pytest.fixture(autouse=True)
def _ledger_stays_true(db):
    yield
    assert ledger_verify() == []


def _rules(program: Program) -> Program:
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
        name="App",
        kind="channel",
        params={"channels": ["app"], "multiplier": "2"},
        priority=20,
        cap_points=300,
        cap_period="day",
        actor=None,
    )
    tier_save(program=program, code="gold", name="Gold", rank=1, threshold=Decimal(500), actor=None)
    return program


def _purchase(member, external_id, amount, source="", channel="app", **extra):
    return TransactionInput(
        kind=extra.pop("kind", "purchase"),
        external_id=external_id,
        member=member,
        amount=Decimal(amount),
        currency="KRW",
        occurred_at=clock.now(),
        channel=channel,
        source=source,
        **extra,
    )


@time_machine.travel(NOW, tick=False)
def test_a_batch_books_what_one_by_one_books(program, alice, bob):
    Channel.objects.create(code="app", name="App", kind="app")
    one_by_one = _rules(program)
    batch_program = _rules(
        Program.objects.create(code="batch", name="Batch", currency="KRW", pending_days=14)
    )
    shapes = [(alice, "20000"), (bob, "5000"), (alice, "30000"), (alice, "10000"), (bob, "70000")]

    singles = [
        transaction_record(program=one_by_one, data=_purchase(m, f"S-{i}", a, source="single")).points
        for i, (m, a) in enumerate(shapes)
    ]
    outcomes = transactions_record_bulk(
        program=batch_program,
        items=[_purchase(m, f"B-{i}", a, source="bulk") for i, (m, a) in enumerate(shapes)],
    )

    assert [o.result.points for o in outcomes] == singles
    for member in (alice, bob):
        single = Account.objects.select_related("tier").get(program=one_by_one, member=member)
        batched = Account.objects.select_related("tier").get(program=batch_program, member=member)
        assert (batched.pending, batched.active) == (single.pending, single.active)
        assert (batched.tier and batched.tier.code) == (single.tier and single.tier.code)
    assert OutboxEvent.objects.filter(topic="points.changed", payload__program="batch").count() == 5
    assert TimelineEvent.objects.filter(kind="purchase").count() == 10


@time_machine.travel(NOW, tick=False)
def test_a_bad_item_is_refused_alone_and_a_repeat_or_a_return_gets_its_own_result(program, alice):
    _rules(program)
    items = [
        _purchase(alice, "P-1", "10000", channel=None),
        _purchase(alice, "P-2", "-5", channel=None),
        _purchase(alice, "P-1", "10000", channel=None),
        _purchase(alice, "R-1", "5000", channel=None, kind="return", original_external_id="P-1"),
        _purchase(alice, "P-3", "10000", channel="nowhere"),
    ]

    outcomes = transactions_record_bulk(program=program, items=items)

    assert outcomes[0].result.points == 100
    assert outcomes[1].error.field == "amount"
    assert (outcomes[2].result.created, outcomes[2].result.points) == (False, 100)
    assert outcomes[3].result.points == -50
    assert outcomes[4].error.field == "channel"
    assert OrderPoints.objects.get().returned == Decimal("5000")


@time_machine.travel(NOW, tick=False)
def test_a_batch_sent_twice_changes_nothing_the_second_time(program, alice):
    _rules(program)
    items = [_purchase(alice, f"P-{i}", "1000", channel=None) for i in range(5)]
    transactions_record_bulk(program=program, items=items)
    again = transactions_record_bulk(program=program, items=items)

    assert [o.result.created for o in again] == [False] * 5
    assert Account.objects.get(program=program, member=alice).pending == 50


def test_more_than_the_limit_is_refused_whole(program, alice):
    with pytest.raises(ValidationFailed):
        transactions_record_bulk(
            program=program, items=[_purchase(alice, f"P-{i}", "1") for i in range(MAX_BULK + 1)]
        )
