"""The business events the customer file publishes to the outbox, for webhooks (see core.outbox.Topic).

Payloads carry ids, field names and codes, never a person's name, address, e-mail or phone: an event may
be delivered long after the person asked to be erased, and an integrator reads the file through the API.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from patronage.core.outbox import Topic, topic_register

MEMBER_CREATED = topic_register(
    Topic(
        "member.created",
        _("A customer file was opened: through the API, the portal's sign-up or an import."),
        {
            "member": 1847,
            "source": "portal",
            "joined_at": "2026-12-01T15:00:00+00:00",
            "at": "2026-12-01T15:00:00+00:00",
        },
    )
)
MEMBER_UPDATED = topic_register(
    Topic(
        "member.updated",
        _("A customer's profile changed: which fields, not their values (read them through the API)."),
        {"member": 1847, "fields": ["city", "email"], "at": "2026-12-01T15:00:00+00:00"},
    )
)
MEMBER_MERGED = topic_register(
    Topic(
        "member.merged",
        _("A duplicate customer file was merged into another, which keeps everything it held."),
        {"member": 1847, "duplicate": 2210, "at": "2026-12-01T15:00:00+00:00"},
    )
)
MEMBER_ERASED = topic_register(
    Topic(
        "member.erased",
        _("A customer's personal data was erased at their request: erase what you keep about them too."),
        {"member": 1847, "at": "2026-12-01T15:00:00+00:00"},
    )
)
IMPORT_FINISHED = topic_register(
    Topic(
        "import.finished",
        _("An import of customers or transactions finished: done, rejected for its errors, or failed."),
        {
            "import": 31,
            "kind": "customers",
            "status": "done",
            "rows": 1200,
            "created": 40,
            "updated": 12,
            "unchanged": 1148,
            "errors": 0,
            "at": "2026-12-01T15:00:00+00:00",
        },
    )
)
