"""The truth beside the demo data: the generating parameters (JSON) and each customer's hidden traits (CSV)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

import numpy as np

from patronage.demo import baskets as bk
from patronage.demo import catalogue as cat
from patronage.demo.model import Model, Outcome, Period
from patronage.demo.simulate import Chunk, repurchase_counts

CUSTOMERS_FILE = "demo-truth-customers.csv"
CUSTOMER_COLUMNS = ("member_id", "is_deal_seeker", "lambda", "p", "nu", "alive_at_end")
TARP = {"satisfied_complainants": 0.90, "no_problem": 0.83}
REFERENCES = {
    "bgnbd": "Fader, Hardie & Lee (2005), 'Counting your customers the easy way: an alternative to the "
    "Pareto/NBD model', Marketing Science 24(2)",
    "gamma_gamma": "Fader & Hardie (2013), 'The Gamma-Gamma model of monetary value'",
    "tarp": "TARP (Technical Assistance Research Programs) complaint studies: 90% of satisfied complainants "
    "buy again, against 83% of customers without a problem",
}


@dataclass
class Tally:
    """What the simulation produced, summed over chunks."""

    customers: int = 0
    deal_seekers: int = 0
    alive_at_end: int = 0
    purchases: int = 0
    promotional_purchases: int = 0
    deal_seeker_purchases: int = 0
    deal_seeker_promotional_purchases: int = 0
    spend: int = 0
    returns: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    complaints: int = 0
    resolved: int = 0
    satisfied: int = 0
    repurchase_orders: np.ndarray = field(
        default_factory=lambda: np.zeros(len(Outcome.NAMES), dtype=np.int64)
    )
    repurchased: np.ndarray = field(default_factory=lambda: np.zeros(len(Outcome.NAMES), dtype=np.int64))

    def add(self, chunk: Chunk, model: Model, period: Period) -> None:
        customers, purchases, baskets = chunk.customers, chunk.purchases, chunk.baskets
        seeker_orders = customers.deal_seeker[purchases.customer]
        promoted = baskets.orders.promotion != ""
        self.customers += customers.size
        self.deal_seekers += int(customers.deal_seeker.sum())
        self.alive_at_end += int(chunk.alive_at_end.sum())
        self.purchases += purchases.size
        self.promotional_purchases += int(promoted.sum())
        self.deal_seeker_purchases += int(seeker_orders.sum())
        self.deal_seeker_promotional_purchases += int((promoted & seeker_orders).sum())
        self.spend += int(baskets.orders.amount.sum())
        self.returns += baskets.returns.original.size
        problems = baskets.problems
        self.problems.update(bk.PROBLEM_KINDS[k] for k in problems.kind.tolist())
        self.complaints += int((problems.reported >= 0).sum())
        self.resolved += int((problems.resolved >= 0).sum())
        self.satisfied += int((problems.satisfied == 1).sum())
        orders, again = repurchase_counts(chunk, period, model.repurchase_horizon_weeks)
        self.repurchase_orders += orders
        self.repurchased += again


class CustomerTruthFile:
    """demo-truth-customers.csv: one row per member with the traits the simulation drew for them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO | None = None

    def __enter__(self) -> CustomerTruthFile:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("w", newline="", encoding="utf-8")
        csv.writer(self._file).writerow(CUSTOMER_COLUMNS)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._file is not None:
            self._file.close()

    def write(self, member_ids: np.ndarray, chunk: Chunk) -> None:
        assert self._file is not None, "use CustomerTruthFile as a context manager"
        customers = chunk.customers
        rows = zip(
            member_ids.tolist(),
            customers.deal_seeker.astype(int).tolist(),
            [f"{v:.6g}" for v in customers.lam.tolist()],
            [f"{v:.6g}" for v in customers.p.tolist()],
            [f"{v:.6g}" for v in customers.nu.tolist()],
            chunk.alive_at_end.astype(int).tolist(),
            strict=True,
        )
        csv.writer(self._file).writerows(rows)


