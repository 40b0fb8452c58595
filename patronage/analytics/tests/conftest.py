"""The CDNOW sample (Fader & Hardie, via lifetimes 0.11.3): see data/README.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

DATA = Path(__file__).parent / "data"
TRANSACTIONS = DATA / "cdnow_sample_transactions.csv"
SUMMARY = DATA / "cdnow_sample_summary.csv"


@pytest.fixture(scope="session")
def cdnow() -> dict[str, np.ndarray]:
    """The 2,357 customers' 39-week calibration summary: x, t_x and T in weeks, zbar their mean repeat spend."""
    frame = pl.read_csv(SUMMARY)
    return {name: frame[name].cast(pl.Float64).to_numpy() for name in ("x", "t_x", "T", "zbar")}


@pytest.fixture(scope="session")
def cdnow_transactions() -> pl.DataFrame:
    return pl.read_csv(TRANSACTIONS, try_parse_dates=True)


def finite_difference_gradient(function, log_params: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Central differences of a scalar function of the log-parameters."""
    gradient = np.empty_like(log_params)
    for i in range(log_params.size):
        shift = np.zeros_like(log_params)
        shift[i] = step
        gradient[i] = (function(log_params + shift) - function(log_params - shift)) / (2 * step)
    return gradient
