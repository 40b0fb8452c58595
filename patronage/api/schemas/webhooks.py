"""Request and response shapes of the webhook endpoints: endpoints, their secrets, deliveries and topics.

The signing secret is in two answers only: the endpoint's creation and a rotation. Every other answer
describes an endpoint without it, so a secret cannot leak through a listing or a log of reads.

The URL's rules are written into the document as a pattern (an http or https address with a host name,
an IPv4 address or localhost, an optional port, a path and a query; no user name, no fragment) and checked
here with the same pattern, so what the document allows the product accepts (the fuzzer checks both).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StrictBool, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from patronage.api.schemas.common import Instant
from patronage.core.outbox import topics

# As the endpoint's column (WebhookEndpoint.url) and description hold.
URL_MAX = 500
DESCRIPTION_MAX = 200
ALL_TOPICS = "*"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?"
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
# Up to four labels and a top-level domain of letters: at most 228 characters, inside DNS's 253.
_HOST = rf"(?:(?:{_LABEL}\.){{1,4}}[A-Za-z]{{2,24}}|localhost|{_OCTET}(?:\.{_OCTET}){{3}})"
_PORT = r"(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
_PATH_CHARS = r"[A-Za-z0-9._~!$&'()*+,;=:@%/-]"
URL_PATTERN = rf"^https?://{_HOST}(?::{_PORT})?(?:/{_PATH_CHARS}*)?(?:\?(?:{_PATH_CHARS}|\?)*)?$"
URL_DESCRIPTION = (
    f"where deliveries are POSTed: an http or https address (at most {URL_MAX} characters) with a host name, "
    "an IPv4 address or localhost, an optional port, path and query; no user name or fragment. In "
    "production an address that resolves to a private, loopback or link-local network is refused unless "
    "the server allows it (WEBHOOKS_ALLOW_PRIVATE)."
)
TOPICS_DESCRIPTION = 'the topics to deliver (see GET /webhook-topics), or ["*"] for every topic'

Url = Annotated[str, StringConstraints(max_length=URL_MAX, pattern=URL_PATTERN)]


def _topic_names() -> list[str]:
    return [ALL_TOPICS, *topics()]


def _known_topic(value: str) -> str:
    if value != ALL_TOPICS and value not in topics():
        raise PydanticCustomError(
            "unknown_topic",
            "unknown topic '{topic}': use one GET /webhook-topics lists, or \"*\" for every topic",
            {"topic": value},
        )
    return value


# The registered topics are known once the apps are ready, which is before the API's modules are imported.
TopicName = Annotated[
    str, AfterValidator(_known_topic), WithJsonSchema({"type": "string", "enum": _topic_names()})
]
# Leaving a field out is "not given" (PATCH changes only what is sent); null is refused.
NOT_GIVEN: Any = None


class EndpointIn(Schema):
    """A webhook endpoint to register."""

    model_config = ConfigDict(extra="forbid")

    url: Url = Field(..., description=URL_DESCRIPTION)
    topics: list[TopicName] = Field(..., min_length=1, description=TOPICS_DESCRIPTION)
    description: str = Field("", max_length=DESCRIPTION_MAX, description="for people: whose endpoint, why")


class EndpointChangeIn(Schema):
    """What to change on an endpoint; a field left out keeps its value. Enabling a disabled endpoint
    (by a person or for failing) starts its deliveries again."""

    model_config = ConfigDict(extra="forbid")

    url: Url = Field(NOT_GIVEN, description=URL_DESCRIPTION)
    topics: list[TopicName] = Field(NOT_GIVEN, min_length=1, description=TOPICS_DESCRIPTION)
    description: str = Field(NOT_GIVEN, max_length=DESCRIPTION_MAX)
    enabled: StrictBool = Field(NOT_GIVEN, description="false stops deliveries; true starts them again")


class EndpointOut(Schema):
    """An endpoint, never with its secret."""

    id: int
    url: str
    description: str
    topics: list[str]
    enabled: bool
    status: Literal["enabled", "disabled", "failing"] = Field(
        ..., description="disabled: by a person; failing: disabled by the product after 3 days of failures"
    )
    disabled_at: datetime | None
    failing_since: datetime | None = Field(..., description="the first failure of an unbroken run of them")
    previous_secret_valid_until: datetime | None = Field(
        ..., description="after a rotation, until when deliveries are signed with the old secret too"
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_status(endpoint: Any) -> str:
        return endpoint_status(endpoint)

    @staticmethod
    def resolve_previous_secret_valid_until(endpoint: Any) -> datetime | None:
        return endpoint.previous_secret_until if endpoint.previous_secret else None


def endpoint_status(endpoint: Any) -> str:
    """enabled, disabled (by a person) or failing (disabled by the product)."""
    if endpoint.enabled:
        return "enabled"
    return "failing" if endpoint.disabled_reason == "failing" else "disabled"


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(
        ..., description="the signing secret (whsec_...): shown only in this answer, keep it now"
    )


class SecretRotatedOut(Schema):
    id: int
    secret: str = Field(..., description="the new signing secret: shown only in this answer")
    previous_secret_valid_until: datetime = Field(
        ..., description="the old secret signs deliveries too until then (24 hours)"
    )


class DeliveryFilters(Schema):
    status: Literal["pending", "delivered", "failed"] = Field(NOT_GIVEN, description="only deliveries in it")


class DeliveryOut(Schema):
    id: int
    event_id: int = Field(
        ..., description="the outbox event; the webhook-id header is msg_<event_id> on every attempt"
    )
    topic: str
    status: str = Field(..., description="pending, delivered or failed")
    attempts: int
    last_status_code: int | None = Field(..., description="the HTTP status of the last answer, if any")
    last_response: str = Field(..., description="the start of the last answer's body (at most 1 KiB)")
    last_error: str = Field(..., description="why the last attempt failed without an answer (a timeout...)")
    next_attempt_at: datetime | None = Field(..., description="while pending: when it is tried next")
    delivered_at: datetime | None
    event_at: datetime = Field(..., description="when the event happened")
    created_at: datetime

    @staticmethod
    def resolve_topic(delivery: Any) -> str:
        return str(delivery.event.topic)

    @staticmethod
    def resolve_event_at(delivery: Any) -> datetime:
        return delivery.event.created_at

    @staticmethod
    def resolve_next_attempt_at(delivery: Any) -> datetime | None:
        return delivery.next_attempt_at if delivery.status == "pending" else None


class ReplayIn(Schema):
    """Deliver again every event of the endpoint's topics that happened in [start, end)."""

    model_config = ConfigDict(extra="forbid")

    start: Instant
    end: Instant = Field(
        ..., description="events before it (not at it) are replayed; an end not after start replays none"
    )


class ReplayOut(Schema):
    deliveries: int = Field(..., description="how many deliveries were queued again")


class TopicOut(Schema):
    name: str
    description: str
    example: dict[str, Any] = Field(..., description="the `data` of such an event")
