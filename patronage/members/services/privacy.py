"""Data-subject rights: erasure and the export of one person's data."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change, audit_record
from patronage.core.errors import ValidationFailed
from patronage.core.models import User
from patronage.members import hooks
from patronage.members import timeline_kinds as kinds
from patronage.members.erasure import personal_data_erase
from patronage.members.models import (
    Member,
    MemberStatus,
)
from patronage.members.services import notify
from patronage.members.services.files import require_active
from patronage.members.services.timeline import timeline_record
from patronage.members.uploads import import_files_sweep


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
        for handler in hooks.erase_handlers:
            handler(locked)
        # Every table of the registry (members.erasure), the upper apps' included; the logins go too.
        subject = personal_data_erase(member=locked)
        now = clock.now()
        Member.objects.filter(pk=locked.pk).update(
            user=None, account_manager=None, status=MemberStatus.ERASED, erased_at=now, updated_at=now
        )
        locked.refresh_from_db()
        # After the scrub, which reaches this member's earlier events: this one holds their id alone.
        notify.member_erased(member=locked)
        # The reason is kept; a person named in it (a request "from Alice Kim") is not.
        audit_record(actor=actor, action="member.erased", target=locked, reason=subject.own.text(reason))
        # Uploaded import files may list the person: those of every import that is not running go.
        transaction.on_commit(partial(import_files_sweep, failed_after=timedelta(0)))
    return locked


def member_list_export_record(*, actor: User, filters: dict[str, Any], rows: int) -> None:
    """Audits a download of the customer list: who took how many customers' data out, chosen how."""
    with transaction.atomic(durable=True):
        audit_record(actor=actor, action="members.exported", rows=rows, filters=filters)


def member_export(*, member: Member, actor: User | None) -> dict[str, Any]:
    """Everything the product holds about one person, as JSON-ready data (right of access)."""
    from patronage.members.selectors import member_export_data

    with transaction.atomic(durable=True):
        data = member_export_data(member=member)
        timeline_record(member=member, kind=kinds.DATA_EXPORTED.code, actor=actor)
        audit_change(actor=actor, action="member.exported", target=member)
    return data
