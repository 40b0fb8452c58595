"""What staff may do with the customer file, and which standard roles hold it at first."""

from __future__ import annotations

from patronage.core.roles import EVERY_ROLE, Role, RoleGrants

MEMBERS_VIEW = "members.view_customers"
MEMBERS_EDIT = "members.edit_customers"
MEMBERS_IMPORT = "members.import_members"
MEMBERS_MERGE = "members.merge_members"
MEMBERS_PRIVACY = "members.handle_personal_data"
MEMBERS_EXPORT = "members.export_customers"

ROLE_GRANTS: RoleGrants = {
    MEMBERS_VIEW: EVERY_ROLE,
    MEMBERS_EDIT: EVERY_ROLE - {Role.ANALYST},
    MEMBERS_IMPORT: {Role.ADMIN, Role.PROGRAM_MANAGER},
    MEMBERS_MERGE: {Role.ADMIN, Role.SERVICE_LEAD, Role.PROGRAM_MANAGER},
    MEMBERS_PRIVACY: {Role.ADMIN},
    # The list with e-mails and cards leaves the product in bulk: those who also bring customers in.
    MEMBERS_EXPORT: {Role.ADMIN, Role.PROGRAM_MANAGER},
}
