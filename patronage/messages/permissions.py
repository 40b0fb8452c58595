"""What staff may do with the outgoing messages and webhooks, and which standard roles hold it at first."""

from __future__ import annotations

from patronage.core.roles import Role, RoleGrants

WEBHOOKS_MANAGE = "messaging.manage_webhooks"
INBOUND_RECEIVE = "messaging.receive_inbound_email"

ROLE_GRANTS: RoleGrants = {
    WEBHOOKS_MANAGE: {Role.ADMIN},
    INBOUND_RECEIVE: {Role.ADMIN},
}
