"""The churn-risk model: out-of-time validation, its reasons, and that it beats recency alone."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from patronage.analytics.churn import (
    churn_contributions,
    churn_dataset,
    churn_model_fit,
    churn_risk,
    churn_study,
)
from patronage.core.errors import ValidationFailed

START = date(2023, 1, 1)
CUTOFF = START + timedelta(days=640)


def simulated_log(n: int = 6000, seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Customers whose lifetime is shorter the more they buy on promotion and the more problems they had:
    churn depends on more than recency. Purchases are Poisson while alive, the first at birth."""
    rng = np.random.default_rng(seed)
    birth = rng.uniform(0, 400, n)
    rate = rng.gamma(2.0, 1 / 40, n)
    promo = rng.beta(1, 3, n)
    problems = rng.poisson(0.3, n)
    hazard = np.exp(2.5 * promo + 0.8 * problems) / 800
    window = np.minimum(birth + rng.exponential(1 / hazard), 730.0) - birth
    repeats = rng.poisson(rate * window)
    customer = np.repeat(np.arange(n), repeats + 1)
    first = np.zeros(customer.size, dtype=bool)
    first[np.cumsum(repeats + 1) - (repeats + 1)] = True
    offset = np.where(first, 0.0, rng.uniform(0, 1, customer.size) * window[customer])
    log = pl.DataFrame(
        {
            "customer": customer,
            "day": np.floor(birth[customer] + offset).astype(np.int64),
            "promo": rng.uniform(0, 1, customer.size) < promo[customer],
            "amount": rng.gamma(2.0, 20.0, customer.size),
        }
    ).with_columns(date=pl.lit(START) + pl.duration(days=pl.col("day")))
    return log, pl.DataFrame({"customer": np.arange(n), "problems": problems})


@pytest.fixture(scope="module")
def simulated():
    return simulated_log()


def study(simulated, **options):
    log, problems = simulated
    return churn_study(
        transactions=log,
        customer_col="customer",
        date_col="date",
        cutoff=CUTOFF,
        horizon_days=90,
        amount_col="amount",
        promo_col="promo",
        problems=problems,
        active_within_days=60,
        **options,
    )


@pytest.mark.parametrize("method", ["logistic", "boosting"])
def test_the_model_beats_recency_alone_on_the_holdout(simulated, method):
    result = study(simulated, method=method)

    assert result.holdout_customers > 1000
    assert result.auc > result.baseline_auc + 0.02
    assert result.auc > 0.7


def test_the_holdout_is_the_window_after_the_cutoff(simulated):
    log, _ = simulated
    result = study(simulated)

    # Every holdout customer labelled retained bought in (cutoff, cutoff + 90 days].
    after = log.filter(
        (pl.col("day") > (CUTOFF - START).days) & (pl.col("day") <= (CUTOFF - START).days + 90)
    )
    retained = set(result.holdout.filter(~pl.col("churned"))["customer"].to_list())
    assert retained <= set(after["customer"].to_list())
    assert result.train_customers > 0


def test_logistic_reasons_are_coefficient_times_standardised_value(simulated):
    log, problems = simulated
    options = {"transactions": log, "customer_col": "customer", "date_col": "date", "promo_col": "promo"}
    data = churn_dataset(**options, cutoff=CUTOFF, horizon_days=90, problems=problems)
    model = churn_model_fit(dataset=data, customer_col="customer")

    contributions = churn_contributions(model, data)
    logistic = model.pipeline[-1]
    log_odds = np.log(model.risk(data) / (1 - model.risk(data)))

    # The contributions and the intercept add up to the log-odds.
    assert contributions.sum(axis=1) + logistic.intercept_[0] == pytest.approx(log_odds)
    scores = churn_risk(model=model, frame=data, customer_col="customer")
    top = np.array(model.features)[np.argmax(contributions, axis=1)]
    assert scores["reason_1"].to_list() == [
        t if c > 0 else None for t, c in zip(top, contributions.max(axis=1), strict=True)
    ]


def test_a_customer_with_many_problems_is_told_so(simulated):
    log, problems = simulated
    data = churn_dataset(
        transactions=log,
        customer_col="customer",
        date_col="date",
        cutoff=CUTOFF,
        horizon_days=90,
        promo_col="promo",
        problems=problems,
    )
    model = churn_model_fit(dataset=data, customer_col="customer", method="boosting")
    troubled = data.filter(pl.col("problems") >= 2, pl.col("recency_days") < 90)

    scores = churn_risk(model=model, frame=troubled, customer_col="customer")

    assert troubled.height >= 10
    reasons = scores.select(pl.concat_list("reason_1", "reason_2", "reason_3")).to_series().to_list()
    assert np.mean(["problems" in r for r in reasons]) > 0.8


def test_it_is_deterministic_given_the_seed(simulated):
    one = study(simulated, method="boosting", seed=3)
    two = study(simulated, method="boosting", seed=3)

    assert one.auc == two.auc
    assert one.holdout.equals(two.holdout)


def test_it_refuses_a_window_where_everyone_churned():
    log = pl.DataFrame({"customer": [1, 2], "date": [date(2024, 1, 1), date(2024, 1, 2)]})
    data = churn_dataset(
        transactions=log, customer_col="customer", date_col="date", cutoff=date(2024, 2, 1), horizon_days=30
    )

    with pytest.raises(ValidationFailed, match="both churned and retained"):
        churn_model_fit(dataset=data, customer_col="customer")
