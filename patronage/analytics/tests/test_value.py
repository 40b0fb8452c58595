"""Discounted CLV: lifetimes' convention, and the arithmetic checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from patronage.analytics.clv import (
    bgnbd_expected_purchases,
    customer_lifetime_value,
    gamma_gamma_expected_spend,
)


def test_it_is_lifetimes_customer_lifetime_value():
    # lifetimes' BG/NBD and Gamma-Gamma CDNOW parameters and GammaGammaFitter.customer_lifetime_value
    # (time=12 months, discount_rate=0.01, freq="W"), computed once and kept as literals.
    purchases = {
        "r": 0.24259292827982148,
        "alpha": 4.413532265271809,
        "a": 0.7928859664406578,
        "b": 2.4257523826257374,
    }
    spend = {"p": 6.24880249607099, "q": 3.7445884609237634, "gamma": 15.447748064943575}
    x, t_x, T = np.array([0, 2, 5.0]), np.array([0, 30.43, 20.0]), np.full(3, 38.86)

    value = customer_lifetime_value(
        expected_purchases=lambda t: bgnbd_expected_purchases(
            params=purchases, t=t, frequency=x, recency=t_x, T=T
        ),
        spend=gamma_gamma_expected_spend(params=spend, frequency=x, monetary_value=[0.0, 35.0, 10.0]),
        months=12,
        discount_rate=0.01,
        time_unit="W",
    )

    assert value == pytest.approx([8.34409312180974, 51.53835124198695, 15.681895721858195], rel=1e-9)


def test_a_steady_buyer_is_worth_the_discounted_sum_of_their_months():
    # One purchase of 100 every 30 days: 100/1.1 + 100/1.1^2 + 100/1.1^3 at 10% a month.
    value = customer_lifetime_value(
        expected_purchases=lambda t: np.array([t / 30]),
        spend=[100.0],
        months=3,
        discount_rate=0.1,
        time_unit="D",
    )

    assert value == pytest.approx([100 / 1.1 + 100 / 1.1**2 + 100 / 1.1**3])


def test_margin_turns_value_into_profit():
    value = customer_lifetime_value(
        expected_purchases=lambda t: np.array([t]),
        spend=[50.0],
        months=2,
        discount_rate=0.0,
        time_unit="M",
        margin=0.3,
    )

    assert value == pytest.approx([0.3 * 50 * 2])


def test_a_horizon_ending_inside_a_month_counts_the_part_month():
    # Half a month of a one-purchase-a-month customer, discounted for half a month.
    value = customer_lifetime_value(
        expected_purchases=lambda t: np.array([t]), spend=[10.0], months=1.5, discount_rate=0.1, time_unit="M"
    )

    assert value == pytest.approx([10 / 1.1 + 5 / 1.1**1.5])
