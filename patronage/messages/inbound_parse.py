"""Reading a raw RFC 822 message into what is stored, and refusing one that breaks a limit: no database.

The standard library parses (`email.policy.default`), which decodes RFC 2047 headers and each text part by
its own charset (ISO-2022-JP, EUC-KR, Shift_JIS...). A limit broken refuses the whole message, naming
what was wrong, before anything is written.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from django.conf import settings

from patronage.core.errors import ValidationFailed
from patronage.members import normalise
from patronage.messages.bounces import DeliveryReport, delivery_report_read

MAX_ATTACHMENTS = 10
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
BODY_MAX_CHARS = 256 * 1024
MIB = 1024 * 1024
# Images, PDF, plain text and the common office documents: what a customer attaches to a complaint.
ALLOWED_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "image/heif",
        "image/bmp",
        "image/tiff",
        "application/pdf",
        "text/plain",
        "text/csv",
        "application/rtf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/x-hwp",  # Hangul Word Processor, common in Korea
        "application/haansofthwp",
        "application/vnd.hancom.hwp",
        "application/vnd.hancom.hwpx",
    }
)


class InboundRefused(ValidationFailed):
    """The message is not stored: it is not a readable e-mail or it breaks a limit (the message says which)."""


class InboundTooLarge(InboundRefused):
    status = 413
    code = "payload_too_large"


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    from_address: str
    from_name: str
    to: str
    subject: str
    sent_at: datetime | None
    text_body: str
    html_body: str
    raw_size: int
    attachments: list[ParsedAttachment] = field(default_factory=list)
    # A mail server's delivery status notification (a bounce or a delay), not a person writing.
    report: DeliveryReport | None = None
    # Sent by a program, not typed by a person: an out-of-office reply, a list's digest (RFC 3834).
    automatic: bool = False


def max_bytes() -> int:
    return int(settings.INBOUND_EMAIL_MAX_BYTES)


def size_refusal(size: int) -> InboundTooLarge | None:
    """The refusal of a message of `size` bytes, or None when it is within INBOUND_EMAIL_MAX_BYTES."""
    limit = max_bytes()
    if size <= limit:
        return None
    return InboundTooLarge(
        f"the message is {size} bytes; at most {_size(limit)} is accepted (INBOUND_EMAIL_MAX_BYTES)",
        field="message",
    )


def inbound_parse(raw: bytes) -> ParsedEmail:
    """The parts of `raw` that are stored; raises InboundRefused naming the problem."""
    if refused := size_refusal(len(raw)):
        raise refused
    if not raw.strip():
        raise InboundRefused("the message is empty", field="message")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage
    from_address, from_name = _sender(message)
    text, html, attachments = _parts(message)
    if not text.strip() and not html.strip() and not attachments:
        raise InboundRefused("the message has no body: no text, no HTML and no attachment", field="body")
    return ParsedEmail(
        message_id=_header(message, "Message-ID")[:255],
        from_address=from_address,
        from_name=from_name[:200],
        to=_header(message, "To")[:1000],
        subject=_header(message, "Subject")[:998],
        sent_at=_sent_at(message),
        text_body=text[:BODY_MAX_CHARS],
        html_body=html[:BODY_MAX_CHARS],
        raw_size=len(raw),
        attachments=attachments,
        report=delivery_report_read(message),
        automatic=_automatic(message),
    )


# Headers by which mail programs mark what they send on their own (RFC 3834 and the common older ones).
_AUTOMATIC_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}


def _automatic(message: EmailMessage) -> bool:
    """Whether a program sent it: an auto-reply must not reopen a case or file one."""
    submitted = _header(message, "Auto-Submitted").strip().lower()
    if submitted and submitted != "no":
        return True
    if _header(message, "Precedence").strip().lower() in _AUTOMATIC_PRECEDENCE:
        return True
    return any(
        _header(message, name) for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
    )


def _sender(message: EmailMessage) -> tuple[str, str]:
    try:
        header: Any = message["From"]
        addresses = list(getattr(header, "addresses", ())) if header is not None else []
    except Exception:  # a header the policy cannot even split into addresses
        addresses = []
    found = [address for address in addresses if address.addr_spec and "@" in address.addr_spec]
    if not found:
        raise InboundRefused("the message has no From header with an e-mail address", field="from")
    try:
        address = normalise.email(_clean(found[0].addr_spec), field="from")
    except ValidationFailed as error:
        raise InboundRefused(f"the From address is not valid: {error.message}", field="from") from error
    return address, _clean(found[0].display_name or "")


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message[name]
    except Exception:  # a malformed header: kept out rather than refusing the message
        return ""
    return " ".join(_clean(str(value)).split()) if value is not None else ""


def _sent_at(message: EmailMessage) -> datetime | None:
    try:
        header: Any = message["Date"]
        when = getattr(header, "datetime", None)
    except Exception:
        return None
    if not isinstance(when, datetime):
        return None
    if when.tzinfo is None:  # RFC 5322's "-0000": the time is UTC, the zone unknown
        when = when.replace(tzinfo=UTC)
    return when if 1900 <= when.astimezone(UTC).year <= 2199 else None


def _parts(message: EmailMessage) -> tuple[str, str, list[ParsedAttachment]]:
    text, html = "", ""
    attachments: list[ParsedAttachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        if disposition != "attachment" and content_type == "text/plain" and not text:
            text = _text(part)
        elif disposition != "attachment" and content_type == "text/html" and not html:
            html = _text(part)
        elif disposition is not None or part.get_filename() or not content_type.startswith("text/"):
            attachments.append(_attachment(part, len(attachments) + 1))
            if len(attachments) > MAX_ATTACHMENTS:
                raise InboundRefused(
                    f"the message has more than {MAX_ATTACHMENTS} attachments", field="attachments"
                )
    return text, html, attachments


def _text(part: Any) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "us-ascii"
    try:
        decoded = payload.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know: read it as UTF-8, marking what is not
        decoded = payload.decode("utf-8", errors="replace")
    return _clean(decoded)


def _attachment(part: Any, number: int) -> ParsedAttachment:
    filename = _clean(part.get_filename() or "").strip().replace("/", "_").replace("\\", "_")[:255]
    filename = filename or f"attachment-{number}"
    content_type = part.get_content_type()
    if content_type == "application/octet-stream":  # many mail clients say nothing: the name tells
        content_type = mimetypes.guess_type(filename)[0] or content_type
    if content_type not in ALLOWED_TYPES:
        raise InboundRefused(
            f"the attachment '{filename}' is of type {content_type}, which is not accepted "
            "(images, PDF, plain text and office documents are)",
            field="attachments",
        )
    content = part.get_payload(decode=True) or b""
    if len(content) > ATTACHMENT_MAX_BYTES:
        raise InboundRefused(
            f"the attachment '{filename}' is {len(content)} bytes; at most {_size(ATTACHMENT_MAX_BYTES)} each",
            field="attachments",
        )
    return ParsedAttachment(filename=filename, content_type=content_type, content=content)


def _clean(text: str) -> str:
    """Text a database stores: no NUL, and bytes a header carried undeclared (surrogate escapes) read as
    UTF-8 where they are, else replaced."""
    if any("\udc80" <= char <= "\udcff" for char in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)
    return text.replace("\x00", "")


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit} bytes"
