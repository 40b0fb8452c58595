"""What staff may do with the analyses, and which standard roles hold it at first.

Each analysis is for the people whose work it serves: the analyses of customers (loyalty, lifetime
value, deal-seekers, churn) for program managers, the service analyses (complaint outcomes and response
speed, what-if studies of service projects) for service leads. `view_analytics` stays what it always
was, every analysis, so that anyone who could see one still can, in the standard groups and in any
group an administrator made; an analysis added later is for it alone until it is given a family here.
Seeing an analysis includes recomputing it and exporting its per-customer scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from patronage.core.roles import Role, RoleGrants

ANALYTICS_VIEW = "analytics.view_analytics"  # every analysis
ANALYTICS_VIEW_CUSTOMERS = "analytics.view_customer_analyses"
ANALYTICS_VIEW_SERVICE = "analytics.view_service_analyses"

# Whoever holds any one of these sees at least one analysis (the Analytics link, home and methods).
ANALYTICS_ANY: tuple[str, ...] = (ANALYTICS_VIEW, ANALYTICS_VIEW_CUSTOMERS, ANALYTICS_VIEW_SERVICE)
# A customer's own scores (lifetime value, churn risk), wherever a page shows them.
CUSTOMER_SCORES_VIEW: tuple[str, ...] = (ANALYTICS_VIEW, ANALYTICS_VIEW_CUSTOMERS)
SERVICE_ANALYSES_VIEW: tuple[str, ...] = (ANALYTICS_VIEW, ANALYTICS_VIEW_SERVICE)

# Each kind of analysis (`AnalysisKind`'s values) and the permissions any one of which opens it.
KIND_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "clv": CUSTOMER_SCORES_VIEW,
    "churn": CUSTOMER_SCORES_VIEW,
    "loyalty": CUSTOMER_SCORES_VIEW,
    "deal_seekers": CUSTOMER_SCORES_VIEW,
    "service": SERVICE_ANALYSES_VIEW,
    "whatif": SERVICE_ANALYSES_VIEW,
}

ROLE_GRANTS: RoleGrants = {
    ANALYTICS_VIEW: {Role.ADMIN, Role.ANALYST},
    ANALYTICS_VIEW_CUSTOMERS: {Role.PROGRAM_MANAGER},
    ANALYTICS_VIEW_SERVICE: {Role.SERVICE_LEAD},
}


class StaffUser(Protocol):
    def has_staff_perm(self, permission: str) -> bool: ...


def analysis_permissions(kind: str) -> tuple[str, ...]:
    """The permissions that open an analysis of `kind`, any one of them; `view_analytics` alone for an unknown kind."""
    return KIND_PERMISSIONS.get(kind, (ANALYTICS_VIEW,))


def analysis_allowed(user: StaffUser, kind: str) -> bool:
    """Whether the user's groups let them see (and recompute, and export) analyses of `kind`."""
    return any(user.has_staff_perm(permission) for permission in analysis_permissions(kind))


def analysis_kinds_allowed(user: StaffUser, kinds: Iterable[str]) -> list[str]:
    """Those of `kinds` the user may see, in the order given."""
    return [kind for kind in kinds if analysis_allowed(user, kind)]
