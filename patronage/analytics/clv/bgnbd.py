"""BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way").

While alive a customer buys as a Poisson process of rate lambda ~ Gamma(r, alpha); after each repeat
purchase they drop out with probability p ~ Beta(a, b). Time is in the unit of recency and T.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma, expit, gammaln, hyp2f1

from patronage.analytics.clv._fitting import (
    Columns,
    FitResult,
    FloatArray,
    as_float_array,
    by_value,
    check_history,
    compress,
    maximise,
)

NAMES = ("r", "alpha", "a", "b")


def row_log_likelihood(params: FloatArray, columns: Columns) -> tuple[FloatArray, FloatArray]:
    """Equation (6) of the paper per row, and its gradient in (r, alpha, a, b)."""
    r, alpha, a, b = params
    x, t_x, T = columns
    repeat = x > 0
    # b + x - 1 only matters for repeat buyers; max(x, 1) keeps it positive for the others.
    b_x1 = b + np.maximum(x, 1) - 1
    log_t = np.log(alpha + T)
    log_tx = np.log(alpha + t_x)
    of_x = by_value(
        lambda v: np.stack(
            [
                gammaln(r + v),
                gammaln(b + v) - gammaln(a + b + v),
                digamma(r + v),
                digamma(a + b + v),
                digamma(b + v),
            ]
        ),
        x,
    )
    a1 = of_x[0] - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + of_x[1] - gammaln(b)
    a3 = -(r + x) * log_t
    a4 = np.where(repeat, np.log(a) - np.log(b_x1) - (r + x) * log_tx, -np.inf)
    top = np.maximum(a3, a4)
    e3 = np.exp(a3 - top)
    e4 = np.exp(a4 - top)
    total = e3 + e4
    ll = a1 + a2 + top + np.log(total)
    # Shares of the two ways of having made x repeats: still alive at T, or dropped out after t_x.
    w3 = e3 / total
    w4 = e4 / total
    psi_ab = digamma(a + b)
    psi_abx = of_x[3]
    grad = np.stack(
        [
            of_x[2] - digamma(r) + np.log(alpha) - w3 * log_t - w4 * log_tx,
            r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + t_x)),
            psi_ab - psi_abx + w4 / a,
            psi_ab + of_x[4] - digamma(b) - psi_abx - w4 / b_x1,
        ]
    )
    return ll, grad


def bgnbd_fit(
    *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None
) -> FitResult:
    """Maximum-likelihood BG/NBD parameters for the customers' (frequency, recency, T)."""
    x = as_float_array(frequency, "frequency")
    t_x = as_float_array(recency, "recency")
    age = as_float_array(T, "T")
    check_history(x, t_x, age)
    columns, counts = compress([x, t_x, age], weights)
    scale = 1.0 / float(age.max()) if age.max() > 0 else 1.0
    return maximise(
        model="bgnbd",
        names=NAMES,
        row_log_likelihood=row_log_likelihood,
        columns=columns,
        scaled_columns=(columns[0], columns[1] * scale, columns[2] * scale),
        weights=counts,
        scale=scale,
        scaled_params=[1],
        n_customers=x.size,
    )


def bgnbd_expected_purchases(
    *, params: Mapping[str, float], t: float, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """Expected repeat purchases in the next t time units given the history (equation 10)."""
    r, alpha, a, b = (params[name] for name in NAMES)
    x = np.asarray(frequency, dtype=np.float64)
    t_x = np.asarray(recency, dtype=np.float64)
    age = np.asarray(T, dtype=np.float64)
    hyp_a, hyp_b, hyp_c = r + x, b + x, a + b + x - 1
    z = t / (alpha + age + t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_hyp = np.log(hyp2f1(hyp_a, hyp_b, hyp_c, z))
        # Euler's transformation where the direct series overflows (many purchases, long horizons).
        log_hyp_euler = np.log(hyp2f1(hyp_c - hyp_a, hyp_c - hyp_b, hyp_c, z)) + (
            hyp_c - hyp_a - hyp_b
        ) * np.log1p(-z)
    log_hyp = np.where(np.isfinite(log_hyp), log_hyp, log_hyp_euler)
    numerator = (
        (a + b + x - 1) / (a - 1) * -np.expm1(log_hyp + (r + x) * np.log((alpha + age) / (alpha + t + age)))
    )
    return numerator / (
        1 + (x > 0) * (a / (b + np.maximum(x, 1) - 1)) * ((alpha + age) / (alpha + t_x)) ** (r + x)
    )


def bgnbd_p_alive(
    *, params: Mapping[str, float], frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """Probability the customer is still alive at T (Fader, Hardie & Lee, note 021)."""
    r, alpha, a, b = (params[name] for name in NAMES)
    x = np.asarray(frequency, dtype=np.float64)
    t_x = np.asarray(recency, dtype=np.float64)
    age = np.asarray(T, dtype=np.float64)
    log_odds_dead = (r + x) * np.log((alpha + age) / (alpha + t_x)) + np.log(a / (b + np.maximum(x, 1) - 1))
    return np.where(x == 0, 1.0, expit(-log_odds_dead))
