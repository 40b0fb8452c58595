"""Earn rules as data, evaluated in one stated order: what a purchase or an event earns, and why.

No database here: the caller loads a program's rules and the member's context, and gets back every rule's
contribution or the reason it was skipped. The same function is the simulator ("what would this purchase
earn, and why"), so the console and the API show exactly what the ledger will book.

The order (the product's stated rule; there is no other):
1. Rules are taken by ascending priority, ties by code. Event rules take part only in `evaluate_event`,
   purchase rules only in `evaluate_purchase`.
2. A rule is skipped, with the reason, when its settings are invalid, when the time is outside its active
   window (active_from inclusive, active_to exclusive), or when its condition does not match (channel,
   store, tier, segment, lines, minimum spend).
3. A rule that is not stackable is skipped ("does not combine") when an earlier rule already contributed.
4. A rule's points are rounded to whole points by the program's rounding (down = floor, half_up) one rule
   at a time, so each contribution shown is the one booked.
5. A multiplier (channel, store, tier, campaign, segment) multiplies the sum contributed so far and contributes the
   difference: place it after the rules it should multiply.
6. A cap reduces a contribution to what is left of it in the cap period (day, month, year in the program's
   time zone, or lifetime), with a note; a rule with nothing left is skipped.
7. A rule that earns nothing is skipped and counts as not having contributed.
8. An exclusive rule that contributes ends the evaluation: later rules are skipped ("an exclusive rule
   applied first"). Exclusive and not stackable together mean "this rule alone".

Amounts: eligible spend is what was paid for the goods, without excluded products, and without tax and
shipping when the program excludes them (see `eligible_spend`); lines of excluded products earn nothing
from any rule, product and category rules included. Money is Decimal, points are int.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext_noop

from patronage.loyalty.explanation import Explanation, decimal_text
from patronage.loyalty.rules_params import (
    ParamError,
    RuleKind,
    decimal_param,
    int_param,
    names_param,
    rule_params_check,
    tier_multipliers,
)
from patronage.loyalty.rules_types import (
    CapPeriod,
    Contribution,
    Evaluation,
    Line,
    MemberContext,
    ProgramEarnSettings,
    Purchase,
    Rounding,
    Rule,
    Skipped,
    require_aware,
)

__all__ = [
    "CapPeriod",
    "Contribution",
    "Evaluation",
    "Line",
    "MemberContext",
    "ParamError",
    "ProgramEarnSettings",
    "Purchase",
    "Rounding",
    "Rule",
    "RuleKind",
    "Skipped",
    "cap_period_key",
    "clawback_points",
    "eligible_spend",
    "evaluate_event",
    "evaluate_purchase",
    "rule_check",
    "rule_checked",
    "rule_params_check",
]


# What a rule's own calculation gives: points and why, or the reason it does not apply.
_Outcome = tuple[int, Explanation] | Explanation
_Compute = Callable[[Rule, int], _Outcome]

# One sentence per period and per standard event, so each reads naturally once translated.
_CAPPED = {
    CapPeriod.DAY: gettext_noop(
        "capped to %(left)d: at most %(cap)d points per day, %(used)d already earned"
    ),
    CapPeriod.MONTH: gettext_noop(
        "capped to %(left)d: at most %(cap)d points per month, %(used)d already earned"
    ),
    CapPeriod.YEAR: gettext_noop(
        "capped to %(left)d: at most %(cap)d points per year, %(used)d already earned"
    ),
    CapPeriod.LIFETIME: gettext_noop(
        "capped to %(left)d: at most %(cap)d points in all, %(used)d already earned"
    ),
}
_EVENT_TEMPLATES = {
    "signup": gettext_noop("%(points)d points for signing up"),
    "birthday": gettext_noop("%(points)d points for the birthday"),
    "referral": gettext_noop("%(points)d points for a referral"),
    "survey_answered": gettext_noop("%(points)d points for answering a survey"),
}
_CUSTOM_EVENT = gettext_noop("%(points)d points for the %(event)s event")

EXCLUSIVE_FIRST = Explanation(gettext_noop("an exclusive rule applied first"))
DOES_NOT_COMBINE = Explanation(gettext_noop("does not combine with the rules applied before it"))
EARNS_NOTHING = Explanation(gettext_noop("earns no points here"))


def rule_check(rule: Rule) -> list[ParamError]:
    """Every problem with a rule as a whole (settings, window, cap), each naming its field."""
    errors = rule_params_check(rule.kind, rule.params)
    for name in ("active_from", "active_to"):
        moment = getattr(rule, name)
        if moment is not None and moment.utcoffset() is None:
            errors.append(ParamError(name, Explanation(gettext_noop("must include a time zone"))))
        elif moment is None and rule.kind == RuleKind.CAMPAIGN:
            errors.append(ParamError(name, Explanation(gettext_noop("a campaign needs a start and an end"))))
    if not errors and rule.active_from and rule.active_to and rule.active_from >= rule.active_to:
        errors.append(ParamError("active_to", Explanation(gettext_noop("must be after the start"))))
    errors += _cap_check(rule)
    return errors


def rule_checked(rule: Rule) -> Rule:
    """The rule with its problems found once, for evaluating many purchases with it."""
    return replace(rule, problems=tuple(rule_check(rule)))


def _cap_check(rule: Rule) -> list[ParamError]:
    if rule.cap_points is None:
        if rule.cap_period:
            return [ParamError("cap_points", Explanation(gettext_noop("a cap period needs a cap")))]
        return []
    if isinstance(rule.cap_points, bool) or not isinstance(rule.cap_points, int) or rule.cap_points <= 0:
        return [
            ParamError("cap_points", Explanation(gettext_noop("must be a whole number greater than zero")))
        ]
    if rule.cap_period not in set(CapPeriod):
        return [ParamError("cap_period", Explanation(gettext_noop("must be day, month, year or lifetime")))]
    return []


def cap_period_key(period: CapPeriod | str, at: datetime, tz: tzinfo) -> str:
    """The period `at` falls in, on the program's calendar: day:2026-11-23, month:2026-11, year:2026."""
    local = require_aware(at, "at").astimezone(tz)
    match CapPeriod(period):
        case CapPeriod.DAY:
            return f"day:{local.date().isoformat()}"
        case CapPeriod.MONTH:
            return f"month:{local.year:04d}-{local.month:02d}"
        case CapPeriod.YEAR:
            return f"year:{local.year:04d}"
        case CapPeriod.LIFETIME:
            return "lifetime"


