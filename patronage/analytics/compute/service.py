"""Deal-seekers, complaint outcomes and the what-if study: each one pure function of the data and its parameters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import polars as pl

from patronage.analytics.complaints import complaint_outcomes
from patronage.analytics.compute.common import (
    Computed,
    Data,
    Progress,
    as_number,
    histogram,
    jsonable,
    progress_ignore,
    purchases_required,
    records,
)
from patronage.analytics.deal_seekers import deal_seekers_classify, deal_seekers_compare
from patronage.analytics.extract import CUSTOMER, SATISFIED_RATING, WHEN
from patronage.analytics.params import whatif_inputs
from patronage.analytics.response_speed import retention_by_response_band
from patronage.analytics.whatif import WhatIfInputs, whatif_calibrate, whatif_groups, whatif_lost
from patronage.analytics.whatif import whatif_projects as projects_table
from patronage.analytics.whatif import whatif_tornado as tornado_table
from patronage.core.intervals import wilson_interval

# --- deal-seekers -------------------------------------------------------------------------------


def deal_seekers_compute(
    data: Data, params: Mapping[str, Any], progress: Progress = progress_ignore
) -> Computed:
    """Who buys on promotion, and how their retention and value after a cutoff compare with the others'."""
    purchases_required(data)
    horizon = int(params["horizon_days"])
    cutoff = data.end - timedelta(days=horizon)
    options = {
        "transactions": data.purchases,
        "customer_col": CUSTOMER,
        "date_col": WHEN,
        "promo_col": "promo",
        "share_threshold": params["share_threshold"],
        "min_purchases": params["min_purchases"],
    }
    progress(20, "classifying")
    before = deal_seekers_classify(as_of=cutoff, **options)
    log = data.purchases
    after = (
        log.filter(pl.col(WHEN) > cutoff).group_by(CUSTOMER).agg(pl.col("amount").sum().alias("spend_after"))
    )
    spend = (
        log.filter(pl.col(WHEN) <= cutoff)
        .group_by(CUSTOMER)
        .agg(pl.col("amount").sum().alias("spend_before"))
    )
    frame = (
        before.join(after, on=CUSTOMER, how="left")
        .join(spend, on=CUSTOMER, how="left")
        .with_columns(
            pl.col("spend_after").fill_null(0.0),
            pl.col("spend_after").is_not_null().alias("retained"),
            (pl.col("purchases") > 1).alias("repeat"),
        )
    )
    progress(50, "comparing")
    compared = deal_seekers_compare(
        frame=frame, rates=("retained", "repeat"), means=("spend_after", "spend_before")
    )
    now = deal_seekers_classify(as_of=data.end, **options)
    classified = now.filter(pl.col("deal_seeker").is_not_null())
    result = {
        "cutoff": cutoff.isoformat(),
        "horizon_days": horizon,
        "customers": classified.height,
        "deal_seekers": int(classified["deal_seeker"].sum()),
        "share": as_number(classified["deal_seeker"].mean()) if classified.height else None,
        "promo_share_histogram": histogram(now["promo_share"].to_numpy(), bins=10, upper=1.0),
        "compare": records(compared),
    }
    scores = now.select(CUSTOMER, "deal_seeker")
    return Computed(result=jsonable(result), scores=scores)


# --- complaint outcomes and response speed ------------------------------------------------------


def order_outcomes(data: Data, *, repurchase_days: int) -> pl.DataFrame:
    """Per purchase at least `repurchase_days` before the window's end: whether it had a problem and a
    complaint, whether the complaint was resolved to the customer's satisfaction and whether they rated it
    so (4 or 5), the hours from the complaint to its resolution and to its first response, and whether the
    member bought again within `repurchase_days` (problems as `extract.problems_read` gives them)."""
    log = data.purchases.sort(CUSTOMER, WHEN).with_columns(
        pl.col(WHEN).shift(-1).over(CUSTOMER).alias("__next")
    )
    window = timedelta(days=repurchase_days)
    orders = log.filter(pl.col(WHEN) <= data.end - window).select(
        "order", CUSTOMER, ((pl.col("__next") - pl.col(WHEN)) <= window).fill_null(False).alias("repurchased")
    )
    first = data.problems.sort("detected_at").unique(subset="order", keep="first")
    joined = orders.join(first, on="order", how="left", suffix="_problem")
    complained = pl.col("reported_at").is_not_null()
    resolved = complained & pl.col("satisfied").fill_null(False)
    hours = (pl.col("resolved_at") - pl.col("reported_at")).dt.total_seconds(fractional=True) / 3600
    return joined.select(
        "order",
        CUSTOMER,
        "repurchased",
        pl.col("detected_at").is_not_null().alias("problem"),
        complained.alias("complained"),
        resolved.alias("resolved"),
        (resolved & (pl.col("rating") >= SATISFIED_RATING).fill_null(False)).alias("satisfied"),
        pl.when(complained).then(hours).cast(pl.Float64).alias("resolution_hours"),
        pl.when(complained)
        .then(pl.col("first_response_hours"))
        .cast(pl.Float64)
        .alias("first_response_hours"),
    )


