"""The messages loyalty sends to members (core.message_kinds; the messages app queues and sends them).

The expiry warning is a service message about the member's own account (points they are about to lose),
so it goes without marketing consent; it is the kind of notice a member may reasonably not want, though,
so it stops once they withdraw consent and carries the unsubscribe link (decision 0024).
"""

from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

from patronage.core.message_kinds import MessageKind, message_kind_register

POINTS_EXPIRING = message_kind_register(
    MessageKind(
        code="points_expiring",
        label=_("Points about to expire"),
        purpose="service",
        opt_out=True,
        recipient="member",
        variables={
            "program": "Hanbit Club",
            "points": 1200,
            "expires_at": datetime(2027, 3, 31, 14, 59, tzinfo=UTC),
        },
    )
)
TIER_CHANGED = message_kind_register(
    MessageKind(
        code="tier_changed",
        label=_("Tier changed"),
        purpose="service",
        recipient="member",
        variables={"program": "Hanbit Club", "tier": "Gold", "previous_tier": "Silver", "upgraded": True},
    )
)
