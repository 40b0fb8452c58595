"""Lifetime value, churn and loyalty: each analysis one pure function of the data and its parameters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from patronage.analytics.churn import churn_dataset, churn_model_fit, churn_risk, churn_study
from patronage.analytics.clv import bgnbd_expected_purchases, pareto_nbd_expected_purchases
from patronage.analytics.cohorts import (
    churn_rate_by_period,
    cohort_retention,
    cohort_retention_matrix,
    retention_curve,
)
from patronage.analytics.compute.common import (
    TOP,
    Computed,
    Data,
    Progress,
    as_number,
    facts_at,
    histogram,
    jsonable,
    progress_ignore,
    purchases_required,
    records,
)
from patronage.analytics.extract import CUSTOMER, WHEN, resolved_well
from patronage.analytics.loyalty_index import (
    COMPONENTS,
    loyalty_by_segment,
    loyalty_index,
    repeat_purchase_rate,
)
from patronage.analytics.rfm import rfm_calibration_holdout, rfm_summary
from patronage.analytics.scoring import clv_model_fit, clv_score
from patronage.analytics.segments import SEGMENTS, rfm_segments

# --- lifetime value -----------------------------------------------------------------------------


def clv_compute(data: Data, params: Mapping[str, Any], progress: Progress = progress_ignore) -> Computed:
    """BG/NBD or Pareto/NBD with Gamma-Gamma: fitted parameters, CLV and p-alive per customer and segment."""
    purchases_required(data)
    unit = params["time_unit"]
    progress(10, "RFM summary")
    summary = rfm_summary(
        transactions=data.purchases,
        customer_col=CUSTOMER,
        date_col=WHEN,
        amount_col="amount",
        observation_end=data.end,
        time_unit=unit,
    )
    progress(25, "fitting the purchase and spend models")
    scores = clv_score(
        summary=summary,
        customer_col=CUSTOMER,
        model=params["model"],
        time_unit=unit,
        horizon_days=params["horizon_days"],
        margin=params["margin"],
        discount_rate=params["discount_rate"],
    )
    progress(60, "segments")
    segments = rfm_segments(facts=facts_at(data), customer_col=CUSTOMER)
    table = scores.table.join(segments.select(CUSTOMER, "segment", "rfm"), on=CUSTOMER, how="left")
    clv = table["clv"].to_numpy()
    result: dict[str, Any] = {
        "model": params["model"],
        "time_unit": unit,
        "customers": table.height,
        "purchases": data.purchases.height,
        "fit": jsonable(scores.purchases.as_dict()),
        "spend_fit": jsonable(scores.spend.as_dict()),
        "totals": jsonable(
            {
                "clv": float(np.nansum(clv)),
                "mean_clv": float(np.nanmean(clv)),
                "median_clv": float(np.nanmedian(clv)),
                "expected_purchases": float(table["expected_purchases"].sum()),
                "mean_p_alive": as_number(table["p_alive"].mean()),
                "repeat_buyers": int((table["frequency"] > 0).sum()),
            }
        ),
        "histogram": histogram(clv),
        "by_segment": _clv_by_segment(table),
        "top": records(
            table.sort("clv", descending=True, nulls_last=True)
            .head(TOP)
            .select(CUSTOMER, "clv", "p_alive", "frequency", "expected_purchases", "segment")
        ),
    }
    if params.get("calibration_end"):
        progress(75, "holdout validation")
        result["validation"] = _clv_holdout(data, params)
    frame = table.select(
        CUSTOMER,
        "frequency",
        "recency",
        "T",
        pl.col("monetary_value").alias("monetary"),
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
        pl.col("segment").alias("rfm_segment"),
    )
    return Computed(result=result, scores=frame)


def segment_ordered(frame: pl.DataFrame, column: str = "segment") -> pl.DataFrame:
    order = {name: i for i, name in enumerate(SEGMENTS)}
    return frame.sort(pl.col(column).replace_strict(order, default=len(order), return_dtype=pl.Int32))


def _clv_by_segment(table: pl.DataFrame) -> list[dict[str, Any]]:
    grouped = table.group_by("segment").agg(
        pl.len().alias("customers"),
        pl.col("clv").mean().alias("mean_clv"),
        pl.col("clv").sum().alias("total_clv"),
        pl.col("p_alive").mean().alias("mean_p_alive"),
        pl.col("frequency").mean().alias("mean_frequency"),
    )
    return records(segment_ordered(grouped))


def _clv_holdout(data: Data, params: Mapping[str, Any]) -> dict[str, Any]:
    """Fit on the calibration period, predict each customer's holdout purchases, compare with the actual."""
    cut = datetime.fromisoformat(params["calibration_end"])
    split = rfm_calibration_holdout(
        transactions=data.purchases,
        customer_col=CUSTOMER,
        date_col=WHEN,
        calibration_end=cut,
        observation_end=data.end,
        time_unit=params["time_unit"],
    )
    calibration = split.select(
        pl.col("frequency_cal").alias("frequency"),
        pl.col("recency_cal").alias("recency"),
        pl.col("T_cal").alias("T"),
    )
    fit = clv_model_fit(summary=calibration, model=params["model"])
    predict = bgnbd_expected_purchases if params["model"] == "bgnbd" else pareto_nbd_expected_purchases
    duration = float(split["duration_holdout"][0])
    predicted = predict(
        params=fit.params,
        t=duration,
        frequency=calibration["frequency"].to_numpy(),
        recency=calibration["recency"].to_numpy(),
        T=calibration["T"].to_numpy(),
    )
    compared = split.select(
        pl.col("frequency_cal").clip(0, 7).cast(pl.Int64).alias("frequency"),
        pl.col("frequency_holdout").alias("actual"),
        pl.Series("predicted", predicted),
    )
    by_frequency = compared.group_by("frequency").agg(
        pl.len().alias("customers"), pl.col("actual").mean(), pl.col("predicted").mean()
    )
    return {
        "calibration_end": params["calibration_end"],
        "duration": duration,
        "fit": jsonable(fit.as_dict()),
        "actual": float(compared["actual"].sum()),
        "predicted": float(compared["predicted"].sum()),
        "by_frequency": records(by_frequency.sort("frequency")),
    }


