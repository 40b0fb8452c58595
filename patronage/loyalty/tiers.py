"""Tier (VIP level) qualification, review and progress, as pure functions; no database.

The rules, as the product states them:
- A member qualifies for the highest tier whose threshold the qualifying value reaches (boundaries
  inclusive). An invitation-only tier is reached only by members invited to it.
- Upgrades happen at once, on the activity that crosses the threshold (`tier_after_activity`).
- Downgrades happen only at the member's review (`review`): one level down or recomputed from the value,
  by policy, after an optional grace period that starts at the first review that finds the value short.
- A manual tier is a floor: neither activity nor review puts the member below it.
- The qualifying value is points earned (the default: spending points does not demote), spend or visits,
  counted from `window_start` to the review. The caller sums the ledger; this module never reads it.

Review dates (`next_review_at`): a calendar-year window is reviewed on 1 January, an anniversary window
on the anniversary of joining, a rolling window monthly on the 1st (each review looks back window_days);
a lifetime window is never reviewed, because a lifetime value never falls. All dates are in the time zone
of the `as_of` given (the program's): "1 January" is the program's 1 January, not UTC's.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from django.utils.translation import gettext_noop

from patronage.loyalty.explanation import Explanation, decimal_text
from patronage.loyalty.rules_params import ParamError


class TierBasis(StrEnum):
    POINTS = "points"
    SPEND = "spend"
    VISITS = "visits"


class TierWindow(StrEnum):
    ROLLING = "rolling"
    CALENDAR_YEAR = "calendar_year"
    ANNIVERSARY = "anniversary"
    LIFETIME = "lifetime"


class Downgrade(StrEnum):
    ONE_LEVEL = "one_level"
    RECOMPUTE = "recompute"


class ReviewDecision(StrEnum):
    UPGRADED = "upgraded"
    KEPT = "kept"
    HELD_BY_FLOOR = "held_by_floor"
    DOWNGRADE_SCHEDULED = "downgrade_scheduled"
    DOWNGRADED = "downgraded"
    NO_TIER = "no_tier"


@dataclass(frozen=True, slots=True)
class Tier:
    code: str
    name: str
    rank: int  # higher is better
    threshold: Decimal
    invitation_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TierPolicy:
    basis: TierBasis = TierBasis.POINTS
    window: TierWindow = TierWindow.CALENDAR_YEAR
    window_days: int | None = None  # rolling windows only
    downgrade: Downgrade = Downgrade.ONE_LEVEL
    grace_days: int = 0

    def __post_init__(self) -> None:
        if self.window == TierWindow.ROLLING and (self.window_days is None or self.window_days <= 0):
            raise ValueError("window_days: a rolling window needs a number of days greater than zero")
        if self.grace_days < 0:
            raise ValueError("grace_days cannot be negative")


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    new_tier: Tier | None
    decision: ReviewDecision
    reason: Explanation
    downgrade_effective_at: datetime | None = None  # when the downgrade takes (took) effect
    below_since: datetime | None = None  # store it: the grace period runs from the first short review


@dataclass(frozen=True, slots=True)
class Progress:
    next_tier: Tier | None
    needed_for_next: Decimal | None  # "X more to reach Gold"
    keep_needed: Decimal | None  # "Y needed by DATE to keep Gold"; None when there is nothing to keep
    keep_by: datetime | None


def tiers_check(tiers: Iterable[Tier]) -> list[ParamError]:
    """Problems with a program's tier table, each naming its field: codes and ranks unique, thresholds
    non-negative and rising with rank (invitation-only tiers may sit anywhere)."""
    tiers = tuple(tiers)
    errors: list[ParamError] = []
    seen_codes: set[str] = set()
    seen_ranks: set[int] = set()
    for tier in tiers:
        if tier.code in seen_codes:
            errors.append(_error("code", gettext_noop("two tiers have the code %(code)s"), code=tier.code))
        if tier.rank in seen_ranks:
            errors.append(
                _error("rank", gettext_noop("two tiers have the rank %(rank)s"), rank=str(tier.rank))
            )
        if tier.threshold < 0:
            errors.append(
                _error("threshold", gettext_noop("the threshold of %(code)s is negative"), code=tier.code)
            )
        seen_codes.add(tier.code)
        seen_ranks.add(tier.rank)
    open_tiers = [tier for tier in _ranked(tiers) if not tier.invitation_only]
    for lower, higher in pairwise(open_tiers):
        if higher.threshold < lower.threshold:
            errors.append(
                _error(
                    "threshold",
                    gettext_noop("%(higher)s ranks above %(lower)s but needs less to reach"),
                    higher=higher.code,
                    lower=lower.code,
                )
            )
    return errors


def tier_for(value: Decimal, tiers: Iterable[Tier], *, invited: frozenset[str] = frozenset()) -> Tier | None:
    """The highest tier whose threshold is at most `value`; invitation-only tiers only for the invited."""
    reached = [tier for tier in tiers if tier.threshold <= value and _holdable(tier, invited)]
    return _ranked(reached)[-1] if reached else None


def tier_after_activity(
    current: Tier | None,
    value_after: Decimal,
    tiers: Iterable[Tier],
    manual_floor: Tier | None = None,
    invited: frozenset[str] = frozenset(),
) -> Tier | None:
    """The tier after an activity that brought the qualifying value to `value_after`: up at once, never down.

    The activity that crosses a threshold counts (value_after includes it); a lower value waits for the
    review, so a return or a quiet month never demotes between reviews.
    """
    return _higher(current, tier_for(value_after, tiers, invited=invited), manual_floor)


def window_start(policy: TierPolicy, as_of: datetime, joined_at: datetime) -> datetime | None:
    """Where the qualifying window that ends at `as_of` starts; None for a lifetime window."""
    _require_aware(as_of, "as_of")
    match policy.window:
        case TierWindow.LIFETIME:
            return None
        case TierWindow.ROLLING:
            return as_of - timedelta(days=policy.window_days or 0)
        case TierWindow.CALENDAR_YEAR:
            return datetime(as_of.year, 1, 1, tzinfo=as_of.tzinfo)
        case TierWindow.ANNIVERSARY:
            joined = _require_aware(joined_at, "joined_at").astimezone(as_of.tzinfo)
            if as_of < joined:
                return joined
            last = _anniversary(joined, as_of.year)
            return last if last <= as_of else _anniversary(joined, as_of.year - 1)
    raise ValueError(f"unknown tier window {policy.window}")


def next_review_at(policy: TierPolicy, joined_at: datetime, as_of: datetime) -> datetime | None:
    """The member's next review strictly after `as_of` (see the module's docstring); None for lifetime."""
    _require_aware(as_of, "as_of")
    tz = as_of.tzinfo
    match policy.window:
        case TierWindow.LIFETIME:
            return None
        case TierWindow.CALENDAR_YEAR:
            return datetime(as_of.year + 1, 1, 1, tzinfo=tz)
        case TierWindow.ROLLING:
            year, month = (as_of.year + 1, 1) if as_of.month == 12 else (as_of.year, as_of.month + 1)
            return datetime(year, month, 1, tzinfo=tz)
        case TierWindow.ANNIVERSARY:
            joined = _require_aware(joined_at, "joined_at").astimezone(tz)
            upcoming = _anniversary(joined, max(as_of.year, joined.year))
            return upcoming if upcoming > as_of else _anniversary(joined, upcoming.year + 1)
    raise ValueError(f"unknown tier window {policy.window}")


def review(
    current: Tier | None,
    qualifying_value: Decimal,
    tiers: Iterable[Tier],
    policy: TierPolicy,
    manual_floor: Tier | None,
    invited: frozenset[str],
    review_at: datetime,
    below_since: datetime | None = None,
) -> ReviewOutcome:
    """The member's tier after the review at `review_at` of the value counted in the window.

    Call it at each review date, and again at a scheduled downgrade's `downgrade_effective_at` with the
    `below_since` the first call returned: a value that recovered by then cancels the downgrade.
    """
    tiers = tuple(tiers)
    earned = tier_for(qualifying_value, tiers, invited=invited)
    best = _higher(earned, manual_floor)
    if _rank(best) > _rank(current):
        return _outcome(best, ReviewDecision.UPGRADED, gettext_noop("upgraded to %(tier)s"))
    if current is None:
        return ReviewOutcome(None, ReviewDecision.NO_TIER, Explanation(gettext_noop("no tier reached")))
    if _rank(earned) >= current.rank:
        return _outcome(current, ReviewDecision.KEPT, gettext_noop("%(tier)s kept"))
    target = _higher(_downgrade_target(current, earned, tiers, policy, invited), manual_floor)
    if _rank(target) >= current.rank:
        return _outcome(
            current, ReviewDecision.HELD_BY_FLOOR, gettext_noop("%(tier)s kept: it was given by hand")
        )
    started = below_since or review_at
    effective = started + timedelta(days=policy.grace_days)
    if review_at < effective:
        reason = Explanation(
            gettext_noop("%(tier)s kept until %(date)s unless the qualification is reached again"),
            {"tier": current.name, "date": effective.date().isoformat()},
        )
        return ReviewOutcome(current, ReviewDecision.DOWNGRADE_SCHEDULED, reason, effective, started)
    reason = Explanation(
        gettext_noop("moved from %(old)s to %(new)s at the review"),
        {"old": current.name, "new": target.name if target else "-"},
    )
    return ReviewOutcome(target, ReviewDecision.DOWNGRADED, reason, review_at, None)


def progress(
    current: Tier | None,
    value: Decimal,
    tiers: Iterable[Tier],
    policy: TierPolicy,
    review_at: datetime | None,
    *,
    invited: frozenset[str] = frozenset(),
) -> Progress:
    """How far the member is from the next tier, and what keeping the current one needs by the review."""
    tiers = tuple(tiers)
    above = [t for t in _ranked(tiers) if t.rank > _rank(current) and _holdable(t, invited)]
    next_tier = above[0] if above else None
    needed = max(next_tier.threshold - value, Decimal(0)) if next_tier else None
    if current is None or policy.window == TierWindow.LIFETIME or review_at is None:
        return Progress(next_tier, needed, None, None)
    return Progress(next_tier, needed, max(current.threshold - value, Decimal(0)), review_at)


_TO_REACH = {
    TierBasis.POINTS: gettext_noop("%(needed)s more points to reach %(tier)s"),
    TierBasis.SPEND: gettext_noop("%(needed)s more to spend to reach %(tier)s"),
    TierBasis.VISITS: gettext_noop("%(needed)s more visits to reach %(tier)s"),
}
_TO_KEEP = {
    TierBasis.POINTS: gettext_noop("%(needed)s points needed by %(date)s to keep %(tier)s"),
    TierBasis.SPEND: gettext_noop("%(needed)s to spend by %(date)s to keep %(tier)s"),
    TierBasis.VISITS: gettext_noop("%(needed)s visits needed by %(date)s to keep %(tier)s"),
}


def progress_explanations(
    progress: Progress, current: Tier | None, basis: TierBasis
) -> tuple[Explanation, ...]:
    """The sentences a member sees: "X more to reach Gold", "Y needed by DATE to keep Gold"."""
    sentences: list[Explanation] = []
    if progress.next_tier is not None and progress.needed_for_next is not None:
        sentences.append(
            Explanation(
                _TO_REACH[basis],
                {"needed": decimal_text(progress.needed_for_next), "tier": progress.next_tier.name},
            )
        )
    if current is not None and progress.keep_needed and progress.keep_by is not None:
        sentences.append(
            Explanation(
                _TO_KEEP[basis],
                {
                    "needed": decimal_text(progress.keep_needed),
                    # The review's instant is the start of a day (1 January 00:00): the member has
                    # until the end of the day before it, and that is the date a person reads.
                    "date": (progress.keep_by - timedelta(microseconds=1)).date().isoformat(),
                    "tier": current.name,
                },
            )
        )
    return tuple(sentences)


def _downgrade_target(
    current: Tier, earned: Tier | None, tiers: tuple[Tier, ...], policy: TierPolicy, invited: frozenset[str]
) -> Tier | None:
    if policy.downgrade == Downgrade.RECOMPUTE:
        return earned
    below = [t for t in _ranked(tiers) if t.rank < current.rank and _holdable(t, invited)]
    # One level down, but never below what the value earns (it cannot be: earned ranks below current).
    return _higher(below[-1] if below else None, earned)


def _holdable(tier: Tier, invited: frozenset[str]) -> bool:
    return not tier.invitation_only or tier.code in invited


def _ranked(tiers: Iterable[Tier]) -> list[Tier]:
    return sorted(tiers, key=lambda tier: (tier.rank, tier.threshold, tier.code))


def _rank(tier: Tier | None) -> int | float:
    return tier.rank if tier is not None else float("-inf")


def _higher(*tiers: Tier | None) -> Tier | None:
    present = [tier for tier in tiers if tier is not None]
    return _ranked(present)[-1] if present else None


def _anniversary(joined: datetime, year: int) -> datetime:
    # Members who joined on 29 February celebrate on the 28th in other years: still in their month.
    day = 28 if joined.month == 2 and joined.day == 29 and not calendar.isleap(year) else joined.day
    return joined.replace(year=year, day=day)


def _outcome(tier: Tier | None, decision: ReviewDecision, template: str) -> ReviewOutcome:
    return ReviewOutcome(tier, decision, Explanation(template, {"tier": tier.name if tier else "-"}))


def _error(field: str, template: str, /, **params: str) -> ParamError:
    return ParamError(field, Explanation(template, params))


def _require_aware(moment: datetime, name: str) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must include a time zone")
    return moment
