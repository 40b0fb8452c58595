"""The demo's purchase process, vectorised in numpy with no database.

`simulate_customers` draws each customer's hidden traits and join time, `simulate_purchases`
runs BG/NBD forward (one round per purchase, over every customer still buying), and
`simulate_chunk` adds everything the loader writes (people, orders, lines, problems, returns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from patronage.demo.baskets import Baskets, simulate_baskets
from patronage.demo.model import DAY, HOUR, WEEK_SECONDS, Model, Outcome, Period
from patronage.demo.people import Consents, People, simulate_consents, simulate_people

STORE_HOURS_SHARE = 0.85  # purchases between 10:00 and 21:00 local time; the rest 07:00 to midnight


@dataclass
class Customers:
    """Hidden per-customer traits (the truth analytics estimates) and the join time in weeks."""

    lam: np.ndarray  # purchase rate per week while alive
    p: np.ndarray  # drop-out probability after each repeat purchase
    nu: np.ndarray  # Gamma-Gamma rate: mean spend is spend.p / nu
    deal_seeker: np.ndarray  # bool
    t_join: np.ndarray  # weeks since the period start

    @property
    def size(self) -> int:
        return int(self.lam.size)


@dataclass
class Purchases:
    """One row per purchase, sorted by customer and time."""

    customer: np.ndarray  # index into Customers
    t: np.ndarray  # weeks since the period start
    outcome: np.ndarray  # Outcome code of the order's problem (0: none)
    spend: np.ndarray  # KRW, the Gamma-Gamma draw (a multiple of 10)
    at: np.ndarray  # epoch seconds: the purchase's day (t), at a local shopping hour

    @property
    def size(self) -> int:
        return int(self.customer.size)


@dataclass
class Chunk:
    """Everything simulated for one slice of members."""

    customers: Customers
    alive_at_end: np.ndarray
    purchases: Purchases
    people: People
    consents: Consents
    baskets: Baskets

    @property
    def join_at(self) -> np.ndarray:
        """Epoch seconds of each customer's first purchase, which is when they joined."""
        return first_purchase_at(self.purchases, self.customers.size)

    def spend_per_customer(self) -> tuple[np.ndarray, np.ndarray]:
        """Total KRW paid and number of purchases per customer over the period."""
        customer, size = self.purchases.customer, self.customers.size
        total = np.bincount(customer, weights=self.baskets.orders.amount, minlength=size)
        return total, np.bincount(customer, minlength=size)


def simulate_customers(model: Model, n: int, weeks: float, rng: np.random.Generator) -> Customers:
    """Traits per customer; joins spread over the period, more of them recently (the business grows)."""
    deal_seeker = rng.random(n) < model.deal_seeker_share
    regular, seeker = model.purchases, model.deal_seeker_purchases
    lam = np.where(
        deal_seeker,
        rng.gamma(shape=seeker.r, scale=1 / seeker.alpha, size=n),
        rng.gamma(shape=regular.r, scale=1 / regular.alpha, size=n),
    )
    p = np.where(deal_seeker, rng.beta(seeker.a, seeker.b, size=n), rng.beta(regular.a, regular.b, size=n))
    nu = rng.gamma(shape=model.spend.q, scale=1 / model.spend.gamma, size=n)
    t_join = weeks * rng.random(n) ** 0.8
    return Customers(lam=lam, p=p, nu=nu, deal_seeker=deal_seeker, t_join=t_join)