def outcomes_table(units: pl.DataFrame, *, quick_hours: float) -> pl.DataFrame:
    """`complaint_outcomes` of the units, with a row for the complainants who rated the resolution 4 or 5
    (TARP's 90% of satisfied complainants)."""
    table = complaint_outcomes(
        problem=units["problem"].to_numpy(),
        complained=units["complained"].to_numpy(),
        resolved=units["resolved"].to_numpy(),
        repurchased=units["repurchased"].to_numpy(),
        resolution_hours=units["resolution_hours"].fill_null(float("nan")).to_numpy(),
        quick_hours=quick_hours,
    )
    satisfied = units.filter(pl.col("resolved") & pl.col("satisfied"))
    hits, size = int(satisfied["repurchased"].sum()), satisfied.height
    interval = wilson_interval(hits, size)
    row = pl.DataFrame(
        {
            "group": ["satisfied"],
            "customers": [size],
            "repurchased": [hits],
            "repurchase_rate": [float(interval.estimate)],
            "low": [float(interval.low)],
            "high": [float(interval.high)],
        },
        schema=table.schema,
    )
    return pl.concat([table, row])


def service_compute(data: Data, params: Mapping[str, Any], progress: Progress = progress_ignore) -> Computed:
    """Repurchase after no problem, a silent one, an unresolved, resolved or quickly resolved complaint, and
    retention by how long the complaint waited for its resolution (`response`) and for its first response
    (`first_response`)."""
    purchases_required(data)
    progress(20, "grouping purchases by what went wrong")
    units = order_outcomes(data, repurchase_days=params["repurchase_days"])
    outcomes = outcomes_table(units, quick_hours=params["quick_hours"])
    complained = units.filter(pl.col("complained"))
    retained = complained["repurchased"].to_numpy()
    to_resolution = retention_by_response_band(
        first_response_hours=complained["resolution_hours"].fill_null(float("nan")).to_numpy(),
        retained=retained,
    )
    to_first_response = retention_by_response_band(
        first_response_hours=complained["first_response_hours"].fill_null(float("nan")).to_numpy(),
        retained=retained,
    )
    result = {
        "unit": "purchase",
        "repurchase_days": params["repurchase_days"],
        "quick_hours": params["quick_hours"],
        "purchases": units.height,
        "problems": int(units["problem"].sum()),
        "complaints": complained.height,
        "outcomes": records(outcomes),
        # By the hours from the complaint to its resolution; "no response": not resolved.
        "response": records(to_resolution),
        # By the hours to the first response (the case's first-response leg); "no response": none yet.
        "first_response": records(to_first_response),
    }
    return Computed(result=jsonable(result))


# --- what-if ------------------------------------------------------------------------------------


def whatif_study(inputs: WhatIfInputs, *, change: float = 0.10) -> dict[str, Any]:
    """The current state and each project side by side, and the tornado of each input's swing."""
    lost, sales = whatif_lost(inputs)
    return jsonable(
        {
            "inputs": {name: float(getattr(inputs, name)) for name in inputs.__dataclass_fields__},
            "groups": whatif_groups(inputs),
            "customers_lost": lost,
            "sales_lost": sales,
            "projects": records(projects_table(inputs=inputs)),
            "tornado": records(tornado_table(inputs=inputs, change=change)),
            "change": change,
        }
    )


def whatif_calibration(data: Data, params: Mapping[str, Any]) -> tuple[WhatIfInputs, dict[str, str]]:
    """The inputs from the data: shares and rates from the purchases' outcomes, N the members who bought
    in the last year of the window, V their mean spend in it."""
    units = order_outcomes(data, repurchase_days=params["repurchase_days"])
    outcomes = outcomes_table(units, quick_hours=params["quick_hours"]).filter(pl.col("group") != "satisfied")
    year = data.purchases.filter(pl.col(WHEN) > data.end - timedelta(days=365))
    spend = year.group_by(CUSTOMER).agg(pl.col("amount").sum())
    customers = float(spend.height) if spend.height else None
    value = as_number(spend["amount"].mean()) if spend.height else float(params["value"])
    calibration = whatif_calibrate(outcomes=outcomes, value=value, customers=customers)
    return calibration.inputs, calibration.sources


def whatif_compute(data: Data, params: Mapping[str, Any], progress: Progress = progress_ignore) -> Computed:
    """A what-if study on the given inputs or, with `calibrate`, on the business's own data."""
    sources = dict.fromkeys(WhatIfInputs.__dataclass_fields__, "given")
    inputs = whatif_inputs(params)
    if params["calibrate"]:
        purchases_required(data)
        progress(30, "calibrating from the data")
        inputs, sources = whatif_calibration(data, params)
    result = whatif_study(inputs, change=params["change"])
    result["sources"] = sources
    return Computed(result=result)
