"""A webhook endpoint with deliveries in each state, for the console's webhook pages and their pictures."""

from __future__ import annotations

from patronage.core.models import User
from patronage.core.outbox import outbox_publish
from patronage.messages import webhook_services
from patronage.messages.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

RECEIVER = "https://pos.example.com/hooks/patronage"


def endpoint_with_deliveries(
    *, actor: User | None = None, url: str = RECEIVER, description: str = "Point of sale, all stores"
) -> tuple[WebhookEndpoint, str]:
    """An endpoint for points and tiers with three deliveries of its own events: delivered, failed and
    pending (and those of the events already in the outbox); and its secret."""
    endpoint, secret = webhook_services.endpoint_create(
        actor=actor, url=url, topics=["points.changed", "tier.changed"], description=description
    )
    for number, topic in enumerate(("points.changed", "tier.changed", "points.changed")):
        outbox_publish(
            topic=topic,
            payload={"member": 1847, "program": "hanbit", "n": number},
            key=f"webhook-setup:{endpoint.pk}:{number}",
        )
    while webhook_services.events_fan_out():  # the events before these too, a thousand at a time
        pass
    ours = WebhookDelivery.objects.filter(
        endpoint=endpoint, event__key__startswith=f"webhook-setup:{endpoint.pk}:"
    )
    delivered, failed, _pending = ours.order_by("id")
    WebhookDelivery.objects.filter(pk=delivered.pk).update(
        status=DeliveryStatus.DELIVERED, attempts=1, last_status_code=200, last_response='{"ok": true}'
    )
    WebhookDelivery.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.FAILED,
        attempts=9,
        last_status_code=503,
        last_response="<html><body>Service Unavailable: the till server is restarting</body></html>",
    )
    return endpoint, secret
