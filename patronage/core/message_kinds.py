"""The kinds of message the product sends to people, and the one door through which an app asks for one.

Each app registers its kinds here (in a `message_kinds` module imported from `ready()`), as it registers
its webhook topics in `core.outbox`: core is below every app, so loyalty, care or feedback can register and
request a message without importing `messages`, which sits beside them (decision 0024). The messages app
answers requests: it registers the handler that writes the message, inside the requester's transaction.
Without it installed a request does nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from django.utils.functional import Promise

Purpose = Literal["service", "marketing"]
Recipient = Literal["member", "staff"]


@dataclass(frozen=True)
class MessageKind:
    """What a message is about, whom it is for, and the variables its templates may use (each with a
    sample value, for previews and for checking a template's variables when it is saved).

    `purpose`: a marketing message needs the member's consent for the channel, waits for the end of quiet
    hours and counts against the weekly cap; a service message (about the member's own account or case)
    goes regardless. `opt_out`: a service message the member may still refuse: it is not sent once they
    withdrew marketing consent for the channel, it carries the unsubscribe link, and it waits out quiet
    hours too (decision 0024).
    """

    code: str
    label: str | Promise
    purpose: Purpose
    recipient: Recipient
    variables: Mapping[str, Any] = field(default_factory=dict)
    opt_out: bool = False

    @property
    def marketing(self) -> bool:
        return self.purpose == "marketing"

    @property
    def refusable(self) -> bool:
        """Whether the member's withdrawal stops it, and so whether it carries an unsubscribe link."""
        return self.marketing or self.opt_out


@dataclass(frozen=True)
class InLanguages:
    """A context value written in several languages (a tier's name): the message uses the one in its own
    language, else the main one (core.names.text_in_language)."""

    main: str
    translations: Mapping[str, Any] | None = None


_KINDS: dict[str, MessageKind] = {}


def message_kind_register(kind: MessageKind) -> MessageKind:
    """Declares a kind of message an app sends; registering one code twice is a programming error."""
    if kind.code in _KINDS:
        raise ValueError(f"message kind {kind.code!r} is registered twice")
    _KINDS[kind.code] = kind
    return kind


def message_kind_get(code: str) -> MessageKind:
    """The registered kind; an unknown code is a programming error (KeyError names it)."""
    try:
        return _KINDS[code]
    except KeyError:
        raise KeyError(f"message kind {code!r} is not registered") from None


def message_kinds() -> dict[str, MessageKind]:
    """Every kind, by code, sorted."""
    return dict(sorted(_KINDS.items()))


class MessageRequestHandler(Protocol):
    def __call__(
        self, *, kind: str, member_id: int, context: dict[str, Any], key: str, occurred_at: datetime
    ) -> object: ...


_HANDLERS: list[MessageRequestHandler] = []


def on_message_request(handler: MessageRequestHandler) -> MessageRequestHandler:
    """Registers what answers a request (the messages app's queue)."""
    _HANDLERS.append(handler)
    return handler


def message_request(
    *, kind: str, member_id: int, context: dict[str, Any], key: str, occurred_at: datetime
) -> None:
    """Asks for a message of `kind` to the member, inside the caller's transaction, so it exists exactly
    when the change it reports committed; `key` makes a retried cause ask for nothing more.

    `occurred_at`: when what it reports happened; news older than MESSAGES_LATE_AFTER (a backfill of
    last year's orders, a replayed import) is recorded as skipped, not sent.
    """
    message_kind_get(kind)
    for handler in _HANDLERS:
        handler(kind=kind, member_id=member_id, context=context, key=key, occurred_at=occurred_at)
