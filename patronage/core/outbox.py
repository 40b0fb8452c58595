"""The one outbox of business events (points changed, tier changed, points expiring, ...).

Written inside the transaction of the change it reports, so an event exists exactly when its change
committed; the webhooks capability delivers them in id order. The key makes a retried cause write nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from patronage.core import clock
from patronage.core.models import OutboxEvent


def outbox_publish(*, topic: str, payload: dict[str, Any], key: str, at: datetime | None = None) -> bool:
    """Queues one event for delivery; False when an event with this key was already queued."""
    try:
        with transaction.atomic():
            OutboxEvent.objects.create(topic=topic, payload=payload, key=key, created_at=at or clock.now())
    except IntegrityError:
        return False
    return True
