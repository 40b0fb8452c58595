"""BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way").

While alive a customer buys as a Poisson process of rate lambda ~ Gamma(r, alpha); after each repeat
purchase they drop out with probability p ~ Beta(a, b). Time is in the unit of recency and T.

The fit is Newton's method on the exact Hessian (_evaluate): a handful of steps where BFGS took two
dozen, and the standard errors come from the same Hessian.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma, expit, gammaln, hyp2f1, polygamma

from patronage.analytics.clv._fitting import (
    Columns,
    FitResult,
    FloatArray,
    as_float_array,
    by_value,
    check_history,
    compress,
    in_log_params,
    newton_ascent,
    newton_standard_errors,
    one_blas_thread,
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


def _evaluate(
    params: FloatArray, columns: Columns, weights: FloatArray
) -> tuple[float, FloatArray, FloatArray]:
    """The weighted log-likelihood of equation (6), its gradient and its exact Hessian in (r, alpha, a, b).

    The columns are sorted by x (as compress leaves them). The terms of x alone are summed once per
    distinct x; per row, the likelihood is the sum of two exponentials (alive at T, or dropped out after
    t_x), whose log has the Hessian w3 H3 + w4 H4 + w3 w4 d d^T with d the difference of their gradients."""
    r, alpha, a, b = (float(value) for value in params)
    x, t_x, T = columns
    starts = np.flatnonzero(np.concatenate(([True], x[1:] != x[:-1])))
    values = x[starts]
    count = np.add.reduceat(weights, starts)
    n = float(count.sum())

    rx = r + x
    b_x1 = b + np.maximum(x, 1) - 1
    inv_t = 1 / (alpha + T)
    inv_tx = 1 / (alpha + t_x)
    log_t = np.log(alpha + T)
    log_tx = np.log(alpha + t_x)
    a3 = -rx * log_t
    a4 = np.where(x > 0, np.log(a) - np.log(b_x1) - rx * log_tx, -np.inf)
    top = np.maximum(a3, a4)
    e3 = np.exp(a3 - top)
    e4 = np.exp(a4 - top)
    total = e3 + e4
    w3 = e3 / total
    w4 = e4 / total
    inv_b = 1 / b_x1
    mixed = w3 * inv_t + w4 * inv_tx
    rows = np.stack(
        [
            top + np.log(total),
            -(w3 * log_t + w4 * log_tx),
            -rx * mixed,
            w4,
            -w4 * inv_b,
            rx * (w3 * inv_t * inv_t + w4 * inv_tx * inv_tx),
            w4 * inv_b * inv_b,
            mixed,
        ]
    )
    sums = rows @ weights
    difference = np.stack([log_tx - log_t, rx * (inv_tx - inv_t), np.full(x.size, -1 / a), inv_b])
    spread = (difference * (weights * w3 * w4)) @ difference.T

    psi_ab, psi1_ab = float(digamma(a + b)), float(polygamma(1, a + b))
    psi_abx, psi1_abx = digamma(a + b + values), polygamma(1, a + b + values)
    ll = (
        float(count @ (gammaln(r + values) + gammaln(b + values) - gammaln(a + b + values)))
        + n * (-float(gammaln(r)) + r * np.log(alpha) + float(gammaln(a + b)) - float(gammaln(b)))
        + sums[0]
    )
    grad = np.array(
        [
            float(count @ digamma(r + values)) - n * float(digamma(r)) + n * np.log(alpha) + sums[1],
            n * r / alpha + sums[2],
            n * psi_ab - float(count @ psi_abx) + sums[3] / a,
            n * (psi_ab - float(digamma(b))) + float(count @ (digamma(b + values) - psi_abx)) + sums[4],
        ]
    )
    hessian = spread
    ab = n * psi1_ab - float(count @ psi1_abx)
    hessian[0, 0] += float(count @ polygamma(1, r + values)) - n * float(polygamma(1, r))
    hessian[0, 1] += n / alpha - sums[7]
    hessian[1, 0] = hessian[0, 1]
    hessian[1, 1] += -n * r / alpha**2 + sums[5]
    hessian[2, 2] += ab - sums[3] / a**2
    hessian[2, 3] += ab
    hessian[3, 2] = hessian[2, 3]
    hessian[3, 3] += ab + float(count @ polygamma(1, b + values)) - n * float(polygamma(1, b)) + sums[6]
    return ll, grad, hessian


def bgnbd_fit(
    *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None
) -> FitResult:
    """Maximum-likelihood BG/NBD parameters for the customers' (frequency, recency, T)."""
    x = as_float_array(frequency, "frequency")
    t_x = as_float_array(recency, "recency")
    age = as_float_array(T, "T")
    check_history(x, t_x, age)
    columns, counts = compress([x, t_x, age], weights)
    # alpha is the scale of time: fitting in units of the longest T starts every parameter near 1.
    scale = 1.0 / float(age.max()) if age.max() > 0 else 1.0
    scaled = (columns[0], columns[1] * scale, columns[2] * scale)
    with one_blas_thread():
        fit = newton_ascent(
            lambda params: _evaluate(params, scaled, counts), size=4, total=float(counts.sum())
        )
        log_params = fit.log_params.copy()
        log_params[1] -= np.log(scale)
        params = np.exp(log_params)
        # The likelihood, and the Hessian for the standard errors, in the data's own units.
        ll, grad, hessian = _evaluate(params, columns, counts)
    _, log_hessian = in_log_params(params, grad, hessian)
    errors = newton_standard_errors(params, log_hessian)
    return FitResult(
        model="bgnbd",
        params={name: float(value) for name, value in zip(NAMES, params, strict=True)},
        log_likelihood=ll,
        standard_errors={name: float(value) for name, value in zip(NAMES, errors, strict=True)},
        converged=fit.converged and bool(np.all(np.isfinite(grad))),
        iterations=fit.iterations,
        message=fit.message,
        n_customers=x.size,
        n_patterns=int(counts.size),
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
