"""The business events care publishes to the outbox, for webhooks (see core.outbox.Topic).

Payloads carry the case's reference, codes and instants, never the customer's words or contact details:
an integrator reads those through the API, where access is checked.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patronage.core.outbox import Topic, topic_register

_CASE = {
    "reference": "C-2026-000123",
    "type": "complaint",
    "channel": "web_form",
    "status": "acknowledged",
    "severity": "major",
    "member": 1847,
    "category": "Late delivery",
    "assignee": "jisu",
    "at": "2026-12-01T15:00:00+00:00",
}

CASE_CREATED = topic_register(Topic("case.created", _("A case was filed, in any channel."), _CASE))
CASE_UPDATED = topic_register(
    Topic(
        "case.updated",
        _(
            "A case changed: its status, assignment, classification, compensation, replies, follow-up or "
            "rating (`change` says what; a follow-up's says whether a survey asked)."
        ),
        {**_CASE, "status": "proposed", "change": {"status": ["listening", "proposed"]}},
    )
)
CASE_BREACHED = topic_register(
    Topic(
        "case.breached",
        _("A case missed a service target (first response, next response, resolution or follow-up)."),
        {**_CASE, "leg": "first_response", "due_at": "2026-12-01T18:00:00+09:00"},
    )
)
CASE_CLOSED = topic_register(
    Topic(
        "case.closed",
        _("A case was closed."),
        {**_CASE, "status": "closed", "change": {"status": ["resolved", "closed"]}},
    )
)
