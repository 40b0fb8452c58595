from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from patronage.conftest import program_launched
from patronage.core import clock
from patronage.loyalty.models import Program
from patronage.loyalty.services.orders import TransactionInput
from patronage.loyalty.services.transactions import transaction_record
from patronage.members.models import Member
from patronage.segments.models import Segment
from patronage.segments.services import SegmentInput, segment_create


@pytest.fixture
def program(db: None) -> Program:
    return program_launched(Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW"))


@pytest.fixture
def buy(program: Program) -> Callable[..., Any]:
    """Records a purchase through the loyalty engine, as a till would send it."""
    counter = iter(range(1, 10_000))

    def purchase(member: Member, amount: str, *, at: datetime | None = None, store: str | None = None) -> Any:
        return transaction_record(
            program=program,
            data=TransactionInput(
                kind="purchase",
                external_id=f"T-{next(counter)}",
                member=member,
                amount=Decimal(amount),
                currency="KRW",
                occurred_at=at or clock.now(),
                store=store,
            ),
        )

    return purchase


@pytest.fixture
def segment_of(db: None) -> Callable[..., Segment]:
    def make(code: str, rules: Any, **extra: Any) -> Segment:
        return segment_create(
            data=SegmentInput(code=code, name=code.title(), rules=rules, **extra), actor=None
        )

    return make
