"""What staff may do with surveys, and which standard roles hold it at first."""

from __future__ import annotations

from patronage.core.roles import Role, RoleGrants

SURVEYS_MANAGE = "feedback.manage_surveys"
RESULTS_VIEW = "feedback.view_results"

ROLE_GRANTS: RoleGrants = {
    SURVEYS_MANAGE: {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD},
    RESULTS_VIEW: {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD, Role.ANALYST, Role.ACCOUNT_MANAGER},
}
