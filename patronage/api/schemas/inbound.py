"""The answer to a received e-mail, and the request body the document describes (a raw RFC 822 message)."""

from __future__ import annotations

from typing import Any

from ninja import Schema

RAW_MESSAGE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The raw message as a mail server holds it (RFC 822 / RFC 5322): headers with a From "
        "address, a blank line, a body. At most INBOUND_EMAIL_MAX_BYTES (10 MiB); at most 10 attachments "
        "of at most 5 MiB each, images, PDF, plain text or office documents.",
        "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary", "minLength": 1}}},
    }
}


class InboundEmailOut(Schema):
    id: int
    message_id: str
    from_address: str
    subject: str
    member_id: int | None
    handled_by: str
    attachments: int
    already_stored: bool
