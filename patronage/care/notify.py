"""What a case's changes tell the world: webhook events and the breach entries (caller's transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from patronage.care.models import Case, CaseEntry, EntryKind, SlaLeg
from patronage.core.outbox import outbox_publish


def case_payload(case: Case) -> dict[str, Any]:
    """The case as a webhook tells it: codes and ids, no personal words."""
    return {
        "reference": case.reference,
        "type": case.type,
        "channel": case.channel,
        "status": case.status,
        "severity": case.severity,
        "member": case.member_id,
        "category": case.category.name if case.category is not None else None,
        "assignee": case.assignee.get_username() if case.assignee is not None else None,
    }


def case_event(case: Case, *, topic: str, key: str, at: datetime, new: bool = False, **extra: Any) -> None:
    """Publishes one case event; `key` names its cause, so a cause publishes once. `new`: the case was
    filed in this transaction, so the key cannot exist yet (core.outbox)."""
    payload = {**case_payload(case), **extra, "at": at.isoformat()}
    outbox_publish(topic=topic, payload=payload, key=f"{topic}:{case.pk}:{key}", at=at, new=new)


def legs_breached_report(*, case: Case, legs: Iterable[SlaLeg], at: datetime) -> None:
    """Records each newly breached leg on the case and publishes case.breached, once per leg."""
    for leg in legs:
        assert leg.breached_at is not None
        CaseEntry.objects.create(
            case=case,
            kind=EntryKind.BREACHED,
            at=leg.breached_at,
            data={"leg": leg.kind, "due_at": leg.breached_at.isoformat()},
        )
        case_event(
            case,
            topic="case.breached",
            key=f"leg:{leg.pk}",
            at=at,
            leg=leg.kind,
            due_at=leg.breached_at.isoformat(),
        )
