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
REWARD_REDEEMED = topic_register(
    Topic(
        "reward.redeemed",
        _("A member spent points on a reward, or as money off (then the reward is null)."),
        {
            "member": 1847,
            "program": "hanbit",
            "redemption": 5120,
            "reward": "coffee-voucher",
            "points": 300,
            "at": "2026-12-01T15:00:00+00:00",
        },
    )
)
REDEMPTION_CANCELLED = topic_register(
    Topic(
        "redemption.cancelled",
        _("A redemption was cancelled: its points went back to the member and its reward back in stock."),
        {
            "member": 1847,
            "program": "hanbit",
            "redemption": 5120,
            "reward": "coffee-voucher",
            "points": 300,
            "at": "2026-12-02T09:30:00+00:00",
        },
    )
)
BENEFIT_GRANTED = topic_register(
    Topic(
        "benefit.granted",
        _(
            "A member was given a benefit, with their tier or by hand, to use a number of times between two dates."
        ),
        {
            "member": 1847,
            "program": "hanbit",
            "grant": 904,
            "benefit": "free-delivery",
            "quantity": 2,
            "valid_from": "2026-12-01T15:00:00+00:00",
            "valid_to": "2027-01-01T00:00:00+00:00",
            "source": "tier:gold:2026-12",
            "at": "2026-12-01T15:00:00+00:00",
        },
    )
)
