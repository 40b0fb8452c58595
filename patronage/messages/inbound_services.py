"""Receiving an e-mail: parsed, stored once per Message-ID with its attachments, matched to a member, and
offered to the handlers the apps register (the complaints app threads replies onto their cases).

Handlers run inside the transaction that stores the message, in the order they were registered; the first
that answers True takes it (`handled_by`). A handler that raises undoes the whole receipt, so the mail
server or provider retries it later.

A mail server's delivery status notification (a bounce, a delay) is no person writing: the messages app
records it itself (`bounce_services.bounce_record`, named in `handled_by`) before any registered handler,
and no handler is offered it, whatever order the apps registered in: a bounce must never become a
complaint or a reply on a case.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from patronage.core import clock
from patronage.members.models import Identity, IdentityKind, Member
from patronage.messages.bounce_services import bounce_record
from patronage.messages.bounces import DeliveryReport
from patronage.messages.inbound_parse import ParsedEmail, inbound_parse
from patronage.messages.models import InboundAttachment, InboundEmail

InboundHandler = Callable[[InboundEmail], bool]
_HANDLERS: list[tuple[str, InboundHandler]] = []
# `handled_by` of a delivery status notification.
BOUNCES = f"{bounce_record.__module__}.{bounce_record.__qualname__}"


def on_inbound_email(handler: InboundHandler) -> InboundHandler:
    """Registers `handler` (used as a decorator); it answers whether it took the message."""
    name = f"{handler.__module__}.{handler.__qualname__}"[:200]
    if all(known != name for known, _ in _HANDLERS):
        _HANDLERS.append((name, handler))
    return handler


def inbound_handlers() -> list[tuple[str, InboundHandler]]:
    return list(_HANDLERS)


def inbound_email_receive(*, raw: bytes) -> InboundEmail:
    """Stores the raw message and hands it to the handlers; the same Message-ID again returns the stored one
    (its `already_stored` set) and handles nothing. Raises InboundRefused, writing nothing."""
    parsed = inbound_parse(raw)
    try:
        with transaction.atomic(durable=True):
            if parsed.message_id and (known := _stored(parsed.message_id)) is not None:
                return known
            email = _store(parsed)
            if parsed.report is not None:
                _bounce(email, parsed.report)
            else:
                _handle(email)
            return email
    except IntegrityError:
        # Another receipt of the same message committed between our look and our insert.
        known = _stored(parsed.message_id) if parsed.message_id else None
        if known is None:
            raise
        return known


def _stored(message_id: str) -> InboundEmail | None:
    email = InboundEmail.objects.filter(message_id=message_id).first()
    if email is not None:
        email.already_stored = True
    return email


def _store(parsed: ParsedEmail) -> InboundEmail:
    email = InboundEmail.objects.create(
        message_id=parsed.message_id,
        from_address=parsed.from_address,
        from_name=parsed.from_name,
        to=parsed.to,
        subject=parsed.subject,
        sent_at=parsed.sent_at,
        received_at=clock.now(),
        text_body=parsed.text_body,
        html_body=parsed.html_body,
        member=_member(parsed.from_address),
        raw_size=parsed.raw_size,
        automatic=parsed.automatic,
    )
    InboundAttachment.objects.bulk_create(
        InboundAttachment(
            email=email,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=len(attachment.content),
            content=attachment.content,
        )
        for attachment in parsed.attachments
    )
    return email


def _member(address: str) -> Member | None:
    identity = (
        Identity.objects.select_related("member")
        .filter(kind=IdentityKind.EMAIL, value=address)
        .order_by("id")
        .first()
    )
    return identity.member if identity is not None else None


def _bounce(email: InboundEmail, report: DeliveryReport) -> None:
    """Records the report on the messages it returns; the e-mail belongs to their member (it names their
    address, and erasing them scrubs it), as its sender, a mail server, is nobody's."""
    bounced = bounce_record(report=report)
    email.member = email.member or next((m.member for m in bounced if m.member is not None), None)
    email.handled_by = BOUNCES
    email.save(update_fields=["handled_by", "member"])


def _handle(email: InboundEmail) -> None:
    for name, handler in _HANDLERS:
        if handler(email):
            email.handled_by = name
            email.save(update_fields=["handled_by"])
            return
