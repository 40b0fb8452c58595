"""A loyalty program with tiers, benefits and rewards, shared by the portal's loyalty tests."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

import pytest

from patronage.conftest import program_launched
from patronage.loyalty.models import (
    Account,
    Benefit,
    EarnRule,
    Program,
    Reward,
    Tier,
    TierBenefit,
)
from patronage.loyalty.services import account_open, earn_rule_save, event_earn, points_adjust
from patronage.members.models import Member

_keys = count(1)


@pytest.fixture
def program(db: None) -> Program:
    return program_launched(
        Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW", pending_days=14)
    )


@pytest.fixture
def tiers(program: Program) -> dict[str, Tier]:
    made = {}
    for rank, (code, name, threshold) in enumerate(
        [("bronze", "Bronze", 0), ("silver", "Silver", 1000), ("gold", "Gold", 5000)], start=1
    ):
        made[code] = Tier.objects.create(
            program=program, code=code, name=name, rank=rank, threshold=Decimal(threshold)
        )
    return made


@pytest.fixture
def rewards(program: Program, tiers: dict[str, Tier]) -> dict[str, Reward]:
    return {
        "coffee": Reward.objects.create(
            program=program, code="coffee", name="Coffee voucher", points_price=300
        ),
        "tote": Reward.objects.create(
            program=program, code="tote", name="Canvas tote", points_price=200, stock=0
        ),
        "lounge": Reward.objects.create(
            program=program, code="lounge", name="Lounge evening", points_price=100, min_tier=tiers["gold"]
        ),
    }


@pytest.fixture
def benefits(program: Program, tiers: dict[str, Tier]) -> dict[str, Benefit]:
    hotline = Benefit.objects.create(program=program, code="hotline", name="Priority hotline", kind="hotline")
    trial = Benefit.objects.create(program=program, code="trial", name="New-product trial", kind="trial")
    TierBenefit.objects.create(tier=tiers["silver"], benefit=hotline, quantity=1, period="year")
    TierBenefit.objects.create(tier=tiers["gold"], benefit=hotline, quantity=1, period="year")
    TierBenefit.objects.create(tier=tiers["gold"], benefit=trial, quantity=2, period="year")
    return {"hotline": hotline, "trial": trial}


def give(member: Member, program: Program, points: int) -> Account:
    """Books active points for the member at once, as a service agent's adjustment would."""
    account = account_open(program=program, member=member)
    points_adjust(
        account=account,
        points=points,
        reason="test set-up",
        idempotency_key=f"give-{next(_keys)}",
        actor=None,
    )
    account.refresh_from_db()
    return account


def earn(member: Member, program: Program, points: int, event: str = "birthday") -> Account:
    """Books points the member earned through an event rule, so their tier moves as it would in the shop."""
    code = f"test-{event.replace(':', '-')}-{points}"
    if not EarnRule.objects.filter(program=program, code=code).exists():
        earn_rule_save(
            program=program,
            code=code,
            name=f"{points} for {event}",
            kind="event",
            params={"event": event, "points": points},
            actor=None,
        )
    EarnRule.objects.filter(program=program, kind="event").exclude(code=code).update(enabled=False)
    EarnRule.objects.filter(program=program, code=code).update(enabled=True)
    program.refresh_from_db(fields=["revision"])
    event_earn(program=program, member=member, event=event, idempotency_key=f"earn-{next(_keys)}")
    return Account.objects.get(program=program, member=member)
