"""Bounces: a mail server's report (a DSN, read by `bounces`) that a message we sent cannot be delivered,
recorded on the message (status `bounced`, the status code and the server's answer in `last_error`) and on
the member's timeline.

The report names the message by the Message-ID it was sent with (stored at sending). A server or provider
that replaced the Message-ID, or a report without the original headers, is matched by the failed address
to the message last sent to it in the past 7 days. Recording is idempotent: a message already bounced is
not changed again, so the same report received twice (or two reports on one message) changes nothing the
second time, and two at once are settled by a conditional update.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from patronage.core import clock
from patronage.members.services import timeline_record
from patronage.messages import timeline_kinds as kinds
from patronage.messages.bounces import DeliveryReport, Recipient
from patronage.messages.models import Message, MessageChannel, MessageStatus

BY_ADDRESS_WITHIN = timedelta(days=7)
# A message that left us: sent, or failed because its worker stopped while sending (the server may well
# have taken it; a report naming its Message-ID proves it did).
MAY_BOUNCE = (MessageStatus.SENT, MessageStatus.FAILED)


def bounce_record(*, report: DeliveryReport) -> list[Message]:
    """Marks bounced each message the report says could not be delivered for good; returns the messages it
    names that are bounced now, by this report or an earlier one (none for a delay or an unknown message)."""
    if not report.bounced:
        return []
    bounced = []
    with transaction.atomic():
        for message, recipient in _matches(report):
            if _bounce(message, recipient) or message.status == MessageStatus.BOUNCED:
                bounced.append(message)
    return bounced


def _matches(report: DeliveryReport) -> list[tuple[Message, Recipient]]:
    """The messages the report is about, each with the recipient whose failure it reports."""
    messages = Message.objects.select_related("member")
    if report.original_message_id:
        message = messages.filter(message_id=report.original_message_id).first()
        if message is not None:  # ours: one message, one recipient (a forward may have failed elsewhere)
            by_address = {recipient.address: recipient for recipient in report.bounced}
            return [(message, by_address.get(message.address, report.bounced[0]))]
    since = clock.now() - BY_ADDRESS_WITHIN
    found = []
    for recipient in report.bounced:
        message = (
            messages.filter(channel=MessageChannel.EMAIL, address=recipient.address, sent_at__gte=since)
            .order_by("-sent_at", "-id")
            .first()
            if recipient.address
            else None
        )
        if message is not None:
            found.append((message, recipient))
    return found


def _bounce(message: Message, recipient: Recipient) -> bool:
    """True when this call bounced the message; False when it was bounced already or never left us."""
    changed = Message.objects.filter(pk=message.pk, status__in=MAY_BOUNCE).update(
        status=MessageStatus.BOUNCED, last_error=recipient.reason[:300], claimed_until=None
    )
    if not changed:
        return False
    message.status, message.last_error = MessageStatus.BOUNCED, recipient.reason[:300]
    if message.member is not None:
        timeline_record(
            member=message.member,
            kind=kinds.MESSAGE_BOUNCED.code,
            occurred_at=clock.now(),
            summary=f"{message.channel}: {message.subject or message.kind} bounced ({recipient.status})",
            data={
                "kind": message.kind,
                "channel": message.channel,
                "message": message.pk,
                "status": recipient.status,
            },
            source=message,
            dedupe_key=f"message.bounced:{message.pk}",
        )
    return True
