"""The business events feedback publishes to the outbox, for webhooks (see core.outbox.Topic).

The payload carries the scores, never the customer's words: an integrator reads those through the API,
where access is checked.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patronage.core.outbox import Topic, topic_register

SURVEY_RESPONSE = topic_register(
    Topic(
        "survey.response",
        _("A survey was answered in full (a staff member's try is not)."),
        {
            "survey": 12,
            "response": 5120,
            "member": 1847,
            "nps": 9,
            "nps_group": "promoter",
            "csat": None,
            "case": None,
            "at": "2026-12-01T15:00:00+00:00",
        },
    )
)
