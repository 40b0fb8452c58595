"""Reading webhooks: the endpoints, their deliveries, and the ones the product disabled for failing."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from patronage.core.errors import NotFound
from patronage.messages.models import WebhookDelivery, WebhookEndpoint


def endpoint_list() -> QuerySet[WebhookEndpoint]:
    """Every endpoint, newest first."""
    return WebhookEndpoint.objects.order_by("-id")


def endpoint_get(*, endpoint_id: int) -> WebhookEndpoint:
    """One endpoint; NotFound (field "endpoint") when there is none."""
    try:
        return WebhookEndpoint.objects.get(pk=endpoint_id)
    except WebhookEndpoint.DoesNotExist:
        raise NotFound(_("webhook %(id)s does not exist") % {"id": endpoint_id}, field="endpoint") from None


def delivery_list(*, endpoint: WebhookEndpoint, status: str | None = None) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first, each with its event; only those of `status` when given."""
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event").order_by("-id")
    return deliveries.filter(status=status) if status else deliveries


def delivery_get(*, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    """One of the endpoint's deliveries; NotFound (field "delivery") when it has none by that id."""
    try:
        return WebhookDelivery.objects.select_related("event", "endpoint").get(
            pk=delivery_id, endpoint=endpoint
        )
    except WebhookDelivery.DoesNotExist:
        raise NotFound(_("delivery %(id)s does not exist") % {"id": delivery_id}, field="delivery") from None


def endpoints_disabled_for_failing() -> QuerySet[WebhookEndpoint]:
    """Endpoints the product disabled because every delivery failed for 3 days (for the console warning)."""
    return WebhookEndpoint.objects.filter(enabled=False, disabled_reason="failing").order_by("-disabled_at")
