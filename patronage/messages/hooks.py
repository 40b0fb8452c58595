"""The messages app answers the other apps' requests for a message (core.message_kinds.message_request)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from patronage.core.message_kinds import on_message_request
from patronage.members.models import Member
from patronage.messages.message_services import message_queue


@on_message_request
def _queue(*, kind: str, member_id: int, context: dict[str, Any], key: str, occurred_at: datetime) -> object:
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return None
    return message_queue(kind=kind, member=member, context=context, key=key, occurred_at=occurred_at)
