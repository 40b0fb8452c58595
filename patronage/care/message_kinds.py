"""The messages care sends: to the customer about their case (service messages: they go regardless of
marketing consent), and to staff about targets about to be missed or missed."""

from django.utils.translation import gettext_lazy as _

from patronage.core.message_kinds import MessageKind, message_kind_register

_CASE = {
    "reference": "C-2026-000123",
    "summary": "The sofa arrived scratched",
    "link": "https://example.com/c/…",
}

CASE_ACKNOWLEDGED = message_kind_register(
    MessageKind(
        code="case_acknowledged",
        label=_("Case received, with an apology"),
        purpose="service",
        recipient="member",
        variables={**_CASE, "type": "complaint"},
    )
)
CASE_REPLY = message_kind_register(
    MessageKind(
        code="case_reply",
        label=_("Reply on a case"),
        purpose="service",
        recipient="member",
        variables={
            **_CASE,
            "reply": "We are sorry: a new sofa will be delivered on Friday.",
            "agent": "Jisu",
        },
    )
)
CASE_FOLLOW_UP = message_kind_register(
    MessageKind(
        code="case_follow_up",
        label=_("Follow-up: how did we do?"),
        purpose="service",
        recipient="member",
        variables={**_CASE, "rating_link": "https://example.com/c/…/rate"},
    )
)
CASE_ALERT = message_kind_register(
    MessageKind(
        code="case_alert",
        label=_("A case's target is near or missed (to staff)"),
        purpose="service",
        recipient="staff",
        variables={**_CASE, "leg": "first response", "due_at": "2026-12-01T18:00:00+09:00", "missed": True},
    )
)
NOTICE_APOLOGY = message_kind_register(
    MessageKind(
        code="notice_apology",
        label=_("A problem on our side, told before the customer asks"),
        purpose="service",
        recipient="member",
        variables={
            "title": "Deliveries from the Gimpo warehouse are two days late",
            "message": "A fault at our warehouse delayed the orders placed on 3 and 4 March.",
            "points": 1000,
            "link": "https://example.com/notices/o/…",
        },
    )
)
