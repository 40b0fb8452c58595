"""Reading transaction logs and RFM summaries from CSV, with errors that name the column and the line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from patronage.analytics.rfm import SUMMARY_COLUMNS, TimeUnit, rfm_calibration_holdout, rfm_summary
from patronage.core.errors import ValidationFailed

MONETARY = "monetary_value"


def _read_text(path: Path) -> pl.DataFrame:
    """Every column as text, so that parsing problems are ours to report, not the reader's to guess."""
    try:
        return pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise ValidationFailed(f"cannot read {path}: {error}", field="file") from error


def _require(frame: pl.DataFrame, names: list[str]) -> None:
    missing = [name for name in names if name not in frame.columns]
    if missing:
        have = ", ".join(frame.columns)
        raise ValidationFailed(f"no column {missing[0]!r} in the file (it has: {have})", field=missing[0])


def _parsed(frame: pl.DataFrame, name: str, parsed: pl.Expr, what: str) -> pl.Series:
    """The column parsed; a value that does not parse is reported with its line (header is line 1)."""
    values = frame.select(parsed.alias(name)).to_series()
    bad = values.is_null() & frame[name].is_not_null()
    if bad.any():
        row = int(bad.arg_max() or 0)
        raise ValidationFailed(
            f"column {name!r}, line {row + 2}: {frame[name][row]!r} is not {what}", field=name
        )
    if values.null_count():
        row = int(values.is_null().arg_max() or 0)
        raise ValidationFailed(f"column {name!r}, line {row + 2}: the value is missing", field=name)
    return values


def transactions_read(
    *,
    path: Path,
    customer_col: str,
    date_col: str,
    amount_col: str | None = None,
    date_format: str | None = None,
) -> pl.DataFrame:
    """A transaction log: the customer column as text, dates parsed (ISO 8601 unless a format is given)."""
    frame = _read_text(path)
    _require(frame, [name for name in (customer_col, date_col, amount_col) if name is not None])
    if frame.height == 0:
        raise ValidationFailed(f"{path} holds no transactions", field="file")
    when = (
        pl.col(date_col).str.strip_chars().str.to_datetime(format=date_format, strict=False, time_unit="us")
    )
    columns = [frame[customer_col], _parsed(frame, date_col, when, "a date")]
    if amount_col is not None:
        amount = pl.col(amount_col).str.strip_chars().cast(pl.Float64, strict=False)
        columns.append(_parsed(frame, amount_col, amount, "a number"))
    return pl.DataFrame(columns)


def summary_from_transactions(
    *,
    path: Path,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    time_unit: TimeUnit,
    calibration_end: date | None = None,
    date_format: str | None = None,
) -> pl.DataFrame:
    """The RFM summary of a transaction file; with a calibration end, of the purchases up to that day."""
    log = transactions_read(
        path=path,
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
        date_format=date_format,
    )
    if calibration_end is None:
        return rfm_summary(
            transactions=log,
            customer_col=customer_col,
            date_col=date_col,
            amount_col=amount_col,
            time_unit=time_unit,
        )
    split = rfm_calibration_holdout(
        transactions=log,
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
        time_unit=time_unit,
        calibration_end=calibration_end,
    )
    calibration = [name for name in split.columns if name.endswith("_cal")]
    return split.select(customer_col, *calibration).rename(
        {name: name.removesuffix("_cal") for name in calibration}
    )


def summary_read(*, path: Path, customer_col: str, monetary: bool) -> pl.DataFrame:
    """An RFM summary file: frequency, recency, T (and monetary_value) per customer, as numbers."""
    frame = _read_text(path)
    wanted = [*SUMMARY_COLUMNS, MONETARY] if monetary else list(SUMMARY_COLUMNS)
    _require(frame, wanted)
    if frame.height == 0:
        raise ValidationFailed(f"{path} holds no customers", field="file")
    customers = (
        frame[customer_col]
        if customer_col in frame.columns
        else pl.Series(customer_col, [str(i) for i in range(1, frame.height + 1)])
    )
    numbers = [
        _parsed(frame, name, pl.col(name).str.strip_chars().cast(pl.Float64, strict=False), "a number")
        for name in wanted
    ]
    return pl.DataFrame([customers, *numbers])
