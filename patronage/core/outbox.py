"""The one outbox of business events (points changed, tier changed, points expiring, ...).

Written inside the transaction of the change it reports, so an event exists exactly when its change
committed; the webhooks capability delivers them in id order. The key makes a retried cause write nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.functional import Promise

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


@dataclass(frozen=True)
class Topic:
    """A kind of business event integrators may subscribe a webhook to (its name is the event's `topic`).

    Each app registers the topics it publishes (in its `webhook_topics` module, imported from `ready()`),
    with a sentence for the console and an example payload for the API guide.
    """

    name: str
    description: str | Promise
    example: Mapping[str, Any] = field(default_factory=dict)


_TOPICS: dict[str, Topic] = {}


def topic_register(topic: Topic) -> Topic:
    """Declares a topic an app publishes; registering one name twice is a programming error."""
    if topic.name in _TOPICS:
        raise ValueError(f"webhook topic {topic.name!r} is registered twice")
    _TOPICS[topic.name] = topic
    return topic


def topics() -> dict[str, Topic]:
    """Every topic the product publishes, by name, sorted."""
    return dict(sorted(_TOPICS.items()))
