"""What staff may do with the analyses, and which standard roles hold it at first."""

from __future__ import annotations

from patronage.core.roles import Role, RoleGrants

ANALYTICS_VIEW = "analytics.view_analytics"

ROLE_GRANTS: RoleGrants = {ANALYTICS_VIEW: {Role.ADMIN, Role.ANALYST}}
