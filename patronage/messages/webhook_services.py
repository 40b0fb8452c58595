"""Webhooks: what people change (endpoints, secrets, re-sends) and the delivery engine the workers run.

The engine (decision 0023): `events_fan_out` turns each new outbox event into one delivery per endpoint
that wants its topic; `deliveries_due_claim` takes a lease on the deliveries due, by a conditional update,
so two workers never send the same attempt; `delivery_attempt` signs and POSTs one and records what came
back. A delivery is pending until a 2xx (delivered, never sent again unless a person asks) or until its
retries are spent (failed). Per endpoint, one member's deliveries go out in the order of their events.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.errors import ValidationFailed
from patronage.core.inputs import text_refusal
from patronage.core.models import OutboxEvent, User
from patronage.core.outbox import topics as registered_topics
from patronage.core.sql import rows_insert_batch, rows_update
from patronage.messages import webhook_http
from patronage.messages.models import (
    EVERY_TOPIC,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from patronage.messages.webhook_schedule import next_attempt_at

SECRET_GRACE = timedelta(hours=24)
FAILING_DISABLE_AFTER = timedelta(days=3)
URL_MAX = 500
DESCRIPTION_MAX = 200
# A worker's claim outlives the longest send of a batch; a worker that dies frees its deliveries then.
LEASE_MARGIN = timedelta(seconds=60)
PUMP_BATCH = 100
_ATTEMPT_COLUMNS = ("delivery_id", "at", "status_code", "duration_ms", "response_excerpt", "error")
_FAN_OUT_LOCK = 0x5EB400C  # pg_try_advisory_xact_lock key: one fan-out at a time keeps event order


# People's changes


def endpoint_create(
    *, actor: User | None, url: str, topics: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Registers an endpoint; returns it with its signing secret, shown this once."""
    _refuse_bad_fields(url=url, topics=topics, description=description)
    secret, now = _secret_new(), clock.now()
    with transaction.atomic(durable=True):
        endpoint = WebhookEndpoint.objects.create(
            url=url,
            topics=_topics_clean(topics),
            description=description.strip(),
            secret=secret,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        audit_change(actor=actor, action="webhook.created", target=endpoint, url=url, topics=endpoint.topics)
    return endpoint, secret


def endpoint_update(
    *,
    actor: User | None,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    topics: list[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    """Changes an endpoint; enabling it again forgets why it was disabled and its run of failures."""
    _refuse_bad_fields(url=url, topics=topics, description=description)
    now, changed = clock.now(), dict[str, Any]()
    if url is not None:
        changed["url"] = url
    if topics is not None:
        changed["topics"] = _topics_clean(topics)
    if description is not None:
        changed["description"] = description.strip()
    if enabled is not None and enabled != endpoint.enabled:
        changed["enabled"] = enabled
        changed["disabled_at"] = None if enabled else now
        changed["disabled_reason"] = ""
        if enabled:
            changed["failing_since"] = None
    with transaction.atomic(durable=True):
        for name, value in changed.items():
            setattr(endpoint, name, value)
        endpoint.updated_at = now
        endpoint.save()
        audit_change(
            actor=actor,
            action="webhook.changed",
            target=endpoint,
            fields=sorted(changed),
            **({"enabled": endpoint.enabled} if "enabled" in changed else {}),
        )
    return endpoint


def endpoint_secret_rotate(*, actor: User | None, endpoint: WebhookEndpoint) -> str:
    """A new signing secret, shown this once; the old one still signs deliveries for 24 hours."""
    secret, now = _secret_new(), clock.now()
    with transaction.atomic(durable=True):
        endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, now + SECRET_GRACE
        endpoint.secret, endpoint.updated_at = secret, now
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
        audit_change(actor=actor, action="webhook.secret_rotated", target=endpoint)
    return secret


def endpoint_delete(*, actor: User | None, endpoint: WebhookEndpoint) -> None:
    """Removes an endpoint with its deliveries; the outbox events stay."""
    with transaction.atomic(durable=True):
        audit_change(actor=actor, action="webhook.deleted", target=endpoint, url=endpoint.url)
        endpoint.delete()


def delivery_resend(*, actor: User | None, delivery: WebhookDelivery) -> WebhookDelivery:
    """Sends a delivery again soon, even a delivered one (a person asked), with a fresh retry schedule."""
    now = clock.now()
    with transaction.atomic(durable=True):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now
        )
        audit_change(actor=actor, action="webhook.resent", target=delivery, event=delivery.event_id)
    delivery.refresh_from_db()
    return delivery


def deliveries_replay(
    *, actor: User | None, endpoint: WebhookEndpoint, start: datetime, end: datetime
) -> int:
    """Sends again the events created in [start, end) that the endpoint wants, creating missing deliveries."""
    now = clock.now()
    with transaction.atomic(durable=True):
        events = OutboxEvent.objects.filter(created_at__gte=start, created_at__lt=end)
        if EVERY_TOPIC not in endpoint.topics:
            events = events.filter(topic__in=endpoint.topics)
        event_ids = list(events.values_list("id", flat=True))
        again = WebhookDelivery.objects.filter(endpoint=endpoint, event_id__in=event_ids).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now
        )
        missing = events.exclude(id__in=WebhookDelivery.objects.filter(endpoint=endpoint).values("event_id"))
        created = WebhookDelivery.objects.bulk_create(
            [_delivery_new(endpoint, event, now) for event in missing.only("id", "payload")],
            ignore_conflicts=True,
            batch_size=500,
        )
        count = again + len(created)
        audit_change(
            actor=actor,
            action="webhook.replayed",
            target=endpoint,
            start=start.isoformat(),
            end=end.isoformat(),
            deliveries=count,
        )
    return count


# The engine


def webhooks_pump(*, limit: int = PUMP_BATCH) -> int:
    """One turn of the workers' loop: fans out new events, then sends up to `limit` deliveries due."""
    events_fan_out()
    claimed = deliveries_due_claim(now=clock.now(), limit=limit)
    # Sent one after another, recorded together: one transaction per batch, not per delivery.
    sender = webhook_http.Sender()  # each host resolved and checked once, one keep-alive pool per address
    outcomes = [_attempt_send(delivery, sender) for delivery in claimed]
    _attempts_record(outcomes)
    return len(claimed)


def events_fan_out(*, limit: int = 1000) -> int:
    """Makes one delivery per matching enabled endpoint of the outbox events not yet handed over (in id
    order), and marks them handed over; returns how many events it took."""
    now = clock.now()
    with transaction.atomic(durable=True):
        if not _fan_out_lock():
            return 0  # another worker is fanning out: the next turn takes what it leaves
        events = list(
            OutboxEvent.objects.filter(delivered_at__isnull=True)
            .order_by("id")
            .only("id", "topic", "payload")[:limit]
        )
        if not events:
            return 0
        endpoints = list(WebhookEndpoint.objects.filter(enabled=True))
        # A replay may have made some of these deliveries already: those are skipped.
        rows_insert_batch(
            WebhookDelivery,
            [
                {
                    "endpoint_id": endpoint.pk,
                    "event_id": event.pk,
                    "member_key": _member_key(event.payload),
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for event in events
                for endpoint in endpoints
                if endpoint.wants(event.topic)
            ],
            duplicates_skipped=True,
        )
        OutboxEvent.objects.filter(id__in=[event.id for event in events], delivered_at__isnull=True).update(
            delivered_at=now
        )
    return len(events)


def deliveries_due_claim(*, now: datetime, limit: int = PUMP_BATCH) -> list[WebhookDelivery]:
    """Takes a lease on up to `limit` deliveries due, oldest event first; a delivery another worker claimed
    first is skipped (the conditional update finds it taken), so no attempt is ever sent twice at once."""
    # `event_id + 0`: the earlier deliveries are looked up by (endpoint, member, status), a few rows, not by
    # a range of the (endpoint, event) key, which covers every earlier event of the endpoint.
    earlier_pending = WebhookDelivery.objects.alias(event_number=F("event_id") + 0).filter(
        endpoint_id=OuterRef("endpoint_id"),
        member_key=OuterRef("member_key"),
        status=DeliveryStatus.PENDING,
        event_number__lt=OuterRef("event_id"),
    )
    due = (
        WebhookDelivery.objects.filter(
            _claimable(now), status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__enabled=True
        )
        .filter(Q(member_key="") | ~Exists(earlier_pending))
        .order_by("event_id", "id")
        .values_list("id", flat=True)[:limit]
    )
    lease = now + limit * timedelta(seconds=settings.WEBHOOKS_TIMEOUT_SECONDS) + LEASE_MARGIN
    with transaction.atomic(durable=True):
        if (
            connection.features.can_return_columns_from_insert
        ):  # UPDATE ... RETURNING: PostgreSQL, SQLite 3.35+
            claimed = _claim_at_once(due, now=now, lease=lease)
        else:
            claimed = _claim_one_by_one(due, now=now, lease=lease)
    return _claimed_load(claimed)


def delivery_attempt(*, delivery: WebhookDelivery) -> WebhookAttempt:
    """Signs and POSTs one claimed delivery and records the outcome: delivered on a 2xx, else retried later
    or, its retries spent, failed."""
    return _attempts_record([_attempt_send(delivery, webhook_http.Sender())])[0]


def endpoints_failing_disable(*, now: datetime) -> int:
    """Disables the endpoints that failed every delivery for 3 days (their owners see it in the console)."""
    return WebhookEndpoint.objects.filter(enabled=True, failing_since__lt=now - FAILING_DISABLE_AFTER).update(
        enabled=False, disabled_at=now, disabled_reason="failing", updated_at=now
    )


def outbox_purge(*, now: datetime, chunk: int = 2000) -> int:
    """Deletes the outbox events handed to the webhooks more than WEBHOOKS_RETENTION_DAYS ago, with their
    deliveries and attempts, a chunk at a time; returns how many events went."""
    cutoff = now - timedelta(days=settings.WEBHOOKS_RETENTION_DAYS)
    purged = 0
    while True:
        ids = list(
            OutboxEvent.objects.filter(delivered_at__isnull=False, created_at__lt=cutoff).values_list(
                "id", flat=True
            )[:chunk]
        )
        if not ids:
            return purged
        with transaction.atomic(durable=True):
            WebhookAttempt.objects.filter(delivery__event_id__in=ids).delete()
            WebhookDelivery.objects.filter(event_id__in=ids).delete()
            purged += OutboxEvent.objects.filter(id__in=ids).delete()[0]


# Helpers


def _claim_at_once(due: Any, *, now: datetime, lease: datetime) -> list[int]:
    """One statement: the conditional update over the deliveries due, returning the ids it took. On
    PostgreSQL the due rows are locked as they are chosen, skipping those another worker is claiming;
    the update's own condition (unclaimed, pending) is checked again on each row it takes."""
    if connection.vendor == "postgresql":
        due = due.select_for_update(skip_locked=True, of=("self",))
    due_sql, due_params = due.query.sql_with_params()
    table, ops = WebhookDelivery._meta.db_table, connection.ops
    claimed_until, status, pk = (
        ops.quote_name(_field(name).column) for name in ("claimed_until", "status", "id")
    )
    lease_db, now_db = (ops.adapt_datetimefield_value(value) for value in (lease, now))
    # PostgreSQL guesses a CTE holds one row and joins it to every pending delivery in a nested loop (41 ms
    # for 200 of 1,000 pending, growing with both); as an array it is read once and each id is found by
    # its key (5 ms).
    chosen = (
        f"= ANY(ARRAY(SELECT {pk} FROM due))"
        if connection.vendor == "postgresql"
        else f"IN (SELECT {pk} FROM due)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            # The CTE is chosen (and locked) once: a subquery in IN could be run again and take more rows.
            f"WITH due AS MATERIALIZED ({due_sql})"
            f" UPDATE {ops.quote_name(table)} SET {claimed_until} = %s"
            f" WHERE {pk} {chosen} AND {status} = %s"
            f" AND ({claimed_until} IS NULL OR {claimed_until} < %s)"
            f" RETURNING {pk}",
            [*due_params, lease_db, DeliveryStatus.PENDING.value, now_db],
        )
        return [row[0] for row in cursor.fetchall()]


def _claimed_load(ids: list[int]) -> list[WebhookDelivery]:
    """The claimed deliveries in event order, with what sending and recording read: the event's topic,
    time and payload, and the endpoint (one object per endpoint, not one per delivery)."""
    deliveries = list(
        WebhookDelivery.objects.filter(id__in=ids)
        .select_related("event")
        .defer("last_response", "last_error", "event__key", "event__delivered_at")
        .order_by("event_id", "id")
    )
    endpoints = WebhookEndpoint.objects.in_bulk({delivery.endpoint_id for delivery in deliveries})
    for delivery in deliveries:
        delivery.endpoint = endpoints[delivery.endpoint_id]
    return deliveries


def _claim_one_by_one(due: Any, *, now: datetime, lease: datetime) -> list[int]:
    """Without UPDATE ... RETURNING: one conditional update per delivery due."""
    claimed = []
    # In id order, so that two workers' row locks never wait on each other in a circle.
    for delivery_id in sorted(due):
        taken = WebhookDelivery.objects.filter(
            _claimable(now), id=delivery_id, status=DeliveryStatus.PENDING
        ).update(claimed_until=lease)
        if taken:
            claimed.append(delivery_id)
    return claimed


def _attempt_send(
    delivery: WebhookDelivery, sender: webhook_http.Sender
) -> tuple[WebhookDelivery, webhook_http.Outcome, datetime]:
    endpoint, event, at = delivery.endpoint, delivery.event, clock.now()
    body = webhook_http.body_encode(topic=event.topic, created_at=event.created_at, payload=event.payload)
    headers = {
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": sender.sign(
            secrets=_signing_secrets(endpoint, at), msg_id=delivery.webhook_id, at=at, body=body
        ),
    }
    return delivery, sender.post(url=endpoint.url, body=body, headers=headers), at


def _attempt_fields(delivery: WebhookDelivery, outcome: webhook_http.Outcome, at: datetime) -> dict[str, Any]:
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "claimed_until": None,
        "last_status_code": outcome.status_code,
        "last_response": outcome.excerpt,
        "last_error": outcome.error,
    }
    if outcome.ok:
        fields |= {"status": DeliveryStatus.DELIVERED, "delivered_at": at}
    elif (retry_at := next_attempt_at(failed_attempts=attempts, now=at)) is not None:
        fields |= {"next_attempt_at": retry_at}
    else:
        fields |= {"status": DeliveryStatus.FAILED}
    return fields


