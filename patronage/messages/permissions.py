"""What staff may do with the outgoing messages and webhooks, and which standard roles hold it at first."""

from __future__ import annotations

from patronage.core.roles import Role, RoleGrants

WEBHOOKS_MANAGE = "messaging.manage_webhooks"
MESSAGES_MANAGE = "messaging.manage_messages"
INBOUND_RECEIVE = "messaging.receive_inbound_email"

ROLE_GRANTS: RoleGrants = {
    WEBHOOKS_MANAGE: {Role.ADMIN},
    MESSAGES_MANAGE: {Role.ADMIN, Role.PROGRAM_MANAGER},
    INBOUND_RECEIVE: {Role.ADMIN},
}
