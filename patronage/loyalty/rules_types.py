"""The data an earn-rule evaluation reads and gives back; see loyalty.rules for the order it follows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from enum import StrEnum

from patronage.loyalty.explanation import Explanation
from patronage.loyalty.rules_params import ParamError, RuleKind


class Rounding(StrEnum):
    DOWN = "down"
    HALF_UP = "half_up"


class CapPeriod(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    LIFETIME = "lifetime"


def _not_negative(**amounts: Decimal) -> None:
    for name, amount in amounts.items():
        if amount < 0:
            raise ValueError(f"{name} cannot be negative: returns are booked as returns, not purchases")


@dataclass(frozen=True, kw_only=True)
class Line:
    sku: str
    category: str | None = None
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal  # what was paid for the line, without tax and shipping (those are the purchase's)

    def __post_init__(self) -> None:
        _not_negative(quantity=self.quantity, unit_price=self.unit_price, amount=self.amount)


@dataclass(frozen=True, kw_only=True)
class Purchase:
    amount: Decimal  # the total paid, tax and shipping included
    currency: str
    tax: Decimal = Decimal(0)
    shipping: Decimal = Decimal(0)
    occurred_at: datetime
    channel: str | None = None
    store: str | None = None
    lines: tuple[Line, ...] = ()

    def __post_init__(self) -> None:
        _not_negative(amount=self.amount, tax=self.tax, shipping=self.shipping)
        require_aware(self.occurred_at, "occurred_at")


@dataclass(frozen=True, kw_only=True)
class ProgramEarnSettings:
    rounding: Rounding = Rounding.DOWN
    exclude_tax: bool = True
    exclude_shipping: bool = True
    excluded_skus: frozenset[str] = frozenset()
    time_zone: tzinfo = UTC  # the program's: cap periods (days, months, years) are its calendar's
    currency: str | None = None  # when given, a purchase in another currency is refused


@dataclass(frozen=True, kw_only=True)
class MemberContext:
    tier: str | None = None
    segments: frozenset[str] = frozenset()  # the codes of the segments the member is in (segment rules)
    # Points each capped rule already gave this member in the period: {(rule_code, cap_period_key): points}.
    earned_in_period: Mapping[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Rule:
    code: str
    name: str
    kind: RuleKind
    params: Mapping[str, object]
    priority: int = 100
    exclusive: bool = False
    stackable: bool = True
    active_from: datetime | None = None
    active_to: datetime | None = None
    cap_points: int | None = None
    cap_period: CapPeriod | None = None
    # The rule's problems when it was checked on loading (rules.rule_checked); None: check at evaluation.
    problems: tuple[ParamError, ...] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Contribution:
    rule_code: str
    points: int
    explanation: Explanation
    note: Explanation | None = None  # set when a cap reduced the contribution


@dataclass(frozen=True, slots=True)
class Skipped:
    rule_code: str
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Evaluation:
    total: int
    contributions: tuple[Contribution, ...]
    skipped: tuple[Skipped, ...]


def require_aware(moment: datetime, name: str) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must include a time zone")
    return moment