def _attempts_record(
    outcomes: list[tuple[WebhookDelivery, webhook_http.Outcome, datetime]],
) -> list[WebhookAttempt]:
    """Writes the attempts, the deliveries' new states and the endpoints' runs of failures, in one go."""
    if not outcomes:
        return []
    attempts = [
        WebhookAttempt(
            delivery=delivery,
            at=at,
            status_code=outcome.status_code,
            duration_ms=outcome.duration_ms,
            response_excerpt=outcome.excerpt,
            error=outcome.error,
        )
        for delivery, outcome, at in outcomes
    ]
    # One UPDATE per kind of outcome (delivered, retried, failed), each naming the same fields.
    kinds: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for delivery, outcome, at in outcomes:
        fields = _attempt_fields(delivery, outcome, at)
        kinds.setdefault(tuple(sorted(fields)), []).append((delivery.pk, fields))
    with transaction.atomic(durable=True):
        rows_insert_batch(
            WebhookAttempt,
            [{name: getattr(attempt, name) for name in _ATTEMPT_COLUMNS} for attempt in attempts],
        )
        for rows in kinds.values():
            rows_update(WebhookDelivery, rows)
        for endpoint_id, ok, at in _endpoint_news(outcomes):
            if ok:
                WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=False).update(
                    failing_since=None
                )
            else:
                WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True).update(
                    failing_since=at
                )
    for (delivery, outcome, at), attempt in zip(outcomes, attempts, strict=True):
        for name, value in _attempt_fields(delivery, outcome, at).items():
            setattr(delivery, name, value)
        attempt.delivery = delivery
    return attempts


