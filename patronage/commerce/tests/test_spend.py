"""What a customer spent, as the customer page's header and the customer list read it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from patronage.commerce.models import Order, OrderKind
from patronage.commerce.selectors import MemberSpend, Spend, last_purchase_column, member_spend
from patronage.members.models import Member

pytestmark = pytest.mark.django_db


def _order(member, external_id, amount, *, day, currency="KRW", kind=OrderKind.PURCHASE, original=None):
    return Order.objects.create(
        member=member,
        external_id=external_id,
        kind=kind,
        original=original,
        amount=Decimal(amount),
        currency=currency,
        occurred_at=datetime(2026, 3, day, 12, tzinfo=UTC),
    )


def test_lifetime_spend_is_purchases_less_refunds_in_each_currency(alice):
    first = _order(alice, "t-1", "30000", day=1)
    _order(alice, "t-2", "20000", day=5)
    _order(alice, "r-1", "5000", day=6, kind=OrderKind.RETURN, original=first)
    _order(alice, "web-1", "12.50", day=3, currency="USD")

    spend = member_spend(member=alice)

    assert spend.totals == [Spend(Decimal("45000"), "KRW"), Spend(Decimal("12.50"), "USD")]
    assert spend.purchases == 3  # a return is not an order the customer placed
    assert spend.last_purchase_at == datetime(2026, 3, 5, 12, tzinfo=UTC)  # the refund on the 6th is not


def test_a_customer_who_never_bought_has_spent_nothing(alice, bob):
    _order(bob, "t-1", "10000", day=1)
    assert member_spend(member=alice) == MemberSpend(totals=[], purchases=0, last_purchase_at=None)


def test_the_last_purchase_column_gives_each_member_their_own_latest_purchase(alice, bob):
    _order(alice, "t-1", "10000", day=1)
    _order(alice, "t-2", "10000", day=9)
    refunded = _order(bob, "t-3", "10000", day=2)
    _order(bob, "r-1", "10000", day=20, kind=OrderKind.RETURN, original=refunded)
    nobody = Member.objects.create(name="Nobody", joined_at=datetime(2026, 1, 1, tzinfo=UTC))

    found = dict(
        Member.objects.annotate(last=last_purchase_column()).values_list("pk", "last").order_by("pk")
    )

    assert found == {
        alice.pk: datetime(2026, 3, 9, 12, tzinfo=UTC),
        bob.pk: datetime(2026, 3, 2, 12, tzinfo=UTC),
        nobody.pk: None,
    }
