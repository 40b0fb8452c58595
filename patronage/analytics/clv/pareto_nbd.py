"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie 2005, "A Note on Deriving the Pareto/NBD
Model and Related Expressions").

While alive a customer buys as a Poisson process of rate lambda ~ Gamma(r, alpha); their lifetime is
exponential with rate mu ~ Gamma(s, beta). Time is in the unit of recency and T.

The likelihood's hard part is the note's A0 (equations 19-20): a difference of two Gaussian hypergeometric
functions 2F1(r+s+x, .; r+s+x+1; z). Evaluated as written it cancels catastrophically when t_x is near T,
overflows for large x, and needs the sign of alpha - beta to pick a branch; scipy's hyp2f1 also has no
derivative in its parameters. Both 2F1 terms come from one integral,

    A0 / (r+s+x) = I = integral from t_x to T of (alpha + tau)^-(r+x) (beta + tau)^-(s+1) dtau,

a smooth positive integrand with no branch, whose parameter derivatives are integrals of the same kind.
We evaluate it by Gauss-Legendre in log time, relative to its value at t_x, so the rows never overflow.
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
    check_history,
    compress,
    maximise,
)

NAMES = ("r", "alpha", "s", "beta")
# 32 nodes integrate the integrand to double precision wherever it falls by up to e^-40 over the
# interval (tested against scipy's hyp2f1); the tail beyond that point is cut off.
NODES, NODE_WEIGHTS = np.polynomial.legendre.leggauss(32)
TAIL = 40.0


def _integral(
    params: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """log I per row, and d(log I)/d(r, alpha, s, beta); log I is -inf where t_x == T."""
    r, alpha, s, beta = params
    shift = min(alpha, beta)
    # In u = log(shift + tau) the integrand is analytic in a strip of half-width pi around the real axis.
    u0 = np.log(shift + t_x)
    u1 = np.log(shift + T)
    log_a0 = np.log(alpha + t_x)
    log_b0 = np.log(beta + t_x)
    # Lower bound on how fast the log-integrand falls in u: beyond TAIL / decay it is below e^-TAIL.
    decay = (r + x) * (shift + t_x) / (alpha + t_x) + (s + 1) * (shift + t_x) / (beta + t_x) - 1
    end = np.where(decay > 0, np.minimum(u1, u0 + TAIL / np.where(decay > 0, decay, 1.0)), u1)
    half = (end - u0) / 2
    sums = np.zeros((5, x.size))
    for node, weight in zip(NODES, NODE_WEIGHTS, strict=True):
        u = u0 + half * (node + 1)
        e_u = np.exp(u)
        a_tau = e_u + (alpha - shift)
        b_tau = e_u + (beta - shift)
        log_a = np.log(a_tau)
        log_b = np.log(b_tau)
        value = weight * half * np.exp(-(r + x) * (log_a - log_a0) - (s + 1) * (log_b - log_b0) + (u - u0))
        sums[0] += value
        sums[1] -= value * log_a
        sums[2] -= value * (r + x) / a_tau
        sums[3] -= value * log_b
        sums[4] -= value * (s + 1) / b_tau
    with np.errstate(divide="ignore"):
        log_integral = np.log(sums[0]) + u0 - (r + x) * log_a0 - (s + 1) * log_b0
    empty = sums[0] <= 0
    ratios = np.where(empty, 0.0, sums[1:] / np.where(empty, 1.0, sums[0]))
    return log_integral, ratios.T


def _parts(params: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray) -> tuple[FloatArray, ...]:
    """log C, log B (alive at T), log s*I (dropped out in (t_x, T]), and d(log I)/dparams."""
    r, alpha, s, beta = params
    log_c = by_value(lambda v: gammaln(r + v), x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    log_alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    log_integral, d_log_integral = _integral(params, x, t_x, T)
    return log_c, log_alive, np.log(s) + log_integral, d_log_integral


def row_log_likelihood(params: FloatArray, columns: Columns) -> tuple[FloatArray, FloatArray]:
    """Equation (18) of the note per row, and its gradient in (r, alpha, s, beta)."""
    r, alpha, s, beta = params
    x, t_x, T = columns
    log_c, log_alive, log_dead, d_log_integral = _parts(params, x, t_x, T)
    log_sum = np.logaddexp(log_alive, log_dead)
    w_alive = np.exp(log_alive - log_sum)
    w_dead = np.exp(log_dead - log_sum)
    grad = np.stack(
        [
            digamma(r + x)
            - digamma(r)
            + np.log(alpha)
            - w_alive * np.log(alpha + T)
            + w_dead * d_log_integral[:, 0],
            r / alpha - w_alive * (r + x) / (alpha + T) + w_dead * d_log_integral[:, 1],
            np.log(beta) - w_alive * np.log(beta + T) + w_dead * (1 / s + d_log_integral[:, 2]),
            s / beta - w_alive * s / (beta + T) + w_dead * d_log_integral[:, 3],
        ]
    )
    return log_c + log_sum, grad


def pareto_nbd_fit(
    *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None
) -> FitResult:
    """Maximum-likelihood Pareto/NBD parameters for the customers' (frequency, recency, T)."""
    x = as_float_array(frequency, "frequency")
    t_x = as_float_array(recency, "recency")
    age = as_float_array(T, "T")
    check_history(x, t_x, age)
    columns, counts = compress([x, t_x, age], weights)
    scale = 1.0 / float(age.max()) if age.max() > 0 else 1.0
    return maximise(
        model="pareto",
        names=NAMES,
        row_log_likelihood=row_log_likelihood,
        columns=columns,
        scaled_columns=(columns[0], columns[1] * scale, columns[2] * scale),
        weights=counts,
        scale=scale,
        scaled_params=[1, 3],
        n_customers=x.size,
    )


def _history(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    return (
        np.atleast_1d(np.asarray(frequency, dtype=np.float64)),
        np.atleast_1d(np.asarray(recency, dtype=np.float64)),
        np.atleast_1d(np.asarray(T, dtype=np.float64)),
    )


def pareto_nbd_p_alive(
    *, params: Mapping[str, float], frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """Probability the customer is still alive at T (equation 36 of the note)."""
    x, t_x, age = _history(frequency, recency, T)
    _, log_alive, log_dead, _ = _parts(np.array([params[name] for name in NAMES]), x, t_x, age)
    return np.exp(log_alive - np.logaddexp(log_alive, log_dead))


def pareto_nbd_expected_purchases(
    *, params: Mapping[str, float], t: float, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """Expected repeat purchases in the next t time units given the history (equation 41 of the note)."""
    r, alpha, s, beta = (params[name] for name in NAMES)
    x, t_x, age = _history(frequency, recency, T)
    alive = pareto_nbd_p_alive(params=params, frequency=x, recency=t_x, T=age)
    log_ratio = np.log((beta + age) / (beta + age + t))
    # (1 - ratio^(s-1)) / (s-1), whose limit at s = 1 is -log(ratio).
    horizon = -np.expm1((s - 1) * log_ratio) / (s - 1) if abs(s - 1) > 1e-12 else -log_ratio
    return alive * (r + x) * (beta + age) / (alpha + age) * horizon