def eligible_spend(purchase: Purchase, settings: ProgramEarnSettings) -> Decimal:
    """The spend that earns points; never negative.

    Without lines it is the amount less tax and shipping where the program excludes them. With lines it
    is the lines of products not excluded, plus tax and shipping where the program counts them, but never
    more than was paid: an order-level discount does not earn points on the undiscounted price.
    """
    paid = purchase.amount
    paid -= purchase.tax if settings.exclude_tax else 0
    paid -= purchase.shipping if settings.exclude_shipping else 0
    if not purchase.lines:
        return max(paid, Decimal(0))
    goods = sum((line.amount for line in _eligible_lines(purchase, settings)), Decimal(0))
    goods += 0 if settings.exclude_tax else purchase.tax
    goods += 0 if settings.exclude_shipping else purchase.shipping
    return max(min(goods, paid), Decimal(0))


def _eligible_lines(purchase: Purchase, settings: ProgramEarnSettings) -> tuple[Line, ...]:
    return tuple(line for line in purchase.lines if line.sku not in settings.excluded_skus)


def evaluate_purchase(
    purchase: Purchase, rules: Iterable[Rule], settings: ProgramEarnSettings, context: MemberContext
) -> Evaluation:
    """What `purchase` earns this member under `rules`, rule by rule, in the stated order."""
    if settings.currency is not None and purchase.currency != settings.currency:
        raise ValueError(f"the purchase is in {purchase.currency}, the program counts {settings.currency}")
    facts = _Facts(purchase, settings, context, eligible_spend(purchase, settings))
    purchase_rules = [rule for rule in rules if rule.kind != RuleKind.EVENT]

    def compute(rule: Rule, so_far: int) -> _Outcome:
        return _PURCHASE_KINDS[RuleKind(rule.kind)](rule, facts, so_far)

    return _evaluate(purchase_rules, purchase.occurred_at, context, settings.time_zone, compute)


def evaluate_event(
    event_name: str, at: datetime, rules: Iterable[Rule], context: MemberContext, *, time_zone: tzinfo = UTC
) -> Evaluation:
    """What a one-off event (signup, birthday, referral, survey_answered, custom:<name>) earns at `at`."""
    require_aware(at, "at")
    event_rules = [
        rule for rule in rules if rule.kind == RuleKind.EVENT and rule.params.get("event") == event_name
    ]

    def compute(rule: Rule, so_far: int) -> _Outcome:
        points = int_param(rule.params, "points")
        template = _EVENT_TEMPLATES.get(event_name, _CUSTOM_EVENT)
        return points, Explanation(template, {"points": points, "event": event_name.removeprefix("custom:")})

    return _evaluate(event_rules, at, context, time_zone, compute)


