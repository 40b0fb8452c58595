"""Churn rate by period and cohort retention: the definitions, checked on logs small enough to count."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from patronage.analytics.cohorts import (
    churn_rate_by_period,
    cohort_retention,
    cohort_retention_matrix,
    retention_curve,
)
from patronage.core.errors import ValidationFailed

# a: Jan, Feb, Apr (skips March); b: Jan, Mar; c: Feb, Mar (twice in March).
LOG = pl.DataFrame(
    {
        "customer": ["a", "a", "a", "b", "b", "c", "c", "c"],
        "date": [
            date(2024, 1, 5),
            date(2024, 2, 3),
            date(2024, 4, 1),
            date(2024, 1, 9),
            date(2024, 3, 2),
            date(2024, 2, 10),
            date(2024, 3, 1),
            date(2024, 3, 20),
        ],
    }
)


def measure(function, log=LOG, **options):
    return function(transactions=log, customer_col="customer", date_col="date", **options)


def test_churn_is_the_share_of_last_periods_buyers_who_did_not_buy_again():
    result = measure(churn_rate_by_period)

    assert result.to_dicts() == [
        # February: of a and b (January), only a bought again.
        {
            "period": date(2024, 2, 1),
            "active_previous": 2,
            "retained": 1,
            "churned": 1,
            "churn_rate": 0.5,
            "active": 2,
        },
        # March: of a and c, only c; b's return is not a retention.
        {
            "period": date(2024, 3, 1),
            "active_previous": 2,
            "retained": 1,
            "churned": 1,
            "churn_rate": 0.5,
            "active": 2,
        },
        {
            "period": date(2024, 4, 1),
            "active_previous": 2,
            "retained": 0,
            "churned": 2,
            "churn_rate": 1.0,
            "active": 1,
        },
    ]


def test_a_period_nobody_bought_in_is_listed_and_the_next_has_no_rate():
    log = pl.DataFrame({"customer": [1, 1], "date": [date(2024, 1, 10), date(2024, 4, 10)]})

    result = measure(churn_rate_by_period, log, period="M")

    assert result["period"].to_list() == [date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)]
    assert result["churn_rate"].to_list() == [1.0, None, None]


def test_quarters_and_weeks_start_on_their_first_day():
    quarters = measure(churn_rate_by_period, period="Q")
    weeks = measure(churn_rate_by_period, period="W")

    assert quarters["period"].to_list() == [date(2024, 4, 1)]
    # a, b and c bought in the first quarter; only a in the second.
    assert quarters["churn_rate"].to_list() == pytest.approx([2 / 3])
    # 1 January 2024 was a Monday; the second week starts on the 8th.
    assert weeks["period"][0] == date(2024, 1, 8)
    assert weeks["period"].dt.weekday().unique().to_list() == [1]


def test_cohort_retention_counts_buyers_at_each_age():
    result = measure(cohort_retention)

    january = result.filter(pl.col("cohort") == date(2024, 1, 1))
    february = result.filter(pl.col("cohort") == date(2024, 2, 1))
    assert january["active"].to_list() == [2, 1, 1, 1]
    assert january["retention"].to_list() == [1.0, 0.5, 0.5, 0.5]
    # February's cohort is seen for three months: Feb, Mar, Apr.
    assert february["retention"].to_list() == [1.0, 1.0, 0.0]


def test_the_matrix_has_a_row_per_cohort_and_empty_unobserved_cells():
    matrix = cohort_retention_matrix(measure(cohort_retention))

    assert matrix.columns == ["cohort", "cohort_size", "0", "1", "2", "3"]
    assert matrix.row(1) == (date(2024, 2, 1), 1, 1.0, 1.0, 0.0, None)


def test_the_curve_pools_the_cohorts_observed_at_each_age():
    curve = retention_curve(measure(cohort_retention))

    assert curve["customers"].to_list() == [3, 3, 3, 2]
    assert curve["retention"].to_list() == pytest.approx([1.0, 2 / 3, 1 / 3, 1 / 2])
    assert (curve["low"] <= curve["retention"]).all()
    assert (curve["retention"] <= curve["high"]).all()


def test_observation_end_leaves_later_purchases_out():
    result = measure(cohort_retention, observation_end=date(2024, 2, 28))

    assert result["age"].max() == 1


def test_it_names_an_unknown_period():
    with pytest.raises(ValidationFailed, match="unknown period") as error:
        measure(churn_rate_by_period, period="D")
    assert error.value.field == "period"
