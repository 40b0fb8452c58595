"""Earn rules in people's words: each kind as the sentence the console's rule list shows (no database)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from django.utils import translation

from patronage.loyalty.rule_words import RuleNames, rule_describe
from patronage.loyalty.rules import Rule, RuleKind

NAMES = RuleNames(
    tiers={"member": "Member", "silver": "Silver", "gold": "Gold"},
    products={"TEA-01": "Green tea", "TEA-02": "Oolong", "TEA-03": "Jasmine", "CUP-01": "Cup"},
    categories={"tea": "Tea"},
    channels={"app": "Mobile app"},
    stores={"gangnam": "Gangnam store"},
    segments={"seoul": "Seoul regulars"},
)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def described(kind: RuleKind, params: Mapping[str, object], names: RuleNames = NAMES) -> str:
    return rule_describe(Rule(code="r", name="R", kind=kind, params=params), currency="KRW", names=names)


@pytest.mark.parametrize(
    ("kind", "params", "sentence"),
    [
        (RuleKind.SPEND, {"points": 1, "per": "1000"}, "1 point per 1,000 KRW"),
        (RuleKind.SPEND, {"points": 3, "per": "1500.50"}, "3 points per 1,500.5 KRW"),
        (RuleKind.PRODUCT, {"skus": ["TEA-01"], "points_per_unit": 50}, "50 points per unit of Green tea"),
        (
            RuleKind.PRODUCT,
            {"skus": ["TEA-01", "CUP-01"], "points": 2, "per": "1000"},
            "2 points per 1,000 KRW spent on Green tea, Cup",
        ),
        (
            RuleKind.CATEGORY,
            {"categories": ["tea"], "points_per_unit": 1},
            "1 point per unit of anything in Tea",
        ),
        (
            RuleKind.CATEGORY,
            {"categories": ["tea"], "points": 2, "per": "1000"},
            "2 points per 1,000 KRW spent in Tea",
        ),
        (
            RuleKind.CHANNEL,
            {"channels": ["app"], "multiplier": "2"},
            "2× points on purchases through Mobile app",
        ),
        (
            RuleKind.CHANNEL,
            {"channels": ["app"], "points": 1, "per": "500"},
            "1 point per 500 KRW on purchases through Mobile app",
        ),
        (
            RuleKind.STORE,
            {"stores": ["gangnam"], "multiplier": "1.5"},
            "1.5× points on purchases at Gangnam store",
        ),
        (
            RuleKind.STORE,
            {"stores": ["gangnam"], "points": 5, "per": "10000"},
            "5 points per 10,000 KRW on purchases at Gangnam store",
        ),
        (RuleKind.TIER_MULTIPLIER, {"tiers": {"silver": "2"}}, "2× points for Silver members"),
        (
            RuleKind.TIER_MULTIPLIER,
            {"tiers": {"gold": "1.5", "silver": "1.2"}},
            "1.2× points for Silver members; 1.5× points for Gold members",
        ),
        (RuleKind.CAMPAIGN, {"multiplier": "2"}, "2× points on every purchase"),
        (
            RuleKind.CAMPAIGN,
            {"multiplier": "2", "min_spend": "30000"},
            "2× points on purchases of 30,000 KRW or more",
        ),
        (RuleKind.CAMPAIGN, {"bonus": 500}, "+500 points on every purchase"),
        (
            RuleKind.CAMPAIGN,
            {"bonus": 1, "min_spend": "50000"},
            "+1 point on purchases of 50,000 KRW or more",
        ),
        (RuleKind.CAMPAIGN, {"points": 3, "per": "1000"}, "3 points per 1,000 KRW on every purchase"),
        (
            RuleKind.CAMPAIGN,
            {"points": 3, "per": "1000", "min_spend": "0"},
            "3 points per 1,000 KRW on every purchase",
        ),
        (
            RuleKind.CAMPAIGN,
            {"points": 3, "per": "1000", "min_spend": "20000"},
            "3 points per 1,000 KRW on purchases of 20,000 KRW or more",
        ),
        (
            RuleKind.SEGMENT,
            {"segment": "seoul", "multiplier": "2"},
            "For members of Seoul regulars: 2× points on every purchase",
        ),
        (
            RuleKind.SEGMENT,
            {"segment": "gone", "bonus": 500, "min_spend": "30000"},
            "For members of gone: +500 points on purchases of 30,000 KRW or more",
        ),
        (RuleKind.EVENT, {"event": "signup", "points": 300}, "+300 points on signing up"),
        (RuleKind.EVENT, {"event": "birthday", "points": 500}, "+500 points on the member's birthday"),
        (RuleKind.EVENT, {"event": "referral", "points": 1}, "+1 point for a referral"),
        (RuleKind.EVENT, {"event": "survey_answered", "points": 50}, "+50 points for answering a survey"),
        (
            RuleKind.EVENT,
            {"event": "custom:store-opening", "points": 2000},
            "+2,000 points for the “store-opening” event",
        ),
    ],
)
def test_each_kind_reads_as_a_sentence(kind, params, sentence):
    assert described(kind, params) == sentence


def test_a_code_without_a_name_is_shown_as_it_is():
    assert described(RuleKind.CHANNEL, {"channels": ["kiosk"], "multiplier": "2"}) == (
        "2× points on purchases through kiosk"
    )
    assert described(RuleKind.TIER_MULTIPLIER, {"tiers": {"silver": "2"}}, RuleNames()) == (
        "2× points for silver members"
    )


def test_a_long_list_names_a_few_and_counts_the_rest():
    params = {"skus": ["TEA-01", "TEA-02", "TEA-03", "CUP-01", "CUP-02"], "points_per_unit": 10}
    assert (
        described(RuleKind.PRODUCT, params) == "10 points per unit of Green tea, Oolong, Jasmine and 2 more"
    )


def test_a_removed_tier_is_named_last():
    params = {"tiers": {"platinum": "3", "gold": "1.5"}}
    assert described(RuleKind.TIER_MULTIPLIER, params) == (
        "1.5× points for Gold members; 3× points for platinum members"
    )


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        (RuleKind.SPEND, {"points": 0, "per": "1000"}),
        (RuleKind.CAMPAIGN, {}),
        (RuleKind.EVENT, {"event": "party", "points": 5}),
        ("lottery", {"points": 1}),
    ],
)
def test_a_rule_with_unusable_settings_says_it_gives_nothing(kind, params):
    assert described(kind, params) == "Gives nothing until its settings are corrected."
