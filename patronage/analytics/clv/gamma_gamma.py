"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves"; note 025).

A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers, independent of
how often they buy; the model sees each repeat buyer's number of repeat purchases x and their mean value m.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma, gammaln

from patronage.analytics.clv._fitting import (
    Columns,
    FitResult,
    FloatArray,
    as_float_array,
    by_value,
    compress,
    maximise,
)
from patronage.core.errors import ValidationFailed

NAMES = ("p", "q", "gamma")


def row_log_likelihood(params: FloatArray, columns: Columns) -> tuple[FloatArray, FloatArray]:
    """Equation (1a) of note 025 per row: the density of the mean value m given x, and its gradient.

    The columns are x, m and their logarithms, which stay the same throughout a fit."""
    p, q, gamma = params
    x, m, log_x, log_m = columns
    px = p * x
    total = x * m + gamma
    log_total = np.log(total)
    of_x = by_value(
        lambda v: np.stack([gammaln(p * v + q) - gammaln(p * v), digamma(p * v + q), digamma(p * v)]), x
    )
    ll = of_x[0] - gammaln(q) + q * np.log(gamma) + (px - 1) * log_m + px * log_x - (px + q) * log_total
    grad = np.stack(
        [
            x * (of_x[1] - of_x[2] + log_m + log_x - log_total),
            of_x[1] - digamma(q) + np.log(gamma) - log_total,
            q / gamma - (px + q) / total,
        ]
    )
    return ll, grad


def gamma_gamma_fit(
    *, frequency: ArrayLike, monetary_value: ArrayLike, weights: ArrayLike | None = None
) -> FitResult:
    """Maximum-likelihood Gamma-Gamma parameters for repeat buyers (frequency > 0) and their mean spend."""
    x = as_float_array(frequency, "frequency")
    m = as_float_array(monetary_value, "monetary_value")
    if x.shape != m.shape:
        raise ValidationFailed(
            "frequency and monetary_value must have the same length", field="monetary_value"
        )
    if x.size == 0 or np.any(x <= 0):
        raise ValidationFailed("the spend model needs repeat buyers only (frequency > 0)", field="frequency")
    if np.any(m <= 0):
        raise ValidationFailed(
            "monetary_value must be positive for every repeat buyer", field="monetary_value"
        )
    columns, counts = compress([x, m], weights)
    # gamma is the scale of spend: fitting in units of the mean spend starts every parameter near 1.
    scale = 1.0 / float(np.average(columns[1], weights=counts))
    return maximise(
        model="gammagamma",
        names=NAMES,
        row_log_likelihood=row_log_likelihood,
        columns=(*columns, np.log(columns[0]), np.log(columns[1])),
        scaled_columns=(columns[0], columns[1] * scale, np.log(columns[0]), np.log(columns[1] * scale)),
        weights=counts,
        scale=scale,
        scaled_params=[2],
        n_customers=x.size,
    )


def gamma_gamma_expected_spend(
    *, params: Mapping[str, float], frequency: ArrayLike, monetary_value: ArrayLike
) -> FloatArray:
    """Expected mean transaction value given x repeats of mean m (equation 5): the population mean
    for customers without repeats, tending to their own mean as x grows."""
    p, q, gamma = (params[name] for name in NAMES)
    x = np.asarray(frequency, dtype=np.float64)
    m = np.asarray(monetary_value, dtype=np.float64)
    own = p * x / (p * x + q - 1)
    return (1 - own) * gamma * p / (q - 1) + own * m
