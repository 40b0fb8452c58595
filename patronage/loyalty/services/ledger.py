"""The ledger's one way of changing points: write an entry and move its bucket's cache in one step.

Every function here runs inside its caller's transaction. Concurrency rules:
- a decrease of `active` is a conditional UPDATE (`active >= n`), so two spends can never both pass;
- lots are locked (SELECT ... FOR UPDATE) in (expiry, id) order before they are drawn on;
- each entry's idempotency key is unique, so a retried operation fails on insert instead of writing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F
from django.utils.translation import gettext as _

from patronage.core.errors import InsufficientPoints
from patronage.core.models import User
from patronage.loyalty.models import Account, Allocation, Bucket, LedgerEntry, Lot

_BUCKET_COLUMN = {Bucket.PENDING: "pending", Bucket.ACTIVE: "active", Bucket.OWED: "owed"}


@dataclass(frozen=True)
class Cause:
    type: str
    id: str


def entry_write(
    *,
    account: Account,
    kind: str,
    bucket: str,
    points: int,
    cause: Cause,
    key: str,
    at: datetime,
    actor: User | None = None,
    reason: str = "",
    reverses: LedgerEntry | None = None,
    activity_at: datetime | None = None,
) -> LedgerEntry:
    """Writes one entry and moves the account's cached bucket by the same points, or refuses both.

    `activity_at`, when given, is stamped as the account's last activity in the same UPDATE.
    """
    column = _BUCKET_COLUMN[Bucket(bucket)]
    accounts = Account.objects.filter(pk=account.pk)
    if points < 0:
        # The condition is the concurrency guard: a balance that another spend just used up fails here.
        accounts = accounts.filter(**{f"{column}__gte": -points})
    changes: dict[str, object] = {column: F(column) + points}
    if activity_at is not None:
        changes["last_activity_at"] = activity_at
    if not accounts.update(**changes):
        raise InsufficientPoints(
            _("not enough points: %(needed)d needed, fewer available") % {"needed": -points}, field="points"
        )
    return LedgerEntry.objects.create(
        account=account,
        kind=kind,
        bucket=bucket,
        points=points,
        cause_type=cause.type,
        cause_id=cause.id,
        actor=actor,
        reason=reason,
        reverses=reverses,
        effective_at=at,
        idempotency_key=key,
    )


def lots_draw(*, account: Account, entry: LedgerEntry, points: int, pending: bool = False) -> int:
    """Records which lots `entry` spent, earliest-expiring first; returns the points it found (≤ points)."""
    lots = (
        Lot.objects.select_for_update()
        .filter(account=account, is_pending=pending, remaining__gt=0)
        .order_by(F("expires_at").asc(nulls_last=True), "id")
    )
    left = points
    for lot in lots:
        if left == 0:
            break
        taken = min(lot.remaining, left)
        Lot.objects.filter(pk=lot.pk).update(remaining=F("remaining") - taken)
        Allocation.objects.create(entry=entry, lot=lot, points=taken)
        left -= taken
    return points - left


def lot_draw(*, lot: Lot, entry: LedgerEntry, points: int) -> int:
    """Draws up to `points` from one locked lot; returns what it took."""
    locked = Lot.objects.select_for_update().get(pk=lot.pk)
    taken = min(locked.remaining, points)
    if taken:
        Lot.objects.filter(pk=lot.pk).update(remaining=F("remaining") - taken)
        Allocation.objects.create(entry=entry, lot=locked, points=taken)
    return taken
