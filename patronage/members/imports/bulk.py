"""Rows that the bulk writers (core.sql) insert for imports: the timeline events of many members at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from patronage.members.imports.base import ImportContext


def timeline_row(
    context: ImportContext,
    member_id: int,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
    *,
    occurred_at: datetime | None = None,
    source: tuple[str, str] = ("", ""),
    dedupe_key: str | None = None,
) -> dict[str, Any]:
    """A TimelineEvent row for rows_insert: what services.timeline_record writes, for many members at once."""
    return {
        "member_id": member_id,
        "kind": kind,
        "occurred_at": occurred_at or context.started_at,
        "summary": summary[:300],
        "data": data or {},
        "source_type": source[0],
        "source_id": source[1],
        "actor_id": context.actor_id,
        "dedupe_key": dedupe_key,
        "created_at": context.started_at,
    }
