"""The demo's loyalty programmes: set up through the services, with members' points booked by the engine."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count

from patronage.commerce.models import Order
from patronage.demo.parts import loyalty as demo_loyalty
from patronage.loyalty import services
from patronage.loyalty.models import (
    Account,
    Benefit,
    EarnRule,
    LedgerEntry,
    OrderPoints,
    Program,
    Redemption,
    Reward,
    Tier,
    TierBenefit,
    TierChange,
)
from patronage.loyalty.selectors import ledger_verify, reward_offers
from patronage.loyalty.services.backfill import orders_earn
from patronage.members.models import Member

MEMBERS = 200
SEOUL = ZoneInfo("Asia/Seoul")
# The period --start 2023-06-01 --years 2 ends at midnight on 1 June 2025 in Seoul; the clock stands just after.
NOW = datetime(2025, 6, 1, 3, 0, tzinfo=SEOUL)


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--start", "2023-06-01", "--seed", "7", *args, stdout=out, verbosity=0)
    return out.getvalue()


@pytest.fixture
def clock_at_the_end() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def demo(db: None, var_dir: Path, clock_at_the_end: Any) -> str:
    return _demo("--members", str(MEMBERS))


def test_each_brand_has_a_program_with_tiers_rules_benefits_and_rewards(demo: str) -> None:
    programs = {p.code: p for p in Program.objects.select_related("brand")}
    assert set(programs) == {"hanbit", "sora"}
    for program in programs.values():
        assert program.currency == "KRW"
        assert program.brand is not None
        assert program.brand.code == program.code
        tiers = list(Tier.objects.filter(program=program).order_by("rank"))
        assert [t.code for t in tiers] == ["member", "silver", "gold", "vip"]
        assert [t.threshold for t in tiers] == sorted(t.threshold for t in tiers)
        assert [t.invitation_only for t in tiers] == [False, False, False, True]
        rules = EarnRule.objects.filter(program=program)
        assert {r.kind for r in rules} >= {
            "spend",
            "category",
            "channel",
            "tier_multiplier",
            "campaign",
            "event",
        }
        assert {r.params.get("event") for r in rules if r.kind == "event"} == {"signup", "birthday"}
        campaign = rules.get(kind="campaign")
        assert campaign.active_from is not None
        assert campaign.active_to is not None
        assert rules.filter(cap_points__isnull=False).exists()
        kinds = set(Benefit.objects.filter(program=program).values_list("kind", flat=True))
        assert kinds >= {"trial", "upgrade", "hotline", "event_seat", "trade_in"}
        assert TierBenefit.objects.filter(tier__program=program, tier__code="vip").count() == 5
        rewards = Reward.objects.filter(program=program)
        assert rewards.count() >= 3
        assert rewards.filter(stock__isnull=False).count() >= 3
        assert rewards.filter(per_member_limit__isnull=False).exists()
        assert rewards.filter(min_tier__code="gold").exists()
    assert "Loyalty: 2 programs (hanbit, sora)" in demo


def test_members_earned_points_and_tiers_from_the_replayed_orders(demo: str) -> None:
    assert ledger_verify() == []
    since = NOW.replace(hour=0) - timedelta(days=demo_loyalty.REPLAY_DAYS)
    replayed = Order.objects.filter(
        kind="purchase", occurred_at__gte=since, occurred_at__lt=NOW.replace(hour=0)
    )
    assert OrderPoints.objects.count() == replayed.count()
    assert not OrderPoints.objects.filter(order__occurred_at__lt=since).exists()
    # The programs were launched when the replayed orders begin, not when the demo was loaded.
    assert set(Program.objects.values_list("created_at", flat=True)) == {since}
    assert not OrderPoints.objects.values("order").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert OrderPoints.objects.filter(order__brand__code="hanbit", account__program__code="sora").count() == 0
    above_member = Account.objects.filter(tier__rank__gt=1)
    assert above_member.exists()
    assert TierChange.objects.filter(decision="upgraded", to_tier__code__in=["silver", "gold"]).exists()
    assert LedgerEntry.objects.filter(kind="activate").exists()  # pending points became available
    assert LedgerEntry.objects.filter(cause_type="event", reason="signup").exists()
    assert LedgerEntry.objects.filter(kind="return").exists()


def test_the_orders_are_counted_once_and_the_truth_file_still_adds_up(demo: str, var_dir: Path) -> None:
    truth = json.loads((var_dir / "demo-truth.json").read_text())
    assert truth["counts"]["commerce.Order"] == Order.objects.count()
    assert truth["counts"]["loyalty.LedgerEntry"] == LedgerEntry.objects.count()
    before = LedgerEntry.objects.count()
    end = NOW.replace(hour=0)
    replayed = Order.objects.filter(occurred_at__gte=end - timedelta(days=demo_loyalty.REPLAY_DAYS))
    for program in Program.objects.all():
        again = orders_earn(program=program, orders=replayed)
        assert (again.purchases, again.returns, again.points, again.refused) == (0, 0, 0, [])
    assert LedgerEntry.objects.count() == before
    assert ledger_verify() == []


def test_the_portal_member_has_a_tier_and_can_redeem_a_reward(demo: str) -> None:
    member = Member.objects.get(user__username="member@example.com")
    for account in Account.objects.filter(member=member).select_related("program", "tier"):
        assert account.tier is not None
        assert account.tier.code == "silver"
        offers = [o for o in reward_offers(account=account, program=account.program) if not o.blocked_by]
        assert offers, "the portal member can redeem at least one reward"
        cheapest = min(offers, key=lambda o: o.reward.points_price).reward
        services.points_redeem(
            account=account, points=cheapest.points_price, idempotency_key="try", actor=None, reward=cheapest
        )
    assert Redemption.objects.filter(account__member=member).count() == 2
    assert ledger_verify() == []


def test_loading_again_with_if_empty_adds_nothing(demo: str) -> None:
    before = (LedgerEntry.objects.count(), Account.objects.count(), Program.objects.count())
    assert _demo("--members", "50", "--if-empty").strip() == "demo data already loaded"
    assert (LedgerEntry.objects.count(), Account.objects.count(), Program.objects.count()) == before


def test_a_big_demo_replays_a_sample_and_says_so(
    db: None, var_dir: Path, clock_at_the_end: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_loyalty, "FULL_REPLAY_LIMIT", 100)
    monkeypatch.setattr(demo_loyalty, "SAMPLE_MEMBERS", 40)
    output = _demo("--members", "150")
    assert "a sample of" in output
    assert "of the 150 members" in output
    first_40 = Member.objects.order_by("pk").values_list("pk", flat=True)[39]
    managed = Member.objects.filter(account_manager__username="accounts")
    with_points = Member.objects.filter(loyalty_accounts__order_points__isnull=False).distinct()
    assert with_points.exists()
    assert not with_points.exclude(pk__lte=first_40).exclude(pk__in=managed).exists()
    assert ledger_verify() == []
