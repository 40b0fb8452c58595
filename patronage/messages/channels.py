"""The ways a message reaches a person. Each channel sends one rendered message or raises ChannelError.

E-mail goes through Django's mail framework: SMTP as configured by EMAIL_URL, or a hosted provider through
django-anymail's backends, by configuration only. Text messages and chat have no provider yet: the
console channel writes them to the log, the stand-in the campaigns will replace with a real one.
"""

from __future__ import annotations

import logging
from email.utils import make_msgid, parseaddr
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME

from patronage.messages.models import Message, MessageChannel
from patronage.messages.tracking import tracked_html

logger = logging.getLogger(__name__)


class ChannelError(Exception):
    """A channel could not hand the message over; the message says why, for the delivery log."""


class Channel(Protocol):
    def send(self, message: Message) -> None: ...


def email_message_id() -> str:
    """A new Message-ID in the sending address's domain (the host's name when it has none)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return make_msgid(domain=domain or str(DNS_NAME))


class EmailChannel:
    """A multipart e-mail (text, and HTML when the template has one) under the message's own Message-ID,
    which a bounce names; a message that can be refused carries the one-click unsubscribe headers
    (RFC 2369 and RFC 8058), which mail clients show as a button. A marketing e-mail's HTML carries the
    open pixel and its links go through the click redirect (messages.tracking)."""

    def send(self, message: Message) -> None:
        headers = {"Message-ID": message.message_id} if message.message_id else {}
        if message.unsubscribe_url:
            headers |= {
                "List-Unsubscribe": f"<{message.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text_body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers=headers,
        )
        if message.html_body:
            email.attach_alternative(tracked_html(message), "text/html")
        try:
            email.send(fail_silently=False)
        except Exception as error:  # SMTP, socket and every provider's own errors alike
            raise ChannelError(f"e-mail not accepted: {type(error).__name__}: {error}"[:300]) from error


class ConsoleSmsChannel:
    """Writes the text message to the log instead of sending it: the stand-in for SMS and chat."""

    def send(self, message: Message) -> None:
        logger.info("sms to %s: %s", message.address, message.text_body)


_CHANNELS: dict[str, Channel] = {
    MessageChannel.EMAIL: EmailChannel(),
    MessageChannel.SMS: ConsoleSmsChannel(),
}


def channel_get(code: str) -> Channel:
    try:
        return _CHANNELS[code]
    except KeyError:
        raise ChannelError(f"no channel {code!r}") from None