def _evaluate(
    rules: list[Rule], at: datetime, context: MemberContext, tz: tzinfo, compute: _Compute
) -> Evaluation:
    contributions: list[Contribution] = []
    skipped: list[Skipped] = []
    ordered = sorted(rules, key=lambda rule: (rule.priority, rule.code))
    for index, rule in enumerate(ordered):
        reason = _precondition(rule, at, bool(contributions))
        outcome = reason or compute(rule, sum(c.points for c in contributions))
        if isinstance(outcome, Explanation):
            skipped.append(Skipped(rule.code, outcome))
            continue
        points, explanation = outcome
        capped, note = _apply_cap(rule, points, context, at, tz)
        if capped == 0:
            skipped.append(Skipped(rule.code, note or EARNS_NOTHING))
            continue
        contributions.append(Contribution(rule.code, capped, explanation, note))
        if rule.exclusive:
            skipped += [Skipped(later.code, EXCLUSIVE_FIRST) for later in ordered[index + 1 :]]
            break
    return Evaluation(sum(c.points for c in contributions), tuple(contributions), tuple(skipped))


def _precondition(rule: Rule, at: datetime, anything_before: bool) -> Explanation | None:
    errors = rule.problems if rule.problems is not None else rule_check(rule)
    if errors:
        return Explanation(
            gettext_noop("the rule's settings are invalid (%(fields)s)"),
            {"fields": ", ".join(sorted({error.field for error in errors}))},
        )
    if rule.active_from is not None and at < rule.active_from:
        return Explanation(gettext_noop("starts on %(start)s"), {"start": rule.active_from.isoformat()})
    if rule.active_to is not None and at >= rule.active_to:
        return Explanation(gettext_noop("ended on %(end)s"), {"end": rule.active_to.isoformat()})
    if not rule.stackable and anything_before:
        return DOES_NOT_COMBINE
    return None


def _apply_cap(
    rule: Rule, points: int, context: MemberContext, at: datetime, tz: tzinfo
) -> tuple[int, Explanation | None]:
    # Only what a rule gives is capped; a multiplier below 1 takes away, and that is never capped.
    if rule.cap_points is None or rule.cap_period is None or points <= 0:
        return points, None
    used = context.earned_in_period.get((rule.code, cap_period_key(rule.cap_period, at, tz)), 0)
    left = max(rule.cap_points - used, 0)
    if points <= left:
        return points, None
    note = Explanation(
        _CAPPED[CapPeriod(rule.cap_period)], {"left": left, "cap": rule.cap_points, "used": used}
    )
    return left, note


@dataclass(frozen=True)
class _Facts:
    purchase: Purchase
    settings: ProgramEarnSettings
    context: MemberContext
    spend: Decimal

    def whole(self, points: Decimal) -> int:
        mode = ROUND_FLOOR if self.settings.rounding == Rounding.DOWN else ROUND_HALF_UP
        return int(points.to_integral_value(rounding=mode))


_ON_SPEND = gettext_noop(
    "%(points)d points: %(rate)d per %(per)s %(currency)s of eligible spend (%(amount)s %(currency)s)"
)
_ON_LINES = gettext_noop(
    "%(points)d points: %(rate)d per %(per)s %(currency)s on matching lines (%(amount)s %(currency)s)"
)


def _rate(rule: Rule, facts: _Facts, amount: Decimal, template: str = _ON_SPEND) -> _Outcome:
    rate, per = int_param(rule.params, "points"), decimal_param(rule.params, "per")
    points = facts.whole(rate * amount / per)
    params: dict[str, str | int] = {
        "points": points,
        "rate": rate,
        "per": decimal_text(per),
        "currency": facts.purchase.currency,
        "amount": decimal_text(amount),
    }
    return points, Explanation(template, params)


def _multiply(facts: _Facts, so_far: int, multiplier: Decimal) -> _Outcome:
    if so_far == 0:
        return Explanation(gettext_noop("nothing earned before it to multiply"))
    points = facts.whole(so_far * (multiplier - 1))
    explanation = Explanation(
        gettext_noop("%(points)d points: x%(multiplier)s on the %(base)d points earned before it"),
        {"points": points, "multiplier": decimal_text(multiplier), "base": so_far},
    )
    return points, explanation


def _rate_or_multiplier(rule: Rule, facts: _Facts, so_far: int) -> _Outcome:
    if "multiplier" in rule.params:
        return _multiply(facts, so_far, decimal_param(rule.params, "multiplier"))
    return _rate(rule, facts, facts.spend)


def _spend(rule: Rule, facts: _Facts, so_far: int) -> _Outcome:
    return _rate(rule, facts, facts.spend)