def simulate_purchases(
    model: Model, customers: Customers, period: Period, rng: np.random.Generator
) -> tuple[Purchases, np.ndarray]:
    """Runs BG/NBD to the period's end; returns the purchases and whether each customer is still alive."""
    weeks = period.weeks
    probabilities = model.problems.outcome_probabilities()
    scale = np.asarray(model.problems.own_dropout_scale)
    extra = np.asarray(model.problems.extra_dropout)
    alive = np.ones(customers.size, dtype=bool)
    t = customers.t_join.copy()
    active = np.arange(customers.size)
    rounds: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    first = True
    while active.size:
        outcome = rng.choice(probabilities.size, size=active.size, p=probabilities).astype(np.int8)
        rounds.append((active, t[active], outcome))
        own = np.zeros(active.size) if first else customers.p[active]
        stays = rng.random(active.size) < (1 - own * scale[outcome]) * (1 - extra[outcome])
        alive[active[~stays]] = False
        active = active[stays]
        t[active] += rng.exponential(size=active.size) / customers.lam[active]
        active = active[t[active] <= weeks]
        first = False
    customer, t, outcome = (np.concatenate(parts) for parts in zip(*rounds, strict=True))
    at = _shopping_hours(period, t, rng)
    order = np.lexsort((at, customer))
    customer = customer[order]
    spend = spend_draw(model, customers.nu[customer], rng)
    purchases = Purchases(customer=customer, t=t[order], outcome=outcome[order], spend=spend, at=at[order])
    return purchases, alive


def _shopping_hours(period: Period, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Epoch seconds: each purchase's day, at a shopping hour in Seoul and Tokyo (UTC+9)."""
    day = np.minimum(np.floor(t * 7), round(period.weeks * 7) - 1).astype(np.int64)
    in_hours = rng.random(t.size) < STORE_HOURS_SHARE
    hour = np.where(in_hours, rng.uniform(10, 21, t.size), rng.uniform(7, 24, t.size))
    return period.start_epoch + day * DAY + (hour * HOUR).astype(np.int64)


def first_purchase_at(purchases: Purchases, customers: int) -> np.ndarray:
    """Epoch seconds of each customer's first purchase (every customer has one: it is when they joined)."""
    return purchases.at[np.searchsorted(purchases.customer, np.arange(customers))]


def spend_draw(model: Model, nu: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Gamma-Gamma spend per purchase, in KRW rounded to 10 (at least 1,000)."""
    z = rng.gamma(shape=model.spend.p, scale=1 / nu)
    return np.maximum(np.round(z / 10) * 10, 1_000).astype(np.int64)


def repurchase_counts(chunk: Chunk, period: Period, horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """Per observed outcome: orders placed at least `horizon` weeks before the end, and how many of them
    the same customer followed with another purchase within `horizon` weeks."""
    customer, outcome = chunk.purchases.customer, chunk.baskets.observed_outcome
    t = (chunk.purchases.at - period.start_epoch) / WEEK_SECONDS
    weeks = period.weeks
    same_customer_next = np.append(customer[1:] == customer[:-1], False)
    next_t = np.append(t[1:], np.inf)
    bought_again = same_customer_next & (next_t - t <= horizon)
    eligible = t <= weeks - horizon
    groups = len(Outcome.NAMES)
    orders = np.bincount(outcome[eligible], minlength=groups)
    again = np.bincount(outcome[eligible & bought_again], minlength=groups)
    return orders, again


def simulate_chunk(model: Model, period: Period, n: int, first_index: int, seed: int) -> Chunk:
    """One slice of members; the same (seed, first_index, n) always gives the same slice."""
    rng = np.random.default_rng([seed, first_index])
    customers = simulate_customers(model, n, period.weeks, rng)
    purchases, alive = simulate_purchases(model, customers, period, rng)
    people = simulate_people(n, first_index, rng)
    home = (people.home_channel, people.home_store, people.brand)
    baskets = simulate_baskets(
        model,
        period,
        customers.deal_seeker,
        home,
        purchases.customer,
        purchases.at,
        purchases.spend,
        purchases.outcome,
        rng,
    )
    join_at = first_purchase_at(purchases, n)
    consents = simulate_consents(people, customers.deal_seeker, join_at, period.end_epoch, rng)
    return Chunk(
        customers=customers,
        alive_at_end=alive,
        purchases=purchases,
        people=people,
        consents=consents,
        baskets=baskets,
    )
