"""Maximum likelihood shared by the models: duplicate rows compressed into weights, log-parameters, SEs."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from threadpoolctl import ThreadpoolController

from patronage.core.errors import ValidationFailed
from patronage.core.intervals import FloatArray

Columns = tuple[FloatArray, ...]
# Per-row log-likelihood and its gradient (parameters x rows) with respect to the natural parameters.
RowLogLikelihood = Callable[[FloatArray, Columns], tuple[FloatArray, FloatArray]]

# A central difference of an analytic gradient: error O(h^2) in the Hessian, far below the SEs' own error.
HESSIAN_STEP = 1e-5


@dataclass(frozen=True)
class FitResult:
    """A fitted model: its parameters, how well and whether it converged, and on how many customers."""

    model: str
    params: Mapping[str, float]
    log_likelihood: float
    standard_errors: Mapping[str, float]
    converged: bool
    iterations: int
    message: str
    n_customers: int
    n_patterns: int

    def as_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "params": dict(self.params),
            "log_likelihood": self.log_likelihood,
            "standard_errors": dict(self.standard_errors),
            "converged": self.converged,
            "iterations": self.iterations,
            "message": self.message,
            "n_customers": self.n_customers,
            "n_patterns": self.n_patterns,
        }


@functools.cache
def _thread_pools() -> ThreadpoolController:
    # Finding the loaded BLAS libraries takes milliseconds: do it once per process.
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[object]:
    """BLAS limited to one thread for the block: its threads, woken for every dot product of a fit,
    cost far more than they save on vectors of this size, and on a busy machine they wait for a core."""
    return _thread_pools().limit(limits=1, user_api="blas")


def as_float_array(values: ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValidationFailed(f"{name} must be one-dimensional", field=name)
    if not np.all(np.isfinite(array)):
        raise ValidationFailed(f"{name} holds missing or infinite values", field=name)
    return array


def check_history(frequency: FloatArray, recency: FloatArray, T: FloatArray) -> None:
    """The checks lifetimes makes: integer counts, 0 <= recency <= T, recency 0 without repeats."""
    if not (frequency.shape == recency.shape == T.shape):
        raise ValidationFailed("frequency, recency and T must have the same length", field="frequency")
    if frequency.size == 0:
        raise ValidationFailed("there are no customers to fit", field="frequency")
    if np.any(frequency < 0) or np.any(frequency != np.round(frequency)):
        raise ValidationFailed("frequency must hold whole numbers of repeat purchases", field="frequency")
    if np.any(recency < 0):
        raise ValidationFailed("recency must not be negative", field="recency")
    if np.any(recency > T):
        raise ValidationFailed("recency must not be larger than T", field="recency")
    if np.any(recency[frequency == 0] != 0):
        raise ValidationFailed("recency must be 0 for customers with no repeat purchase", field="recency")


def _codes(column: FloatArray) -> tuple[FloatArray, NDArray[np.int64]]:
    """Distinct values and each row's index among them; whole numbers of small range skip the sort."""
    low, high = float(column.min()), float(column.max())
    if high - low < 2**20 and np.array_equal(column, np.round(column)):
        codes = (column - low).astype(np.int64)
        present = np.bincount(codes) > 0
        # Renumber the values that occur, so that codes stay dense for the mixed-radix key below.
        dense = np.cumsum(present) - 1
        return low + np.flatnonzero(present).astype(np.float64), dense[codes]
    values, codes = np.unique(column, return_inverse=True)
    return values, codes.astype(np.int64).ravel()


def compress(columns: Sequence[FloatArray], weights: ArrayLike | None) -> tuple[Columns, FloatArray]:
    """The distinct rows, sorted by the first column, and how many customers share each: the likelihood
    is a weighted sum over these patterns, and a few hundred thousand stand for millions of customers."""
    given = np.ones(columns[0].shape[0]) if weights is None else as_float_array(weights, "weights")
    if given.shape[0] != columns[0].shape[0] or np.any(given < 0):
        raise ValidationFailed("weights must be one non-negative count per row", field="weights")
    coded = [_codes(column) for column in columns]
    sizes = [values.size for values, _ in coded]
    if math.prod(sizes) < 2**62:
        # One mixed-radix integer per row, the first column most significant: sorting it sorts the rows.
        key = coded[0][1]
        for (_, codes), size in zip(coded[1:], sizes[1:], strict=True):
            key = key * size + codes
        if math.prod(sizes) <= 8 * key.size + 2**20:
            # A key range not much larger than the rows: counting beats sorting.
            distinct = np.flatnonzero(np.bincount(key))
            counts = np.bincount(key, weights=given)[distinct]
        elif weights is None:
            # Sorting the keys alone is several times faster than np.unique's argsort, and without
            # weights the runs of equal keys are the counts.
            ordered = np.sort(key)
            starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
            distinct = ordered[starts]
            counts = np.diff(np.append(starts, ordered.size)).astype(np.float64)
        else:
            distinct = np.unique(key)
            counts = np.bincount(np.searchsorted(distinct, key), weights=given, minlength=distinct.size)
        return _decoded(distinct, coded), counts.astype(np.float64)
    stacked = np.column_stack(columns)
    patterns, inverse = np.unique(stacked, axis=0, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=given, minlength=patterns.shape[0])
    return tuple(np.ascontiguousarray(patterns[:, i]) for i in range(patterns.shape[1])), counts.astype(
        np.float64
    )


