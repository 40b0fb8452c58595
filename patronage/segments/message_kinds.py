"""The messages segments send: a campaign's message to the treated members of its segment (and a segment's
welcome to those who enter it), the information digest a member chose, and a club event's invitation to the
members it is for. All are marketing: they need the member's consent for the
channel, wait out quiet hours, count against the weekly cap and carry the unsubscribe link. A campaign's
words are its own, in each of the business's languages; an invitation's are the product's templates with
the event's name and description in the member's language and its time in their zone."""

from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

from patronage.core.message_kinds import MessageKind, message_kind_register

CAMPAIGN = message_kind_register(
    MessageKind(
        code="campaign",
        label=_("A campaign's message to a segment"),
        purpose="marketing",
        recipient="member",
        variables={
            "subject": "New in our kitchen range",
            "body": "Dear customer,\n\nOur new pans arrived this week.",
        },
    )
)

# The information digest: the items published since the member's last digest in the topics they chose,
# written in the message's language (each item's title and text in it, else in the business's main one).
INFORMATION_DIGEST = message_kind_register(
    MessageKind(
        code="information_digest",
        label=_("The information digest a member chose"),
        purpose="marketing",
        recipient="member",
        variables={
            "count": 2,
            "items": "New pans for the season\nOur new pans arrived this week.\n\n"
            "Training: caring for cast iron\nA short guide to seasoning.",
            "portal": "https://example.com/portal/information/",
        },
    )
)

EVENT_INVITATION = message_kind_register(
    MessageKind(
        code="event_invitation",
        label=_("Invitation to a club event"),
        purpose="marketing",
        recipient="member",
        variables={
            "title": "New pans tasting",
            "description": "Cook with our new pans alongside our chef.",
            "starts_at": datetime(2027, 3, 20, 5, 0, tzinfo=UTC),
            "ends_at": datetime(2027, 3, 20, 7, 0, tzinfo=UTC),
            "place": "Gangnam store",
            "link": "",
        },
    )
)
