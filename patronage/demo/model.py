"""The stated parameters of the demo business: what analytics is checked against (docs/guide/demo-data.md).

Purchases follow BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"):
  - while alive, a customer buys at rate lambda per week, lambda ~ Gamma(shape r, rate alpha);
  - after each repeat purchase the customer drops out for good with probability p, p ~ Beta(a, b).
Spend per purchase follows Gamma-Gamma (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"):
  - z ~ Gamma(shape p, rate nu), nu ~ Gamma(shape q, rate gamma), so E[z | nu] = p / nu and
    E[z] = p * gamma / (q - 1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

HOUR = 3_600
DAY = 24 * HOUR
WEEK_SECONDS = 7 * DAY


@dataclass(frozen=True)
class BgNbd:
    """lambda ~ Gamma(shape r, rate alpha) per week; drop-out p ~ Beta(a, b) after each repeat purchase."""

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGamma:
    """Spend z ~ Gamma(shape p, rate nu); nu ~ Gamma(shape q, rate gamma); in KRW."""

    p: float
    q: float
    gamma: float

    @property
    def mean_spend(self) -> float:
        return self.p * self.gamma / (self.q - 1)


class Outcome:
    """How a problem with an order ended, as the customer saw it. Codes index the arrays below."""

    NONE = 0  # no problem with the order
    SILENT = 1  # a problem, and the customer never complained
    UNRESOLVED = 2  # complained; never resolved
    UNSATISFIED = 3  # complained; resolved, but the customer was not satisfied
    SATISFIED_SLOW = 4  # complained; resolved after more than 24 hours, customer satisfied
    SATISFIED_QUICK = 5  # complained; resolved within 24 hours, customer satisfied
    NAMES = ("none", "silent", "unresolved", "resolved_unsatisfied", "satisfied_slow", "satisfied_quick")


@dataclass(frozen=True)
class Problems:
    """How often orders go wrong, who complains, how complaints end, and what each ending does to drop-out.

    At a purchase whose problem ended with outcome o, the customer stays with probability
    (1 - p * own_dropout_scale[o]) * (1 - extra_dropout[o]) instead of (1 - p); on the first
    purchase p is 0 (BG/NBD has no drop-out before the first repeat purchase).
    """

    rate: float = 0.08
    complaint_share: float = 0.45
    resolved_share: float = 0.70
    quick_share: float = 0.55  # of resolved complaints, resolved within 24 hours
    satisfied_if_quick: float = 0.90
    satisfied_if_slow: float = 0.60
    # Calibrated (docs/guide/demo-data.md) so that the share of orders followed by another purchase
    # within 52 weeks comes out near TARP's figures: 90% for satisfied complainants, 83% without a problem.
    extra_dropout: tuple[float, ...] = (0.0, 0.22, 0.32, 0.20, 0.0, 0.0)
    own_dropout_scale: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0, 0.50, 0.25)
    recall_reply_share: float = 0.55  # customers who answer the recall notice (reported_at set)
    recall_satisfied_share: float = 0.85

    def outcome_probabilities(self) -> np.ndarray:
        """P(outcome) for one purchase, indexed by Outcome codes."""
        complained = self.rate * self.complaint_share
        resolved = complained * self.resolved_share
        quick, slow = resolved * self.quick_share, resolved * (1 - self.quick_share)
        satisfied_quick, satisfied_slow = quick * self.satisfied_if_quick, slow * self.satisfied_if_slow
        return np.array(
            [
                1 - self.rate,
                self.rate - complained,
                complained - resolved,
                resolved - satisfied_quick - satisfied_slow,
                satisfied_slow,
                satisfied_quick,
            ]
        )


@dataclass(frozen=True)
class Model:
    """Everything the simulation draws from. The defaults are the demo business."""

    purchases: BgNbd = BgNbd(r=1.0, alpha=8.0, a=0.85, b=3.4)
    deal_seeker_share: float = 0.15
    # Deal-seekers buy at the same rates but leave sooner: their own drop-out Beta(a, b).
    deal_seeker_purchases: BgNbd = BgNbd(r=1.0, alpha=8.0, a=1.5, b=2.5)
    spend: GammaGamma = GammaGamma(p=6.0, q=3.8, gamma=36_000.0)
    promotion_share_regular: float = 0.07
    promotion_share_deal_seeker: float = 0.80
    problems: Problems = field(default_factory=Problems)
    return_rate: float = 0.04
    return_rate_after_defect: float = 0.45  # defective or wrong items come back far more often
    return_window_days: int = 30
    recall_window_days: int = 120  # purchases of the recalled product this long before the recall
    repurchase_horizon_weeks: float = 52.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Period:
    """The simulated span: from the start's local midnight in Seoul and Tokyo (UTC+9) for `weeks`."""

    start: datetime
    end: datetime

    @property
    def weeks(self) -> float:
        return (self.end - self.start) / timedelta(weeks=1)

    @property
    def start_epoch(self) -> int:
        return int(self.start.timestamp())

    @property
    def end_epoch(self) -> int:
        return int(self.end.timestamp())
