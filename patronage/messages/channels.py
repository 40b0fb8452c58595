"""The ways a message reaches a person. Each channel sends one rendered message or raises ChannelError.

E-mail goes through Django's mail framework: SMTP as configured by EMAIL_URL, or a hosted provider through
django-anymail's backends, by configuration only. Text messages and chat have no provider yet: the
console channel writes them to the log, the stand-in the campaigns will replace with a real one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.utils import make_msgid, parseaddr
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
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
    open pixel and its links go through the click redirect (messages.tracking).

    Its e-mails share one connection to the mail server (SMTP: one login, not one per e-mail), opened by
    the first and kept until `close`; one that fails closes it, so the next opens a fresh one."""

    def __init__(self) -> None:
        self.connection: BaseEmailBackend = get_connection(fail_silently=False)

    def close(self) -> None:
        with suppress(Exception):  # a server gone away meanwhile: nothing is left to close
            self.connection.close()

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
            connection=self.connection,
        )
        if message.html_body:
            email.attach_alternative(tracked_html(message), "text/html")
        try:
            self.connection.open()  # no-op while open
            email.send(fail_silently=False)
        except Exception as error:  # SMTP, socket and every provider's own errors alike
            self.close()
            raise ChannelError(f"e-mail not accepted: {type(error).__name__}: {error}"[:300]) from error


class ConsoleSmsChannel:
    """Writes the text message to the log instead of sending it: the stand-in for SMS and chat."""

    def send(self, message: Message) -> None:
        logger.info("sms to %s: %s", message.address, message.text_body)


Channels = Callable[[str], Channel]


@contextmanager
def channels_open() -> Iterator[Channels]:
    """The channels for one batch of messages, by code (ChannelError for an unknown one); the e-mail
    channel's connection is closed when the batch is done."""
    email = EmailChannel()
    by_code: dict[str, Channel] = {MessageChannel.EMAIL: email, MessageChannel.SMS: ConsoleSmsChannel()}

    def channel(code: str) -> Channel:
        try:
            return by_code[code]
        except KeyError:
            raise ChannelError(f"no channel {code!r}") from None

    try:
        yield channel
    finally:
        email.close()
