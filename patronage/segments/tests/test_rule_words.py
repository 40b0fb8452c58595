"""A segment's rules read as a sentence a person understands: field labels, operators and values in words,
groups bracketed where they nest, dates and numbers the reader's way. No JSON, no codes of operators."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from patronage.loyalty.models import Program, Tier
from patronage.segments.rule_words import rules_words


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_the_documented_example_reads_as_one_sentence_with_tiers_by_name(db):
    club = Program.objects.create(code="club", name="Club", currency="KRW")
    Tier.objects.create(program=club, code="gold", name="Gold", rank=1)
    Tier.objects.create(program=club, code="vip", name="VIP", rank=2, name_translations={"ko": "브이아이피"})
    rules = {
        "all": [
            {"field": "city", "op": "eq", "value": "Seoul"},
            {
                "any": [
                    {"field": "tier", "op": "in", "value": ["gold", "vip"]},
                    {"field": "purchase_count", "op": "gte", "value": 3, "days": 90},
                ]
            },
        ]
    }
    assert rules_words(rules) == (
        "City is Seoul and (Tier is one of Gold, VIP or Number of purchases in the last 90 days is at least 3)"
    )
    with translation.override("ko"):
        assert "브이아이피" in rules_words(rules)


def test_not_says_not_and_brackets_a_group_it_holds():
    rules = {
        "not": {
            "any": [
                {"field": "city", "op": "eq", "value": "Seoul"},
                {"field": "age", "op": "lt", "value": 20},
            ]
        }
    }
    assert rules_words(rules) == "not: (City is Seoul or Age is less than 20)"


def test_a_single_condition_has_no_brackets():
    assert rules_words({"all": [{"field": "city", "op": "ne", "value": "Osaka"}]}) == "City is not Osaka"


@pytest.mark.parametrize(
    ("op", "value", "words"),
    [
        ("eq", 3, "Age is 3"),
        ("ne", 3, "Age is not 3"),
        ("gt", 3, "Age is more than 3"),
        ("gte", 3, "Age is at least 3"),
        ("lt", 3.5, "Age is less than 3.5"),
        ("lte", 3, "Age is at most 3"),
        ("between", [3, 5], "Age is between 3 and 5"),
    ],
)
def test_each_number_operator_is_in_words(op, value, words):
    assert rules_words({"field": "age", "op": op, "value": value}) == words


def test_text_and_set_fields_contain_words():
    assert rules_words({"field": "city", "op": "contains", "value": "Seo"}) == "City contains Seo"
    assert rules_words({"field": "tags", "op": "contains", "value": "vip"}) == "Tags contains vip"
    assert rules_words({"field": "tags", "op": "in", "value": ["vip", "staff"]}) == (
        "Tags contains one of vip, staff"
    )


def test_dates_read_before_and_after_in_the_readers_format():
    assert rules_words({"field": "joined", "op": "gt", "value": "2026-05-03"}) == "Joined after May 3, 2026"
    assert rules_words({"field": "joined", "op": "lte", "value": "2026-05-03"}) == (
        "Joined on or before May 3, 2026"
    )
    with translation.override("ko"):
        assert "2026. 5. 3." in rules_words({"field": "joined", "op": "lt", "value": "2026-05-03"})


def test_within_days_says_the_last_n_days_and_one_day_in_the_singular():
    assert rules_words({"field": "last_purchase", "op": "within_days", "value": 30}) == (
        "Last purchase in the last 30 days"
    )
    assert rules_words({"field": "last_purchase", "op": "within_days", "value": 1}) == (
        "Last purchase in the last day"
    )


def test_large_numbers_are_grouped_the_readers_way():
    assert (
        rules_words({"field": "points", "op": "gte", "value": 12000}) == "Points balance is at least 12,000"
    )


def test_rules_naming_an_unknown_field_say_so_instead_of_failing():
    assert "unknown" in rules_words({"field": "shoe_size", "op": "eq", "value": 42})


def test_no_rules_are_no_words():
    assert rules_words({}) == ""
    assert rules_words(None) == ""
