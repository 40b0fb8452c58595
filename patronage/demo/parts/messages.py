"""The demo's messages and webhooks: the shop's till registered as a webhook endpoint, so that a purchase
made while the demo runs is signed and delivered to it (`patronage webhooks listen` plays the till).

The year of history the demo books is handed over to the webhooks first, with no endpoint to want it:
the till hears of what happens from now on, not of 10,000 old events. Messages need no step here: the
recent tier moves of the replay are queued for their members (older ones are skipped as "late"), and the
worker sends them when the product starts.
"""

from __future__ import annotations

from django.conf import settings

from patronage.demo.world import Part, World
from patronage.messages.webhook_services import endpoint_create, events_fan_out

TILL_URL = "http://127.0.0.1:8765/"
TILL_TOPICS = ["points.changed", "tier.changed", "reward.redeemed", "redemption.cancelled"]


def till_register(world: World) -> None:
    while events_fan_out(limit=5000):
        pass
    if not settings.WEBHOOKS_ALLOW_PRIVATE:  # a server that refuses local addresses: nothing to show
        world.lines.append("Webhooks: none registered (WEBHOOKS_ALLOW_PRIVATE is off, the till is local)")
        return
    endpoint, secret = endpoint_create(
        actor=None, url=TILL_URL, topics=TILL_TOPICS, description="The shop's till (demo)"
    )
    world.lines.append(
        f"Webhooks: the till at {endpoint.url} hears of purchases; play it with "
        f"`patronage webhooks listen --secret {secret}`"
    )


PART = Part("messages", after=till_register)