# --- churn --------------------------------------------------------------------------------------


def _problem_counts(problems: pl.DataFrame, before: datetime) -> pl.DataFrame:
    """Per member: purchases with a problem detected, complaints filed, and complaints not resolved to
    their satisfaction by `before`."""
    known = problems.filter(pl.col("detected_at") <= before)
    complained = (pl.col("reported_at") <= before).fill_null(False)
    return known.group_by(CUSTOMER).agg(
        pl.len().cast(pl.Float64).alias("problems"),
        complained.sum().cast(pl.Float64).alias("complaints"),
        (complained & ~resolved_well(before)).sum().cast(pl.Float64).alias("unresolved"),
    )


def churn_compute(data: Data, params: Mapping[str, Any], progress: Progress = progress_ignore) -> Computed:
    """Churn rate by period, cohort retention, and a churn-risk model validated on the last horizon."""
    purchases_required(data)
    horizon = int(params["horizon_days"])
    cutoff = data.end - timedelta(days=horizon)
    options: dict[str, Any] = {
        "transactions": data.purchases,
        "customer_col": CUSTOMER,
        "date_col": WHEN,
        "horizon_days": horizon,
        "amount_col": "amount",
        "promo_col": "promo",
        "return_col": "returned",
        "problems": _problem_counts(data.problems, cutoff),
        "active_within_days": params["active_within_days"],
    }
    progress(10, "churn rate and cohorts")
    period = params["period"]
    rates = churn_rate_by_period(
        transactions=data.purchases,
        customer_col=CUSTOMER,
        date_col=WHEN,
        period=period,
        observation_end=data.end,
    )
    retention = cohort_retention(
        transactions=data.purchases,
        customer_col=CUSTOMER,
        date_col=WHEN,
        period=period,
        observation_end=data.end,
    )
    matrix = cohort_retention_matrix(retention)
    curve = retention_curve(retention)
    progress(35, "validating the churn-risk model")
    study = churn_study(cutoff=cutoff, method=params["method"], **options)
    progress(65, "scoring the customers")
    # The model scored today is fitted on the latest labelled window: features at the cutoff, churn after it.
    model = churn_model_fit(
        dataset=churn_dataset(cutoff=cutoff, **options), customer_col=CUSTOMER, method=params["method"]
    )
    today = churn_dataset(
        cutoff=data.end, labelled=False, **{**options, "problems": _problem_counts(data.problems, data.end)}
    )
    risk = churn_risk(model=model, frame=today, customer_col=CUSTOMER)
    reasons = [c for c in risk.columns if c.startswith("reason_")]
    scored = risk.select(
        CUSTOMER,
        "churn_risk",
        pl.concat_list([pl.col(c) for c in reasons]).list.drop_nulls().alias("churn_reasons"),
    )
    ages = [c for c in matrix.columns if c not in ("cohort", "cohort_size")]
    result = {
        "period": period,
        "horizon_days": horizon,
        "cutoff": cutoff.isoformat(),
        "rates": records(rates),
        "cohorts": {
            "ages": ages,
            "rows": [
                {"cohort": row["cohort"], "size": row["cohort_size"], "retention": [row[a] for a in ages]}
                for row in records(matrix)
            ],
        },
        "curve": records(curve),
        "model": {
            "method": study.model.method,
            "features": list(study.model.features),
            "auc": study.auc,
            "baseline_auc": study.baseline_auc,
            "train_customers": study.train_customers,
            "holdout_customers": study.holdout_customers,
            "holdout_churn_rate": as_number(study.holdout["churned"].mean()),
        },
        "scored_customers": scored.height,
        "mean_risk": as_number(scored["churn_risk"].mean()) if scored.height else None,
        "risk_histogram": histogram(scored["churn_risk"].to_numpy(), bins=10, upper=1.0),
        "top": records(scored.sort("churn_risk", descending=True).head(TOP)),
    }
    return Computed(result=jsonable(result), scores=scored)


