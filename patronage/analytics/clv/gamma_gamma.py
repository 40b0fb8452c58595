"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves"; note 025).

A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers, independent of
how often they buy; the model sees each repeat buyer's number of repeat purchases x and their mean value m.

The fit needs no pass over the customers but one per iteration. Per customer the log-likelihood is

    gammaln(p x + q) - gammaln(p x) - gammaln(q) + q ln gamma + (p x - 1) ln m + p x ln x
        - (p x + q) ln(gamma + x m),

and every term but the last is a function of x, which takes a few dozen values, or a weighted sum over the
customers that the parameters multiply (sum w x ln m, ...), computed once. Only ln(gamma + x m) and its
derivatives in gamma go through the customers at each step, and with the exact 3 x 3 Hessian a damped
Newton method converges in a handful of steps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import betaln, digamma, gammaln, polygamma

from patronage.analytics.clv._fitting import (
    Columns,
    FitResult,
    FloatArray,
    NewtonResult,
    as_float_array,
    by_value,
    newton_ascent,
    newton_standard_errors,
    one_blas_thread,
)
from patronage.core.errors import ValidationFailed

NAMES = ("p", "q", "gamma")


def row_log_likelihood(params: FloatArray, columns: Columns) -> tuple[FloatArray, FloatArray]:
    """Equation (1a) of note 025 per row, the density of the mean value m given x, and its gradient.

    The columns are x, m and their logarithms. The fit itself works on weighted sums (see _Sums); this
    per-row form states the model, and the tests check the fit's sums against it."""
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


@dataclass(frozen=True)
class _Sums:
    """What the log-likelihood needs of the customers: per distinct x its weight, per customer the total
    spend x m with its weight, and the parameter-free sums, all for the amounts as rescaled (see _sums)."""

    x: FloatArray  # the distinct frequencies
    x_weight: FloatArray  # the customers' weight at each of them
    spend: FloatArray  # per customer x m
    w: FloatArray | None  # per customer weight; None for weights of one
    wx: FloatArray  # per customer weight x frequency
    total: float  # sum w
    total_x: float  # sum w x
    log_m: float  # sum w ln m
    p_terms: float  # sum w x (ln m + ln x): the terms that p multiplies

    def weighted(self, values: FloatArray) -> tuple[float, float]:
        """sum w v and sum w x v over the customers."""
        # np.dot of two vectors is one BLAS call, twice as fast as einsum on one thread (one_blas_thread).
        plain = float(values.sum()) if self.w is None else float(np.dot(self.w, values))
        return plain, float(np.dot(self.wx, values))


def _sums(x: FloatArray, m: FloatArray, w: FloatArray | None, scale: float, work: FloatArray) -> _Sums:
    """The sums for amounts m times `scale`, computed with `work` (one row of customers) for scratch."""
    x_weight, values = _by_frequency(x, w, work)
    spend = np.multiply(x, m)
    spend *= scale
    wx = x if w is None else w * x
    log_m = np.log(m, out=work)
    plain = float(log_m.sum()) if w is None else float(np.dot(w, log_m))
    total, total_x = float(x_weight.sum()), float(np.dot(x_weight, values))
    shift = math.log(scale)
    return _Sums(
        x=values,
        x_weight=x_weight,
        spend=spend,
        w=w,
        wx=wx,
        total=total,
        total_x=total_x,
        log_m=plain + total * shift,
        p_terms=float(np.dot(wx, log_m)) + float(np.dot(x_weight, values * np.log(values))) + total_x * shift,
    )


