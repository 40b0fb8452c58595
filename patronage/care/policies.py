"""Which SLA policy a case falls under: the first in order whose conditions all hold, else the default."""

from __future__ import annotations

from decimal import Decimal

from patronage.care.hooks import member_value
from patronage.care.models import Case, Category, SlaPolicy
from patronage.loyalty.models import Account


def policy_for(case: Case) -> SlaPolicy | None:
    """The case's policy; None only when the business has no policy at all (nothing is measured)."""
    policies = list(SlaPolicy.objects.select_related("calendar").prefetch_related("categories"))
    facts = _Facts(case)
    for policy in policies:
        if policy.is_default or facts.match(policy):
            return policy
    return None


class _Facts:
    """The case's answers to the conditions, each looked up once and only when a policy asks."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._categories: set[int] | None = None
        self._tiers: set[str] | None = None
        self._value_known = False
        self._value: Decimal | None = None

    def match(self, policy: SlaPolicy) -> bool:
        case = self.case
        if policy.case_types and case.type not in policy.case_types:
            return False
        if policy.severities and case.severity not in policy.severities:
            return False
        if policy.channels and case.channel not in policy.channels:
            return False
        wanted = {c.pk for c in policy.categories.all()}
        if wanted and not wanted & self.categories():
            return False
        if policy.tiers and not set(policy.tiers) & self.tiers():
            return False
        if policy.min_predicted_value is not None:
            value = self.value()
            if value is None or value < policy.min_predicted_value:
                return False
        return True

    def categories(self) -> set[int]:
        """The case's category and its ancestors: a policy for "Delivery" covers "Delivery / Late"."""
        if self._categories is None:
            found: set[int] = set()
            category: Category | None = self.case.category
            while category is not None and category.pk not in found:
                found.add(category.pk)
                category = category.parent
            self._categories = found
        return self._categories

    def tiers(self) -> set[str]:
        if self._tiers is None:
            member_id = self.case.member_id
            self._tiers = (
                set(
                    Account.objects.filter(member_id=member_id, tier__isnull=False).values_list(
                        "tier__code", flat=True
                    )
                )
                if member_id
                else set()
            )
        return self._tiers

    def value(self) -> Decimal | None:
        if not self._value_known:
            member = self.case.member
            self._value = member_value(member) if member is not None else None
            self._value_known = True
        return self._value
