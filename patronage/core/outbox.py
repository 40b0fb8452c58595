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


def outbox_publish(
    *, topic: str, payload: dict[str, Any], key: str, at: datetime | None = None, new: bool = False
) -> bool:
    """Queues one event for delivery; False when an event with this key was already queued.

    `new` says the key cannot exist yet (its cause was created in this transaction): no savepoint is
    needed to survive a duplicate, which saves two round trips on the busiest path.
    """
    if new:
        OutboxEvent.objects.create(topic=topic, payload=payload, key=key, created_at=at or clock.now())
        return True
    try:
        with transaction.atomic():
            OutboxEvent.objects.create(topic=topic, payload=payload, key=key, created_at=at or clock.now())
    except IntegrityError:
        return False
    return True
