"""The earn-rule form, kind by kind: what people pick and type becomes the settings the loyalty service
takes, every problem is shown at once on its own field, and the form's own defaults are accepted."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from patronage.console.loyalty_forms import EarnRuleForm
from patronage.core.errors import ValidationFailed
from patronage.loyalty.models import EarnRule
from patronage.loyalty.rule_words import RuleNames
from patronage.loyalty.rules_params import RuleKind

NAMES = RuleNames(
    tiers={"member": "Member", "silver": "Silver", "gold": "Gold"},
    products={"TEA-01": "Green tea", "CUP-01": "Cup"},
    categories={"tea": "Tea", "cups": "Cups"},
    channels={"app": "Mobile app", "web": "Web shop"},
    stores={"gangnam": "Gangnam store"},
    segments={"seoul": "Seoul regulars"},
)
SEOUL = "Asia/Seoul"
RULE = {"code": "r1", "name": "A rule", "priority": "100", "stackable": "on", "enabled": "on"}
CAMPAIGN_DATES = {"active_from": "2026-11-01T00:00", "active_to": "2026-12-01T00:00"}


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def form_of(data: dict[str, Any] | None = None, *, rule: EarnRule | None = None) -> EarnRuleForm:
    return EarnRuleForm(data, names=NAMES, currency="KRW", time_zone=SEOUL, rule=rule)


def posted(kind: RuleKind, **settings: Any) -> dict[str, Any]:
    """A rule of `kind` as the page sends it: the kind's settings named after the kind."""
    return {**RULE, "kind": kind, **{f"{kind}-{name}": value for name, value in settings.items()}}


@pytest.mark.parametrize(
    ("data", "params"),
    [
        (posted(RuleKind.SPEND, points="2", per="1000"), {"points": 2, "per": "1000"}),
        (
            posted(RuleKind.PRODUCT, skus=["TEA-01", "CUP-01"], earn_by="per_unit", points_per_unit="50"),
            {"skus": ["TEA-01", "CUP-01"], "points_per_unit": 50},
        ),
        (
            posted(RuleKind.PRODUCT, skus=["TEA-01"], earn_by="per_amount", points="3", per="500.50"),
            {"skus": ["TEA-01"], "points": 3, "per": "500.5"},
        ),
        (
            posted(RuleKind.CATEGORY, categories=["tea"], earn_by="per_amount", points="2", per="1000"),
            {"categories": ["tea"], "points": 2, "per": "1000"},
        ),
        (
            posted(RuleKind.CATEGORY, categories=["cups"], earn_by="per_unit", points_per_unit="5"),
            {"categories": ["cups"], "points_per_unit": 5},
        ),
        (
            posted(RuleKind.CHANNEL, channels=["app"], earn_by="multiply", multiplier="1.5"),
            {"channels": ["app"], "multiplier": "1.5"},
        ),
        (
            posted(RuleKind.CHANNEL, channels=["web"], earn_by="per_amount", points="1", per="2000"),
            {"channels": ["web"], "points": 1, "per": "2000"},
        ),
        (
            posted(RuleKind.STORE, stores=["gangnam"], earn_by="multiply", multiplier="3"),
            {"stores": ["gangnam"], "multiplier": "3"},
        ),
        (
            posted(RuleKind.TIER_MULTIPLIER, silver="1.2", gold="1.50", member=""),
            {"tiers": {"silver": "1.2", "gold": "1.5"}},
        ),
        (
            {
                **posted(RuleKind.CAMPAIGN, earn_by="multiply", multiplier="2", min_spend="30000"),
                **CAMPAIGN_DATES,
            },
            {"multiplier": "2", "min_spend": "30000"},
        ),
        (
            {**posted(RuleKind.CAMPAIGN, earn_by="bonus", bonus="500", min_spend=""), **CAMPAIGN_DATES},
            {"bonus": 500},
        ),
        (
            {**posted(RuleKind.CAMPAIGN, earn_by="per_amount", points="2", per="1000"), **CAMPAIGN_DATES},
            {"points": 2, "per": "1000"},
        ),
        (
            posted(RuleKind.SEGMENT, segment="seoul", earn_by="multiply", multiplier="2"),
            {"segment": "seoul", "multiplier": "2"},
        ),
        (posted(RuleKind.EVENT, event="birthday", points="500"), {"event": "birthday", "points": 500}),
        (
            posted(RuleKind.EVENT, event="custom", custom_name="store-opening", points="1000"),
            {"event": "custom:store-opening", "points": 1000},
        ),
    ],
)
def test_each_kind_gives_the_settings_the_service_takes(data, params):
    form = form_of(data)
    assert form.is_valid(), (form.errors, form.chosen_settings().errors)
    assert form.rule_values()["params"] == params


