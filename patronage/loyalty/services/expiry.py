"""Expiry beyond dated lots: points of members inactive too long, and the warning sent before points go."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min, Sum

from patronage.core import clock
from patronage.core.message_kinds import InLanguages, message_request
from patronage.core.outbox import outbox_publish
from patronage.loyalty import message_kinds
from patronage.loyalty import timeline_kinds as kinds
from patronage.loyalty.models import Account, Bucket, EntryKind, ExpiryPolicy, Lot, Program
from patronage.loyalty.selectors import local_time
from patronage.loyalty.services import notify
from patronage.loyalty.services.ledger import Cause, entry_write, lots_draw
from patronage.members.services import timeline_record


def points_expire_inactive(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Expires every active point of members without activity for the program's N days; returns points expired."""
    now = now or clock.now()
    expired = 0
    for program in Program.objects.filter(expiry_policy=ExpiryPolicy.INACTIVITY, expiry_days__isnull=False):
        cutoff = now - timedelta(days=program.expiry_days or 0)
        idle = Account.objects.filter(program=program, active__gt=0, last_activity_at__lte=cutoff)
        for account_id in idle.values_list("pk", flat=True)[:limit]:
            with transaction.atomic(durable=True):
                account = (
                    Account.objects.select_for_update(of=("self",))
                    .select_related("program")
                    .get(pk=account_id)
                )
                # Checked again under the lock: activity since the query keeps the points.
                if (
                    account.active <= 0
                    or account.last_activity_at is None
                    or account.last_activity_at > cutoff
                ):
                    continue
                points = account.active
                key = f"expire:inactive:{account.pk}:{account.last_activity_at.isoformat()}"
                entry = entry_write(
                    account=account,
                    kind=EntryKind.EXPIRE,
                    bucket=Bucket.ACTIVE,
                    points=-points,
                    cause=Cause("account", str(account.pk)),
                    key=key,
                    at=now,
                    reason="inactivity",
                )
                lots_draw(account=account, entry=entry, points=points)
                notify.points_changed(account=account, change=-points, kind="expire", cause=key, at=now)
                expired += points
    return expired


def expiry_warnings_send(*, now: datetime | None = None) -> int:
    """Warns each member, once per expiry day, of points that expire within the program's warning days."""
    now = now or clock.now()
    warned = 0
    for program in Program.objects.exclude(expiry_policy=ExpiryPolicy.NEVER).filter(
        expiry_warning_days__gt=0
    ):
        horizon = now + timedelta(days=program.expiry_warning_days)
        soon = (
            Lot.objects.filter(
                account__program=program,
                is_pending=False,
                remaining__gt=0,
                expires_at__gt=now,
                expires_at__lte=horizon,
            )
            .values("account")
            .annotate(points=Sum("remaining"), first=Min("expires_at"))
        )
        for row in soon.iterator():
            warned += _warn(
                program=program,
                account_id=row["account"],
                points=row["points"],
                expires_at=row["first"],
                now=now,
            )
    return warned


def _warn(*, program: Program, account_id: int, points: int, expires_at: datetime, now: datetime) -> int:
    day = local_time(program, expires_at).date().isoformat()
    with transaction.atomic(durable=True):
        account = Account.objects.select_related("member").get(pk=account_id)
        published = outbox_publish(
            topic="points.expiring",
            key=f"points.expiring:{account.pk}:{day}",
            at=now,
            payload={
                "member": account.member_id,
                "program": program.code,
                "points": points,
                "expires_at": expires_at.isoformat(),
            },
        )
        if not published:
            return 0
        timeline_record(
            member=account.member,
            kind=kinds.POINTS_EXPIRING.code,
            occurred_at=now,
            summary=f"{points} ({program.name}) {day}",
            data={"program": program.code, "points": points, "expires_at": expires_at.isoformat()},
            dedupe_key=f"points.expiring:{account.pk}:{day}",
        )
        message_request(
            kind=message_kinds.POINTS_EXPIRING.code,
            member_id=account.member_id,
            context={
                "program": InLanguages(program.name, program.name_translations),
                "points": points,
                "expires_at": expires_at,
            },
            key=f"points_expiring:{account.pk}:{day}",
            occurred_at=now,
        )
    return 1
