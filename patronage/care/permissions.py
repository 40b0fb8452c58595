"""What staff may do with cases, and which standard roles hold it at first."""

from __future__ import annotations

from patronage.core.roles import Role, RoleGrants

CASES_WORK = "care.work_cases"
CASES_LEAD = "care.lead_cases"
CARE_MANAGE = "care.manage_care"
SLA_MANAGE = "care.manage_sla"

ROLE_GRANTS: RoleGrants = {
    CASES_WORK: {Role.ADMIN, Role.SERVICE_AGENT, Role.SERVICE_LEAD, Role.ACCOUNT_MANAGER},
    CASES_LEAD: {Role.ADMIN, Role.SERVICE_LEAD},
    CARE_MANAGE: {Role.ADMIN, Role.SERVICE_LEAD},
    SLA_MANAGE: {Role.ADMIN, Role.SERVICE_LEAD},
}