def test_only_the_chosen_way_of_earning_is_read():
    # The page sends every field of the kind (without script all are shown); only the chosen way counts.
    data = posted(
        RuleKind.CHANNEL, channels=["app"], earn_by="per_amount", multiplier="2", points="1", per="1000"
    )
    form = form_of(data)
    assert form.is_valid()
    assert form.rule_values()["params"] == {"channels": ["app"], "points": 1, "per": "1000"}


def test_only_the_chosen_kinds_settings_are_read():
    data = {
        **posted(RuleKind.SPEND, points="1", per="1000"),
        "product-earn_by": "per_unit",
        "product-points_per_unit": "x",
    }
    form = form_of(data)
    assert form.is_valid()
    assert form.rule_values()["params"] == {"points": 1, "per": "1000"}


def test_every_problem_is_shown_at_once_each_on_its_own_field():
    data = {
        **posted(RuleKind.CAMPAIGN, earn_by="bonus", bonus="0", min_spend="-5"),
        "priority": "99999999999",
        "cap_period": "month",
    }
    form = form_of(data)
    assert not form.is_valid()
    settings = form.settings_of(RuleKind.CAMPAIGN)
    assert settings.errors["bonus"] == ["Ensure this value is greater than or equal to 1."]
    assert settings.errors["min_spend"] == ["Ensure this value is greater than or equal to 0."]
    assert form.errors["active_from"] == ["A bonus campaign needs a start."]
    assert form.errors["active_to"] == ["A bonus campaign needs an end."]
    assert form.errors["cap_points"] == ["Give the most points the rule may give in the period."]
    assert form.errors["priority"] == ["Ensure this value is less than or equal to 1000000."]


def test_a_missing_setting_is_asked_for_in_words():
    form = form_of(posted(RuleKind.PRODUCT, earn_by="per_amount", points="", per="1000"))
    assert not form.is_valid()
    settings = form.settings_of(RuleKind.PRODUCT)
    assert settings.errors["skus"] == ["Choose at least one product."]
    assert settings.errors["points"] == ["This field is required."]
    assert "points_per_unit" not in settings.errors  # another way of earning: not asked for


def test_a_tier_rule_needs_at_least_one_multiplier():
    form = form_of(posted(RuleKind.TIER_MULTIPLIER, member="", silver="", gold=""))
    assert not form.is_valid()
    assert form.settings_of(RuleKind.TIER_MULTIPLIER).errors["member"] == [
        "Give at least one tier a multiplier."
    ]


def test_a_tier_rule_in_a_program_without_tiers_says_where_to_add_them():
    form = EarnRuleForm(posted(RuleKind.TIER_MULTIPLIER), names=RuleNames(), currency="KRW", time_zone=SEOUL)
    assert not form.is_valid()
    assert form.settings_of(RuleKind.TIER_MULTIPLIER).non_field_errors() == [
        "This program has no tiers yet: add them on the Tiers tab first."
    ]


def test_only_what_exists_can_be_picked():
    form = form_of(posted(RuleKind.PRODUCT, skus=["NOPE-99"], earn_by="per_unit", points_per_unit="5"))
    assert not form.is_valid()
    assert (
        "NOPE-99 is not one of the available choices" in form.settings_of(RuleKind.PRODUCT).errors["skus"][0]
    )


def test_a_custom_event_needs_a_name_people_can_send():
    form = form_of(posted(RuleKind.EVENT, event="custom", custom_name="Store Opening!", points="10"))
    assert not form.is_valid()
    assert form.settings_of(RuleKind.EVENT).errors["custom_name"] == [
        "Lower-case letters, digits, _ . and -, starting with a letter or a digit."
    ]


@pytest.mark.parametrize(
    ("kind", "typed", "field", "message"),
    [
        (RuleKind.SPEND, {"points": "10000001", "per": "1"}, "points", "less than or equal to 10000000"),
        (RuleKind.SPEND, {"points": "1", "per": "0.001"}, "per", "greater than or equal to 0.01"),
        (
            RuleKind.SPEND,
            {"points": "1", "per": "1" + "0" * 20},
            "per",
            "less than or equal to 999999999999.99",
        ),
        (RuleKind.SPEND, {"points": "-1" + "0" * 30, "per": "1"}, "points", "greater than or equal to 1"),
        (
            RuleKind.CHANNEL,
            {"channels": ["app"], "earn_by": "multiply", "multiplier": "101"},
            "multiplier",
            "100",
        ),
        (RuleKind.EVENT, {"event": "signup", "points": "1e9"}, "points", "Enter a whole number."),
    ],
)
def test_the_largest_and_smallest_numbers_get_a_message_on_their_field(kind, typed, field, message):
    form = form_of(posted(kind, **typed))
    assert not form.is_valid()
    assert message in form.settings_of(kind).errors[field][0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cap_points", "99999999999999999999", "Ensure this value is less than or equal to 10000000."),
        ("priority", "-99999999999", "Ensure this value is greater than or equal to -1000000."),
        ("active_from", "0001-01-01T00:00", "Give a date between 2000 and 2999."),
        ("active_to", "9999-12-31T23:59", "Give a date between 2000 and 2999."),
    ],
)
def test_the_rules_own_numbers_and_dates_are_bounded(field, value, message):
    form = form_of({**posted(RuleKind.SPEND, points="1", per="1000"), field: value, "cap_period": "day"})
    assert not form.is_valid()
    assert form.errors[field] == [message]


