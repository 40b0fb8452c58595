"""Reading a mail server's delivery status notification (a DSN, RFC 3464): which recipients a message
could not reach for good, and which message it was. No database.

A DSN is a `multipart/report; report-type=delivery-status` whose `message/delivery-status` part holds one
block of fields about the report, then one block per recipient (`Final-Recipient`, `Action`, `Status`,
`Diagnostic-Code`); the original message, or only its headers, usually follows as `message/rfc822` or
`text/rfc822-headers`, and gives its Message-ID. A recipient counts as bounced when its action is
`failed` and its status is permanent (5.x.x); a delay (`delayed`, 4.x.x) is the server still trying.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser, HeaderParser
from typing import Any

from patronage.core.errors import ValidationFailed
from patronage.members import normalise

# message/global-delivery-status is the same report with UTF-8 allowed in its fields (RFC 6533).
STATUS_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
ORIGINAL_TYPES = frozenset(
    {"message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"}
)
DIAGNOSTIC_CHARS = 200
_STATUS = re.compile(r"^([245])\.\d{1,3}\.\d{1,3}")


@dataclass(frozen=True)
class Recipient:
    """One recipient's fate in the report, as the reporting server gave it."""

    address: str  # normalised as the members' e-mail identities; "" when not an e-mail address
    action: str  # failed | delayed | delivered | relayed | expanded, lower case
    status: str  # "5.1.1"; "" when absent or not a status code
    diagnostic: str  # the remote server's answer, its type ("smtp;") dropped, shortened; may be ""

    @property
    def bounced(self) -> bool:
        """Failed for good: action `failed` with a permanent (5.x.x) status."""
        return self.action == "failed" and self.status.startswith("5.")

    @property
    def reason(self) -> str:
        """The status code and what the server said, as the delivery log shows it."""
        return f"{self.status}: {self.diagnostic}" if self.diagnostic else self.status


@dataclass(frozen=True)
class DeliveryReport:
    """A DSN: the Message-ID of the message it reports on ("" when it does not say) and its recipients."""

    original_message_id: str
    recipients: tuple[Recipient, ...]

    @property
    def bounced(self) -> tuple[Recipient, ...]:
        return tuple(recipient for recipient in self.recipients if recipient.bounced)


def delivery_report_parse(raw: bytes) -> DeliveryReport | None:
    """The report in the raw message, or None when it is not a DSN."""
    return delivery_report_read(BytesParser(policy=policy.default).parsebytes(raw))


def delivery_report_read(message: Message) -> DeliveryReport | None:
    """The report in a parsed message, or None when it is not a DSN (a person's e-mail, an auto-reply)."""
    if message.get_content_type() != "multipart/report" or not message.is_multipart():
        return None
    parts = [part for part in message.get_payload() if isinstance(part, Message)]
    status = next((part for part in parts if part.get_content_type() in STATUS_TYPES), None)
    if status is None:  # another kind of report (a read receipt, a spam complaint)
        return None
    original = next((part for part in parts if part.get_content_type() in ORIGINAL_TYPES), None)
    return DeliveryReport(
        original_message_id=_original_message_id(original) if original is not None else "",
        recipients=tuple(_recipient(block) for block in _blocks(status)[1:]),
    )


def _blocks(part: Message) -> list[Message]:
    """The status part's blocks of fields: the first about the report, then one per recipient."""
    payload: Any = part.get_payload()
    if part.get_content_type() == "message/delivery-status" and isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]  # the parser split it already
    # Other types the parser reads as one message (the first block its headers, the rest its body).
    inner = payload[0] if isinstance(payload, list) and payload else None
    text = inner.as_string() if isinstance(inner, Message) else _text(part)
    chunks = re.split(r"\r?\n[ \t]*\r?\n", text.strip())
    return [HeaderParser(policy=policy.default).parsestr(chunk) for chunk in chunks if chunk.strip()]


def _recipient(block: Message) -> Recipient:
    status = _STATUS.match(_field(block, "Status"))
    action = _field(block, "Action").lower().split()
    return Recipient(
        address=_address(_field(block, "Final-Recipient") or _field(block, "Original-Recipient")),
        action=action[0] if action else "",
        status=status.group(0) if status else "",
        diagnostic=_shorten(_typed_value(_field(block, "Diagnostic-Code"))),
    )


def _original_message_id(part: Message) -> str:
    if part.get_content_type() in {"message/rfc822", "message/global"}:
        payload: Any = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        headers = (
            inner if isinstance(inner, Message) else HeaderParser(policy=policy.default).parsestr(_text(part))
        )
    else:  # text/rfc822-headers: the headers as text
        headers = HeaderParser(policy=policy.default).parsestr(_text(part))
    return message_id_normalise(_field(headers, "Message-ID"))


def message_id_normalise(value: str) -> str:
    """A Message-ID as it is stored: one `<...>`, no spaces; "" when there is none."""
    value = "".join(value.split())
    if not value:
        return ""
    return value if value.startswith("<") and value.endswith(">") else f"<{value.strip('<>')}>"


def _address(value: str) -> str:
    """The address of a `Final-Recipient` ("rfc822; alice@example.com"), normalised; "" if not e-mail."""
    kind, semicolon, address = value.partition(";")
    if not semicolon:
        kind, address = "rfc822", value
    if kind.strip().lower() not in {"rfc822", "utf-8"}:
        return ""
    try:
        return normalise.email(address.strip().strip("<>"), field="Final-Recipient")
    except ValidationFailed:
        return ""


def _typed_value(value: str) -> str:
    """'smtp; 550 5.1.1 User unknown' -> '550 5.1.1 User unknown': the value without its type."""
    kind, semicolon, rest = value.partition(";")
    return rest.strip() if semicolon and " " not in kind.strip() else value


def _field(block: Message, name: str) -> str:
    try:
        value = block[name]
    except Exception:  # a field the policy cannot parse: as if absent
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload())
    try:
        return payload.decode(part.get_content_charset() or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", errors="replace")


def _shorten(text: str) -> str:
    return text if len(text) <= DIAGNOSTIC_CHARS else text[: DIAGNOSTIC_CHARS - 1].rstrip() + "…"
