"""The business events segments publish to the outbox, for webhooks (see core.outbox.Topic)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patronage.core.outbox import Topic, topic_register

SEGMENT_ENTERED = topic_register(
    Topic(
        "segment.entered",
        _("A customer's change put them in a segment (not sent for a new segment's first members)."),
        {"segment": "vip-seoul", "member": 1042, "at": "2026-12-07T09:30:00+00:00"},
    )
)
SEGMENT_LEFT = topic_register(
    Topic(
        "segment.left",
        _("A customer's change, or time passing, took them out of a segment."),
        {"segment": "vip-seoul", "member": 1042, "at": "2026-12-07T09:30:00+00:00"},
    )
)
INFORMATION_PUBLISHED = topic_register(
    Topic(
        "information.published",
        _("An information item became visible to members (its publication time came)."),
        {
            "item": "new-pans",
            "kind": "product",
            "topics": ["kitchen"],
            "segment": None,
            "published_at": "2026-12-07T09:30:00+00:00",
        },
    )
)