def _decoded(keys: NDArray[np.int64], coded: list[tuple[FloatArray, NDArray[np.int64]]]) -> Columns:
    columns: list[FloatArray] = []
    rest = keys
    for values, _ in reversed(coded):
        rest, code = np.divmod(rest, values.size)
        columns.append(values[code])
    return tuple(reversed(columns))


def by_value(function: Callable[[FloatArray], FloatArray], sorted_values: FloatArray) -> FloatArray:
    """function(sorted_values), computed once per run of equal values: special functions of x are the
    costliest part of a likelihood, and x takes a few dozen values among 100,000s of patterns."""
    starts = np.flatnonzero(np.concatenate(([True], sorted_values[1:] != sorted_values[:-1])))
    lengths = np.diff(np.append(starts, sorted_values.size))
    return np.repeat(function(sorted_values[starts]), lengths, axis=-1)


def weighted_log_likelihood(
    row_log_likelihood: RowLogLikelihood, params: FloatArray, columns: Columns, weights: FloatArray
) -> tuple[float, FloatArray]:
    """Total log-likelihood and its gradient with respect to the log-parameters."""
    ll, grad = row_log_likelihood(params, columns)
    # einsum, not @: BLAS would wake its threads for a dot product, which costs more than it saves
    # on a busy machine.
    return float(np.einsum("i,i->", weights, ll)), np.einsum("i,ki->k", weights, grad) * params


def maximise(
    *,
    model: str,
    names: Sequence[str],
    row_log_likelihood: RowLogLikelihood,
    columns: Columns,
    scaled_columns: Columns,
    weights: FloatArray,
    scale: float,
    scaled_params: Sequence[int],
    n_customers: int,
) -> FitResult:
    """Fits on data rescaled to order one, then reports likelihood and SEs on the data's own units.

    A scale parameter (alpha, beta, gamma) of rescaled data is the original one times `scale`; every
    other parameter is unchanged, so starting all of them at 1 is a good start whatever the units.
    """
    total = float(weights.sum())

    def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
        ll, grad = weighted_log_likelihood(row_log_likelihood, np.exp(log_params), scaled_columns, weights)
        # The mean, not the sum: the tolerances then mean the same on 2,000 customers as on 3 million.
        if not np.isfinite(ll):
            return np.inf, np.zeros_like(log_params)
        return -ll / total, -grad / total

    start = np.zeros(len(names))
    # One BLAS thread, as for the Newton fits: nothing here is large enough to gain from more.
    with one_blas_thread():
        result = minimize(
            objective,
            start,
            jac=True,
            # BFGS, not L-BFGS-B: with four parameters its dense update is free, and unlike L-BFGS-B's
            # Fortran core it makes no BLAS calls that wake idle threads on every iteration.
            method="BFGS",
            options={"maxiter": 2000, "gtol": 1e-8},
        )
        log_params = np.array(result.x, dtype=np.float64)
        log_params[list(scaled_params)] -= np.log(scale)
        params = np.exp(log_params)
        ll, grad = weighted_log_likelihood(row_log_likelihood, params, columns, weights)
        errors = _standard_errors(row_log_likelihood, log_params, columns, weights)
        return FitResult(
            model=model,
            params={name: float(value) for name, value in zip(names, params, strict=True)},
            log_likelihood=ll,
            standard_errors={name: float(value) for name, value in zip(names, errors, strict=True)},
            converged=bool(result.success) and bool(np.all(np.isfinite(grad))),
            iterations=int(result.nit),
            message=str(result.message),
            n_customers=n_customers,
            n_patterns=int(weights.size),
        )


def _standard_errors(
    row_log_likelihood: RowLogLikelihood, log_params: FloatArray, columns: Columns, weights: FloatArray
) -> FloatArray:
    """Delta method on the inverse Hessian of the negative log-likelihood in log-parameters."""
    k = log_params.size
    hessian = np.empty((k, k))
    for i in range(k):
        step = np.zeros(k)
        step[i] = HESSIAN_STEP
        _, up = weighted_log_likelihood(row_log_likelihood, np.exp(log_params + step), columns, weights)
        _, down = weighted_log_likelihood(row_log_likelihood, np.exp(log_params - step), columns, weights)
        hessian[i] = -(up - down) / (2 * HESSIAN_STEP)
    hessian = (hessian + hessian.T) / 2
    try:
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    variances = np.diag(covariance)
    # A Hessian that is not positive definite has no SEs to give: say so rather than invent them.
    return np.where(variances > 0, np.exp(log_params) * np.sqrt(np.abs(variances)), np.nan)


