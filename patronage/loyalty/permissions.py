"""What staff may do with the loyalty programmes, and which standard roles hold it at first.

Adjusting points comes in three sizes: anyone who may adjust moves up to 1,000 points at a time,
up to 10,000 with the large permission, and any number with the unlimited one. Without the unlimited
permission, no one moves more than the program's own ceiling (Program.adjustment_ceiling).
"""

from __future__ import annotations

from patronage.core.roles import EVERY_ROLE, Role, RoleGrants

LOYALTY_VIEW = "loyalty.view_loyalty"
LOYALTY_ADJUST = "loyalty.adjust_points"
LOYALTY_ADJUST_LARGE = "loyalty.adjust_points_large"
LOYALTY_ADJUST_UNLIMITED = "loyalty.adjust_points_unlimited"
LOYALTY_CONFIGURE = "loyalty.configure_programs"

ROLE_GRANTS: RoleGrants = {
    LOYALTY_VIEW: EVERY_ROLE,
    LOYALTY_ADJUST: {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD, Role.SERVICE_AGENT},
    LOYALTY_ADJUST_LARGE: {Role.ADMIN, Role.PROGRAM_MANAGER, Role.SERVICE_LEAD},
    LOYALTY_ADJUST_UNLIMITED: {Role.ADMIN, Role.PROGRAM_MANAGER},
    LOYALTY_CONFIGURE: {Role.ADMIN, Role.PROGRAM_MANAGER},
}