def _by_frequency(x: FloatArray, w: FloatArray | None, work: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The customers' weight at each distinct frequency, and those frequencies."""
    high = float(x.max())
    if high < 2**20 and np.array_equal(x, np.round(x, out=work)):
        # Whole numbers, as frequencies are: count them into bins, no sort.
        whole = work.view(np.int64)
        np.copyto(whole, x, casting="unsafe")
        counts = np.bincount(whole, weights=w)
        present = np.flatnonzero(counts)
        return counts[present].astype(np.float64), present.astype(np.float64)
    values, inverse = np.unique(x, return_inverse=True)
    return np.bincount(inverse.ravel(), weights=w, minlength=values.size).astype(np.float64), values


def _evaluate(
    params: FloatArray, sums: _Sums, work: FloatArray | None = None
) -> tuple[float, FloatArray, FloatArray]:
    """The weighted log-likelihood, its gradient and its Hessian in (p, q, gamma).

    `work` is room for one row of customers: writing into it, rather than into fresh arrays of a
    megabyte or more at every step, spares the allocator's page faults, which cost more than the logs."""
    p, q, gamma = (float(value) for value in params)
    if work is None:
        work = np.empty(sums.spend.size)
    w_log, wx_log = sums.weighted(np.log(np.add(sums.spend, gamma, out=work), out=work))
    inverse = np.reciprocal(np.add(sums.spend, gamma, out=work), out=work)
    w_inv, wx_inv = sums.weighted(inverse)
    w_inv2, wx_inv2 = sums.weighted(np.square(inverse, out=inverse))

    px = p * sums.x
    c, x, n = sums.x_weight, sums.x, sums.total
    log_gamma = math.log(gamma)
    ll = (
        # gammaln(px + q) - gammaln(px) - gammaln(q) is -betaln(px, q), which stays exact for large px.
        -float(np.dot(c, betaln(px, q)))
        + q * n * log_gamma
        + p * sums.p_terms
        - sums.log_m
        - p * wx_log
        - q * w_log
    )
    psi_sum, psi_px = digamma(px + q), digamma(px)
    tri_sum, tri_px = polygamma(1, px + q), polygamma(1, px)
    cx = c * x
    grad = np.array(
        [
            float(np.dot(cx, psi_sum - psi_px)) + sums.p_terms - wx_log,
            float(np.dot(c, psi_sum)) - n * float(digamma(q)) + n * log_gamma - w_log,
            q * n / gamma - p * wx_inv - q * w_inv,
        ]
    )
    pq = float(np.dot(cx, tri_sum))
    pg = -wx_inv
    qg = n / gamma - w_inv
    hessian = np.array(
        [
            [float(np.dot(cx * x, tri_sum - tri_px)), pq, pg],
            [pq, float(np.dot(c, tri_sum)) - n * float(polygamma(1, q)), qg],
            [pg, qg, -q * n / gamma**2 + p * wx_inv2 + q * w_inv2],
        ]
    )
    return ll, grad, hessian


def _maximise(sums: _Sums, work: FloatArray) -> NewtonResult:
    """Damped Newton ascent in log-parameters from (1, 1, 1), on the rescaled amounts."""

    def at(params: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        return _evaluate(params, sums, work)

    return newton_ascent(at, size=3, total=sums.total)


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
    w = None if weights is None else as_float_array(weights, "weights")
    if w is not None and (w.shape != x.shape or np.any(w < 0)):
        raise ValidationFailed("weights must be one non-negative count per row", field="weights")
    # gamma is the scale of spend: fitting in units of the mean spend starts every parameter near 1. In
    # log-parameters the rescaling only shifts log gamma, and each customer's log-density by log(scale).
    scale = x.size / float(m.sum()) if w is None else float(w.sum()) / float(np.dot(w, m))
    work = np.empty(x.size)
    with one_blas_thread():
        sums = _sums(x, m, w, scale, work)
        fit = _maximise(sums, work)
    log_params = fit.log_params.copy()
    log_params[2] -= math.log(scale)
    params = np.exp(log_params)
    # The Hessian in log-parameters does not change with the units; the log-density moves by log(scale).
    errors = newton_standard_errors(params, fit.hessian)
    return FitResult(
        model="gammagamma",
        params={name: float(value) for name, value in zip(NAMES, params, strict=True)},
        log_likelihood=fit.log_likelihood + sums.total * math.log(scale),
        standard_errors={name: float(value) for name, value in zip(NAMES, errors, strict=True)},
        converged=fit.converged,
        iterations=fit.iterations,
        message=fit.message,
        n_customers=x.size,
        # Each step sums over every customer (the mean spend m is seldom shared), so that is the count.
        n_patterns=int(x.size),
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
