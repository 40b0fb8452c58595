"""Property: any sequence of purchases, returns, redemptions, cancellations, adjustments, activations and
expiries keeps every balance equal to the sum of its entries and of its lots, never below zero, and never
spends a point twice."""

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patronage.commerce.models import Order
from patronage.core import clock
from patronage.core.errors import InsufficientPoints
from patronage.loyalty.models import Account, Allocation, LedgerEntry, Lot, Program, Redemption, ReturnPolicy
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import (
    account_open,
    pending_activate,
    points_adjust,
    points_expire,
    points_redeem,
    purchase_earn,
    redemption_cancel,
    return_clawback,
)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("purchase"), st.integers(1, 500)),
        st.tuples(st.just("activate"), st.just(0)),
        st.tuples(st.just("redeem"), st.integers(1, 400)),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
        st.tuples(st.just("adjust"), st.integers(-300, 300).filter(bool)),
        st.tuples(st.just("return"), st.integers(0, 20)),
        st.tuples(st.just("expire"), st.just(0)),
    ),
    max_size=25,
)


class Run:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.purchases: list[tuple[Order, int]] = []
        self.step = 0

    def apply(self, name: str, value: int) -> None:
        self.step += 1
        # A refused step is refused whole, as it should be: the invariants below must still hold.
        with suppress(InsufficientPoints):
            getattr(self, name)(value)

    def purchase(self, points: int) -> None:
        order = Order.objects.create(
            member=self.account.member,
            external_id=f"P-{self.step}",
            occurred_at=clock.now(),
            currency="KRW",
            amount=Decimal(points * 1000),
        )
        purchase_earn(account=self.account, order_id=order.pk, points=points, at=clock.now(), reason="")
        self.purchases.append((order, points))

    def activate(self, _value: int) -> None:
        pending_activate(now=clock.now() + timedelta(days=30))

    def redeem(self, points: int) -> None:
        points_redeem(account=self.account, points=points, idempotency_key=f"r{self.step}", actor=None)

    def cancel(self, index: int) -> None:
        redemptions = list(Redemption.objects.filter(account=self.account).order_by("pk"))
        if redemptions:
            redemption_cancel(redemption=redemptions[index % len(redemptions)], actor=None)

    def adjust(self, points: int) -> None:
        points_adjust(
            account=self.account, points=points, reason="test", idempotency_key=f"a{self.step}", actor=None
        )

    def return_(self, index: int) -> None:
        if not self.purchases:
            return
        order, earned = self.purchases[index % len(self.purchases)]
        returned = Order.objects.create(
            member=self.account.member,
            external_id=f"R-{self.step}",
            kind="return",
            original=order,
            occurred_at=clock.now(),
            currency="KRW",
            amount=order.amount,
        )
        return_clawback(
            account=self.account,
            purchase_order_id=order.pk,
            return_order_id=returned.pk,
            points=earned,
            at=clock.now(),
        )

    def expire(self, _value: int) -> None:
        points_expire(now=clock.now() + timedelta(days=400))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations, policy=st.sampled_from(list(ReturnPolicy)))
def test_any_sequence_keeps_the_ledger_true(alice, steps, policy):
    program = Program.objects.create(
        code="prop",
        name="Prop",
        currency="KRW",
        pending_days=14,
        return_policy=policy,
        expiry_policy="days_after_earning",
        expiry_days=365,
    )
    run = Run(account_open(program=program, member=alice))
    try:
        for name, value in steps:
            run.apply("return_" if name == "return" else name, value)
            assert ledger_verify() == []
            run.account.refresh_from_db()
            assert min(run.account.pending, run.account.active, run.account.owed) >= 0
            drawn = Lot.objects.filter(account=run.account).aggregate(
                points=Sum("points"), left=Sum("remaining")
            )
            assert (drawn["left"] or 0) <= (drawn["points"] or 0)
    finally:
        _forget(program)


def _forget(program: Program) -> None:
    """Each example starts from nothing: the ledger is append-only, so only a test may remove it."""
    Allocation.objects.filter(lot__account__program=program).delete()
    Lot.objects.filter(account__program=program).delete()
    LedgerEntry.objects.filter(account__program=program, reverses__isnull=False).delete()
    LedgerEntry.objects.filter(account__program=program).delete()
    Redemption.objects.filter(account__program=program).delete()
    Account.objects.filter(program=program).delete()
    Order.objects.filter(kind="return").delete()
    Order.objects.all().delete()
    program.delete()
