"""Reads that feed the earn-rule evaluation: a program's rules and settings as pure values, a member's
context (tier, what capped rules already gave), the simulator, and what a one-off event would earn a member."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from patronage.loyalty import hooks, rules
from patronage.loyalty.models import Account, CapUsage, EarnRule, Program
from patronage.loyalty.program_cache import program_cached
from patronage.loyalty.rules import (
    CapPeriod,
    Evaluation,
    MemberContext,
    ProgramEarnSettings,
    Purchase,
    Rounding,
    Rule,
    RuleKind,
)
from patronage.members.models import Member


def rule_of(rule: EarnRule) -> Rule:
    """The stored rule as the evaluator reads it."""
    return Rule(
        code=rule.code,
        name=rule.name,
        kind=RuleKind(rule.kind) if rule.kind in set(RuleKind) else rule.kind,  # type: ignore[arg-type]
        params=rule.params,
        priority=rule.priority,
        exclusive=rule.exclusive,
        stackable=rule.stackable,
        active_from=rule.active_from,
        active_to=rule.active_to,
        cap_points=rule.cap_points,
        cap_period=CapPeriod(rule.cap_period) if rule.cap_period in set(CapPeriod) else None,
    )


def program_rules(*, program: Program) -> list[Rule]:
    """The program's enabled earn rules, in the evaluator's order, each checked once (kept per revision)."""

    def load() -> tuple[Rule, ...]:
        enabled = EarnRule.objects.filter(program=program, enabled=True).order_by("priority", "code")
        return tuple(rules.rule_checked(rule_of(rule)) for rule in enabled)

    return list(program_cached("rules", program.pk, program.revision, load))


def earn_settings(*, program: Program) -> ProgramEarnSettings:
    return ProgramEarnSettings(
        rounding=Rounding(program.rounding),
        exclude_tax=program.exclude_tax,
        exclude_shipping=program.exclude_shipping,
        excluded_skus=frozenset(program.excluded_skus),
        time_zone=ZoneInfo(program.time_zone),
        currency=program.currency,
    )


def member_context(*, account: Account | None, rule_set: list[Rule], at: datetime) -> MemberContext:
    """The member's tier, segments (when a rule asks) and what each capped rule already gave them in the period `at` falls in."""
    if account is None:
        return MemberContext()
    tz = ZoneInfo(account.program.time_zone)
    periods = {
        rule.code: rules.cap_period_key(rule.cap_period, at, tz)
        for rule in rule_set
        if rule.cap_points is not None and rule.cap_period is not None
    }
    used: dict[tuple[str, str], int] = {}
    if periods:
        rows = CapUsage.objects.filter(account=account, rule_code__in=list(periods)).values_list(
            "rule_code", "period_key", "points"
        )
        used = {(code, key): points for code, key, points in rows if periods.get(code) == key}
    segments: frozenset[str] = frozenset()
    if any(rule.kind == RuleKind.SEGMENT for rule in rule_set):
        segments = hooks.member_segments([account.member_id]).get(account.member_id, frozenset())
    return MemberContext(
        tier=account.tier.code if account.tier else None, segments=segments, earned_in_period=used
    )


def purchase_simulate(*, program: Program, account: Account | None, purchase: Purchase) -> Evaluation:
    """What the purchase would earn this member now, rule by rule: exactly what recording it would book."""
    rule_set = program_rules(program=program)
    context = member_context(account=account, rule_set=rule_set, at=purchase.occurred_at)
    return rules.evaluate_purchase(purchase, rule_set, earn_settings(program=program), context)


def event_points(*, member: Member, event: str, at: datetime) -> int:
    """What the event (a referral, say) would earn the member at `at`: the most any program they can earn in
    gives, by its rules and their caps as they stand; 0 when no rule gives anything for it."""
    best = 0
    for program in Program.objects.filter(active=True).order_by("code"):
        rule_set = program_rules(program=program)
        if not any(rule.kind == RuleKind.EVENT and rule.params.get("event") == event for rule in rule_set):
            continue
        account = Account.objects.filter(program=program, member=member).select_related("program", "tier")
        context = member_context(account=account.first(), rule_set=rule_set, at=at)
        evaluation = rules.evaluate_event(event, at, rule_set, context, time_zone=ZoneInfo(program.time_zone))
        best = max(best, evaluation.total)
    return best


def evaluation_as_dict(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation as plain JSON, stored with the purchase and sent by the API."""
    return {
        "total": evaluation.total,
        "contributions": [
            {
                "rule": c.rule_code,
                "points": c.points,
                "explanation": c.explanation.as_dict(),
                "note": c.note.as_dict() if c.note else None,
            }
            for c in evaluation.contributions
        ],
        "skipped": [
            {"rule": s.rule_code, "explanation": s.explanation.as_dict()} for s in evaluation.skipped
        ],
    }
