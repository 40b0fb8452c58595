"""What staff may do with core records: the audit log, staff accounts and API keys, the business's settings."""

from __future__ import annotations

from patronage.core.roles import Role, RoleGrants

AUDIT_VIEW = "core.view_audit_log"
STAFF_MANAGE = "core.manage_staff"
BUSINESS_MANAGE = "core.manage_business"

ROLE_GRANTS: RoleGrants = {
    AUDIT_VIEW: {Role.ADMIN, Role.SERVICE_LEAD},
    STAFF_MANAGE: {Role.ADMIN},
    BUSINESS_MANAGE: {Role.ADMIN},
}
