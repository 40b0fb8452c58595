"""Webhooks for integrations: register endpoints, rotate their secrets, follow, re-send and replay their
deliveries; and the topics an endpoint may subscribe to. Each endpoint parses, checks the scope, and calls
one service or selector of patronage.messages.
"""

# No `from __future__ import annotations` here: ninja reads `Query[...]` parameters at import time.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import acting_user, require_any_caller, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.webhooks import (
    DeliveryFilters,
    DeliveryOut,
    EndpointChangeIn,
    EndpointCreatedOut,
    EndpointIn,
    EndpointOut,
    ReplayIn,
    ReplayOut,
    SecretRotatedOut,
    TopicOut,
)
from patronage.core.outbox import topics
from patronage.messages import webhook_selectors as selectors
from patronage.messages import webhook_services as services
from patronage.messages.models import WebhookDelivery, WebhookEndpoint

router = Router(tags=["webhooks"])

MANAGE = require_scope("webhooks:manage")


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    return selectors.endpoint_get(endpoint_id=endpoint_id)


@router.post("/webhooks", response={201: EndpointCreatedOut, PROBLEM_STATUSES: Problem}, auth=MANAGE)
def create_webhook(request: HttpRequest, payload: EndpointIn) -> Status[WebhookEndpoint]:
    """Registers an endpoint for the topics given (["*"] for all). The answer holds its signing secret:
    the only time it is shown (a rotation makes a new one)."""
    endpoint, secret = services.endpoint_create(
        actor=acting_user(request), url=payload.url, topics=payload.topics, description=payload.description
    )
    endpoint.secret = secret  # the plain secret the service answered, read by EndpointCreatedOut
    return Status(201, endpoint)


@router.get("/webhooks", response={200: list[EndpointOut], PROBLEM_STATUSES: Problem}, auth=MANAGE)
@paginate(LimitOffset)
def list_webhooks(request: HttpRequest) -> QuerySet[WebhookEndpoint]:
    """The endpoints, newest first, without their secrets."""
    return selectors.endpoint_list()


@router.get("/webhooks/{endpoint_id}", response={200: EndpointOut, PROBLEM_STATUSES: Problem}, auth=MANAGE)
def get_webhook(request: HttpRequest, endpoint_id: PathId) -> WebhookEndpoint:
    """One endpoint, without its secret."""
    return _endpoint(endpoint_id)


@router.patch("/webhooks/{endpoint_id}", response={200: EndpointOut, PROBLEM_STATUSES: Problem}, auth=MANAGE)
def update_webhook(request: HttpRequest, endpoint_id: PathId, payload: EndpointChangeIn) -> WebhookEndpoint:
    """Changes what is sent: url, topics, description, enabled (true starts a disabled endpoint again)."""
    given = payload.model_dump(exclude_unset=True)
    return services.endpoint_update(actor=acting_user(request), endpoint=_endpoint(endpoint_id), **given)


@router.delete("/webhooks/{endpoint_id}", response={204: None, PROBLEM_STATUSES: Problem}, auth=MANAGE)
def delete_webhook(request: HttpRequest, endpoint_id: PathId) -> Status[None]:
    """Removes the endpoint and its deliveries; nothing more is sent to it."""
    services.endpoint_delete(actor=acting_user(request), endpoint=_endpoint(endpoint_id))
    return Status(204, None)


@router.post(
    "/webhooks/{endpoint_id}/rotate-secret",
    response={200: SecretRotatedOut, PROBLEM_STATUSES: Problem},
    auth=MANAGE,
)
def rotate_webhook_secret(request: HttpRequest, endpoint_id: PathId) -> SecretRotatedOut:
    """A new signing secret, shown only in this answer; the old one signs deliveries too for 24 hours."""
    endpoint = _endpoint(endpoint_id)
    secret = services.endpoint_secret_rotate(actor=acting_user(request), endpoint=endpoint)
    endpoint.refresh_from_db()
    assert endpoint.previous_secret_until is not None  # set by every rotation
    return SecretRotatedOut(
        id=endpoint.pk, secret=secret, previous_secret_valid_until=endpoint.previous_secret_until
    )


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response={200: list[DeliveryOut], PROBLEM_STATUSES: Problem},
    auth=MANAGE,
)
@paginate(LimitOffset)
def list_webhook_deliveries(
    request: HttpRequest, endpoint_id: PathId, filters: Query[DeliveryFilters]
) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first, with their attempts and the last answer; ?status= filters."""
    return selectors.delivery_list(endpoint=_endpoint(endpoint_id), status=filters.status)


@router.post(
    "/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend",
    response={200: DeliveryOut, PROBLEM_STATUSES: Problem},
    auth=MANAGE,
)
def resend_webhook_delivery(
    request: HttpRequest, endpoint_id: PathId, delivery_id: PathId
) -> WebhookDelivery:
    """Sends the delivery again soon, even one delivered already, with the same webhook-id."""
    delivery = selectors.delivery_get(endpoint=_endpoint(endpoint_id), delivery_id=delivery_id)
    return services.delivery_resend(actor=acting_user(request), delivery=delivery)


@router.post(
    "/webhooks/{endpoint_id}/replay", response={200: ReplayOut, PROBLEM_STATUSES: Problem}, auth=MANAGE
)
def replay_webhook(request: HttpRequest, endpoint_id: PathId, payload: ReplayIn) -> ReplayOut:
    """Delivers again the events of the endpoint's topics that happened in [start, end)."""
    count = services.deliveries_replay(
        actor=acting_user(request), endpoint=_endpoint(endpoint_id), start=payload.start, end=payload.end
    )
    return ReplayOut(deliveries=count)


@router.get(
    "/webhook-topics", response={200: list[TopicOut], PROBLEM_STATUSES: Problem}, auth=require_any_caller()
)
def list_webhook_topics(request: HttpRequest) -> list[TopicOut]:
    """Every topic an endpoint may subscribe to, with what it means and an example of its data."""
    return [
        TopicOut(name=topic.name, description=str(topic.description), example=dict(topic.example))
        for topic in topics().values()
    ]
