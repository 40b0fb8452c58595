"""Real concurrency on PostgreSQL: simultaneous spends never overdraw; parallel duplicates earn once."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest
from django.db import IntegrityError, connection

from patronage.commerce.models import Order
from patronage.core import clock
from patronage.core.errors import InsufficientPoints
from patronage.loyalty.models import Account, Redemption
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import points_adjust, points_redeem, purchase_earn

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _needs_a_server_database():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")


def _in_parallel(work, times: int) -> list[str]:
    start = Barrier(times)

    def run(index: int) -> str:
        start.wait()
        try:
            work(index)
        except (InsufficientPoints, IntegrityError) as refused:
            return type(refused).__name__
        finally:
            connection.close()
        return "ok"

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(run, range(times)))


def test_thirty_simultaneous_redemptions_on_a_balance_for_ten_let_exactly_ten_through(account):
    points_adjust(account=account, points=100, reason="stock", idempotency_key="stock", actor=None)

    outcomes = _in_parallel(
        lambda i: points_redeem(account=account, points=10, idempotency_key=f"r{i}", actor=None), times=30
    )

    assert outcomes.count("ok") == 10
    assert outcomes.count("InsufficientPoints") == 20
    account.refresh_from_db()
    assert account.active == 0
    assert Redemption.objects.count() == 10
    assert ledger_verify() == []


def test_the_same_purchase_delivered_in_parallel_earns_once(account, alice):
    order = Order.objects.create(
        member=alice, external_id="P-1", occurred_at=clock.now(), currency="KRW", amount=Decimal("50000")
    )

    outcomes = _in_parallel(
        lambda _i: purchase_earn(account=account, order_id=order.pk, points=50, at=clock.now(), reason=""),
        times=8,
    )

    assert outcomes.count("ok") == 1
    assert Account.objects.get(pk=account.pk).pending == 50
    assert ledger_verify() == []


def test_the_last_items_of_a_reward_go_to_exactly_as_many_members_as_there_are(account):
    from patronage.core.errors import Conflict
    from patronage.loyalty.services import reward_save

    points_adjust(account=account, points=1000, reason="stock", idempotency_key="stock", actor=None)
    mug = reward_save(program=account.program, code="mug", name="Mug", points_price=10, stock=3, actor=None)

    def redeem(i: int) -> None:
        try:
            points_redeem(account=account, points=10, reward=mug, idempotency_key=f"m{i}", actor=None)
        except Conflict as refused:
            raise IntegrityError(str(refused)) from refused

    outcomes = _in_parallel(redeem, times=10)

    assert outcomes.count("ok") == 3
    mug.refresh_from_db()
    assert mug.stock == 0
    assert ledger_verify() == []


def test_the_same_transaction_delivered_in_parallel_is_recorded_and_earns_once(account, alice):
    from patronage.loyalty.models import OrderPoints
    from patronage.loyalty.services import TransactionInput, earn_rule_save, transaction_record

    earn_rule_save(
        program=account.program,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": "100"},
        actor=None,
    )
    data = TransactionInput(
        kind="purchase",
        external_id="P-9",
        member=alice,
        amount=Decimal("20000"),
        currency="KRW",
        occurred_at=clock.now(),
    )
    created = []

    def deliver(_i: int) -> None:
        created.append(transaction_record(program=account.program, data=data).created)

    outcomes = _in_parallel(deliver, times=8)

    assert outcomes.count("ok") == 8
    assert created.count(True) == 1
    assert Order.objects.filter(external_id="P-9").count() == 1
    assert OrderPoints.objects.count() == 1
    assert Account.objects.get(pk=account.pk).pending == 200
    assert ledger_verify() == []
