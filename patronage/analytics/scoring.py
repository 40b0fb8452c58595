"""Fitting a named model to an RFM summary, and scoring every customer: alive, purchases, spend, value."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from patronage.analytics.clv import (
    FitResult,
    TimeUnit,
    bgnbd_expected_purchases,
    bgnbd_fit,
    bgnbd_p_alive,
    customer_lifetime_value,
    gamma_gamma_expected_spend,
    gamma_gamma_fit,
    pareto_nbd_expected_purchases,
    pareto_nbd_fit,
    pareto_nbd_p_alive,
)
from patronage.analytics.clv._fitting import FloatArray
from patronage.analytics.clv.value import DAYS_PER_UNIT
from patronage.core.errors import ValidationFailed

Model = Literal["bgnbd", "pareto", "gammagamma"]
PurchaseModel = Literal["bgnbd", "pareto"]
MODELS: tuple[Model, ...] = ("bgnbd", "pareto", "gammagamma")
SCORE_COLUMNS = (
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "p_alive",
    "expected_purchases",
    "expected_spend",
    "clv",
)


@dataclass(frozen=True)
class Scores:
    """Per-customer scores, and the two fits they come from."""

    table: pl.DataFrame
    purchases: FitResult
    spend: FitResult


def _column(summary: pl.DataFrame, name: str) -> FloatArray:
    return summary[name].cast(pl.Float64).to_numpy()


def _repeat_buyers(summary: pl.DataFrame) -> pl.DataFrame:
    if "monetary_value" not in summary.columns:
        raise ValidationFailed(
            "the spend model needs amounts: give the amount column", field="monetary_value"
        )
    buyers = summary.filter((pl.col("frequency") > 0) & (pl.col("monetary_value") > 0))
    if buyers.height == 0:
        raise ValidationFailed(
            "no customer has a repeat purchase with a positive amount", field="monetary_value"
        )
    return buyers


def clv_model_fit(*, summary: pl.DataFrame, model: str) -> FitResult:
    """The named model fitted to the summary (Gamma-Gamma on its repeat buyers)."""
    if model == "gammagamma":
        buyers = _repeat_buyers(summary)
        return gamma_gamma_fit(
            frequency=_column(buyers, "frequency"), monetary_value=_column(buyers, "monetary_value")
        )
    fit = {"bgnbd": bgnbd_fit, "pareto": pareto_nbd_fit}.get(model)
    if fit is None:
        raise ValidationFailed(f"unknown model {model!r}: use one of {', '.join(MODELS)}", field="model")
    return fit(
        frequency=_column(summary, "frequency"), recency=_column(summary, "recency"), T=_column(summary, "T")
    )


def _purchase_predictors(
    model: PurchaseModel,
) -> tuple[Callable[..., FloatArray], Callable[..., FloatArray]]:
    if model == "bgnbd":
        return bgnbd_p_alive, bgnbd_expected_purchases
    return pareto_nbd_p_alive, pareto_nbd_expected_purchases


def clv_score(
    *,
    summary: pl.DataFrame,
    customer_col: str,
    model: PurchaseModel = "bgnbd",
    time_unit: TimeUnit = "D",
    horizon_days: float = 365,
    margin: float = 1.0,
    discount_rate: float = 0.01,
) -> Scores:
    """Fits the purchase model and Gamma-Gamma, then scores each customer over the next `horizon_days`.

    expected_spend is the mean value of a future purchase; clv discounts the expected purchases month
    by month at `discount_rate` and multiplies by spend and margin (lifetimes' convention)."""
    if horizon_days <= 0:
        raise ValidationFailed("the horizon must be a positive number of days", field="horizon_days")
    if model not in ("bgnbd", "pareto"):
        raise ValidationFailed(f"unknown purchase model {model!r}: use bgnbd or pareto", field="model")
    purchases = clv_model_fit(summary=summary, model=model)
    spend = clv_model_fit(summary=summary, model="gammagamma")
    if spend.params["q"] <= 1:
        raise ValidationFailed(
            "the spend model's q is at most 1: its mean spend is undefined", field="monetary_value"
        )
    history = {name: _column(summary, name) for name in ("frequency", "recency", "T")}
    p_alive, expected = _purchase_predictors(model)
    params: Mapping[str, float] = purchases.params
    horizon = horizon_days / DAYS_PER_UNIT[time_unit]
    expected_spend = gamma_gamma_expected_spend(
        params=spend.params, frequency=history["frequency"], monetary_value=_column(summary, "monetary_value")
    )

    def purchases_by(t: float) -> FloatArray:
        if t == 0:
            return np.zeros_like(history["T"])
        return expected(params=params, t=t, **history)

    clv = customer_lifetime_value(
        expected_purchases=purchases_by,
        spend=expected_spend,
        months=horizon_days / DAYS_PER_UNIT["M"],
        discount_rate=discount_rate,
        time_unit=time_unit,
        margin=margin,
    )
    table = summary.select(customer_col, *SCORE_COLUMNS[:4]).with_columns(
        pl.Series("p_alive", p_alive(params=params, **history)),
        pl.Series("expected_purchases", purchases_by(horizon)),
        pl.Series("expected_spend", expected_spend),
        pl.Series("clv", clv),
    )
    return Scores(table=table, purchases=purchases, spend=spend)
