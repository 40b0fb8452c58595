from collections.abc import Callable
from decimal import Decimal

import pytest

from patronage.commerce.models import Order
from patronage.conftest import program_launched
from patronage.core import clock
from patronage.loyalty.models import Account, Program
from patronage.loyalty.services import account_open
from patronage.members.models import Member


@pytest.fixture
def program(db: None) -> Program:
    return program_launched(
        Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW", pending_days=14)
    )


@pytest.fixture
def account(program: Program, alice: Member) -> Account:
    return account_open(program=program, member=alice)


@pytest.fixture
def order_for(alice: Member) -> Callable[..., Order]:
    """A purchase (or a return of one) in the commerce data, as an integration would have sent it."""

    def make(external_id: str, amount: str, *, original: Order | None = None) -> Order:
        return Order.objects.create(
            member=alice,
            external_id=external_id,
            kind="return" if original else "purchase",
            original=original,
            occurred_at=clock.now(),
            currency="KRW",
            amount=Decimal(amount),
        )

    return make
