"""RFM summaries: lifetimes' summary_data_from_transaction_data and calibration_and_holdout_data, exactly."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from patronage.analytics.rfm import rfm_calibration_holdout, rfm_summary
from patronage.core.errors import ValidationFailed


def summary(transactions, **options):
    return rfm_summary(transactions=transactions, customer_col="customer_id", date_col="date", **options)


def rows(frame, *customers):
    return {
        row.pop("customer_id"): row for row in frame.filter(pl.col("customer_id").is_in(customers)).to_dicts()
    }


# The totals and rows below are lifetimes 0.11.3's output on the same file, computed once (bench/rfm.py
# compares whole tables on every run).
@pytest.mark.parametrize(
    ("unit", "totals", "customer_157"),
    [
        (
            "D",
            {"frequency": 4339, "recency": 307464, "T": 1183240, "monetary_value": 40758.44137790224},
            (43, 520, 539, 25.853488372093025),
        ),
        (
            "W",
            {"frequency": 4004, "recency": 43920, "T": 169671, "monetary_value": 42918.752244706644},
            (36, 74, 77, 30.60361111111111),
        ),
    ],
)
def test_the_cdnow_summary_is_lifetimes(cdnow_transactions, unit, totals, customer_157):
    result = summary(cdnow_transactions, amount_col="amount", time_unit=unit)

    assert result.height == 2357
    assert result["customer_id"].is_sorted()
    assert {name: result[name].sum() for name in totals} == pytest.approx(totals, rel=1e-12)
    frequency, recency, T, monetary = customer_157
    assert rows(result, 157)[157] == pytest.approx(
        {"frequency": frequency, "recency": recency, "T": T, "monetary_value": monetary}
    )


def test_the_cdnow_calibration_is_the_published_summary(cdnow_transactions, cdnow):
    split = rfm_calibration_holdout(
        transactions=cdnow_transactions,
        customer_col="customer_id",
        date_col="date",
        amount_col="amount",
        calibration_end=date(1997, 9, 30),
        observation_end=date(1998, 6, 30),
    )

    # The published summary is in weeks of 7 days, to two decimals.
    assert split["frequency_cal"].to_numpy() == pytest.approx(cdnow["x"])
    assert (split["recency_cal"] / 7).to_numpy() == pytest.approx(cdnow["t_x"], abs=0.005)
    assert (split["T_cal"] / 7).to_numpy() == pytest.approx(cdnow["T"], abs=0.005)
    assert split["monetary_value_cal"].to_numpy() == pytest.approx(cdnow["zbar"], abs=0.0051)
    # lifetimes' holdout totals on the same split.
    assert split["frequency_holdout"].sum() == 1882
    assert split["monetary_value_holdout"].sum() == pytest.approx(24901.080244160927, rel=1e-12)
    assert split["duration_holdout"].unique().to_list() == [273.0]


def test_the_weekly_holdout_counts_weeks(cdnow_transactions):
    split = rfm_calibration_holdout(
        transactions=cdnow_transactions,
        customer_col="customer_id",
        date_col="date",
        amount_col="amount",
        calibration_end=date(1997, 9, 30),
        observation_end=date(1998, 6, 30),
        time_unit="W",
    )

    assert rows(split, 157)[157] == pytest.approx(
        {
            "frequency_cal": 23,
            "recency_cal": 37,
            "T_cal": 38,
            "monetary_value_cal": 32.678695652173914,
            "frequency_holdout": 13,
            "monetary_value_holdout": 21.8825,
            "duration_holdout": 39,
        }
    )


def test_purchases_on_one_day_count_once_and_add_up():
    log = pl.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a"],
            "date": [
                datetime(2024, 1, 1, 9),
                datetime(2024, 1, 1, 17),
                datetime(2024, 1, 5),
                datetime(2024, 1, 5, 8),
            ],
            "amount": [10.0, 5.0, 20.0, 30.0],
        }
    )

    result = summary(log, amount_col="amount", observation_end=date(2024, 1, 11))

    # The first day is not a repeat; the second's two purchases make one repeat worth 50.
    assert rows(result, "a")["a"] == {"frequency": 1.0, "recency": 4.0, "T": 10.0, "monetary_value": 50.0}


def test_purchases_after_the_end_are_left_out():
    log = pl.DataFrame(
        {"customer_id": [1, 1, 2], "date": [date(2024, 1, 1), date(2024, 3, 1), date(2024, 3, 2)]}
    )

    result = summary(log, observation_end=date(2024, 2, 1))

    assert result.to_dicts() == [{"customer_id": 1, "frequency": 0.0, "recency": 0.0, "T": 31.0}]


def test_months_are_calendar_months():
    log = pl.DataFrame(
        {"customer_id": [1, 1, 1], "date": [date(2024, 1, 31), date(2024, 2, 1), date(2024, 5, 20)]}
    )

    result = summary(log, time_unit="M", observation_end=date(2024, 12, 1))

    assert result.to_dicts() == [{"customer_id": 1, "frequency": 2.0, "recency": 4.0, "T": 11.0}]


def test_weeks_start_on_monday():
    # Sunday 7 January and Monday 8 January 2024 fall in different weeks.
    log = pl.DataFrame({"customer_id": [1, 1], "date": [date(2024, 1, 7), date(2024, 1, 8)]})

    assert summary(log, time_unit="W")["frequency"].to_list() == [1.0]


def test_it_names_a_missing_column(cdnow_transactions):
    with pytest.raises(ValidationFailed, match="no column 'price'") as error:
        summary(cdnow_transactions, amount_col="price")
    assert error.value.field == "price"


def test_it_refuses_a_date_column_that_holds_text():
    log = pl.DataFrame({"customer_id": [1], "date": ["yesterday"]})

    with pytest.raises(ValidationFailed, match="must hold dates"):
        summary(log)


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_ids_of_any_type_give_the_same_summary(cdnow_transactions, unit):
    # Dense whole numbers take the counting path; sparse ones and text are grouped. Same numbers.
    dense = summary(cdnow_transactions, amount_col="amount", time_unit=unit)
    sparse = summary(
        cdnow_transactions.with_columns(pl.col("customer_id") * 10**15 + 7),
        amount_col="amount",
        time_unit=unit,
    )
    text = summary(
        cdnow_transactions.with_columns(pl.col("customer_id").cast(pl.String).str.zfill(6)),
        amount_col="amount",
        time_unit=unit,
    )

    assert sparse["customer_id"].to_list() == [i * 10**15 + 7 for i in dense["customer_id"]]
    assert text["customer_id"].to_list() == [f"{i:06d}" for i in dense["customer_id"]]
    for other in (sparse, text):
        for name in ("frequency", "recency", "T"):
            assert other[name].to_list() == dense[name].to_list()
        assert other["monetary_value"].to_numpy() == pytest.approx(
            dense["monetary_value"].to_numpy(), rel=1e-12
        )


def test_the_customer_ids_keep_their_type():
    log = pl.DataFrame(
        {"customer_id": [7, 3, 7], "date": [date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 9)]},
        schema={"customer_id": pl.UInt16, "date": pl.Date},
    )

    result = summary(log)

    assert result.schema["customer_id"] == pl.UInt16
    assert result.to_dicts() == [
        {"customer_id": 3, "frequency": 0.0, "recency": 0.0, "T": 7.0},
        {"customer_id": 7, "frequency": 1.0, "recency": 8.0, "T": 8.0},
    ]


def test_periods_before_1970_start_at_midnight_and_on_monday():
    log = pl.DataFrame(
        {
            "customer_id": [1, 1, 2, 2],
            # Sunday 28 and Monday 29 December 1969, Wednesday 31 December 1969 late and 1 January 1970.
            "date": [
                datetime(1969, 12, 28, 12),
                datetime(1969, 12, 29, 1),
                datetime(1969, 12, 31, 23, 59),
                datetime(1970, 1, 1, 0, 1),
            ],
        }
    )

    days = summary(log, observation_end=date(1970, 1, 5))
    weeks = summary(log, observation_end=date(1970, 1, 5), time_unit="W")

    assert days.to_dicts() == [
        {"customer_id": 1, "frequency": 1.0, "recency": 1.0, "T": 8.0},
        {"customer_id": 2, "frequency": 1.0, "recency": 1.0, "T": 5.0},
    ]
    assert weeks["frequency"].to_list() == [1.0, 0.0]
    assert weeks["T"].to_list() == [2.0, 1.0]


def test_missing_ids_and_amounts_are_grouped_as_before():
    log = pl.DataFrame(
        {
            "customer_id": [1, 1, None, None],
            "date": [date(2024, 1, 1), date(2024, 1, 3), date(2024, 1, 1), date(2024, 1, 2)],
            "amount": [5.0, None, 2.0, 4.0],
        }
    )

    result = summary(log, amount_col="amount", observation_end=date(2024, 1, 4))

    assert rows(result, 1)[1] == {"frequency": 1.0, "recency": 2.0, "T": 3.0, "monetary_value": 0.0}
    assert result.height == 2
