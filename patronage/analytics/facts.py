"""Per-customer behavioural facts from a transaction log, as of a date: the inputs of the churn model, the
loyalty index and the deal-seeker analysis, computed in one Polars pass.

Only transactions at or before `as_of` count (a `date` is its midnight, as in `rfm.py`). Each row of the
log is one purchase; optional columns flag a purchase made with a promotion (code or discount) and a
purchase that was returned.

- purchases: rows; purchase_days: distinct days with a purchase;
- recency_days / tenure_days: days from the last / first purchase to as_of;
- spend: the sum of the amounts; mean_spend: spend per purchase;
- ipt_mean_days: mean gap between consecutive purchase days; ipt_cv: the gaps' coefficient of variation
  (standard deviation over mean; 0 for a metronome, about 1 for Poisson buying); null with fewer than
  two gaps (three purchase days), since one gap has no spread;
- overdue: recency_days / ipt_mean_days, how many usual gaps have passed since the last purchase;
- promo_share / return_share: shares of the purchases made on promotion / returned;
- purchase_months: distinct calendar months with a purchase; tenure_months: calendar months from the
  first purchase's month to as_of's; repeat_rate: (purchase_months - 1) / tenure_months, the share of the
  months since the first in which the customer bought again (0 while tenure_months is 0).
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from patronage.analytics.rfm import as_datetime
from patronage.core.errors import ValidationFailed

FACT_COLUMNS = (
    "purchases",
    "purchase_days",
    "recency_days",
    "tenure_days",
    "spend",
    "mean_spend",
    "ipt_mean_days",
    "ipt_cv",
    "overdue",
    "promo_share",
    "return_share",
    "purchase_months",
    "tenure_months",
    "repeat_rate",
)

_WHEN = "__when"
_DAY = "__day"


def _checked(transactions: pl.DataFrame, columns: dict[str, str | None]) -> None:
    for field, name in columns.items():
        if name is not None and name not in transactions.columns:
            raise ValidationFailed(f"the transactions have no column {name!r}", field=field)
    date_col = columns["date_col"]
    assert date_col is not None
    if not transactions.schema[date_col].is_temporal():
        raise ValidationFailed(f"column {date_col!r} must hold dates", field=date_col)


def _flag(name: str | None) -> pl.Expr:
    return pl.col(name).cast(pl.Boolean).fill_null(False) if name is not None else pl.lit(False)


def _month_index(expr: pl.Expr) -> pl.Expr:
    return expr.dt.year().cast(pl.Int32) * 12 + expr.dt.month().cast(pl.Int32)


def customer_facts(
    *,
    transactions: pl.DataFrame,
    customer_col: str,
    date_col: str,
    as_of: date | datetime,
    amount_col: str | None = None,
    promo_col: str | None = None,
    return_col: str | None = None,
) -> pl.DataFrame:
    """One row per customer with a purchase by `as_of`, sorted by customer: the FACT_COLUMNS."""
    _checked(
        transactions,
        {
            "customer_col": customer_col,
            "date_col": date_col,
            "amount_col": amount_col,
            "promo_col": promo_col,
            "return_col": return_col,
        },
    )
    end = as_datetime(as_of)
    amount = pl.col(amount_col).cast(pl.Float64) if amount_col is not None else pl.lit(0.0)
    log = (
        transactions.lazy()
        .select(
            pl.col(customer_col),
            pl.col(date_col).cast(pl.Datetime("us")).alias(_WHEN),
            amount.alias("__amount"),
            _flag(promo_col).alias("__promo"),
            _flag(return_col).alias("__return"),
        )
        .filter(pl.col(_WHEN) <= end)
        .with_columns(pl.col(_WHEN).dt.truncate("1d").alias(_DAY))
    )
    days = (
        log.select(customer_col, _DAY)
        .unique()
        .sort(customer_col, _DAY)
        .with_columns(gap=(pl.col(_DAY).diff().dt.total_days().cast(pl.Float64)).over(customer_col))
        .group_by(customer_col)
        .agg(
            pl.len().alias("purchase_days"),
            pl.col("gap").drop_nulls().mean().alias("ipt_mean_days"),
            pl.when(pl.col("gap").drop_nulls().len() >= 2)
            .then(pl.col("gap").drop_nulls().std(ddof=0) / pl.col("gap").drop_nulls().mean())
            .alias("ipt_cv"),
            _month_index(pl.col(_DAY)).n_unique().alias("purchase_months"),
        )
    )
    elapsed_days = (pl.lit(end) - pl.col(_WHEN)).dt.total_seconds().cast(pl.Float64) / 86_400
    totals = log.group_by(customer_col).agg(
        pl.len().alias("purchases"),
        elapsed_days.min().alias("recency_days"),
        elapsed_days.max().alias("tenure_days"),
        pl.col("__amount").sum().alias("spend"),
        pl.col("__promo").mean().alias("promo_share"),
        pl.col("__return").mean().alias("return_share"),
        (_month_index(pl.lit(end)) - _month_index(pl.col(_WHEN).min())).alias("tenure_months"),
    )
    return (
        totals.join(days, on=customer_col)
        .with_columns(
            mean_spend=pl.col("spend") / pl.col("purchases"),
            overdue=pl.col("recency_days") / pl.col("ipt_mean_days"),
            repeat_rate=pl.when(pl.col("tenure_months") > 0)
            .then((pl.col("purchase_months") - 1) / pl.col("tenure_months"))
            .otherwise(0.0),
        )
        .select(customer_col, *FACT_COLUMNS)
        .sort(customer_col)
        .collect()
    )
