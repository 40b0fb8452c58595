"""The message segments send: a campaign's message to the treated members of its segment (marketing: it
needs the member's consent for the channel, waits out quiet hours, counts against the weekly cap and
carries the unsubscribe link). Its words are the campaign's own, in each of the business's languages."""

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
