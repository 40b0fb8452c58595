"""Property: through the integration path (transaction_record), any mix of purchases, partial returns,
redemptions and activations keeps the ledger true, and no purchase ever gives back more than it earned."""

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patronage.commerce.models import Order, OrderLine
from patronage.core import clock
from patronage.core.errors import Conflict, InsufficientPoints
from patronage.core.models import OutboxEvent
from patronage.loyalty.models import (
    Account,
    Allocation,
    CapUsage,
    EarnRule,
    LedgerEntry,
    Lot,
    OrderPoints,
    Program,
    Redemption,
    ReturnPolicy,
)
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import (
    TransactionInput,
    earn_rule_save,
    pending_activate,
    points_redeem,
    transaction_record,
)
from patronage.members.models import TimelineEvent

steps = st.lists(
    st.one_of(
        st.tuples(st.just("purchase"), st.integers(1, 90_000)),
        st.tuples(st.just("return"), st.integers(1, 100)),  # a percentage of the purchase's amount
        st.tuples(st.just("redeem"), st.integers(1, 600)),
        st.tuples(st.just("activate"), st.just(0)),
    ),
    max_size=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps, policy=st.sampled_from(list(ReturnPolicy)))
def test_partial_returns_never_give_back_more_than_was_earned(alice, sequence, policy):
    program = Program.objects.create(
        code="tp", name="TP", currency="KRW", pending_days=14, return_policy=policy
    )
    earn_rule_save(
        program=program,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": "100"},
        actor=None,
    )
    purchases: list[str] = []
    try:
        for number, (kind, value) in enumerate(sequence):
            with suppress(InsufficientPoints, Conflict):
                _step(program, alice, purchases, number, kind, value)
            assert ledger_verify() == []
            for row in OrderPoints.objects.filter(account__program=program):
                assert row.clawed <= row.earned
                assert row.returned <= row.amount
                taken_back = (
                    LedgerEntry.objects.filter(
                        account=row.account,
                        kind="return",
                        cause_id__in=[str(r.pk) for r in row.order.returns.all()],
                    )
                    .exclude(bucket="owed")
                    .aggregate(points=Sum("points"))["points"]
                )
                assert -(taken_back or 0) <= row.earned
    finally:
        _forget(program)


def _step(program, member, purchases, number, kind, value):
    now = clock.now()
    if kind == "purchase":
        external_id = f"P-{number}"
        transaction_record(program=program, data=_data("purchase", external_id, member, Decimal(value), now))
        purchases.append(external_id)
    elif kind == "return" and purchases:
        original = Order.objects.get(external_id=purchases[number % len(purchases)])
        amount = (original.amount * value / 100).quantize(Decimal("0.01"))
        transaction_record(
            program=program, data=_data("return", f"R-{number}", member, amount, now, original.external_id)
        )
    elif kind == "redeem":
        account = Account.objects.filter(program=program, member=member).first()
        if account is not None:
            points_redeem(account=account, points=value, idempotency_key=f"r{number}", actor=None)
    elif kind == "activate":
        pending_activate(now=now + timedelta(days=30))


def _data(kind, external_id, member, amount, at, original=None):
    return TransactionInput(
        kind=kind,
        external_id=external_id,
        member=member,
        amount=amount,
        currency="KRW",
        occurred_at=at,
        original_external_id=original,
    )


def _forget(program: Program) -> None:
    """Each example starts from nothing: the ledger is append-only, so only a test may remove it."""
    Allocation.objects.filter(lot__account__program=program).delete()
    Lot.objects.filter(account__program=program).delete()
    LedgerEntry.objects.filter(account__program=program).delete()
    Redemption.objects.filter(account__program=program).delete()
    OrderPoints.objects.filter(account__program=program).delete()
    CapUsage.objects.filter(account__program=program).delete()
    Account.objects.filter(program=program).delete()
    EarnRule.objects.filter(program=program).delete()
    OrderLine.objects.all().delete()
    Order.objects.filter(kind="return").delete()
    Order.objects.all().delete()
    TimelineEvent.objects.all().delete()
    OutboxEvent.objects.all().delete()
    program.delete()
