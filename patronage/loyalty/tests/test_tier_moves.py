"""Tier moves booked by the engine: up at once, down only at the review, after grace, never below a floor."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from patronage.core import clock
from patronage.core.errors import ValidationFailed
from patronage.loyalty.models import Account, BenefitGrant, Program, TierChange
from patronage.loyalty.selectors import tier_status
from patronage.loyalty.services import (
    TransactionInput,
    benefit_save,
    earn_rule_save,
    tier_benefit_set,
    tier_floor_set,
    tier_invite,
    tier_save,
    tiers_review,
    transaction_record,
)

SEOUL_2026 = "2026-06-15 12:00:00+09:00"
REVIEW = datetime.fromisoformat("2027-01-01 00:00:00+09:00")


@pytest.fixture
def tiered(program: Program) -> Program:
    """Tiers by spend in the calendar year, Seoul time: Bronze 0 / Silver 10,000 / Gold 20,000."""
    program.time_zone = "Asia/Seoul"
    program.tier_basis = "spend"
    program.save()
    earn_rule_save(
        program=program,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": "100"},
        actor=None,
    )
    for rank, (code, threshold) in enumerate((("bronze", 0), ("silver", 10_000), ("gold", 20_000)), start=1):
        tier_save(
            program=program, code=code, name=code.title(), rank=rank, threshold=Decimal(threshold), actor=None
        )
    return program


def spend(program, member, external_id, amount):
    return transaction_record(
        program=program,
        data=TransactionInput(
            kind="purchase",
            external_id=external_id,
            member=member,
            amount=Decimal(amount),
            currency="KRW",
            occurred_at=clock.now(),
        ),
    )


def account_of(program, member):
    return Account.objects.select_related("tier").get(program=program, member=member)


@time_machine.travel(SEOUL_2026, tick=False)
def test_a_member_who_reaches_gold_gets_it_at_once_and_a_review_date(tiered, alice):
    spend(tiered, alice, "P-1", "25000")
    account = account_of(tiered, alice)
    assert account.tier.code == "gold"
    assert account.tier_review_at == REVIEW


def test_gold_is_kept_at_the_review_when_the_year_reached_it(tiered, alice):
    with time_machine.travel(SEOUL_2026, tick=False):
        spend(tiered, alice, "P-1", "25000")
    with time_machine.travel(REVIEW, tick=False):
        assert tiers_review() == 1
    account = account_of(tiered, alice)
    assert account.tier.code == "gold"
    assert account.tier_review_at == datetime.fromisoformat("2028-01-01 00:00:00+09:00")


def test_a_quiet_year_moves_the_member_one_level_down_at_the_review_only(tiered, alice):
    with time_machine.travel("2025-06-15 12:00:00+09:00", tick=False):
        spend(tiered, alice, "P-1", "25000")
    with time_machine.travel("2026-01-01 00:00:00+09:00", tick=False):
        tiers_review()
    assert account_of(tiered, alice).tier.code == "gold"  # 2025 reached Gold
    with time_machine.travel("2026-12-31 23:00:00+09:00", tick=False):
        assert tiers_review() == 0  # nothing due before the review: no demotion between reviews
        assert account_of(tiered, alice).tier.code == "gold"
    with time_machine.travel(REVIEW, tick=False):
        tiers_review()
    assert account_of(tiered, alice).tier.code == "silver"
    assert TierChange.objects.filter(decision="downgraded").count() == 1


def test_grace_keeps_the_tier_until_it_ends_then_moves_down(tiered, alice):
    tiered.tier_grace_days = 30
    tiered.save()
    with time_machine.travel("2026-06-15 12:00:00+09:00", tick=False):
        spend(tiered, alice, "P-1", "25000")
    # The 2027 review: 2026 reached Gold, kept. The 2028 review finds 2027 empty: grace first.
    with time_machine.travel("2027-01-01 00:00:00+09:00", tick=False):
        tiers_review()
    with time_machine.travel("2028-01-01 00:00:00+09:00", tick=False):
        tiers_review()
    account = account_of(tiered, alice)
    assert account.tier.code == "gold"
    assert account.tier_review_at == datetime.fromisoformat("2028-01-31 00:00:00+09:00")
    with time_machine.travel("2028-01-31 00:00:00+09:00", tick=False):
        tiers_review()
    assert account_of(tiered, alice).tier.code == "silver"


def test_a_manual_tier_is_a_floor_no_review_goes_below(tiered, alice, manager):
    with time_machine.travel(SEOUL_2026, tick=False):
        spend(tiered, alice, "P-1", "1000")
        account = account_of(tiered, alice)
        gold = tiered.tiers.get(code="gold")
        tier_floor_set(account=account, tier=gold, actor=manager, reason="brand ambassador")
    assert account_of(tiered, alice).tier.code == "gold"
    with time_machine.travel(REVIEW, tick=False):
        tiers_review()
    assert account_of(tiered, alice).tier.code == "gold"
    with pytest.raises(ValidationFailed):
        tier_floor_set(account=account, tier=gold, actor=manager, reason="  ")


@time_machine.travel(SEOUL_2026, tick=False)
def test_an_invitation_only_tier_needs_the_invitation_and_the_threshold(tiered, alice, manager):
    black = tier_save(
        program=tiered,
        code="black",
        name="Black",
        rank=9,
        threshold=Decimal(20_000),
        invitation_only=True,
        actor=None,
    )
    spend(tiered, alice, "P-1", "25000")
    account = account_of(tiered, alice)
    assert account.tier.code == "gold"
    tier_invite(account=account, tier=black, actor=manager)
    assert account_of(tiered, alice).tier.code == "black"


@time_machine.travel(SEOUL_2026, tick=False)
def test_progress_says_what_the_next_tier_needs_and_what_keeping_this_one_needs(tiered, alice):
    spend(tiered, alice, "P-1", "12000")
    status = tier_status(account=account_of(tiered, alice))
    assert status.tier.code == "silver"
    assert status.needed_for_next == Decimal(8000)
    assert [s.render() for s in status.sentences] == ["8000 more to spend to reach Gold"]


@time_machine.travel(SEOUL_2026, tick=False)
def test_reaching_a_tier_grants_its_benefits_once_per_period(tiered, alice):
    hotline = benefit_save(
        program=tiered, code="hotline", name="Priority hotline", kind="hotline", actor=None
    )
    tier_benefit_set(
        tier=tiered.tiers.get(code="gold"), benefit=hotline, quantity=2, period="year", actor=None
    )
    spend(tiered, alice, "P-1", "25000")
    spend(tiered, alice, "P-2", "25000")

    grant = BenefitGrant.objects.get()
    assert (grant.quantity, grant.used, grant.source) == (2, 0, "tier:gold:2026")
    assert grant.valid_to <= datetime.fromisoformat("2027-01-01 00:00:00+09:00")


def test_a_review_claimed_by_one_worker_is_not_done_twice(tiered, alice):
    with time_machine.travel(SEOUL_2026, tick=False):
        spend(tiered, alice, "P-1", "25000")
    with time_machine.travel(REVIEW + timedelta(hours=1), tick=False):
        assert tiers_review() == 1
        assert tiers_review() == 0


def test_signing_up_enrols_in_a_signup_program_with_its_bonus(program, db):
    from patronage.loyalty.models import Enrolment
    from patronage.members.services import member_signup

    program.enrolment = Enrolment.SIGNUP
    program.save()
    earn_rule_save(
        program=program,
        code="welcome",
        name="Welcome",
        kind="event",
        params={"event": "signup", "points": 500},
        actor=None,
    )
    member = member_signup(
        email="carol@example.com", password="long-enough-pass-1", name="Carol", locale="en", consents={}
    )

    assert Account.objects.get(program=program, member=member).active == 500
