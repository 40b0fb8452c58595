"""Next-best offer: the method, pure (no database), decision 0032.

Items are strings: `c:<id>` a category, `p:<id>` a product, `r:<id>` a reward, `b:<id>` a benefit. A
member's history is how many times they bought in each category and each product, redeemed each reward and
used each benefit.

1. Co-purchase lift, fitted over members (not baskets: a reward is redeemed apart from any basket):
   lift(a -> o) = N * n(a, o) / (n(a) * n(o)), N members, n(x) members whose history holds x, n(a, o) both.
   A rule is kept only when n(a, o) >= `min_support` members (a pair seen once or twice is noise), and at
   most `per_antecedent` rules per antecedent (the highest lifts), which bounds the table's size.
2. Category affinity: the member's weight on each antecedent is their share of purchases in it (categories
   and products counted apart, each summing to 1).
3. Score of a candidate offer o: ln p(o) + sum_a w(a) ln lift(a -> o), with p(o) = n(o) / N and a missing
   rule counted as lift 1. It is a naive-Bayes log-odds: the offer's base rate, moved by what the member did.
4. Eligibility and stock are decided outside (loyalty's own rules); only eligible candidates are scored.
5. Thompson sampling over observed conversion: each offer's conversion rate has a Beta posterior, its
   prior the pooled rate of all offers weighing `prior_weight` exposures, updated by the offer's own
   conversions and exposures. The ranking multiplies exp(score) by a draw from the posterior over the
   prior's mean: a known good converter rises, a known poor one sinks, and an offer never shown keeps the
   prior's spread, so it outranks a close rival on some draws: new offers get tried on a small share.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CATEGORY, PRODUCT, REWARD, BENEFIT = "c", "p", "r", "b"
MIN_SUPPORT = 5
PER_ANTECEDENT = 40
PRIOR_WEIGHT = 200.0  # exposures the pooled rate weighs in a new offer's posterior
DEFAULT_RATE = 0.05  # the pooled rate before any exposure has been judged


def item(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def item_parts(key: str) -> tuple[str, int]:
    kind, _sep, pk = key.partition(":")
    return kind, int(pk)


@dataclass(frozen=True)
class LiftTable:
    """The co-purchase rules: members counted, members per item, and lift per antecedent and offer."""

    members: int
    counts: dict[str, int]
    lifts: dict[str, dict[str, float]]

    def as_json(self) -> dict[str, Any]:
        return {"members": self.members, "counts": self.counts, "lifts": self.lifts}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LiftTable:
        return cls(int(data.get("members", 0)), dict(data.get("counts", {})), dict(data.get("lifts", {})))


def lift_table(
    histories: Iterable[Iterable[str]],
    *,
    min_support: int = MIN_SUPPORT,
    per_antecedent: int = PER_ANTECEDENT,
) -> LiftTable:
    """The rules a -> o over the members' item sets (each history counted once per item)."""
    codes: dict[str, int] = {}
    member_of: list[int] = []
    item_of: list[int] = []
    members = 0
    for history in histories:
        for key in set(history):
            member_of.append(members)
            item_of.append(codes.setdefault(key, len(codes)))
        members += 1
    names = list(codes)
    items = np.asarray(item_of, dtype=np.int64)
    n_item = np.bincount(items, minlength=len(names))
    counts = {names[i]: int(n) for i, n in enumerate(n_item) if n}
    pairs, together = _pairs(np.asarray(member_of, dtype=np.int64), items, len(names))
    kept = together >= min_support
    ante, cons, both = pairs[kept] // len(names), pairs[kept] % len(names), together[kept]
    lift = members * both / (n_item[ante] * n_item[cons])
    lifts: dict[str, dict[str, float]] = {}
    for a in np.unique(ante):
        mine = np.flatnonzero(ante == a)
        best = mine[np.argsort(-lift[mine], kind="stable")[:per_antecedent]]
        lifts[names[a]] = {names[cons[i]]: round(float(lift[i]), 4) for i in best}
    return LiftTable(members, counts, lifts)


