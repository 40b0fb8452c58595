"""Webhook jobs, run by Celery beat: the pump every few seconds, the housekeeping once a day. Deliveries are
claimed with a lease by a conditional update, so several workers may pump at once without sending twice."""

from celery import shared_task

from patronage.core import clock
from patronage.messages.message_services import messages_send_due
from patronage.messages.webhook_services import endpoints_failing_disable, outbox_purge, webhooks_pump


@shared_task(name="messaging.webhooks_pump")
def webhooks_pump_task() -> int:
    """Fans out new outbox events and sends a batch of the deliveries due."""
    return webhooks_pump()


@shared_task(name="messaging.webhooks_housekeeping")
def webhooks_housekeeping_task() -> int:
    """Disables endpoints failing for 3 days; purges outbox events past WEBHOOKS_RETENTION_DAYS."""
    now = clock.now()
    endpoints_failing_disable(now=now)
    return outbox_purge(now=now)


@shared_task(name="messaging.messages_send")
def messages_send_task() -> int:
    """Sends the messages due (each claimed first, so several workers never send one twice)."""
    return messages_send_due(limit=200)
