"""The messages segments send: a campaign's message to the treated members of its segment, and a club
event's invitation to the members it is for. Both are marketing: they need the member's consent for the
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
