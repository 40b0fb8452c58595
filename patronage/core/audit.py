"""The audit log: every staff change writes one entry inside the change's own transaction."""

from __future__ import annotations

from typing import Any

from patronage.core import clock
from patronage.core.models import AuditEntry, User


def audit_record(
    *, actor: User | None, action: str, target: object | None = None, actor_label: str = "", **detail: Any
) -> AuditEntry:
    """Write one audit entry for a change made by `actor` (None for the system)."""
    target_type = target._meta.label_lower if target is not None and hasattr(target, "_meta") else ""
    target_id = str(getattr(target, "pk", "") or "") if target is not None else ""
    label = actor_label or (actor.get_username() if actor is not None else "system")
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=actor,
        actor_label=label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    )
