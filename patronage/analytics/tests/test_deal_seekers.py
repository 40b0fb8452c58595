"""Deal-seekers: the stated thresholds, promotion windows, and the comparison's intervals."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from patronage.analytics.deal_seekers import _merged_windows, deal_seekers_classify, deal_seekers_compare
from patronage.core.intervals import wilson_interval

LOG = pl.DataFrame(
    {
        "customer": ["coupon", "coupon", "full", "full", "full", "window", "window"],
        "date": [
            date(2024, 1, 2),
            date(2024, 1, 20),
            date(2024, 1, 5),
            date(2024, 1, 15),
            date(2024, 1, 25),
            date(2024, 1, 1),
            date(2024, 1, 31),
        ],
        "code": [True, False, False, False, False, False, False],
        "discount": [0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    }
)
# Two windows covering 6 of the log's 31 days: 1-3 January and 29-31 January.
WINDOWS = pl.DataFrame(
    {"start": [date(2024, 1, 1), date(2024, 1, 29)], "end": [date(2024, 1, 3), date(2024, 1, 31)]}
)


def classify(**options):
    return deal_seekers_classify(transactions=LOG, customer_col="customer", date_col="date", **options)


def test_a_code_or_a_discount_makes_a_promotion_purchase():
    result = classify(promo_col="code", discount_col="discount")

    assert dict(zip(result["customer"], result["promo_share"], strict=True)) == {
        "coupon": 1.0,
        "full": 0.0,
        "window": 0.0,
    }
    assert result["deal_seeker"].to_list() == [True, False, False]


def test_buying_concentrated_in_promotion_windows_counts_too():
    result = classify(promo_col="code", windows=WINDOWS).sort("customer")

    window = result.filter(pl.col("customer") == "window").row(0, named=True)
    # Both purchases inside windows that cover 6/31 of the days: lift 31/6.
    assert window["window_share"] == 1.0
    assert window["window_lift"] == pytest.approx(31 / 6)
    assert window["deal_seeker"] is True
    assert result.filter(pl.col("customer") == "full")["deal_seeker"].to_list() == [False]


def test_too_few_purchases_are_not_classified():
    result = classify(promo_col="code", min_purchases=3)

    assert result["deal_seeker"].to_list() == [None, False, None]


def test_overlapping_and_touching_windows_merge():
    windows = pl.DataFrame(
        {
            "start": [date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 6), date(2024, 2, 1)],
            "end": [date(2024, 1, 3), date(2024, 1, 5), date(2024, 1, 7), date(2024, 2, 2)],
        }
    )

    starts, ends = _merged_windows(windows, "start", "end")

    assert (ends - starts + 1).tolist() == [7.0, 2.0]


def test_the_comparison_gives_each_group_and_the_difference_an_interval():
    rng = np.random.default_rng(1)
    seeker = rng.uniform(size=2000) < 0.3
    retained = rng.uniform(size=2000) < np.where(seeker, 0.4, 0.6)
    value = rng.gamma(2.0, np.where(seeker, 30.0, 50.0))
    frame = pl.DataFrame({"deal_seeker": seeker, "retained": retained, "value": value})

    result = deal_seekers_compare(frame=frame)

    rate = result.filter(pl.col("metric") == "retained").row(0, named=True)
    expected = wilson_interval(retained[seeker].sum(), seeker.sum())
    assert (rate["deal_seekers_estimate"], rate["deal_seekers_low"]) == pytest.approx(
        (float(expected.estimate), float(expected.low))
    )
    assert rate["difference_low"] < -0.2 < rate["difference_high"]
    assert rate["difference_high"] < 0
    mean = result.filter(pl.col("metric") == "value").row(0, named=True)
    assert mean["deal_seekers_estimate"] == pytest.approx(value[seeker].mean())
    assert mean["difference_low"] < -40 < mean["difference_high"]
