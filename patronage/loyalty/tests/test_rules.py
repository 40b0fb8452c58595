"""Earn rules: what each kind earns, the stated order, caps, validation, events and returns (no database)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patronage.loyalty.rules import (
    CapPeriod,
    Evaluation,
    Line,
    MemberContext,
    ProgramEarnSettings,
    Purchase,
    Rounding,
    Rule,
    RuleKind,
    cap_period_key,
    clawback_points,
    eligible_spend,
    evaluate_event,
    evaluate_purchase,
    rule_check,
    rule_params_check,
)

SEOUL = ZoneInfo("Asia/Seoul")
AT = datetime(2026, 11, 23, 14, 0, tzinfo=SEOUL)
PROGRAM = ProgramEarnSettings(time_zone=SEOUL, currency="KRW")
NOBODY = MemberContext()
BASE = {"points": 1, "per": "1000"}  # 1 point per 1,000 KRW


def buy(amount: str = "25000", **fields: object) -> Purchase:
    values: dict[str, object] = {"amount": Decimal(amount), "currency": "KRW", "occurred_at": AT, **fields}
    return Purchase(**values)  # type: ignore[arg-type]


def line(sku: str, amount: str, *, category: str = "misc", quantity: str = "1") -> Line:
    return Line(
        sku=sku,
        category=category,
        quantity=Decimal(quantity),
        unit_price=Decimal(amount) / Decimal(quantity),
        amount=Decimal(amount),
    )


def rule(code: str, kind: RuleKind, params: Mapping[str, object], **fields: object) -> Rule:
    return Rule(code=code, name=code.title(), kind=kind, params=params, **fields)  # type: ignore[arg-type]


def base(**fields: object) -> Rule:
    return rule("base", RuleKind.SPEND, BASE, **fields)


def run(
    purchase: Purchase, *rules: Rule, program: ProgramEarnSettings = PROGRAM, member: MemberContext = NOBODY
) -> Evaluation:
    return evaluate_purchase(purchase, rules, program, member)


def earned(evaluation: Evaluation) -> dict[str, int]:
    return {c.rule_code: c.points for c in evaluation.contributions}


def why_skipped(evaluation: Evaluation) -> dict[str, str]:
    return {s.rule_code: s.explanation.render() for s in evaluation.skipped}


# Spend, exclusions and rounding


def test_spend_earns_the_rate_on_eligible_spend_and_says_so() -> None:
    evaluation = run(buy("25000"), base())
    assert evaluation.total == 25
    assert evaluation.contributions[0].explanation.render() == (
        "25 points: 1 per 1000 KRW of eligible spend (25000 KRW)"
    )


def test_tax_and_shipping_earn_nothing_when_the_program_excludes_them() -> None:
    purchase = buy("27500", tax=Decimal("2000"), shipping=Decimal("500"))
    assert run(purchase, base()).total == 25


def test_tax_and_shipping_earn_when_the_program_counts_them() -> None:
    purchase = buy("27500", tax=Decimal("2000"), shipping=Decimal("500"))
    counting = ProgramEarnSettings(exclude_tax=False, exclude_shipping=False, time_zone=SEOUL)
    only_tax = ProgramEarnSettings(exclude_tax=False, time_zone=SEOUL)
    assert run(purchase, base(), program=counting).total == 27
    assert run(purchase, base(), program=only_tax).total == 27


def test_excluded_products_earn_nothing() -> None:
    purchase = buy("30000", lines=(line("gift-card", "10000"), line("shirt", "20000")))
    program = ProgramEarnSettings(excluded_skus=frozenset({"gift-card"}), time_zone=SEOUL)
    assert run(purchase, base(), program=program).total == 20


def test_lines_never_earn_on_more_than_was_paid() -> None:
    discounted = buy("15000", lines=(line("shirt", "20000"),))  # an order-level discount of 5,000
    assert eligible_spend(discounted, PROGRAM) == Decimal("15000")


def test_lines_count_tax_when_the_program_counts_it() -> None:
    purchase = buy("22000", tax=Decimal("2000"), lines=(line("shirt", "20000"),))
    assert eligible_spend(purchase, PROGRAM) == Decimal("20000")
    assert eligible_spend(purchase, ProgramEarnSettings(exclude_tax=False)) == Decimal("22000")


def test_eligible_spend_is_never_negative() -> None:
    assert eligible_spend(buy("1000", tax=Decimal("800"), shipping=Decimal("500")), PROGRAM) == 0


@pytest.mark.parametrize(
    ("amount", "rounding", "points"),
    [
        ("2500", Rounding.DOWN, 2),
        ("2500", Rounding.HALF_UP, 3),
        ("2499", Rounding.HALF_UP, 2),
        ("2999", Rounding.DOWN, 2),
        ("3000", Rounding.DOWN, 3),
    ],
)
def test_each_contribution_is_rounded_by_the_program_rounding(
    amount: str, rounding: Rounding, points: int
) -> None:
    program = ProgramEarnSettings(rounding=rounding, time_zone=SEOUL)
    assert run(buy(amount), base(), program=program).total == points


def test_a_rule_that_rounds_to_nothing_is_skipped_and_does_not_count_as_contributing() -> None:
    alone = rule("alone", RuleKind.CAMPAIGN, {"bonus": 7}, stackable=False, **_window())
    evaluation = run(buy("900"), base(priority=1), alone)
    assert earned(evaluation) == {"alone": 7}
    assert why_skipped(evaluation)["base"] == "earns no points here"


def test_a_purchase_cannot_be_negative_and_must_be_in_the_programs_currency() -> None:
    with pytest.raises(ValueError, match="amount"):
        buy("-1")
    with pytest.raises(ValueError, match="cannot be negative"):
        line("shirt", "-5")
    with pytest.raises(ValueError, match="USD"):
        run(Purchase(amount=Decimal(10), currency="USD", occurred_at=AT), base())
    with pytest.raises(ValueError, match="time zone"):
        buy(occurred_at=datetime(2026, 11, 23, 14, 0))  # no zone: the mistake under test


# Products and categories


def test_product_rule_adds_points_on_matching_lines_by_amount() -> None:
    purchase = buy("30000", lines=(line("espresso", "10000"), line("mug", "20000")))
    product = rule(
        "beans", RuleKind.PRODUCT, {"skus": ["espresso"], "points": 5, "per": "1000"}, priority=200
    )
    evaluation = run(purchase, base(), product)
    assert earned(evaluation) == {"base": 30, "beans": 50}
    assert "on matching lines (10000 KRW)" in evaluation.contributions[1].explanation.render()


def test_category_rule_adds_points_per_unit() -> None:
    purchase = buy("30000", lines=(line("a", "10000", category="coffee", quantity="3"), line("mug", "20000")))
    per_unit = rule("coffee", RuleKind.CATEGORY, {"categories": ["coffee"], "points_per_unit": 4})
    assert earned(run(purchase, per_unit)) == {"coffee": 12}


def test_line_rules_skip_a_purchase_without_matching_lines_and_ignore_excluded_products() -> None:
    purchase = buy("10000", lines=(line("gift-card", "10000"),))
    program = ProgramEarnSettings(excluded_skus=frozenset({"gift-card"}), time_zone=SEOUL)
    product = rule("cards", RuleKind.PRODUCT, {"skus": ["gift-card"], "points_per_unit": 100})
    evaluation = run(purchase, product, program=program)
    assert evaluation.total == 0
    assert why_skipped(evaluation) == {"cards": "no line of the purchase matches"}


# Channels, stores and tiers


def test_channel_rule_adds_points_when_the_channel_is_listed() -> None:
    app = rule("app", RuleKind.CHANNEL, {"channels": ["app"], "points": 1, "per": "5000"}, priority=200)
    assert earned(run(buy(channel="app"), base(), app)) == {"base": 25, "app": 5}
    assert why_skipped(run(buy(channel="web"), base(), app)) == {"app": "the channel web is not listed"}
    assert why_skipped(run(buy(), base(), app)) == {"app": "the channel - is not listed"}


def test_store_multiplier_multiplies_what_the_rules_before_it_gave() -> None:
    flagship = rule("flagship", RuleKind.STORE, {"stores": ["gangnam"], "multiplier": "2"}, priority=200)
    evaluation = run(buy(store="gangnam"), base(), flagship)
    assert earned(evaluation) == {"base": 25, "flagship": 25}
    assert (
        evaluation.contributions[1].explanation.render() == "25 points: x2 on the 25 points earned before it"
    )
    assert why_skipped(run(buy(store="busan"), base(), flagship)) == {
        "flagship": "the store busan is not listed"
    }


def test_tier_multiplier_applies_to_listed_tiers_only() -> None:
    tiers = rule("vip", RuleKind.TIER_MULTIPLIER, {"tiers": {"gold": "1.5", "silver": "1.2"}}, priority=900)
    assert earned(run(buy(), base(), tiers, member=MemberContext(tier="gold"))) == {"base": 25, "vip": 12}
    assert run(buy(), base(), tiers, member=MemberContext(tier="silver")).total == 30
    assert why_skipped(run(buy(), base(), tiers, member=MemberContext(tier="bronze"))) == {
        "vip": "the member's tier bronze is not listed"
    }
    assert "vip" in why_skipped(run(buy(), base(), tiers))


def test_a_multiplier_placed_before_the_rules_has_nothing_to_multiply() -> None:
    early = rule("vip", RuleKind.TIER_MULTIPLIER, {"tiers": {"gold": "2"}}, priority=1)
    evaluation = run(buy(), base(), early, member=MemberContext(tier="gold"))
    assert evaluation.total == 25
    assert why_skipped(evaluation) == {"vip": "nothing earned before it to multiply"}


def test_a_multiplier_below_one_takes_away_but_never_below_zero() -> None:
    half = rule("half", RuleKind.CHANNEL, {"channels": ["kiosk"], "multiplier": "0.5"}, priority=200)
    evaluation = run(buy("25000", channel="kiosk"), base(), half)
    assert earned(evaluation) == {"base": 25, "half": -13}  # floor(-12.5): the program rounds down
    assert evaluation.total == 12


# Campaigns


def _window(start: datetime = AT, days: int = 7) -> dict[str, object]:
    return {"active_from": start, "active_to": start + timedelta(days=days)}


def test_campaign_window_includes_its_start_and_excludes_its_end() -> None:
    double = rule("double", RuleKind.CAMPAIGN, {"multiplier": "2"}, priority=200, **_window())
    end = AT + timedelta(days=7)
    assert run(buy(occurred_at=AT), base(), double).total == 50
    assert run(buy(occurred_at=end - timedelta(microseconds=1)), base(), double).total == 50
    assert run(buy(occurred_at=end), base(), double).total == 25
    assert run(buy(occurred_at=AT - timedelta(seconds=1)), base(), double).total == 25
    assert why_skipped(run(buy(occurred_at=end), base(), double))["double"].startswith("ended on 2026-11-30")


def test_campaign_bonus_needs_the_minimum_spend() -> None:
    bonus = rule("bonus", RuleKind.CAMPAIGN, {"bonus": 100, "min_spend": "30000"}, **_window())
    assert earned(run(buy("30000"), bonus)) == {"bonus": 100}
    assert why_skipped(run(buy("29999"), bonus)) == {
        "bonus": "eligible spend 29999 is below the minimum of 30000"
    }


def test_campaign_rate_earns_on_eligible_spend() -> None:
    extra = rule("extra", RuleKind.CAMPAIGN, {"points": 3, "per": "1000"}, **_window())
    assert run(buy("10000"), extra).total == 30


def test_a_segment_rule_gives_its_terms_to_the_segments_members_only() -> None:
    vip = rule("vip", RuleKind.SEGMENT, {"segment": "vips", "multiplier": "2"}, priority=200)
    member = MemberContext(segments=frozenset({"vips", "seoul"}))

    assert earned(run(buy("10000"), base(), vip, member=member)) == {"base": 10, "vip": 10}
    assert why_skipped(run(buy("10000"), base(), vip)) == {"vip": "the member is not in the segment vips"}


def test_a_segment_rule_without_a_segment_or_with_a_bad_code_is_refused() -> None:
    assert [e.field for e in rule_params_check(RuleKind.SEGMENT, {"bonus": 5})] == ["segment"]
    assert [
        e.field for e in rule_params_check(RuleKind.SEGMENT, {"segment": "Big Spenders", "bonus": 5})
    ] == ["segment"]


def test_a_campaign_without_start_or_end_is_refused_and_skipped() -> None:
    endless = rule("endless", RuleKind.CAMPAIGN, {"bonus": 100})
    assert [e.field for e in rule_check(endless)] == ["active_from", "active_to"]
    assert why_skipped(run(buy(), endless)) == {
        "endless": "the rule's settings are invalid (active_from, active_to)"
    }


# The stated order: priority, ties by code, exclusive, stackable


def test_rules_apply_by_ascending_priority_then_code() -> None:
    bonus = {"bonus": 1}
    rules = [
        rule("c", RuleKind.CAMPAIGN, bonus, priority=5, **_window()),
        rule("b", RuleKind.CAMPAIGN, bonus, priority=10, **_window()),
        rule("a", RuleKind.CAMPAIGN, bonus, priority=10, **_window()),
        rule("z", RuleKind.CAMPAIGN, bonus, priority=-1, **_window()),
    ]
    assert [c.rule_code for c in run(buy(), *rules).contributions] == ["z", "c", "a", "b"]


def test_an_exclusive_rule_that_contributes_ends_the_evaluation() -> None:
    launch = rule("launch", RuleKind.CAMPAIGN, {"bonus": 500}, priority=1, exclusive=True, **_window())
    app = rule("app", RuleKind.CHANNEL, {"channels": ["app"], "multiplier": "2"}, priority=300)
    evaluation = run(buy(channel="app"), launch, base(priority=200), app)
    assert earned(evaluation) == {"launch": 500}
    assert why_skipped(evaluation) == {
        "base": "an exclusive rule applied first",
        "app": "an exclusive rule applied first",
    }


def test_an_exclusive_rule_keeps_what_came_before_it() -> None:
    launch = rule("launch", RuleKind.CAMPAIGN, {"bonus": 500}, priority=200, exclusive=True, **_window())
    assert earned(run(buy(), base(priority=1), launch)) == {"base": 25, "launch": 500}


def test_an_exclusive_rule_that_does_not_apply_ends_nothing() -> None:
    app_only = rule(
        "app", RuleKind.CHANNEL, {"channels": ["app"], "points": 5, "per": "1000"}, exclusive=True
    )
    assert earned(run(buy(channel="web"), app_only, base(priority=200))) == {"base": 25}


def test_a_rule_that_is_not_stackable_does_not_combine_with_earlier_rules() -> None:
    solo = rule("solo", RuleKind.CAMPAIGN, {"bonus": 100}, priority=200, stackable=False, **_window())
    evaluation = run(buy(), base(priority=1), solo)
    assert earned(evaluation) == {"base": 25}
    assert why_skipped(evaluation) == {"solo": "does not combine with the rules applied before it"}


def test_exclusive_and_not_stackable_first_means_this_rule_alone() -> None:
    alone = rule(
        "alone", RuleKind.CAMPAIGN, {"bonus": 100}, priority=1, exclusive=True, stackable=False, **_window()
    )
    assert earned(run(buy(), alone, base(priority=200))) == {"alone": 100}


def test_every_rule_is_either_a_contribution_or_skipped_with_a_reason() -> None:
    rules = [base(), rule("app", RuleKind.CHANNEL, {"channels": ["app"], "multiplier": "2"}, priority=200)]
    evaluation = run(buy(channel="web"), *rules)
    assert {c.rule_code for c in evaluation.contributions} | set(why_skipped(evaluation)) == {"base", "app"}


# Caps per member per period, on the program's calendar


def test_a_cap_reduces_the_contribution_to_what_is_left_in_the_period() -> None:
    capped = base(cap_points=30, cap_period=CapPeriod.DAY)
    member = MemberContext(earned_in_period={("base", "day:2026-11-23"): 20})
    evaluation = run(buy("25000"), capped, member=member)
    assert evaluation.total == 10
    note = evaluation.contributions[0].note
    assert note is not None
    assert note.render() == "capped to 10: at most 30 points per day, 20 already earned"


def test_a_rule_whose_cap_is_used_up_is_skipped_with_the_reason() -> None:
    capped = base(cap_points=30, cap_period=CapPeriod.MONTH)
    member = MemberContext(earned_in_period={("base", "month:2026-11"): 30})
    assert why_skipped(run(buy(), capped, member=member)) == {
        "base": "capped to 0: at most 30 points per month, 30 already earned"
    }


def test_caps_count_days_in_the_programs_time_zone() -> None:
    late_utc = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # already 24 November in Seoul
    capped = base(cap_points=30, cap_period=CapPeriod.DAY)
    member = MemberContext(earned_in_period={("base", "day:2026-11-23"): 30})
    assert run(buy(occurred_at=late_utc), capped, member=member).total == 25
    in_utc = ProgramEarnSettings(time_zone=UTC)
    assert run(buy(occurred_at=late_utc), capped, member=member, program=in_utc).total == 0


def test_a_new_month_or_year_starts_a_new_cap() -> None:
    member = MemberContext(earned_in_period={("base", "month:2026-11"): 30, ("base", "year:2026"): 30})
    monthly, yearly = (
        base(cap_points=30, cap_period=CapPeriod.MONTH),
        base(cap_points=30, cap_period=CapPeriod.YEAR),
    )
    december = buy(occurred_at=datetime(2026, 12, 1, 0, 0, tzinfo=SEOUL))
    new_year = buy(occurred_at=datetime(2027, 1, 1, 0, 0, tzinfo=SEOUL))
    assert run(december, monthly, member=member).total == 25
    assert run(december, yearly, member=member).total == 0
    assert run(new_year, yearly, member=member).total == 25


@pytest.mark.parametrize(
    ("period", "at", "key"),
    [
        (CapPeriod.DAY, datetime(2026, 11, 23, 15, 0, tzinfo=UTC), "day:2026-11-24"),
        (CapPeriod.DAY, datetime(2026, 11, 23, 14, 59, tzinfo=UTC), "day:2026-11-23"),
        (CapPeriod.MONTH, datetime(2026, 11, 30, 15, 0, tzinfo=UTC), "month:2026-12"),
        (CapPeriod.YEAR, datetime(2026, 12, 31, 15, 0, tzinfo=UTC), "year:2027"),
        (CapPeriod.YEAR, datetime(2026, 12, 31, 14, 59, tzinfo=UTC), "year:2026"),
        (CapPeriod.LIFETIME, datetime(2026, 12, 31, 15, 0, tzinfo=UTC), "lifetime"),
    ],
)
def test_cap_period_keys_follow_the_programs_calendar(period: CapPeriod, at: datetime, key: str) -> None:
    assert cap_period_key(period, at, SEOUL) == key


def test_cap_period_key_refuses_a_time_without_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        cap_period_key(CapPeriod.DAY, datetime(2026, 1, 1), SEOUL)  # no zone: the mistake under test


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cap_points": 10}, "cap_period"),
        ({"cap_period": CapPeriod.DAY}, "cap_points"),
        ({"cap_points": 0, "cap_period": CapPeriod.DAY}, "cap_points"),
        ({"cap_points": 5, "cap_period": "week"}, "cap_period"),
        ({"active_from": AT, "active_to": AT}, "active_to"),
        ({"active_from": datetime(2026, 1, 1)}, "active_from"),  # no zone: the mistake under test
    ],
)
def test_rule_check_names_the_bad_field(fields: dict[str, object], field: str) -> None:
    assert [error.field for error in rule_check(base(**fields))] == [field]


# Settings (params) validation, naming the field


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        (RuleKind.SPEND, {"per": "1000"}, "points"),
        (RuleKind.SPEND, {"points": 0, "per": "1000"}, "points"),
        (RuleKind.SPEND, {"points": True, "per": "1000"}, "points"),
        (RuleKind.SPEND, {"points": 1.5, "per": "1000"}, "points"),
        (RuleKind.SPEND, {"points": 1, "per": "0"}, "per"),
        (RuleKind.SPEND, {"points": 1, "per": "lots"}, "per"),
        (RuleKind.SPEND, {"points": 1, "per": "NaN"}, "per"),
        (RuleKind.SPEND, {"points": 1, "per": "1000", "pre": 1}, "pre"),
        (RuleKind.PRODUCT, {"skus": [], "points_per_unit": 1}, "skus"),
        (RuleKind.PRODUCT, {"skus": [""], "points_per_unit": 1}, "skus"),
        (RuleKind.PRODUCT, {"skus": ["a"]}, "points"),
        (RuleKind.PRODUCT, {"skus": ["a"], "points_per_unit": 1, "points": 1, "per": "1"}, "points_per_unit"),
        (RuleKind.CATEGORY, {"categories": ["x"], "points": 2}, "per"),
        (RuleKind.CATEGORY, {"categories": "x", "points_per_unit": 2}, "categories"),
        (RuleKind.CHANNEL, {"channels": ["app"], "multiplier": "-2"}, "multiplier"),
        (RuleKind.STORE, {"multiplier": "2"}, "stores"),
        (RuleKind.TIER_MULTIPLIER, {"tiers": {}}, "tiers"),
        (RuleKind.TIER_MULTIPLIER, {"tiers": {"gold": "0"}}, "tiers"),
        (RuleKind.CAMPAIGN, {}, "multiplier"),
        (RuleKind.CAMPAIGN, {"bonus": 10, "min_spend": "-1"}, "min_spend"),
        (RuleKind.EVENT, {"event": "wedding", "points": 10}, "event"),
        (RuleKind.EVENT, {"event": "custom:", "points": 10}, "event"),
        (RuleKind.EVENT, {"event": "signup"}, "points"),
        ("loyalty", {}, "kind"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(kind: str, params: dict[str, object], field: str) -> None:
    errors = rule_params_check(kind, params)
    assert field in {error.field for error in errors}
    assert all(error.message.render() for error in errors)


def test_a_choice_of_forms_is_explained() -> None:
    (error,) = rule_params_check(RuleKind.CHANNEL, {"channels": ["app"]})
    assert (error.field, error.message.render()) == ("points", "give one of: points + per | multiplier")


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        (RuleKind.SPEND, {"points": 1, "per": 1000}),
        (RuleKind.SPEND, {"points": 1, "per": Decimal("0.5")}),
        (RuleKind.SPEND, {"points": 1, "per": 2.5}),
        (RuleKind.PRODUCT, {"skus": ["a", "b"], "points": 5, "per": "100"}),
        (RuleKind.CATEGORY, {"categories": ["coffee"], "points_per_unit": 3}),
        (RuleKind.CHANNEL, {"channels": ["app"], "points": 1, "per": "500"}),
        (RuleKind.STORE, {"stores": ["gangnam"], "multiplier": "1.5"}),
        (RuleKind.TIER_MULTIPLIER, {"tiers": {"gold": "1.5", "silver": 1.2}}),
        (RuleKind.CAMPAIGN, {"multiplier": "3", "min_spend": "0"}),
        (RuleKind.CAMPAIGN, {"points": 2, "per": "1000"}),
        (RuleKind.EVENT, {"event": "custom:app_review", "points": 50}),
    ],
)
def test_good_settings_pass(kind: RuleKind, params: dict[str, object]) -> None:
    assert rule_params_check(kind, params) == []


# Events


def _event(code: str, event: str, points: int, **fields: object) -> Rule:
    return rule(code, RuleKind.EVENT, {"event": event, "points": points}, **fields)


def test_an_event_earns_its_points_and_no_other_events_do() -> None:
    rules = [_event("welcome", "signup", 500), _event("bday", "birthday", 1000), base()]
    evaluation = evaluate_event("signup", AT, rules, NOBODY)
    assert (evaluation.total, earned(evaluation)) == (500, {"welcome": 500})
    assert evaluation.contributions[0].explanation.render() == "500 points for signing up"
    assert evaluate_event("custom:app_review", AT, rules, NOBODY).total == 0


def test_custom_events_and_yearly_caps() -> None:
    review = _event("review", "custom:app_review", 50, cap_points=100, cap_period=CapPeriod.YEAR)
    member = MemberContext(earned_in_period={("review", "year:2026"): 80})
    assert evaluate_event("custom:app_review", AT, [review], member, time_zone=SEOUL).total == 20


def test_event_rules_do_not_earn_on_purchases() -> None:
    assert earned(run(buy(), _event("welcome", "signup", 500), base())) == {"base": 25}


# Property: the total is the sum of what is shown, and never negative

_names = st.sampled_from(["a", "b", "c"])
_rates = st.fixed_dictionaries(
    {"points": st.integers(1, 10), "per": st.sampled_from(["1", "100", "1000", "333"])}
)
_multipliers = st.fixed_dictionaries({"multiplier": st.sampled_from(["0.1", "0.5", "1", "1.5", "2", "3"])})
_params_by_kind: dict[RuleKind, st.SearchStrategy[Mapping[str, object]]] = {
    RuleKind.SPEND: _rates,
    RuleKind.PRODUCT: st.one_of(
        _rates.map(lambda p: {**p, "skus": ["a"]}), st.just({"skus": ["b"], "points_per_unit": 2})
    ),
    RuleKind.CATEGORY: _rates.map(lambda p: {**p, "categories": ["coffee"]}),
    RuleKind.CHANNEL: st.one_of(_rates, _multipliers).map(lambda p: {**p, "channels": ["app"]}),
    RuleKind.STORE: st.one_of(_rates, _multipliers).map(lambda p: {**p, "stores": ["gangnam"]}),
    RuleKind.TIER_MULTIPLIER: _multipliers.map(lambda p: {"tiers": {"gold": p["multiplier"]}}),
    RuleKind.CAMPAIGN: st.one_of(_rates, _multipliers, st.just({"bonus": 10, "min_spend": "5000"})),
}


@st.composite
def _rules(draw: st.DrawFn) -> list[Rule]:
    rules = []
    for index in range(draw(st.integers(0, 7))):
        kind = draw(st.sampled_from(list(_params_by_kind)))
        cap = draw(st.sampled_from([None, 5, 50]))
        rules.append(
            rule(
                f"r{index}",
                kind,
                draw(_params_by_kind[kind]),
                priority=draw(st.integers(0, 3)),
                exclusive=draw(st.booleans()),
                stackable=draw(st.booleans()),
                cap_points=cap,
                cap_period=CapPeriod.DAY if cap else None,
                **_window(AT - timedelta(days=1)),
            )
        )
    return rules


_amounts = st.decimals(min_value=0, max_value=1_000_000, places=2)


@st.composite
def _purchases(draw: st.DrawFn) -> Purchase:
    lines = tuple(
        Line(
            sku=draw(_names),
            category=draw(st.sampled_from(["coffee", "tea"])),
            quantity=Decimal(draw(st.integers(0, 5))),
            unit_price=Decimal(0),
            amount=draw(_amounts),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return buy(
        str(draw(_amounts)),
        tax=draw(_amounts),
        shipping=draw(_amounts),
        lines=lines,
        channel=draw(st.sampled_from([None, "app", "web"])),
        store=draw(st.sampled_from([None, "gangnam"])),
    )


@settings(max_examples=300, deadline=None)
@given(
    purchase=_purchases(),
    rules=_rules(),
    rounding=st.sampled_from(list(Rounding)),
    tier=st.sampled_from([None, "gold"]),
    used=st.integers(0, 60),
)
def test_the_total_is_the_sum_of_the_contributions_and_never_negative(
    purchase: Purchase, rules: list[Rule], rounding: Rounding, tier: str | None, used: int
) -> None:
    program = ProgramEarnSettings(rounding=rounding, time_zone=SEOUL, excluded_skus=frozenset({"c"}))
    member = MemberContext(tier=tier, earned_in_period={(r.code, "day:2026-11-23"): used for r in rules})
    evaluation = evaluate_purchase(purchase, rules, program, member)
    assert evaluation.total == sum(c.points for c in evaluation.contributions)
    assert evaluation.total >= 0
    assert all(c.points != 0 for c in evaluation.contributions)
    shown = [c.rule_code for c in evaluation.contributions] + [s.rule_code for s in evaluation.skipped]
    assert sorted(shown) == sorted(r.code for r in rules)
    caps = {r.code: r.cap_points for r in rules}
    for contribution in evaluation.contributions:
        cap = caps[contribution.rule_code]
        assert cap is None or contribution.points <= max(
            cap - used, 0
        )  # a negative multiplier is never capped


# Returns take back points in proportion, never more than the purchase earned


def test_three_returns_of_a_third_take_back_every_point_and_no_more() -> None:
    steps, clawed, returned = [], 0, Decimal(0)
    for _ in range(3):
        step = clawback_points(10, Decimal(3), Decimal(1), clawed, already_returned=returned)
        steps.append(step)
        clawed, returned = clawed + step, returned + 1
    assert steps == [3, 3, 4]


def test_a_full_return_takes_everything_and_a_second_takes_nothing() -> None:
    assert clawback_points(25, Decimal("25000"), Decimal("25000"), 0, already_returned=Decimal(0)) == 25
    assert clawback_points(25, Decimal("25000"), Decimal("1"), 25, already_returned=Decimal("25000")) == 0


def test_an_over_return_counts_as_the_whole_purchase() -> None:
    assert clawback_points(25, Decimal("25000"), Decimal("90000"), 5, already_returned=Decimal("5000")) == 20


def test_a_free_purchase_gives_back_what_it_earned() -> None:
    assert clawback_points(100, Decimal(0), Decimal(0), 0, already_returned=Decimal(0)) == 100


def test_negative_returns_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        clawback_points(10, Decimal(10), Decimal(-1), 0, already_returned=Decimal(0))


@st.composite
def _return_sequences(draw: st.DrawFn) -> tuple[Decimal, list[Decimal], bool]:
    amount = draw(st.decimals(min_value=Decimal("0.01"), max_value=10_000_000, places=2))
    cents = int(amount * 100)
    cuts = sorted(draw(st.lists(st.integers(0, cents), max_size=8)))
    everything = draw(st.booleans())
    ends = [*cuts, cents] if everything else cuts
    returns = [Decimal(b - a) / 100 for a, b in zip([0, *ends], ends, strict=False)]
    return amount, returns, everything


@settings(max_examples=500, deadline=None)
@given(earned_points=st.integers(0, 10_000_000), sequence=_return_sequences())
def test_partial_returns_never_take_more_than_earned_and_all_of_it_when_all_is_returned(
    earned_points: int, sequence: tuple[Decimal, list[Decimal], bool]
) -> None:
    amount, returns, everything = sequence
    clawed, returned = 0, Decimal(0)
    for piece in returns:
        step = clawback_points(earned_points, amount, piece, clawed, already_returned=returned)
        assert step >= 0
        clawed, returned = clawed + step, returned + piece
    assert clawed <= earned_points
    if everything:
        assert returned == amount
        assert clawed == earned_points
