"""A member's standing as the customer file shows it: tier and balances per program, and the tier and
points columns, sort key and tier filter of the customer list."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from patronage.loyalty.models import Account, Program, Tier
from patronage.loyalty.selectors.standing import (
    ProgramStanding,
    member_standings,
    points_available_column,
    tier_id_column,
    tier_member_ids,
    tier_rank_column,
    tiers_by_program,
)
from patronage.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs() -> tuple[Program, Program]:
    hanbit = Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW")
    sora = Program.objects.create(code="sora", name="Sora Rewards", currency="KRW")
    return hanbit, sora


def _tier(program: Program, code: str, rank: int) -> Tier:
    return Tier.objects.create(
        program=program, code=code, name=code.title(), rank=rank, threshold=Decimal(rank)
    )


def _account(program: Program, member: Member, *, tier: Tier | None = None, active=0, pending=0, owed=0):
    return Account.objects.create(
        program=program,
        member=member,
        tier=tier,
        active=active,
        pending=pending,
        owed=owed,
        enrolled_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_the_header_shows_each_program_the_member_is_enrolled_in(programs, alice, bob):
    hanbit, sora = programs
    gold = _tier(hanbit, "gold", 2)
    _account(sora, alice, active=40, pending=10, owed=5)
    _account(hanbit, alice, tier=gold, active=1200, pending=300)
    _account(hanbit, bob, active=999)

    assert member_standings(member=alice) == [
        ProgramStanding(program=hanbit, tier=gold, available=1200, pending=300, owed=0),
        ProgramStanding(program=sora, tier=None, available=40, pending=10, owed=5),
    ]


def test_a_member_with_no_points_anywhere_has_no_standing(programs, alice):
    assert member_standings(member=alice) == []


def test_the_columns_read_the_chosen_programs_account_and_are_empty_without_one(programs, alice, bob):
    hanbit, sora = programs
    silver, gold = _tier(hanbit, "silver", 1), _tier(hanbit, "gold", 2)
    _account(hanbit, alice, tier=gold, active=700)
    _account(hanbit, bob, tier=silver, active=50)
    _account(sora, bob, active=9000)
    carol = Member.objects.create(name="Carol", joined_at=datetime(2026, 1, 1, tzinfo=UTC))

    rows = {
        row["pk"]: row
        for row in Member.objects.annotate(
            tier=tier_id_column(program=hanbit),
            rank=tier_rank_column(program=hanbit),
            points=points_available_column(program=hanbit),
        ).values("pk", "tier", "rank", "points")
    }

    assert rows[alice.pk] == {"pk": alice.pk, "tier": gold.pk, "rank": 2, "points": 700}
    assert rows[bob.pk] == {"pk": bob.pk, "tier": silver.pk, "rank": 1, "points": 50}  # not Sora's 9,000
    assert rows[carol.pk] == {"pk": carol.pk, "tier": None, "rank": None, "points": None}


def test_the_tier_filter_finds_the_members_who_hold_the_tier_now(programs, alice, bob):
    hanbit, _sora = programs
    silver, gold = _tier(hanbit, "silver", 1), _tier(hanbit, "gold", 2)
    _account(hanbit, alice, tier=gold)
    _account(hanbit, bob, tier=silver)

    assert list(Member.objects.filter(pk__in=tier_member_ids(tier=gold))) == [alice]


def test_the_tier_picker_lists_each_programs_tiers_by_rank(programs):
    hanbit, sora = programs
    gold, silver = _tier(hanbit, "gold", 2), _tier(hanbit, "silver", 1)
    star = _tier(sora, "star", 1)

    assert tiers_by_program() == [(hanbit, [silver, gold]), (sora, [star])]
