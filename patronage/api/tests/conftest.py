"""A loyalty program as an integration meets it: earn rules, tiers, a catalogue and a benefit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import time_machine

from patronage.commerce.models import Channel, Store
from patronage.conftest import program_launched
from patronage.loyalty.models import Account, Benefit, BenefitGrant, Program, Reward, Tier
from patronage.loyalty.services import (
    account_open,
    benefit_grant,
    benefit_save,
    earn_rule_save,
    points_adjust,
    program_save,
    reward_save,
    tier_save,
)
from patronage.members.models import Member


@pytest.fixture
def club(db: None) -> Program:
    """Hanbit Club: 1 point per 100 KRW, double in the app, 100 points for a birthday; points are active at
    once (no return window) so they can be spent in the same test; tiers by points earned."""
    program = program_save(
        code="hanbit",
        values={"name": "Hanbit Club", "currency": "KRW", "time_zone": "Asia/Seoul", "pending_days": 0},
        actor=None,
    )
    program_launched(program)
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
        name="App double",
        kind="channel",
        params={"channels": ["app"], "multiplier": "2"},
        priority=20,
        actor=None,
    )
    earn_rule_save(
        program=program,
        code="birthday",
        name="Birthday",
        kind="event",
        params={"event": "birthday", "points": 100},
        actor=None,
    )
    Channel.objects.create(code="app", name="App", kind="app")
    Store.objects.create(
        code="gangnam", name="Gangnam", channel=Channel.objects.create(code="shop", name="Shop", kind="store")
    )
    return program


@pytest.fixture
def tiers(club: Program) -> dict[str, Tier]:
    made = {}
    for code, name, rank, threshold in (
        ("bronze", "Bronze", 1, 0),
        ("silver", "Silver", 2, 500),
        ("gold", "Gold", 3, 2000),
    ):
        made[code] = tier_save(
            program=club, code=code, name=name, rank=rank, threshold=Decimal(threshold), actor=None
        )
    return made


@pytest.fixture
def tumbler(club: Program) -> Reward:
    return reward_save(
        program=club, code="tumbler", name="Steel tumbler", points_price=300, stock=1, actor=None
    )


@pytest.fixture
def trial(club: Program) -> Benefit:
    return benefit_save(program=club, code="trial", name="New-product trial", kind="trial", actor=None)


def give(member: Member, program: Program, points: int, key: str = "") -> Account:
    """Active points by hand, as a colleague in the console would give them."""
    account = account_open(program=program, member=member)
    points_adjust(
        account=account,
        points=points,
        reason="welcome gift",
        idempotency_key=key or f"welcome-{member.pk}",
        actor=None,
    )
    return account


@pytest.fixture
def alice_points(club: Program, alice: Member) -> Account:
    return give(alice, club, 1000)


@pytest.fixture
def alice_grant(alice_points: Account, trial: Benefit) -> BenefitGrant:
    return benefit_grant(
        account=alice_points,
        benefit=trial,
        quantity=2,
        valid_days=30,
        reason="launch",
        idempotency_key="grant-1",
        actor=None,
    )


def purchase(member: Any, external_id: str = "P-1", amount: str = "10000", **extra: Any) -> dict[str, Any]:
    """The body a till sends for a purchase."""
    return {
        "program": "hanbit",
        "type": "purchase",
        "external_id": external_id,
        "member": member,
        "amount": amount,
        "currency": "KRW",
        "occurred_at": "2026-11-20T12:00:00+09:00",
        **extra,
    }


NOW = "2026-11-20 13:00:00+09:00"


@pytest.fixture
def frozen() -> Any:
    """The clock at 13:00 in Seoul on 20 November 2026, an hour after the purchases the tests send."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