# Newton's method, for the models whose likelihood has an exact Hessian (Gamma-Gamma, BG/NBD).
NEWTON_MAX_ITERATIONS = 200
# The mean log-likelihood's gradient in log-parameters at which Newton stops: its last step has then
# moved the parameters by far less than their standard errors.
GRADIENT_TOLERANCE = 1e-9
# Beyond e^30 times the start a parameter is running off to a maximum at infinity (Gamma-Gamma's p and
# q when spend hardly varies within customers), where the likelihood's terms no longer cancel exactly.
LOG_BOUND = 30.0
# The largest Newton step in any log-parameter (a factor e^2), so that a poor start cannot overshoot.
MAX_STEP = 2.0

# The total log-likelihood, its gradient and its Hessian with respect to the natural parameters.
Evaluation = Callable[[FloatArray], tuple[float, FloatArray, FloatArray]]


@dataclass(frozen=True)
class NewtonResult:
    """Where Newton's method stopped, in log-parameters, and the total log-likelihood, gradient and
    Hessian (with respect to the log-parameters) there."""

    log_params: FloatArray
    log_likelihood: float
    grad: FloatArray
    hessian: FloatArray
    iterations: int
    converged: bool
    message: str


def in_log_params(params: FloatArray, grad: FloatArray, hessian: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Gradient and Hessian with respect to the log-parameters."""
    scaled = grad * params
    return scaled, hessian * np.outer(params, params) + np.diag(scaled)


def _newton_step(grad: FloatArray, hessian: FloatArray) -> FloatArray:
    """An ascent direction: Newton's where the log-likelihood is concave, else along the eigenvectors
    with the curvature's magnitude (never a step towards a saddle or a minimum)."""
    curvature = -hessian
    try:
        np.linalg.cholesky(curvature)
        step = np.linalg.solve(curvature, grad)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(curvature)
        values = np.maximum(np.abs(values), 1e-8 * max(1.0, float(np.abs(values).max())))
        step = vectors @ ((vectors.T @ grad) / values)
    longest = float(np.abs(step).max())
    return np.asarray(step * (MAX_STEP / longest) if longest > MAX_STEP else step, dtype=np.float64)


def newton_ascent(evaluate: Evaluation, *, size: int, total: float) -> NewtonResult:
    """Damped Newton ascent in log-parameters from 0 (every parameter 1, on data rescaled to order one),
    on the mean log-likelihood, so that the tolerances mean the same whatever the number of customers."""

    def at(point: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        params = np.exp(point)
        with np.errstate(all="ignore"):
            ll, grad, hessian = evaluate(params)
        grad, hessian = in_log_params(params, grad, hessian)
        return ll / total, grad / total, hessian / total

    def result(iterations: int, converged: bool, message: str) -> NewtonResult:
        return NewtonResult(
            log_params, ll * total, grad * total, hessian * total, iterations, converged, message
        )

    def finite(ll: float, grad: FloatArray, hessian: FloatArray) -> bool:
        return bool(np.isfinite(ll) and np.all(np.isfinite(grad)) and np.all(np.isfinite(hessian)))

    log_params = np.zeros(size)
    ll, grad, hessian = at(log_params)
    if not finite(ll, grad, hessian):
        return result(0, False, "the log-likelihood is not finite at the start")
    for iteration in range(1, NEWTON_MAX_ITERATIONS + 1):
        if float(np.abs(grad).max()) < GRADIENT_TOLERANCE:
            return result(iteration - 1, True, "the gradient vanished")
        step = _newton_step(grad, hessian)
        slope = float(np.dot(grad, step))
        # Where the step can gain no more than rounding moves the mean log-likelihood, its change says
        # nothing: there a full step that shrinks the gradient is taken.
        at_rounding = slope < 1e-12 * (1.0 + abs(ll))
        length = 1.0
        while True:
            trial = log_params + length * step
            trial_ll, trial_grad, trial_hessian = at(trial)
            if finite(trial_ll, trial_grad, trial_hessian) and (
                trial_ll >= ll + 1e-4 * length * slope
                or (at_rounding and float(np.abs(trial_grad).max()) < float(np.abs(grad).max()))
            ):
                break
            length /= 2
            if length < 1e-12:
                # No step along the direction raises the likelihood: as high as double precision goes.
                converged = float(np.abs(grad).max()) < 1e3 * GRADIENT_TOLERANCE
                return result(iteration, converged, "no step raises the likelihood")
        log_params, ll, grad, hessian = trial, trial_ll, trial_grad, trial_hessian
        if float(np.abs(log_params).max()) > LOG_BOUND:
            return result(iteration, False, "the parameters grow without bound")
    return result(NEWTON_MAX_ITERATIONS, False, "the iteration limit was reached")


def newton_standard_errors(params: FloatArray, hessian: FloatArray) -> FloatArray:
    """Delta method on the inverse of minus the Hessian in log-parameters."""
    try:
        covariance = np.linalg.inv(-hessian)
    except np.linalg.LinAlgError:
        return np.full(params.size, np.nan)
    variances = np.diag(covariance)
    # A Hessian that is not negative definite has no SEs to give: say so rather than invent them.
    return np.where(variances > 0, params * np.sqrt(np.abs(variances)), np.nan)
