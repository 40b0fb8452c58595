"""What staff may do with service standards and scorecards, and which standard roles hold it at first.

Scorecards are for performance reviews: everyone sees their own, a lead the teams they lead (care.Team.lead),
an administrator all of them.
"""

from __future__ import annotations

from patronage.core.roles import Role, RoleGrants

STANDARDS_MANAGE = "standards.manage_standards"
MEASUREMENTS_ADD = "standards.add_measurements"
STANDARDS_VIEW = "standards.view_standards"
SCORECARD_OWN = "standards.view_own_scorecard"
SCORECARDS_TEAM = "standards.view_team_scorecards"
SCORECARDS_ALL = "standards.view_all_scorecards"

ROLE_GRANTS: RoleGrants = {
    STANDARDS_MANAGE: {Role.ADMIN, Role.SERVICE_LEAD},
    MEASUREMENTS_ADD: {Role.ADMIN, Role.SERVICE_LEAD},
    STANDARDS_VIEW: {Role.ADMIN, Role.SERVICE_LEAD, Role.SERVICE_AGENT, Role.ANALYST, Role.PROGRAM_MANAGER},
    SCORECARD_OWN: {Role.ADMIN, Role.SERVICE_LEAD, Role.SERVICE_AGENT},
    SCORECARDS_TEAM: {Role.ADMIN, Role.SERVICE_LEAD},
    SCORECARDS_ALL: {Role.ADMIN},
}
