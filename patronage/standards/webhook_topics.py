"""The business events standards publish to the outbox, for webhooks (see core.outbox.Topic)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patronage.core.outbox import Topic, topic_register

STANDARD_BREACHED = topic_register(
    Topic(
        "standard.breached",
        _("A service standard's measurements passed its minimum in a period (once per standard and period)."),
        {
            "standard": "phone-rings",
            "period": "week",
            "period_start": "2026-11-30",
            "count": 1240,
            "meeting_target_share": 0.91,
            "below_minimum_share": 0.012,
        },
    )
)
