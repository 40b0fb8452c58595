"""The loyalty index: its stated formula by hand, missing satisfaction, segments, repeat-purchase rate."""

from __future__ import annotations

import polars as pl
import pytest

from patronage.analytics.loyalty_index import loyalty_by_segment, loyalty_index, repeat_purchase_rate
from patronage.core.errors import ValidationFailed

FACTS = pl.DataFrame(
    {
        "customer": [1, 2, 3],
        "repeat_rate": [0.5, 0.5, 0.0],
        "recency_days": [90.0, 90.0, 0.0],
        "tenure_days": [365.0, 365.0, 1000.0],
        "promo_share": [0.2, 0.2, 1.0],
        "purchase_days": [4, 4, 1],
    }
)
SATISFACTION = pl.DataFrame({"customer": [1, 3], "satisfaction": [4.0, 1.0]})


def index(**options):
    return loyalty_index(facts=FACTS, customer_col="customer", satisfaction=SATISFACTION, **options)


def test_the_index_is_the_weighted_sum_of_the_scaled_components():
    row = index().row(0, named=True)

    # repeat 0.5, recency 0.5 ** (90/90), tenure 365/730, non-promotion 0.8, satisfaction (4-1)/(5-1).
    assert row["recency"] == 0.5
    assert row["satisfaction"] == 0.75
    assert row["loyalty_index"] == pytest.approx(
        100 * (0.30 * 0.5 + 0.25 * 0.5 + 0.15 * 0.5 + 0.15 * 0.8 + 0.15 * 0.75)
    )


def test_unknown_satisfaction_is_left_out_and_the_other_weights_rescaled():
    row = index().row(1, named=True)

    assert row["satisfaction_known"] is False
    assert row["loyalty_index"] == pytest.approx(100 * (0.15 + 0.125 + 0.075 + 0.12) / 0.85)


def test_tenure_saturates_and_a_pure_deal_buyer_gets_nothing_for_it():
    row = index().row(2, named=True)

    assert row["tenure"] == 1.0
    assert row["non_promotion"] == 0.0
    assert row["loyalty_index"] == pytest.approx(100 * (0.25 * 1 + 0.15 * 1))


def test_weights_can_be_restated():
    result = index(weights={"recency": 1.0})

    assert result["loyalty_index"].to_list() == pytest.approx([50.0, 50.0, 100.0])


def test_it_refuses_an_unknown_component():
    with pytest.raises(ValidationFailed, match="unknown loyalty components: price"):
        index(weights={"price": 1.0})


def test_segments_average_their_customers():
    segments = pl.DataFrame({"customer": [1, 2, 3], "segment": ["a", "a", "b"]})

    result = loyalty_by_segment(index=index(), segments=segments, customer_col="customer")

    assert result["customers"].to_list() == [2, 1]
    assert result["satisfaction_known_share"].to_list() == [0.5, 1.0]


def test_repeat_purchase_rate_with_its_interval():
    overall = repeat_purchase_rate(facts=FACTS)
    by_group = repeat_purchase_rate(
        facts=FACTS.with_columns(group=pl.Series(["x", "y", "y"])), group_col="group"
    )

    assert overall.select("customers", "repeaters", "repeat_rate").row(0) == (3, 2, pytest.approx(2 / 3))
    assert overall["low"][0] < 2 / 3 < overall["high"][0]
    assert by_group["repeat_rate"].to_list() == [1.0, 0.5]
