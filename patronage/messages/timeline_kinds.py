"""The messages' timeline kinds: each message sent is an event on the member's file, and so is each one a
mail server returned as undeliverable (a bounce)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patronage.core.message_kinds import MessageKind, message_kinds
from patronage.members.timeline import register
from patronage.messages.models import MessageChannel


def _kind_and_channel(data: Mapping[str, Any]) -> tuple[MessageKind, MessageChannel] | None:
    kind = message_kinds().get(str(data.get("kind")))
    channel = data.get("channel")
    if kind is None or channel not in MessageChannel.values:
        return None
    return kind, MessageChannel(channel)


def _sent(data: Mapping[str, Any], summary: str) -> str | None:
    """'E-mail: Points about to expire', in the reader's words."""
    if (known := _kind_and_channel(data)) is None:
        return None
    kind, channel = known
    return _("%(channel)s: %(kind)s") % {"channel": channel.label, "kind": kind.label}


def _bounced(data: Mapping[str, Any], summary: str) -> str | None:
    """'E-mail: Points about to expire, returned by the recipient's mail server (5.1.1)'."""
    if (known := _kind_and_channel(data)) is None or not data.get("status"):
        return None
    kind, channel = known
    return _("%(channel)s: %(kind)s, returned by the recipient's mail server (%(status)s)") % {
        "channel": channel.label,
        "kind": kind.label,
        "status": data["status"],
    }


# Personal: the subject may name the member or what they bought.
MESSAGE_SENT = register(
    "message_sent", gettext_lazy("Message sent"), "✉", "info", personal=True, render=_sent
)
# Personal: the mail server's answer names the member's address.
MESSAGE_BOUNCED = register(
    "message_bounced", gettext_lazy("Message bounced"), "↩", "bad", personal=True, render=_bounced
)
