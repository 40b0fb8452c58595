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