# What a person must still give before a new rule of each kind can be saved: nothing else is needed.
NEEDED_BEYOND_DEFAULTS: dict[RuleKind, dict[str, Any]] = {
    RuleKind.SPEND: {},
    RuleKind.PRODUCT: {"product-skus": ["TEA-01"]},
    RuleKind.CATEGORY: {"category-categories": ["tea"]},
    RuleKind.CHANNEL: {"channel-channels": ["app"]},
    RuleKind.STORE: {"store-stores": ["gangnam"]},
    RuleKind.TIER_MULTIPLIER: {"tier_multiplier-gold": "2"},
    RuleKind.CAMPAIGN: CAMPAIGN_DATES,
    RuleKind.SEGMENT: {"segment-segment": "seoul"},
    RuleKind.EVENT: {},
}


def _as_sent(form: EarnRuleForm, kind: RuleKind) -> dict[str, Any]:
    """What a browser sends for an untouched new form with `kind` chosen: every field's shown value."""
    data: dict[str, Any] = {}
    for field in [*form, *form.settings_of(kind)]:
        value = field.value()
        if value is True:
            data[field.html_name] = "on"
        elif value not in (None, False, "", []):
            data[field.html_name] = value
    return {**data, "kind": kind, "code": "new-rule"}


@pytest.mark.parametrize("kind", list(RuleKind))
def test_a_new_forms_defaults_are_valid(kind):
    data = {**_as_sent(form_of(), kind), **NEEDED_BEYOND_DEFAULTS[kind]}
    form = form_of(data)
    assert form.is_valid(), (form.errors, form.chosen_settings().errors)


def test_an_untouched_new_form_is_valid_once_its_code_is_given():
    form = form_of(_as_sent(form_of(), RuleKind.SPEND))
    assert form.is_valid()
    assert form.rule_values()["params"] == {"points": 1, "per": "1000"}


def _stored(kind: RuleKind, params: dict[str, Any], **fields: Any) -> EarnRule:
    return EarnRule(code="stored", name="Stored", kind=kind, params=params, **fields)


def test_editing_a_rule_fills_its_kinds_fields_from_its_settings():
    start = datetime(2026, 11, 1, tzinfo=ZoneInfo(SEOUL))
    rule = _stored(RuleKind.CAMPAIGN, {"bonus": 500, "min_spend": "30000"}, active_from=start)
    form = form_of(rule=rule)
    settings = form.settings_of(RuleKind.CAMPAIGN)
    assert form["kind"].value() == RuleKind.CAMPAIGN
    assert form["active_from"].value() == datetime(2026, 11, 1)  # on the program's clock
    assert (settings["earn_by"].value(), settings["bonus"].value(), settings["min_spend"].value()) == (
        "bonus",
        500,
        "30000",
    )
    assert form["code"].field.disabled


def test_editing_keeps_a_code_the_catalogue_no_longer_has():
    rule = _stored(RuleKind.CHANNEL, {"channels": ["kiosk"], "multiplier": "2"})
    form = form_of(rule=rule)
    picker = form.settings_of(RuleKind.CHANNEL)["channels"]
    assert ("kiosk", "kiosk") in picker.field.choices
    assert picker.value() == ["kiosk"]
    resent = form_of(
        posted(RuleKind.CHANNEL, channels=["kiosk"], earn_by="multiply", multiplier="2"), rule=rule
    )
    assert resent.is_valid()


def test_editing_a_tier_rule_and_an_event_rule_fills_their_fields():
    tiers = form_of(rule=_stored(RuleKind.TIER_MULTIPLIER, {"tiers": {"gold": "1.5"}})).settings_of(
        RuleKind.TIER_MULTIPLIER
    )
    assert (tiers["gold"].value(), tiers["silver"].value()) == ("1.5", None)
    event = form_of(rule=_stored(RuleKind.EVENT, {"event": "custom:fair", "points": 70})).settings_of(
        RuleKind.EVENT
    )
    assert (event["event"].value(), event["custom_name"].value(), event["points"].value()) == (
        "custom",
        "fair",
        70,
    )


def test_the_services_refusal_of_a_setting_lands_on_its_field():
    form = form_of(posted(RuleKind.SPEND, points="1", per="1000"))
    assert form.is_valid()
    form.add_service_error(
        ValidationFailed(
            "refused",
            errors=[
                {"field": "per", "message": "must be a number greater than zero"},
                {"field": "active_to", "message": "must be after the start"},
            ],
        )
    )
    assert form.settings_of(RuleKind.SPEND).errors["per"] == ["must be a number greater than zero"]
    assert form.errors["active_to"] == ["must be after the start"]
