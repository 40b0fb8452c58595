"""Per-customer facts: the churn model's and loyalty index's inputs, counted by hand."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from patronage.analytics.facts import customer_facts


def test_facts_of_a_customer_counted_by_hand():
    log = pl.DataFrame(
        {
            "customer": [1, 1, 1, 1, 2],
            "date": [
                datetime(2024, 1, 1, 9),
                datetime(2024, 1, 1, 18),
                datetime(2024, 1, 11),
                datetime(2024, 1, 31),
                datetime(2024, 3, 1),
            ],
            "amount": [10.0, 20.0, 30.0, 40.0, 99.0],
            "promo": [True, False, None, True, False],
            "returned": [False, False, True, False, False],
        }
    )

    facts = customer_facts(
        transactions=log,
        customer_col="customer",
        date_col="date",
        as_of=date(2024, 2, 10),
        amount_col="amount",
        promo_col="promo",
        return_col="returned",
    )

    # Customer 2 bought after as_of: not there yet.
    assert facts["customer"].to_list() == [1]
    row = facts.row(0, named=True)
    # Purchase days 1, 11 and 31 January: gaps 10 and 20 days, mean 15, std 5.
    assert row == pytest.approx(
        {
            "customer": 1,
            "purchases": 4,
            "purchase_days": 3,
            "recency_days": 10.0,
            "tenure_days": 40 - 9 / 24,
            "spend": 100.0,
            "mean_spend": 25.0,
            "ipt_mean_days": 15.0,
            "ipt_cv": 5 / 15,
            "overdue": 10 / 15,
            "promo_share": 0.5,
            "return_share": 0.25,
            "purchase_months": 1,
            "tenure_months": 1,
            "repeat_rate": 0.0,
        }
    )


def test_regularity_needs_two_gaps():
    log = pl.DataFrame({"customer": [1, 1], "date": [date(2024, 1, 1), date(2024, 1, 5)]})

    row = customer_facts(transactions=log, customer_col="customer", date_col="date", as_of=date(2024, 1, 9))

    assert row["ipt_mean_days"].to_list() == [4.0]
    assert row["ipt_cv"].to_list() == [None]
    assert row["overdue"].to_list() == [1.0]
