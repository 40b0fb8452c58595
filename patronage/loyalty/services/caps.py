"""Cap bookkeeping: what each capped earn rule gave a member in the current cap period."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import F

from patronage.loyalty import rules
from patronage.loyalty.models import Account, CapUsage


def caps_use(
    *, account: Account, rule_set: list[rules.Rule], evaluation: rules.Evaluation, at: datetime
) -> None:
    """Counts what capped rules just gave toward their period's cap (inside the earning's transaction)."""
    capped = {
        rule.code: rule for rule in rule_set if rule.cap_points is not None and rule.cap_period is not None
    }
    tz = ZoneInfo(account.program.time_zone)
    for contribution in evaluation.contributions:
        rule = capped.get(contribution.rule_code)
        if rule is None or rule.cap_period is None or contribution.points <= 0:
            continue
        period = rules.cap_period_key(rule.cap_period, at, tz)
        usage, _created = CapUsage.objects.get_or_create(
            account=account, rule_code=rule.code, period_key=period
        )
        CapUsage.objects.filter(pk=usage.pk).update(points=F("points") + contribution.points)
