"""Ledger causes, benefit grants and loyalty timeline events in people's words (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patronage.commerce import timeline_kinds as commerce_kinds
from patronage.loyalty import benefit_words, ledger_words
from patronage.loyalty import timeline_kinds as loyalty_kinds
from patronage.loyalty.ledger_words import LedgerFacts, Link, OrderFacts, entry_words
from patronage.loyalty.models import Bucket, EntryKind, LedgerEntry

FACTS = LedgerFacts(
    orders={"7": OrderFacts("APP-000000001", "Gangnam store"), "8": OrderFacts("APP-000000002")},
    lot_orders={"29": OrderFacts("APP-000000001", "Gangnam store")},
    rewards={"3": "Steel tumbler"},
    redemption_codes={"3": "AB12CD"},
)


def _entry(
    kind: str, cause_type: str, cause_id: str, *, bucket: str = Bucket.ACTIVE, reason: str = "", actor_id=None
):
    return LedgerEntry(
        kind=kind,
        bucket=bucket,
        points=10,
        cause_type=cause_type,
        cause_id=cause_id,
        reason=reason,
        actor_id=actor_id,
    )


@pytest.mark.parametrize(
    ("entry", "staff_reads", "member_reads"),
    [
        (
            _entry(EntryKind.EARN, "order", "7"),
            "Purchase APP-000000001 at Gangnam store",
            "Points for your purchase APP-000000001",
        ),
        (
            _entry(EntryKind.EARN, "order", "8"),
            "Purchase APP-000000002",
            "Points for your purchase APP-000000002",
        ),
        (_entry(EntryKind.EARN, "event", "k", reason="birthday"), "Birthday bonus", "Birthday bonus"),
        (
            _entry(EntryKind.EARN, "event", "k", reason="app_download"),
            "Bonus for app download",
            "Bonus points",
        ),
        (
            _entry(EntryKind.ADJUST, "adjustment", "demo:portal-gift:1", reason="Welcome gift"),
            "Adjusted by hand: Welcome gift",
            "Correction by our service team",
        ),
        (
            _entry(EntryKind.ACTIVATE, "lot", "29"),
            "Points of Purchase APP-000000001 at Gangnam store became available",
            "Points became available: the return period is over",
        ),
        (
            _entry(EntryKind.EXPIRE, "lot", "29"),
            "Points of Purchase APP-000000001 at Gangnam store expired",
            "Expired",
        ),
        (
            _entry(EntryKind.EXPIRE, "account", "4", reason="inactivity"),
            "Expired after a period without activity",
            "Expired after a period without activity",
        ),
        (
            _entry(EntryKind.RETURN, "order", "8"),
            "Taken back for the return APP-000000002",
            "Taken back for the return APP-000000002",
        ),
        (
            _entry(EntryKind.RETURN, "order", "8", bucket=Bucket.OWED),
            "Owed after the return APP-000000002",
            "Owed after the return APP-000000002: taken from your next points",
        ),
        (
            _entry(EntryKind.SETTLE, "account", "4"),
            "Owed points paid back from new points",
            "Points owed from a return paid back",
        ),
        (
            _entry(EntryKind.REDEEM, "redemption", "3"),
            "Redeemed for Steel tumbler",
            "Redeemed: Steel tumbler",
        ),
        (
            _entry(EntryKind.REDEEM_CANCEL, "redemption", "3", reason="changed mind", actor_id=1),
            "Redemption of Steel tumbler cancelled: changed mind",
            "Redemption cancelled: points given back",
        ),
    ],
)
def test_each_cause_reads_as_a_sentence_for_staff_and_for_the_member(entry, staff_reads, member_reads):
    assert entry_words(entry, FACTS, for_member=False).text == staff_reads
    assert entry_words(entry, FACTS, for_member=True).text == member_reads


def test_a_redemption_links_to_its_code_and_nothing_shows_the_cause_code():
    words = entry_words(_entry(EntryKind.REDEEM, "redemption", "3"), FACTS, for_member=False)
    assert words.link == Link("redemption", "AB12CD")
    lot = entry_words(_entry(EntryKind.ACTIVATE, "lot", "29"), FACTS, for_member=False)
    assert "lot 29" not in lot.text
    assert lot.link is None


def test_the_sentences_go_through_gettext(monkeypatch):
    monkeypatch.setattr(ledger_words, "_", lambda text: f"«{text}»")
    words = entry_words(_entry(EntryKind.EARN, "order", "7"), FACTS, for_member=False)
    assert words.text == "«Purchase APP-000000001 at Gangnam store»"


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        ("tier:silver:2026", "Silver benefits for 2026"),
        ("tier:silver:2026-11", "Silver benefits for November 2026"),
        ("tier:silver:since-20261123T101500", "Silver benefits for the time in the tier since Nov 23, 2026"),
        ("tier:gone:2026", "gone benefits for 2026"),
        ("manual", "Given by hand: goodwill"),
    ],
)
def test_a_grant_says_where_it_came_from(source, reads):
    assert (
        benefit_words.grant_source_words(source, tier_names={"silver": "Silver"}, reason="goodwill") == reads
    )


def test_a_grants_words_go_through_gettext(monkeypatch):
    monkeypatch.setattr(benefit_words, "_", lambda text: f"«{text}»")
    assert (
        benefit_words.grant_source_words("tier:silver:2026", tier_names={"silver": "Silver"})
        == "«Silver benefits for 2026»"
    )


def test_a_purchase_on_the_timeline_names_its_money_place_and_items():
    data = {"amount": "36980", "currency": "KRW", "store": "Gangnam store", "items": 2}
    assert commerce_kinds.PURCHASE.words(data, "stored") == "36,980 KRW at Gangnam store, 2 items"
    in_app = {"amount": "36980.00", "currency": "KRW", "channel": "Mobile app", "items": 1}
    assert commerce_kinds.PURCHASE.words(in_app, "stored") == "36,980 KRW via Mobile app, 1 item"
    assert commerce_kinds.RETURN.words({"amount": "12.5", "currency": "USD"}, "") == "12.50 USD refunded"


def test_an_event_without_enough_data_keeps_its_stored_summary():
    assert commerce_kinds.PURCHASE.words({"amount": "100"}, "100 KRW at Gangnam") == "100 KRW at Gangnam"


def test_points_events_read_as_points(monkeypatch):
    assert loyalty_kinds.POINTS_EARNED.words({"points": 1200}, "+1200 (Hanbit Club)") == "+1,200 points"
    assert (
        loyalty_kinds.POINTS_EARNED.words({"points": 500, "event": "signup"}, "")
        == "+500 points: Welcome bonus for joining"
    )
    assert loyalty_kinds.POINTS_RETURNED.words({"points": -1}, "") == "-1 point"
    expiring = {"points": 300, "expires_at": "2026-12-31T00:00:00+00:00"}
    assert loyalty_kinds.POINTS_EXPIRING.words(expiring, "") == "300 points expire on Dec 31, 2026"
    monkeypatch.setattr(commerce_kinds, "_", lambda text: f"«{text}»")
    assert commerce_kinds.RETURN.words({"amount": Decimal("5"), "currency": "KRW"}, "") == "«5 KRW refunded»"


def test_a_hand_adjustment_says_its_points_and_the_reason_as_written():
    data = {"points": 500, "reason": "Welcome gift"}
    assert loyalty_kinds.POINTS_ADJUSTED.words(data, "+500: Welcome gift") == (
        "Adjusted by hand: +500 points (Welcome gift)"
    )
    assert loyalty_kinds.POINTS_ADJUSTED.words({"points": -20}, "-20: old") == "-20: old"


def test_a_redemption_names_its_reward_and_a_cancellation_gives_the_points_back():
    data = {"points": -300, "reward": "Steel tumbler"}
    assert (
        loyalty_kinds.POINTS_REDEEMED.words(data, "-300 Steel tumbler")
        == "Redeemed 300 points for Steel tumbler"
    )
    cancelled = {"points": 300, "reward": "Steel tumbler"}
    assert (
        loyalty_kinds.POINTS_REDEEMED.words(cancelled, "")
        == "Redemption cancelled: 300 points back for Steel tumbler"
    )
    assert loyalty_kinds.POINTS_REDEEMED.words({"points": -300, "code": "X"}, "-300 old") == "-300 old"


def test_a_tier_change_names_both_tiers():
    data = {"from": "silver", "to": "gold", "from_name": "Silver", "to_name": "Gold"}
    assert loyalty_kinds.TIER_CHANGED.words(data, "Silver → Gold") == "Moved from Silver to Gold"
    assert loyalty_kinds.TIER_CHANGED.words({"from_name": None, "to_name": "Silver"}, "") == "Reached Silver"
    assert (
        loyalty_kinds.TIER_CHANGED.words({"from": "silver", "to": "gold"}, "Silver → Gold") == "Silver → Gold"
    )


def test_a_benefit_granted_names_the_benefit():
    data = {"benefit": "delivery", "name": "Free delivery", "quantity": 1}
    assert loyalty_kinds.BENEFIT_GRANTED.words(data, "Free delivery x1") == "Benefit granted: Free delivery"
    three = {**data, "quantity": 3}
    assert loyalty_kinds.BENEFIT_GRANTED.words(three, "") == "Benefit granted: Free delivery (3 uses)"
    assert (
        loyalty_kinds.BENEFIT_GRANTED.words({"benefit": "delivery"}, "Free delivery x1") == "Free delivery x1"
    )


def test_a_benefit_used_names_the_benefit():
    data = {"benefit": "delivery", "name": "Free delivery"}
    assert loyalty_kinds.BENEFIT_USED.words(data, "Free delivery") == "Benefit used: Free delivery"
    assert loyalty_kinds.BENEFIT_USED.words({"benefit": "delivery"}, "Free delivery") == "Free delivery"


def test_an_order_problem_names_the_problem_and_the_order():
    data = {"order_id": 7, "order": "WEB-000000007", "problem": "delay"}
    assert commerce_kinds.ORDER_PROBLEM.words(data, "stored") == "Delivery delay on order WEB-000000007"
    assert commerce_kinds.ORDER_PROBLEM.words({"order_id": 7, "problem": "delay"}, "stored") == "stored"


def test_the_new_sentences_go_through_gettext(monkeypatch):
    monkeypatch.setattr(loyalty_kinds, "_", lambda text: f"«{text}»")
    assert loyalty_kinds.BENEFIT_USED.words({"name": "Free delivery"}, "") == "«Benefit used: Free delivery»"
