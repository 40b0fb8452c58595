"""The message standards send: word to a standard's owner that a period breached its minimum."""

from django.utils.translation import gettext_lazy as _

from patronage.core.message_kinds import MessageKind, message_kind_register

STANDARD_BREACH = message_kind_register(
    MessageKind(
        code="standard_breach",
        label=_("A service standard was breached in a period (to its owner)"),
        purpose="service",
        recipient="staff",
        variables={
            "standard": "Phone answered within 2 rings",
            "period": "week of 30 Nov 2026",
            "count": 1240,
            "below_minimum": 15,
            "meeting_target_share": "91%",
            "target_share": "95%",
            "link": "https://example.com/console/standards/3/",
        },
    )
)