def _lines(rule: Rule, facts: _Facts, attribute: str, listed: str) -> _Outcome:
    wanted = names_param(rule.params, listed)
    lines = [
        line for line in _eligible_lines(facts.purchase, facts.settings) if getattr(line, attribute) in wanted
    ]
    if not lines:
        return Explanation(gettext_noop("no line of the purchase matches"))
    if "points_per_unit" not in rule.params:
        return _rate(rule, facts, sum((line.amount for line in lines), Decimal(0)), _ON_LINES)
    each = int_param(rule.params, "points_per_unit")
    units = sum((line.quantity for line in lines), Decimal(0))
    points = facts.whole(each * units)
    return points, Explanation(
        gettext_noop("%(points)d points: %(each)d per unit on %(units)s matching units"),
        {"points": points, "each": each, "units": decimal_text(units)},
    )


def _product(rule: Rule, facts: _Facts, so_far: int) -> _Outcome:
    return _lines(rule, facts, "sku", "skus")


def _category(rule: Rule, facts: _Facts, so_far: int) -> _Outcome:
    return _lines(rule, facts, "category", "categories")


def _channel(rule: Rule, facts: _Facts, so_far: int) -> _Outcome:
    channel = facts.purchase.channel
    if channel is None or channel not in names_param(rule.params, "channels"):
        return Explanation(gettext_noop("the channel %(channel)s is not listed"), {"channel": channel or "-"})
    return _rate_or_multiplier(rule, facts, so_far)


def _store(rule: Rule, facts: _Facts, so_far: int) -> _Outcome:
    store = facts.purchase.store
    if store is None or store not in names_param(rule.params, "stores"):
        return Explanation(gettext_noop("the store %(store)s is not listed"), {"store": store or "-"})
    return _rate_or_multiplier(rule, facts, so_far)


def _tier(rule: Rule, facts: _Facts, so_far: int) -> _Outcome:
    tier = facts.context.tier
    multipliers = tier_multipliers(rule.params)
    if tier is None or tier not in multipliers:
        return Explanation(gettext_noop("the member's tier %(tier)s is not listed"), {"tier": tier or "-"})
    return _multiply(facts, so_far, multipliers[tier])


def _segment(rule: Rule, facts: _Facts, so_far: int) -> _Outcome:
    segment = str(rule.params["segment"])
    if segment not in facts.context.segments:
        return Explanation(gettext_noop("the member is not in the segment %(segment)s"), {"segment": segment})
    return _terms(rule, facts, so_far)


def _terms(rule: Rule, facts: _Facts, so_far: int) -> _Outcome:
    """A campaign's terms: a minimum spend, then a bonus, a rate or a multiplier."""
    if "min_spend" in rule.params and facts.spend < (minimum := decimal_param(rule.params, "min_spend")):
        return Explanation(
            gettext_noop("eligible spend %(spend)s is below the minimum of %(minimum)s"),
            {"spend": decimal_text(facts.spend), "minimum": decimal_text(minimum)},
        )
    if "bonus" in rule.params:
        bonus = int_param(rule.params, "bonus")
        return bonus, Explanation(gettext_noop("%(points)d bonus points for the purchase"), {"points": bonus})
    return _rate_or_multiplier(rule, facts, so_far)


_PURCHASE_KINDS: dict[RuleKind, Callable[[Rule, _Facts, int], _Outcome]] = {
    RuleKind.SPEND: _spend,
    RuleKind.PRODUCT: _product,
    RuleKind.CATEGORY: _category,
    RuleKind.CHANNEL: _channel,
    RuleKind.STORE: _store,
    RuleKind.TIER_MULTIPLIER: _tier,
    RuleKind.CAMPAIGN: _terms,
    RuleKind.SEGMENT: _segment,
}


def clawback_points(
    earned: int,
    purchase_amount: Decimal,
    returned_amount: Decimal,
    already_clawed: int,
    *,
    already_returned: Decimal,
) -> int:
    """The points a return of `returned_amount` takes back from a purchase that earned `earned`.

    Proportional to the value returned so far, counted cumulatively: after returns worth R in all, the
    purchase has given back floor(earned * R / amount). Each return takes the difference from what earlier
    returns took (`already_clawed`), so any sequence of partial returns takes at most `earned`, and the
    return that brings R to the whole amount takes exactly what is left. Rounding down per step instead
    would leave points behind; rounding up would take them early. Over-returns count as the whole amount.
    """
    if min(earned, already_clawed) < 0 or min(purchase_amount, returned_amount, already_returned) < 0:
        raise ValueError("points and amounts of a return cannot be negative")
    left = max(earned - already_clawed, 0)
    if purchase_amount == 0:
        return left  # nothing to be proportional to: a return of a free purchase takes what it earned
    returned = min(already_returned + returned_amount, purchase_amount)
    # Fraction, not Decimal: exact, so returning everything gives exactly `earned` at any size.
    owed_so_far = math.floor(Fraction(earned) * Fraction(returned) / Fraction(purchase_amount))
    return min(max(owed_so_far - already_clawed, 0), left)
