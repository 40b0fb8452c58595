"""Data-subject rights: erasure and the export of one person's data."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change, audit_record
from patronage.core.errors import ValidationFailed
from patronage.core.models import User
from patronage.members import hooks
from patronage.members import timeline_kinds as kinds
from patronage.members.models import (
    Member,
    MemberStatus,
)
from patronage.members.services.files import require_active
from patronage.members.services.timeline import timeline_record
from patronage.members.timeline import personal_kinds


def member_erase(*, member: Member, actor: User | None, reason: str) -> Member:
    """Removes a person's personal data for good; orders, points and counts stay for the totals."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            _("give the reason for the erasure (e.g. the request's reference)"), field="reason"
        )
    with transaction.atomic(durable=True):
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.status == MemberStatus.ERASED:
            return locked
        require_active(locked)
        user = locked.user
        locked.identities.all().delete()
        locked.notes.all().delete()
        locked.consents.all().delete()
        locked.consent_events.all().delete()
        locked.tags.clear()
        locked.timeline.filter(kind__in=personal_kinds()).delete()
        for handler in hooks.erase_handlers:
            handler(locked)
        for field in ("name", "address", "city", "postal_code"):
            setattr(locked, field, "")
        locked.birth_date = None
        locked.preferences = {}
        locked.account_manager = None
        locked.user = None
        locked.status = MemberStatus.ERASED
        locked.erased_at = clock.now()
        locked.save()
        if user is not None:
            user.delete()
        audit_record(actor=actor, action="member.erased", target=locked, reason=reason)
    return locked


def member_export(*, member: Member, actor: User | None) -> dict[str, Any]:
    """Everything the product holds about one person, as JSON-ready data (right of access)."""
    from patronage.members.selectors import member_export_data

    with transaction.atomic(durable=True):
        data = member_export_data(member=member)
        timeline_record(member=member, kind=kinds.DATA_EXPORTED.code, actor=actor)
        audit_change(actor=actor, action="member.exported", target=member)
    return data