def _pairs(member: np.ndarray, items: np.ndarray, n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair of different items held by one member, as code a * n_items + o, with how many
    members hold it. Vectorised: each entry repeated once per item of its member."""
    if member.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(member, kind="stable")
    member, items = member[order], items[order]
    _members, start, length = np.unique(member, return_index=True, return_counts=True)
    block_start = np.repeat(start, length)  # per entry, where its member's block starts
    block_len = np.repeat(length, length)
    ante = np.repeat(items, block_len)
    first = np.repeat(np.cumsum(block_len) - block_len, block_len)
    cons = items[np.repeat(block_start, block_len) + np.arange(ante.size) - first]
    other = ante != cons
    return np.unique(ante[other] * n_items + cons[other], return_counts=True)


@dataclass(frozen=True)
class Reason:
    """Why an offer scored: the antecedent that moved it most (empty: its popularity alone)."""

    antecedent: str
    times: int
    lift: float
    takers: int  # members who took the offer in the table


@dataclass(frozen=True)
class Scored:
    offer: str
    score: float
    reason: Reason


def affinity(history: Mapping[str, int]) -> dict[str, float]:
    """The member's weight on each antecedent: the share of their purchases, categories and products apart."""
    weights: dict[str, float] = {}
    for kind in (CATEGORY, PRODUCT):
        mine = {key: n for key, n in history.items() if key.startswith(kind + ":") and n > 0}
        total = sum(mine.values())
        weights.update({key: n / total for key, n in mine.items()})
    return weights


def scores(*, offers: Iterable[str], history: Mapping[str, int], table: LiftTable) -> list[Scored]:
    """ln p(o) + sum_a w(a) ln lift(a -> o) for each offer (an offer no member took scores as if one had),
    with the antecedent that moved it up most. Walks the member's antecedents' rules once, not every offer's."""
    moved: dict[str, float] = defaultdict(float)
    best: dict[str, tuple[float, str, float]] = {}
    for antecedent, weight in affinity(history).items():  # categories first: on a tie, the category is named
        for offer, lift in table.lifts.get(antecedent, {}).items():
            part = weight * math.log(lift)
            moved[offer] += part
            if part > best.get(offer, (0.0, "", 1.0))[0]:
                best[offer] = (part, antecedent, lift)
    found = []
    for offer in offers:
        takers = table.counts.get(offer, 0)
        base = math.log(max(takers, 1) / max(table.members, 1))
        _part, antecedent, lift = best.get(offer, (0.0, "", 1.0))
        reason = Reason(antecedent, history.get(antecedent, 0), lift, takers)
        found.append(Scored(offer, base + moved.get(offer, 0.0), reason))
    return found


def posterior(*, shown: int, converted: int, pooled_rate: float) -> tuple[float, float]:
    """Beta(alpha, beta) of an offer's conversion rate: the pooled rate as a prior of PRIOR_WEIGHT exposures."""
    rate = min(max(pooled_rate, 1e-4), 1 - 1e-4)
    return rate * PRIOR_WEIGHT + converted, (1 - rate) * PRIOR_WEIGHT + max(shown - converted, 0)


def pooled_rate(seen: Mapping[str, tuple[int, int]]) -> float:
    """All offers' conversions over their judged exposures; DEFAULT_RATE before any."""
    shown = sum(s for s, _c in seen.values())
    converted = sum(c for _s, c in seen.values())
    return converted / shown if shown else DEFAULT_RATE


def rank(
    scored: Iterable[Scored],
    *,
    seen: Mapping[str, tuple[int, int]],
    rng: np.random.Generator,
    top: int,
) -> list[Scored]:
    """The `top` offers by exp(score) times a Thompson draw of their conversion over the pooled rate; each
    with its score so moved (the order's own value).

    `seen` maps an offer to (judged exposures, conversions); an offer not in it has never been shown."""
    pooled = pooled_rate(seen)
    ordered = sorted(scored, key=lambda s: s.offer)  # one order, whatever the input's: same seed, same draws
    if not ordered:
        return []
    judged = [seen.get(each.offer, (0, 0)) for each in ordered]
    alpha, beta = np.array(
        [posterior(shown=shown, converted=converted, pooled_rate=pooled) for shown, converted in judged]
    ).T
    values = np.array([each.score for each in ordered]) + np.log(rng.beta(alpha, beta) / pooled)
    best = sorted(range(len(ordered)), key=lambda i: (-values[i], ordered[i].offer))[:top]
    return [replace(ordered[i], score=float(values[i])) for i in best]


def popularity(table: LiftTable, candidates: Iterable[str], *, top: int) -> list[str]:
    """The baseline: the candidates most members took."""
    return sorted(candidates, key=lambda key: (-table.counts.get(key, 0), key))[:top]


def reason_words(reason: Reason, *, offer_kind: str, antecedent_name: str) -> str:
    """The reason in the reader's language, with its numbers."""
    if not reason.antecedent:
        return ngettext(
            "Popular: %(count)d member took it.", "Popular: %(count)d members took it.", reason.takers
        ) % {"count": reason.takers}
    kind = reason.antecedent.split(":", 1)[0]
    if kind == CATEGORY:
        bought = ngettext(
            "Bought %(name)s items %(count)d time", "Bought %(name)s items %(count)d times", reason.times
        ) % {"name": antecedent_name, "count": reason.times}
    else:
        bought = ngettext(
            "Bought %(name)s %(count)d time", "Bought %(name)s %(count)d times", reason.times
        ) % {"name": antecedent_name, "count": reason.times}
    likes = {
        PRODUCT: _("members like them buy this %(lift)s times as often"),
        REWARD: _("members like them redeem this %(lift)s times as often"),
        BENEFIT: _("members like them use this %(lift)s times as often"),
    }[offer_kind]
    return _("%(bought)s; %(likes)s.") % {
        "bought": bought,
        "likes": likes % {"lift": number_format(round(reason.lift, 1), 1)},
    }