def truth_document(
    *,
    seed: int,
    members: int,
    period: Period,
    model: Model,
    tally: Tally,
    counts: dict[str, int],
    parts: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything analytics may check against, with the definitions it needs to compute the same.

    `parts` holds the sections the demo's parts added (World.truth), each under its own key."""
    problems = asdict(model.problems)
    return {
        "generator": "patronage demo",
        "seed": seed,
        "members": members,
        "currency": cat.CURRENCY,
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "weeks": round(period.weeks, 4),
        },
        "references": REFERENCES,
        "purchases": {
            "model": "BG/NBD",
            "time_unit": "week",
            "params": asdict(model.purchases),
            "parameterisation": "lambda ~ Gamma(shape=r, rate=alpha); p ~ Beta(a, b); inter-purchase times "
            "Exponential(lambda); after each repeat purchase the customer drops out with probability p",
            "first_purchase": "at the join time; joins spread over the period (t_join = weeks * U^0.8)",
            "applies_to": "customers who are not deal-seekers; problems modify drop-out as under 'problems'",
        },
        "deal_seekers": {
            "share": model.deal_seeker_share,
            "params": asdict(model.deal_seeker_purchases),
            "promotion_share": model.promotion_share_deal_seeker,
            "others_promotion_share": model.promotion_share_regular,
            "list": CUSTOMERS_FILE,
        },
        "spend": {
            "model": "Gamma-Gamma",
            "params": asdict(model.spend),
            "parameterisation": "z ~ Gamma(shape=p, rate=nu) per purchase; nu ~ Gamma(shape=q, rate=gamma) "
            "per customer; E[z] = p * gamma / (q - 1)",
            "mean_spend": round(model.spend.mean_spend, 2),
            "applies_to": "Order.amount of purchases (paid, after discount, VAT included); every customer, "
            "first purchase included; line prices are rounded to 10 KRW, which moves an order by a few tens of KRW",
        },
        "returns": {
            "rate": model.return_rate,
            "rate_after_defect_or_wrong_item": model.return_rate_after_defect,
            "window_days": model.return_window_days,
            "full_return_share": bk.FULL_RETURN_SHARE,
        },
        "problems": {
            **{k: v for k, v in problems.items() if k not in {"extra_dropout", "own_dropout_scale"}},
            "dropout_adjustments": {
                name: {
                    "own_dropout_scale": model.problems.own_dropout_scale[code],
                    "extra_dropout": model.problems.extra_dropout[code],
                }
                for code, name in enumerate(Outcome.NAMES)
            },
            "dropout_rule": "at a purchase whose problem ended with outcome o the customer stays with "
            "probability (1 - p * own_dropout_scale[o]) * (1 - extra_dropout[o]); p = 0 on the first purchase",
            "quick_means": "the complaint case's resolved_at - created_at <= 24 hours",
            "recall": {
                "sku": cat.RECALLED_SKU,
                "window_days": model.recall_window_days,
                "in_dropout_model": False,
            },
        },
        "repurchase_within_52_weeks": _repurchase(tally),
        "tarp": TARP,
        "realised": _realised(tally),
        **(parts or {}),
        "counts": counts,
    }


def _repurchase(tally: Tally) -> dict[str, Any]:
    groups = {
        name: {
            "orders": int(tally.repurchase_orders[code]),
            "repurchased": int(tally.repurchased[code]),
            "rate": round(float(tally.repurchased[code] / max(tally.repurchase_orders[code], 1)), 4),
        }
        for code, name in enumerate(Outcome.NAMES)
    }
    merged = {
        # Resolved to the customer's satisfaction (the complaint case rated 4 or 5), quickly or not.
        "satisfied": [Outcome.SATISFIED_SLOW, Outcome.SATISFIED_QUICK],
        # Complained, and not resolved to their satisfaction: never resolved (the case still waits), or
        # resolved and rated 1 to 3.
        "not_satisfied": [Outcome.UNRESOLVED, Outcome.UNSATISFIED],
    }
    for name, codes in merged.items():
        orders = int(tally.repurchase_orders[codes].sum())
        again = int(tally.repurchased[codes].sum())
        groups[name] = {"orders": orders, "repurchased": again, "rate": round(again / max(orders, 1), 4)}
    return {
        "definition": "purchases at least 52 weeks before the period's end, grouped by what their problems "
        "show in the data (none; silent: an order problem and no complaint case; unresolved: a complaint "
        "case never resolved; resolved_unsatisfied: resolved and rated 1-3; satisfied_slow / satisfied_quick: "
        "resolved and rated 4-5, after more or less than 24 hours from the case's filing; an order with a "
        "recall only is grouped by the answer to the recall); rate = share followed by another purchase of "
        "the same member within 52 weeks",
        "groups": groups,
    }


def _realised(tally: Tally) -> dict[str, Any]:
    customers = max(tally.customers, 1)
    return {
        "customers": tally.customers,
        "deal_seekers": tally.deal_seekers,
        "alive_at_end": tally.alive_at_end,
        "purchases": tally.purchases,
        "repeat_purchases_per_customer": round((tally.purchases - tally.customers) / customers, 4),
        "mean_spend": round(tally.spend / max(tally.purchases, 1), 2),
        "promotional_share_deal_seekers": round(
            tally.deal_seeker_promotional_purchases / max(tally.deal_seeker_purchases, 1), 4
        ),
        "promotional_share_others": round(
            (tally.promotional_purchases - tally.deal_seeker_promotional_purchases)
            / max(tally.purchases - tally.deal_seeker_purchases, 1),
            4,
        ),
        "returns": tally.returns,
        "return_rate": round(tally.returns / max(tally.purchases, 1), 4),
        "problems": dict(sorted(tally.problems.items())),
        "problem_rate": round(sum(tally.problems.values()) / max(tally.purchases, 1), 4),
        "complaints": tally.complaints,
        "resolved": tally.resolved,
        "satisfied": tally.satisfied,
    }


def truth_write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
