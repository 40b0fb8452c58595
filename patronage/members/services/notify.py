"""What the customer file tells the outside world about a change, inside its transaction: one outbox event
for the webhooks (topics in members.webhook_topics). Payloads hold ids, field names and codes only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from patronage.core import clock
from patronage.core.outbox import outbox_publish
from patronage.members.models import ImportJob, ImportStatus, Member


def member_created(*, member: Member) -> None:
    """Publishes `member.created` for a file opened in this transaction (so its key cannot exist yet)."""
    at = clock.now()
    outbox_publish(
        new=True,
        topic="member.created",
        key=f"member.created:{member.pk}",
        at=at,
        payload=member_created_payload(member.pk, source=member.source, joined_at=member.joined_at, at=at),
    )


def member_created_payload(
    member_id: int, *, source: str, joined_at: datetime, at: datetime
) -> dict[str, Any]:
    return {"member": member_id, "source": source, "joined_at": joined_at.isoformat(), "at": at.isoformat()}


def member_updated(*, member: Member, fields: Iterable[str], cause: str) -> None:
    """Publishes `member.updated` naming the fields that changed; `cause` (a row written with the change
    in this transaction) keys it."""
    at = clock.now()
    outbox_publish(
        new=True,
        topic="member.updated",
        key=f"member.updated:{cause}",
        at=at,
        payload={"member": member.pk, "fields": sorted(fields), "at": at.isoformat()},
    )


def member_merged(*, survivor: Member, duplicate: Member) -> None:
    """Publishes `member.merged`; a file is merged away once (it is closed after), so its id keys it."""
    at = clock.now()
    outbox_publish(
        new=True,
        topic="member.merged",
        key=f"member.merged:{duplicate.pk}",
        at=at,
        payload={"member": survivor.pk, "duplicate": duplicate.pk, "at": at.isoformat()},
    )


def member_erased(*, member: Member) -> None:
    """Publishes `member.erased` with the member's id only; a file is erased once."""
    at = clock.now()
    outbox_publish(
        new=True,
        topic="member.erased",
        key=f"member.erased:{member.pk}",
        at=at,
        payload={"member": member.pk, "at": at.isoformat()},
    )


def import_finished(*, job: ImportJob) -> None:
    """Publishes `import.finished` once per outcome: a done or rejected job is final, and a failed one may
    be run again, each failure being its own event (told apart by when it failed)."""
    at = job.finished_at or clock.now()
    final = job.status != ImportStatus.FAILED
    errors = sum(int(error.get("more", 1)) for error in job.errors if isinstance(error, dict))
    outbox_publish(
        topic="import.finished",
        key=f"import.finished:{job.pk}" if final else f"import.finished:{job.pk}:failed:{at.isoformat()}",
        at=at,
        payload={
            "import": job.pk,
            "kind": job.kind,
            "status": job.status,
            "rows": job.rows_total,
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
            "errors": errors,
            "at": at.isoformat(),
        },
    )


def outbox_row(*, topic: str, key: str, payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    """An OutboxEvent row for the bulk writers (core.sql.rows_insert), as outbox_publish would write it."""
    return {"topic": topic, "key": key, "payload": payload, "created_at": at, "delivered_at": None}