# --- loyalty ------------------------------------------------------------------------------------


def _satisfaction(problems: pl.DataFrame) -> pl.DataFrame:
    """Per member, the mean of the ratings (1-5) they gave the resolutions of their complaints."""
    rated = problems.filter(pl.col("rating").is_not_null())
    return rated.group_by(CUSTOMER).agg(pl.col("rating").cast(pl.Float64).mean().alias("satisfaction"))


def loyalty_compute(data: Data, params: Mapping[str, Any], progress: Progress = progress_ignore) -> Computed:
    """The loyalty index per customer and segment, and the repeat-purchase rate."""
    purchases_required(data)
    progress(15, "customer facts")
    facts = facts_at(data)
    segments = rfm_segments(facts=facts, customer_col=CUSTOMER)
    progress(40, "loyalty index")
    index = loyalty_index(
        facts=facts,
        customer_col=CUSTOMER,
        satisfaction=_satisfaction(data.problems),
        half_life_days=params["half_life_days"],
        full_tenure_days=params["full_tenure_days"],
    )
    by_segment = loyalty_by_segment(index=index, segments=segments, customer_col=CUSTOMER)
    with_segment = facts.join(segments.select(CUSTOMER, "segment"), on=CUSTOMER)
    repeat = repeat_purchase_rate(facts=facts)
    result = {
        "customers": index.height,
        "mean_index": as_number(index["loyalty_index"].mean()),
        "median_index": as_number(index["loyalty_index"].median()),
        "components": {name: as_number(index[name].mean()) for name in COMPONENTS},
        "satisfaction_known_share": as_number(index["satisfaction_known"].mean()),
        "histogram": histogram(index["loyalty_index"].to_numpy(), bins=20, upper=100.0),
        "by_segment": records(segment_ordered(by_segment)),
        "repeat_rate": records(repeat)[0],
        "repeat_by_segment": records(
            segment_ordered(repeat_purchase_rate(facts=with_segment, group_col="segment"))
        ),
    }
    scores = index.join(segments.select(CUSTOMER, "segment"), on=CUSTOMER).select(
        CUSTOMER, "loyalty_index", pl.col("segment").alias("rfm_segment")
    )
    return Computed(result=jsonable(result), scores=scores)
