"""How the customer file's merge and export reach cases."""

from __future__ import annotations

from typing import Any

from patronage.care.models import Case, NoticeRecipient
from patronage.members import hooks
from patronage.members.models import Member


@hooks.on_merge
def cases_follow_merge(duplicate: Member, survivor: Member) -> None:
    """The duplicate's cases are the survivor's; a notice that reached both keeps the survivor's record."""
    Case.objects.filter(member=duplicate).update(member=survivor)
    told = NoticeRecipient.objects.filter(member=survivor).values("notice_id")
    NoticeRecipient.objects.filter(member=duplicate, notice_id__in=told).delete()
    NoticeRecipient.objects.filter(member=duplicate).update(member=survivor)


@hooks.export_section("cases")
def cases_export(member: Member) -> list[dict[str, Any]]:
    """The person's cases as they told them, with what the business answered them (not staff notes)."""
    return [
        {
            "reference": case.reference,
            "type": case.type,
            "status": case.status,
            "summary": case.summary,
            "description": case.description,
            "filed_at": case.created_at.isoformat(),
            "satisfaction": case.satisfaction,
            "messages": [
                {"kind": entry.kind, "at": entry.at.isoformat(), "text": entry.body}
                for entry in case.entries.filter(public=True).exclude(body="").order_by("at", "pk")
            ],
        }
        for case in Case.objects.filter(member=member).order_by("created_at", "pk")
    ]
