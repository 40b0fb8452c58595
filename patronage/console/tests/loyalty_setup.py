"""A small loyalty program for the console's loyalty tests: rules, a tier table, a benefit and a reward."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from patronage.conftest import program_launched
from patronage.core import clock
from patronage.loyalty import services
from patronage.loyalty.models import Program
from patronage.loyalty.services import TransactionInput, TransactionResult
from patronage.members.models import Member


def program_make(code: str = "hanbit") -> Program:
    program = services.program_save(
        code=code,
        values={"name": "Hanbit Club", "currency": "KRW", "time_zone": "Asia/Seoul", "pending_days": 0},
        actor=None,
    )
    program_launched(program)
    services.earn_rule_save(
        program=program,
        code="base",
        name="1 point per 1,000 won",
        kind="spend",
        params={"points": 1, "per": "1000"},
        priority=10,
        actor=None,
    )
    services.earn_rule_save(
        program=program,
        code="app-double",
        name="Double in the app",
        kind="channel",
        params={"channels": ["app"], "multiplier": "2"},
        priority=20,
        actor=None,
    )
    return program


def catalogue_make(program: Program) -> None:
    services.tier_save(
        program=program, code="member", name="Member", rank=0, threshold=Decimal(0), actor=None
    )
    services.benefit_save(
        program=program, code="hotline", name="Priority hotline", kind="hotline", actor=None
    )
    services.reward_save(program=program, code="tumbler", name="Steel tumbler", points_price=300, actor=None)


def purchase(program: Program, member: Member, amount: str, external_id: str) -> TransactionResult:
    return services.transaction_record(
        program=program,
        data=TransactionInput(
            kind="purchase",
            external_id=external_id,
            member=member,
            amount=Decimal(amount),
            currency="KRW",
            occurred_at=clock.now() - timedelta(minutes=1),
        ),
    )
