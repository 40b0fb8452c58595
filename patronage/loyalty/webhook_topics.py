"""The business events loyalty publishes to the outbox, for webhooks (see core.outbox.Topic)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patronage.core.outbox import Topic, topic_register

POINTS_CHANGED = topic_register(
    Topic(
        "points.changed",
        _("A member's points changed: earned, spent, adjusted, expired or taken back."),
        {
            "member": 1847,
            "program": "hanbit",
            "change": 37,
            "kind": "earn",
            "cause": "order:APP-000000001",
            "active": 1200,
            "pending": 37,
            "owed": 0,
            "at": "2026-12-01T15:00:00+00:00",
        },
    )
)
POINTS_EXPIRING = topic_register(
    Topic(
        "points.expiring",
        _("A member's points will expire soon (sent once per expiry date, ahead of it)."),
        {"member": 1847, "program": "hanbit", "points": 300, "expires_at": "2026-12-31T15:00:00+00:00"},
    )
)
TIER_CHANGED = topic_register(
    Topic(
        "tier.changed",
        _("A member moved to another tier, up or down."),
        {
            "member": 1847,
            "program": "hanbit",
            "from": "member",
            "to": "silver",
            "decision": "qualified",
            "at": "2026-12-01T15:00:00+00:00",
        },
    )
)