def _field(name: str) -> models.Field[Any, Any]:
    field = WebhookDelivery._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _endpoint_news(
    outcomes: list[tuple[WebhookDelivery, webhook_http.Outcome, datetime]],
) -> list[tuple[int, bool, datetime]]:
    """Per endpoint whose state may change: whether it succeeded at all in the batch (a 2xx ends a run of
    failures) and, if not, its first failure's time."""
    news: dict[int, tuple[bool, datetime]] = {}
    for delivery, outcome, at in outcomes:
        ok, first = news.get(delivery.endpoint_id, (False, at))
        news[delivery.endpoint_id] = (ok or outcome.ok, min(first, at))
    changes = []
    for delivery, _outcome, _at in outcomes:
        endpoint = delivery.endpoint
        if endpoint.pk in news:
            ok, first = news.pop(endpoint.pk)
            if ok != (endpoint.failing_since is None):
                changes.append((endpoint.pk, ok, first))
    return changes


def _claimable(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _fan_out_lock() -> bool:
    """On PostgreSQL, one fan-out at a time (until the transaction ends): two running side by side could
    each commit a later event's deliveries before an earlier one's. SQLite serialises writers anyway."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_FAN_OUT_LOCK])
        return bool(cursor.fetchone()[0])


def _delivery_new(endpoint: WebhookEndpoint, event: OutboxEvent, now: datetime) -> WebhookDelivery:
    return WebhookDelivery(
        endpoint=endpoint,
        event=event,
        member_key=_member_key(event.payload),
        next_attempt_at=now,
        created_at=now,
    )


def _member_key(payload: Any) -> str:
    member = payload.get("member") if isinstance(payload, dict) else None
    return str(member)[:32] if isinstance(member, int | str) and not isinstance(member, bool) else ""


def _signing_secrets(endpoint: WebhookEndpoint, at: datetime) -> list[str]:
    in_grace = (
        endpoint.previous_secret and endpoint.previous_secret_until and at < endpoint.previous_secret_until
    )
    return [endpoint.secret, endpoint.previous_secret] if in_grace else [endpoint.secret]


def _secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _topics_clean(topics: list[str]) -> list[str]:
    names = list(dict.fromkeys(topic.strip() for topic in topics))
    return [EVERY_TOPIC] if EVERY_TOPIC in names else names


def _refuse_bad_fields(*, url: str | None, topics: list[str] | None, description: str | None) -> None:
    problems: list[tuple[str, str]] = []
    if url is not None and (refusal := url_refusal(url)):
        problems.append(("url", refusal))
    if topics is not None and (refusal := topics_refusal(topics)):
        problems.append(("topics", refusal))
    if description is not None:
        if len(description.strip()) > DESCRIPTION_MAX:
            problems.append(("description", _("at most %(max)d characters") % {"max": DESCRIPTION_MAX}))
        elif refused := text_refusal(description):
            problems.append(("description", refused.message()))
    if problems:
        raise ValidationFailed.every(problems)


def url_refusal(url: str) -> str | None:
    """Why a webhook URL is refused (http(s) only, at most 500 characters, a host that resolves to an
    address a webhook may reach), or None."""
    if refused := text_refusal(url):
        return refused.message()
    if len(url) > URL_MAX:
        return _("at most %(max)d characters") % {"max": URL_MAX}
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("not a valid URL")
    if parts.scheme not in {"http", "https"}:
        return _("only http:// and https:// URLs can receive webhooks")
    if not parts.hostname:
        return _("the URL has no host")
    if parts.username or parts.password:
        return _("the URL must not carry a user name or password")
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return None  # development, tests, the demo: any host, even one that resolves only later
    try:
        webhook_http.host_resolve(
            parts.hostname, port or (443 if parts.scheme == "https" else 80), allow_private=False
        )
    except webhook_http.AddressRefused as refused:
        return str(refused)
    return None


def topics_refusal(topics: list[str]) -> str | None:
    """Why a list of topics is refused (empty, or naming a topic nobody publishes), or None."""
    if not topics:
        return _("choose at least one topic, or * for every topic")
    known = registered_topics()
    unknown = [topic for topic in topics if topic.strip() != EVERY_TOPIC and topic.strip() not in known]
    if unknown:
        return _("unknown topics: %(topics)s") % {"topics": ", ".join(sorted(unknown))}
    return None
