"""The messages' timeline kind: each message sent is an event on the member's file."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patronage.core.message_kinds import message_kinds
from patronage.members.timeline import register
from patronage.messages.models import MessageChannel


def _sent(data: Mapping[str, Any], summary: str) -> str | None:
    """'E-mail: Points about to expire', in the reader's words."""
    kind = message_kinds().get(str(data.get("kind")))
    channel = data.get("channel")
    if kind is None or channel not in MessageChannel.values:
        return None
    return _("%(channel)s: %(kind)s") % {"channel": MessageChannel(channel).label, "kind": kind.label}


# Personal: the subject may name the member or what they bought.
MESSAGE_SENT = register(
    "message_sent", gettext_lazy("Message sent"), "✉", "info", personal=True, render=_sent
)
