"""Staff roles and what each may do. Pages and API endpoints check a permission, never a role name."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PROGRAM_MANAGER = "program_manager", _("Program manager")
    SERVICE_AGENT = "service_agent", _("Service agent")
    SERVICE_LEAD = "service_lead", _("Service lead")
    ANALYST = "analyst", _("Analyst")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    MEMBER = "member", _("Member")


STAFF_ROLES = frozenset(role for role in Role if role is not Role.MEMBER)


class Perm:
    """Permission names; each maps to the roles that hold it in ROLE_PERMISSIONS."""

    MEMBERS_VIEW = "members.view"
    MEMBERS_EDIT = "members.edit"
    MEMBERS_IMPORT = "members.import"
    MEMBERS_MERGE = "members.merge"
    MEMBERS_PRIVACY = "members.privacy"
    AUDIT_VIEW = "audit.view"
    STAFF_MANAGE = "staff.manage"
    LOYALTY_VIEW = "loyalty.view"
    LOYALTY_ADJUST = "loyalty.adjust"
    LOYALTY_CONFIGURE = "loyalty.configure"
    ANALYTICS_VIEW = "analytics.view"


_EVERY_STAFF_ROLE: set[Role] = set(STAFF_ROLES)
ROLE_PERMISSIONS: dict[str, set[Role]] = {
    Perm.MEMBERS_VIEW: _EVERY_STAFF_ROLE,
    Perm.MEMBERS_EDIT: {
        Role.ADMIN,
        Role.PROGRAM_MANAGER,
        Role.SERVICE_AGENT,
        Role.SERVICE_LEAD,
        Role.ACCOUNT_MANAGER,
    },
    Perm.MEMBERS_IMPORT: {Role.ADMIN, Role.PROGRAM_MANAGER},
    Perm.MEMBERS_MERGE: {Role.ADMIN, Role.SERVICE_LEAD, Role.PROGRAM_MANAGER},
    Perm.MEMBERS_PRIVACY: {Role.ADMIN},
    Perm.AUDIT_VIEW: {Role.ADMIN, Role.SERVICE_LEAD},
    Perm.STAFF_MANAGE: {Role.ADMIN},
    Perm.LOYALTY_VIEW: _EVERY_STAFF_ROLE,
    Perm.LOYALTY_ADJUST: {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD, Role.SERVICE_AGENT},
    Perm.LOYALTY_CONFIGURE: {Role.ADMIN, Role.PROGRAM_MANAGER},
    Perm.ANALYTICS_VIEW: {Role.ADMIN, Role.ANALYST},
}


def role_has(role: str, permission: str) -> bool:
    return role in ROLE_PERMISSIONS.get(permission, set())
