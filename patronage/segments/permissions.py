"""What staff may do with segments, and which standard roles hold it at first."""

from __future__ import annotations

from patronage.core.roles import Role, RoleGrants

SEGMENTS_MANAGE = "segments.manage_segments"
SEGMENTS_VIEW = "segments.view_segments"
CAMPAIGNS_SEND = "segments.send_campaigns"
EVENTS_MANAGE = "segments.manage_events"

ROLE_GRANTS: RoleGrants = {
    SEGMENTS_MANAGE: {Role.ADMIN, Role.PROGRAM_MANAGER},
    SEGMENTS_VIEW: {Role.ADMIN, Role.PROGRAM_MANAGER, Role.ANALYST, Role.ACCOUNT_MANAGER},
    CAMPAIGNS_SEND: {Role.ADMIN, Role.PROGRAM_MANAGER},
    EVENTS_MANAGE: {Role.ADMIN, Role.PROGRAM_MANAGER, Role.ACCOUNT_MANAGER},
}
