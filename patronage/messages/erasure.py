"""What erasure does to the webhooks' tables (the members.erasure registry).

A delivery stores no payload: its body is built from the outbox event when it is sent, and the event's
payload is scrubbed by core's entry, so a delivery still pending after an erasure sends the scrubbed event.
It names the member only by id (member_key); what a receiver answered is free text and may echo them.
An inbound e-mail from a member is theirs: its sender, subject and bodies are wiped, its attachments deleted;
so is a bounce of a message to them, which names their address and may quote the message.
"""

from __future__ import annotations

from patronage.members.erasure import PersonalTable, Scrub, Subject, no_personal_data, personal_data
from patronage.messages.models import (
    InboundAttachment,
    InboundEmail,
    Message,
    WebhookAttempt,
    WebhookDelivery,
)


def _keys(subject: Subject) -> list[str]:
    return [str(member_id) for member_id in subject.member_ids]


personal_data(
    PersonalTable(
        "messaging.WebhookDelivery",
        rows=lambda subject: WebhookDelivery.objects.filter(member_key__in=_keys(subject)),
        fields={
            "member_key": Scrub.KEEP,
            "status": Scrub.KEEP,
            "last_response": Scrub.REDACT,
            "last_error": Scrub.REDACT,
        },
        why="a delivery names its member by id only; a receiver's answer may echo what it knew of them",
    )
)
personal_data(
    PersonalTable(
        "messaging.WebhookAttempt",
        rows=lambda subject: WebhookAttempt.objects.filter(delivery__member_key__in=_keys(subject)),
        fields={"response_excerpt": Scrub.REDACT, "error": Scrub.REDACT},
        why="a receiver's answer may echo what it knew of the member",
    )
)
no_personal_data(
    "messaging.WebhookEndpoint", "an integration's URL, topics, secret and description, set by staff"
)
personal_data(
    PersonalTable(
        "messaging.Message",
        rows=lambda subject: Message.objects.filter(member_id__in=subject.member_ids),
        fields={
            "kind": Scrub.KEEP,
            "channel": Scrub.KEEP,
            "language": Scrub.KEEP,
            "address": Scrub.WIPE,
            "subject": Scrub.WIPE,
            "text_body": Scrub.WIPE,
            "html_body": Scrub.WIPE,
            "unsubscribe_url": Scrub.WIPE,
            "status": Scrub.KEEP,
            "skip_reason": Scrub.KEEP,
            "idempotency_key": Scrub.REKEY,
            "last_error": Scrub.REDACT,
            # Ours, made of a time, a random number and our domain: a late bounce still finds the message.
            "message_id": Scrub.KEEP,
        },
        # A message still queued then finds no address and is skipped, never sent to the erased person.
        why="a message holds the person's address and a text written to them by name",
    )
)
no_personal_data("messaging.MessageTemplate", "a business's wording of a kind of message, with variables")
personal_data(
    PersonalTable(
        "messaging.InboundEmail",
        rows=lambda subject: InboundEmail.objects.filter(member_id__in=subject.member_ids),
        fields={
            "message_id": Scrub.KEEP,
            "from_address": Scrub.WIPE,
            "from_name": Scrub.WIPE,
            "to": Scrub.WIPE,
            "subject": Scrub.WIPE,
            "text_body": Scrub.WIPE,
            "html_body": Scrub.WIPE,
            "handled_by": Scrub.KEEP,
        },
        # Message-ID stays so that the same message handed over again is still recognised, not stored anew.
        why="an e-mail the person wrote: their address, name and words",
    )
)
personal_data(
    PersonalTable(
        "messaging.InboundAttachment",
        rows=lambda subject: InboundAttachment.objects.filter(email__member_id__in=subject.member_ids),
        delete=True,
        why="a file the person sent",
    )
)
