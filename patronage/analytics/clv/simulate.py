"""Customers drawn from the models' own stories, vectorised: test data with known parameters, and the
benchmark's transaction log.

Given n Poisson arrivals in [0, w], the times are n sorted uniforms, so the k-th lies at w * Beta(k, n-k+1):
the last one observed is drawn directly, without generating the ones before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from patronage.analytics.clv._fitting import FloatArray


@dataclass(frozen=True)
class Histories:
    """Per customer: repeat purchases, time of the last one after the first purchase, time observed."""

    frequency: FloatArray
    recency: FloatArray
    T: FloatArray


def _last_arrival(x: FloatArray, n: FloatArray, window: FloatArray, rng: np.random.Generator) -> FloatArray:
    """Time of the x-th of n uniform arrivals in [0, window] (0 where x is 0)."""
    buyers = x > 0
    recency = np.zeros_like(window)
    recency[buyers] = window[buyers] * rng.beta(x[buyers], n[buyers] - x[buyers] + 1)
    return recency


def bgnbd_simulate(
    *, T: ArrayLike, r: float, alpha: float, a: float, b: float, rng: np.random.Generator
) -> Histories:
    """One BG/NBD history per entry of T: dropout can only follow a repeat purchase."""
    age = np.asarray(T, dtype=np.float64)
    rate = rng.gamma(r, 1 / alpha, size=age.size)
    dropout = rng.beta(a, b, size=age.size)
    arrivals = rng.poisson(rate * age).astype(np.float64)
    # The repeat purchase after which the customer drops out: geometric in the dropout probability.
    last = rng.geometric(dropout).astype(np.float64)
    x = np.minimum(arrivals, last)
    return Histories(frequency=x, recency=_last_arrival(x, arrivals, age, rng), T=age)


def pareto_nbd_simulate(
    *, T: ArrayLike, r: float, alpha: float, s: float, beta: float, rng: np.random.Generator
) -> Histories:
    """One Pareto/NBD history per entry of T: exponential lifetime, purchases only while alive."""
    age = np.asarray(T, dtype=np.float64)
    rate = rng.gamma(r, 1 / alpha, size=age.size)
    death = rng.exponential(1 / rng.gamma(s, 1 / beta, size=age.size))
    window = np.minimum(death, age)
    x = rng.poisson(rate * window).astype(np.float64)
    return Histories(frequency=x, recency=_last_arrival(x, x, window, rng), T=age)


def gamma_gamma_simulate(
    *, frequency: ArrayLike, p: float, q: float, gamma: float, rng: np.random.Generator
) -> FloatArray:
    """Mean transaction value of each customer's x purchases (x > 0): Gamma(p x, nu x), nu ~ Gamma(q, gamma)."""
    x = np.asarray(frequency, dtype=np.float64)
    nu = rng.gamma(q, 1 / gamma, size=x.size)
    return rng.gamma(p * x, 1 / (nu * x))


def bgnbd_simulate_transactions(
    *,
    births: ArrayLike,
    end: float,
    r: float,
    alpha: float,
    a: float,
    b: float,
    p: float,
    q: float,
    gamma: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, FloatArray, FloatArray]:
    """A transaction log: (customer index, time, amount) for customers first buying at `births`, watched
    until `end`; BG/NBD timing, Gamma-Gamma amounts; the first purchase of each is at its birth."""
    born = np.asarray(births, dtype=np.float64)
    age = end - born
    rate = rng.gamma(r, 1 / alpha, size=born.size)
    dropout = rng.beta(a, b, size=born.size)
    arrivals = rng.poisson(rate * age)
    repeats = np.minimum(arrivals, rng.geometric(dropout))
    nu = rng.gamma(q, 1 / gamma, size=born.size)
    customer = np.repeat(np.arange(born.size), repeats + 1)
    # Repeats are the first x of n sorted uniforms: draw all n, keep the x smallest per customer.
    owner = np.repeat(np.arange(born.size), arrivals)
    offsets = rng.uniform(0, 1, size=owner.size) * age[owner]
    order = np.lexsort((offsets, owner))
    owner, offsets = owner[order], offsets[order]
    rank = np.arange(owner.size) - np.repeat(np.cumsum(arrivals) - arrivals, arrivals)
    kept = rank < repeats[owner]
    times = np.empty(customer.size)
    first = np.cumsum(repeats + 1) - (repeats + 1)
    is_first = np.zeros(customer.size, dtype=bool)
    is_first[first] = True
    times[is_first] = born
    times[~is_first] = born[owner[kept]] + offsets[kept]
    amounts = rng.gamma(p, 1 / nu[customer])
    return customer, times, amounts
