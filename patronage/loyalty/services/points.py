"""Earning, spending and correcting points. Each public service is one durable transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationFailed
from patronage.core.models import User
from patronage.loyalty import timeline_kinds as kinds
from patronage.loyalty.expiry import expiry_date
from patronage.loyalty.models import (
    Account,
    Bucket,
    EntryKind,
    LedgerEntry,
    Lot,
    Program,
    Redemption,
    ReturnPolicy,
    Reward,
)
from patronage.loyalty.permissions import LOYALTY_ADJUST_LARGE, LOYALTY_ADJUST_UNLIMITED
from patronage.loyalty.services import notify
from patronage.loyalty.services.ledger import Cause, entry_write, lot_draw, lots_draw
from patronage.loyalty.services.rewards import reward_reserve, reward_restock
from patronage.loyalty.services.tiers import tier_after_activity
from patronage.members.models import Member
from patronage.members.services import timeline_record

REDEMPTION_CODE_BYTES = 10


class _Expiry(Enum):
    # lots_earn's default expiry: the program's policy from the earning time (None would mean "never").
    BY_POLICY = "by_policy"


BY_POLICY = _Expiry.BY_POLICY
# The most points one manual adjustment may move without the large or the unlimited permission. A bigger
# goodwill gesture than an agent's limit goes to a lead, as the service-recovery steps ask. Below the
# unlimited permission, the program's own ceiling (Program.adjustment_ceiling) bounds everyone further,
# integrations too.
ADJUSTMENT_LIMIT = 1_000
ADJUSTMENT_LIMIT_LARGE = 10_000
# The most points one change (an adjustment, a redemption) may move, whoever makes it: far inside the
# 32-bit balance columns, so a typo of a few zeros is refused with a message instead of a server error.
MAX_POINTS = 10_000_000


def adjustment_limit(actor: User | None) -> int | None:
    """The most points `actor`'s role lets them move in one adjustment; None for no limit of the role."""
    if actor is None or actor.has_perm(LOYALTY_ADJUST_UNLIMITED):
        return None
    return ADJUSTMENT_LIMIT_LARGE if actor.has_perm(LOYALTY_ADJUST_LARGE) else ADJUSTMENT_LIMIT


def adjustment_check(*, program: Program, points: int, actor: User | None) -> None:
    """Refuses, naming `points`, an adjustment beyond what one may move at once in the program; checks nothing
    of the member's balance."""
    if points == 0:
        raise ValidationFailed(_("an adjustment must change the balance"), field="points")
    _at_most_max(points)
    unlimited = actor is not None and actor.has_perm(LOYALTY_ADJUST_UNLIMITED)
    if not unlimited and abs(points) > program.adjustment_ceiling:
        raise ValidationFailed(
            _("one adjustment in %(program)s may move at most %(limit)s points; ask a program manager")
            % {"program": program.name, "limit": f"{program.adjustment_ceiling:,}"},
            field="points",
        )
    limit = adjustment_limit(actor)
    if limit is not None and abs(points) > limit:
        raise PermissionDenied(
            _("your role may adjust at most %(limit)d points at a time; ask a lead or a program manager")
            % {"limit": limit},
            field="points",
        )


def adjustment_needs_confirmation(*, program: Program, points: int) -> bool:
    """Whether the console asks staff to confirm this adjustment before booking it."""
    return abs(points) > program.adjustment_confirm_above


def _at_most_max(points: int) -> None:
    if abs(points) > MAX_POINTS:
        raise ValidationFailed(
            _("at most %(max)s points at a time") % {"max": f"{MAX_POINTS:,}"}, field="points"
        )


def account_open(*, program: Program, member: Member, at: datetime | None = None) -> Account:
    """The member's account in the program, opened on first use (a race opens it once)."""
    account = Account.objects.filter(program=program, member=member).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(program=program, member=member, enrolled_at=at or clock.now())
    except IntegrityError:
        return Account.objects.get(program=program, member=member)


def lots_earn(
    *,
    account: Account,
    points: int,
    cause: Cause,
    key: str,
    at: datetime,
    actor: User | None,
    reason: str,
    pending: bool,
    kind: str = EntryKind.EARN,
    order_id: int | None = None,
    reverses: LedgerEntry | None = None,
    expires_at: datetime | _Expiry | None = BY_POLICY,
) -> LedgerEntry:
    """Books earned points as a new lot (caller's transaction); active points first settle what is owed.

    The lot expires by the program's policy, or at `expires_at` when the points are not new (a refund).
    """
    program = account.program
    bucket = Bucket.PENDING if pending else Bucket.ACTIVE
    entry = entry_write(
        account=account,
        kind=kind,
        bucket=bucket,
        points=points,
        cause=cause,
        key=key,
        at=at,
        actor=actor,
        reason=reason,
        activity_at=at,
        reverses=reverses,
    )
    available_at = at + timedelta(days=program.pending_days) if pending else at
    expiry = expiry_date(program, at) if isinstance(expires_at, _Expiry) else expires_at
    Lot.objects.create(
        account=account,
        earned_by=entry,
        order_id=order_id,
        points=points,
        remaining=points,
        is_pending=pending,
        available_at=available_at,
        expires_at=expiry,
    )
    if not pending:
        owed_settle(account=account, at=at, key=f"{key}:settle")
    return entry


def owed_settle(*, account: Account, at: datetime, key: str) -> None:
    """New active points first pay back points owed from earlier returns."""
    account.refresh_from_db(fields=["active", "owed"])
    settled = min(account.active, account.owed)
    if settled <= 0:
        return
    cause = Cause("account", str(account.pk))
    entry = entry_write(
        account=account,
        kind=EntryKind.SETTLE,
        bucket=Bucket.ACTIVE,
        points=-settled,
        cause=cause,
        key=key,
        at=at,
    )
    lots_draw(account=account, entry=entry, points=settled)
    entry_write(
        account=account,
        kind=EntryKind.SETTLE,
        bucket=Bucket.OWED,
        points=-settled,
        cause=cause,
        key=f"{key}:owed",
        at=at,
    )


def purchase_earn(
    *, account: Account, order_id: int, points: int, at: datetime, reason: str, actor: User | None = None
) -> LedgerEntry | None:
    """Books the points a purchase earned, pending for the program's return window; once per order."""
    if points <= 0:
        return None
    key = f"earn:{account.program_id}:order:{order_id}"
    with transaction.atomic(durable=True):
        return lots_earn(
            account=account,
            points=points,
            cause=Cause("order", str(order_id)),
            key=key,
            at=at,
            actor=actor,
            reason=reason,
            pending=account.program.pending_days > 0,
            order_id=order_id,
        )


def bonus_earn(
    *, account: Account, points: int, cause: Cause, key: str, reason: str, at: datetime | None = None
) -> LedgerEntry:
    """Books points for an event (sign-up, birthday, referral, survey, custom): active at once; once per key."""
    with transaction.atomic(durable=True):
        return bonus_book(account=account, points=points, cause=cause, key=key, reason=reason, at=at)


def bonus_book(
    *,
    account: Account,
    points: int,
    cause: Cause,
    key: str,
    reason: str,
    at: datetime | None = None,
    actor: User | None = None,
) -> LedgerEntry:
    """bonus_earn's work in the caller's transaction (a club event's check-in earns in the check-in's): the
    key's unique index refuses a second booking, rolling the caller's transaction back with it. On the
    member's timeline, and a first tier with no threshold is reached by it."""
    if points <= 0:
        raise ValidationFailed(_("points must be a positive whole number"), field="points")
    _at_most_max(points)
    at = at or clock.now()
    account = Account.objects.select_for_update(of=("self",)).select_related("program").get(pk=account.pk)
    entry = lots_earn(
        account=account,
        points=points,
        cause=cause,
        key=f"bonus:{account.program_id}:{key}",
        at=at,
        actor=actor,
        reason=reason,
        pending=False,
    )
    timeline_record(
        member=account.member,
        kind=kinds.POINTS_EARNED.code,
        occurred_at=at,
        summary=f"+{points}: {reason}",
        data={"program": account.program.code, "points": points, "reason": reason},
        actor=actor,
    )
    notify.points_changed(account=account, change=points, kind="earn", cause=entry.idempotency_key, at=at)
    tier_after_activity(account=account, at=at)
    return entry


def pending_activate(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Makes pending points whose return window has passed available; returns how many lots it moved."""
    now = now or clock.now()
    moved = 0
    for lot_id in Lot.objects.filter(is_pending=True, available_at__lte=now).values_list("pk", flat=True)[
        :limit
    ]:
        with transaction.atomic(durable=True):
            # The conditional update claims the lot: two workers never both activate it.
            if not Lot.objects.filter(pk=lot_id, is_pending=True).update(is_pending=False):
                continue
            lot = Lot.objects.select_related("account__program").get(pk=lot_id)
            if lot.remaining:
                _activate(lot=lot, at=now)
            moved += 1
    return moved


def _activate(*, lot: Lot, at: datetime) -> None:
    cause = Cause("lot", str(lot.pk))
    key = f"activate:{lot.pk}"
    for bucket, points in ((Bucket.PENDING, -lot.remaining), (Bucket.ACTIVE, lot.remaining)):
        entry_write(
            account=lot.account,
            kind=EntryKind.ACTIVATE,
            bucket=bucket,
            points=points,
            cause=cause,
            key=f"{key}:{bucket}",
            at=at,
        )
    owed_settle(account=lot.account, at=at, key=f"{key}:settle")


@dataclass(frozen=True)
class AdjustmentResult:
    entry: LedgerEntry
    created: bool  # False: the key was used before, and `entry` is the first adjustment made under it


@dataclass(frozen=True)
class RedemptionResult:
    redemption: Redemption
    created: bool  # False: the key was used before, and `redemption` is the first one made under it


def points_goodwill(
    *, account: Account, points: int, cause: Cause, key: str, reason: str, actor: User | None, at: datetime
) -> LedgerEntry:
    """Points given to put a wrong right (a complaint's compensation), in the caller's transaction, which
    owns the key's uniqueness: active at once, counted as an adjustment (not earned by spending, so they
    do not lift the member's tier)."""
    if points <= 0:
        raise ValidationFailed(_("points must be a positive whole number"), field="points")
    _at_most_max(points)
    entry = lots_earn(
        account=account,
        points=points,
        cause=cause,
        key=f"goodwill:{account.program_id}:{key}",
        at=at,
        actor=actor,
        reason=reason,
        pending=False,
        kind=EntryKind.ADJUST,
    )
    timeline_record(
        member=account.member,
        kind=kinds.POINTS_ADJUSTED.code,
        occurred_at=at,
        summary=f"{points:+d}: {reason}",
        data={"program": account.program.code, "points": points, "reason": reason},
        actor=actor,
    )
    notify.points_changed(account=account, change=points, kind="adjust", cause=entry.idempotency_key, at=at)
    return entry


def points_adjust(
    *,
    account: Account,
    points: int,
    reason: str,
    idempotency_key: str,
    actor: User | None,
    confirmed_by: User | None = None,
) -> LedgerEntry:
    """A manual correction with its reason, within the program's ceiling and the actor's role; a removal never
    takes more than the active balance. `confirmed_by`: who confirmed a large one, for the audit log."""
    return points_adjust_once(
        account=account,
        points=points,
        reason=reason,
        idempotency_key=idempotency_key,
        actor=actor,
        confirmed_by=confirmed_by,
    ).entry


def points_adjust_once(
    *,
    account: Account,
    points: int,
    reason: str,
    idempotency_key: str,
    actor: User | None,
    confirmed_by: User | None = None,
) -> AdjustmentResult:
    """points_adjust, saying whether this call made the adjustment or its key's first request had."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("an adjustment needs a reason"), field="reason")
    adjustment_check(program=account.program, points=points, actor=actor)
    key = f"adjust:{account.program_id}:{idempotency_key}"
    # Only a fast path for a retry that comes after the first request: a copy racing the first passes it, and
    # the write below tells it.
    if existing := LedgerEntry.objects.filter(idempotency_key=key).first():
        return AdjustmentResult(_same_request(existing, account=account, points=points), created=False)
    now = clock.now()
    try:
        with transaction.atomic(durable=True):
            cause = Cause("adjustment", idempotency_key)
            if points > 0:
                entry = lots_earn(
                    account=account,
                    points=points,
                    cause=cause,
                    key=key,
                    at=now,
                    actor=actor,
                    reason=reason,
                    pending=False,
                    kind=EntryKind.ADJUST,
                )
            else:
                entry = entry_write(
                    account=account,
                    kind=EntryKind.ADJUST,
                    bucket=Bucket.ACTIVE,
                    points=points,
                    cause=cause,
                    key=key,
                    at=now,
                    actor=actor,
                    reason=reason,
                )
                lots_draw(account=account, entry=entry, points=-points)
            timeline_record(
                member=account.member,
                kind=kinds.POINTS_ADJUSTED.code,
                occurred_at=now,
                summary=f"{points:+d}: {reason}",
                data={"program": account.program.code, "points": points, "reason": reason},
                actor=actor,
            )
            notify.points_changed(account=account, change=points, kind="adjust", cause=key, at=now)
            # A first tier with no threshold is reached by any activity, an adjustment included.
            tier_after_activity(account=account, at=now)
            confirmed = {"confirmed_by": confirmed_by.get_username()} if confirmed_by is not None else {}
            audit_change(
                actor=actor,
                action="points.adjusted",
                target=account,
                points=points,
                reason=reason,
                **confirmed,
            )
    except (IntegrityError, ApplicationError):
        # The unique key refused a copy racing the first request; or the first, committed while this copy
        # waited for the account's row, spent the points a removal would take. Either way the first answers.
        first = LedgerEntry.objects.filter(idempotency_key=key).first()
        if first is None:
            raise
        return AdjustmentResult(_same_request(first, account=account, points=points), created=False)
    return AdjustmentResult(entry, created=True)


def _same_request(entry: LedgerEntry, *, account: Account, points: int) -> LedgerEntry:
    """A retry with a key already used: the original result, provided it asked for the same thing."""
    # Keys are unique per program, not per member: another member's key is a different request, never
    # their entry.
    if entry.account_id != account.pk or entry.points != points:
        raise Conflict(
            _("this idempotency key was already used for a different request"), field="idempotency_key"
        )
    return entry


def points_redeem(
    *,
    account: Account,
    points: int,
    idempotency_key: str,
    actor: User | None,
    details: dict[str, Any] | None = None,
    reward: Reward | None = None,
) -> Redemption:
    """Spends active points (a reward's price, when one is taken), earliest-expiring first. Never overdraws,
    never oversells a reward's stock or a member's limit, whatever runs at the same time."""
    return points_redeem_once(
        account=account,
        points=points,
        idempotency_key=idempotency_key,
        actor=actor,
        details=details,
        reward=reward,
    ).redemption


def points_redeem_once(
    *,
    account: Account,
    points: int,
    idempotency_key: str,
    actor: User | None,
    details: dict[str, Any] | None = None,
    reward: Reward | None = None,
) -> RedemptionResult:
    """points_redeem, saying whether this call made the redemption or its key's first request had."""
    if points <= 0:
        raise ValidationFailed(_("points must be a positive whole number"), field="points")
    _at_most_max(points)
    key = f"redeem:{account.program_id}:{idempotency_key}"
    # Only a fast path for a retry after the first request; a racing copy is told by the write below.
    if existing := Redemption.objects.filter(idempotency_key=key).first():
        return RedemptionResult(
            _same_redemption(existing, account=account, points=points, reward=reward), created=False
        )
    now = clock.now()
    try:
        with transaction.atomic(durable=True):
            if reward is not None:
                reward_reserve(account=account, reward=reward)
            redemption = Redemption.objects.create(
                reward=reward,
                account=account,
                points=points,
                code=secrets.token_hex(REDEMPTION_CODE_BYTES).upper(),
                idempotency_key=key,
                created_at=now,
                details=details or {},
            )
            entry = entry_write(
                account=account,
                kind=EntryKind.REDEEM,
                bucket=Bucket.ACTIVE,
                points=-points,
                cause=Cause("redemption", str(redemption.pk)),
                key=key,
                at=now,
                actor=actor,
            )
            lots_draw(account=account, entry=entry, points=points)
            Account.objects.filter(pk=account.pk).update(last_activity_at=now)
            _redemption_told(
                redemption=redemption, points=-points, cause=f"redemption:{redemption.pk}", at=now
            )
            notify.redemption_event(redemption=redemption, topic="reward.redeemed", at=now)
    except (IntegrityError, ApplicationError):
        # The unique key refused a copy racing the first request; or the first, committed while this copy
        # waited for the account's row, took the last of the stock, the member's limit or the points.
        # Either way the first answers.
        first = Redemption.objects.filter(idempotency_key=key).first()
        if first is None:
            raise
        return RedemptionResult(
            _same_redemption(first, account=account, points=points, reward=reward), created=False
        )
    return RedemptionResult(redemption, created=True)


def _redemption_told(*, redemption: Redemption, points: int, cause: str, at: datetime) -> None:
    account = redemption.account
    name = redemption.reward.name if redemption.reward else _("points")
    timeline_record(
        member=account.member,
        kind=kinds.POINTS_REDEEMED.code,
        occurred_at=at,
        summary=f"{points:+d} {name}",
        data={
            "program": account.program.code,
            "points": points,
            "code": redemption.code,
            "reward": redemption.reward.name if redemption.reward else None,
            "rewards": redemption.reward.name_translations if redemption.reward else None,
        },
        source=redemption,
    )
    notify.points_changed(account=account, change=points, kind="redeem", cause=cause, at=at)


def _same_redemption(
    redemption: Redemption, *, account: Account, points: int, reward: Reward | None
) -> Redemption:
    # Another member's key must not hand this member that member's redemption (and its code).
    if (
        redemption.account_id != account.pk
        or redemption.points != points
        or redemption.reward_id != (reward.pk if reward else None)
    ):
        raise Conflict(
            _("this idempotency key was already used for a different request"), field="idempotency_key"
        )
    return redemption


def redemption_cancel(*, redemption: Redemption, actor: User | None, reason: str = "") -> Redemption:
    """Cancels a redemption and gives its points back to the lots they came from (their expiry dates too)."""
    with transaction.atomic(durable=True):
        if not Redemption.objects.filter(pk=redemption.pk, status=Redemption.Status.CONFIRMED).update(
            status=Redemption.Status.CANCELLED, cancelled_at=clock.now()
        ):
            redemption.refresh_from_db()
            if redemption.status == Redemption.Status.CANCELLED:
                return redemption
            raise Conflict(_("a fulfilled redemption cannot be cancelled"), field="status")
        spent = LedgerEntry.objects.get(idempotency_key=redemption.idempotency_key)
        entry_write(
            account=redemption.account,
            kind=EntryKind.REDEEM_CANCEL,
            bucket=Bucket.ACTIVE,
            points=redemption.points,
            cause=Cause("redemption", str(redemption.pk)),
            key=f"{redemption.idempotency_key}:cancel",
            at=clock.now(),
            actor=actor,
            reason=reason,
            reverses=spent,
        )
        for allocation in spent.allocations.all():
            Lot.objects.filter(pk=allocation.lot_id).update(remaining=F("remaining") + allocation.points)
        reward_restock(redemption=redemption)
        now = clock.now()
        _redemption_told(
            redemption=redemption,
            points=redemption.points,
            cause=f"redemption:{redemption.pk}:cancel",
            at=now,
        )
        # The conditional update above lets one call through, so the event is written once.
        notify.redemption_event(redemption=redemption, topic="redemption.cancelled", at=now)
        audit_change(actor=actor, action="redemption.cancelled", target=redemption)
    redemption.refresh_from_db()
    return redemption


def return_clawback(
    *,
    account: Account,
    purchase_order_id: int,
    return_order_id: int,
    points: int,
    at: datetime,
    actor: User | None = None,
) -> list[LedgerEntry]:
    """Takes back `points` for a return of the purchase, by the program's return policy; once per return.

    Points still pending on the purchase's lot go first. Then, unless the policy is pending-only, active
    points: within the balance, or all of them with any shortfall booked as owed.
    """
    if points <= 0:
        return []
    with transaction.atomic(durable=True):
        return return_take(
            account=account,
            purchase_order_id=purchase_order_id,
            return_order_id=return_order_id,
            points=points,
            at=at,
            actor=actor,
        )


def return_take(
    *,
    account: Account,
    purchase_order_id: int,
    return_order_id: int,
    points: int,
    at: datetime,
    actor: User | None = None,
) -> list[LedgerEntry]:
    """return_clawback's work, inside the caller's transaction."""
    key = f"return:{account.program_id}:order:{return_order_id}"
    cause = Cause("order", str(return_order_id))
    policy = account.program.return_policy
    written: list[LedgerEntry] = []
    if points > 0:
        lot = Lot.objects.filter(account=account, order_id=purchase_order_id).first()
        left = points
        if lot is not None and lot.is_pending:
            taken = min(lot.remaining, left)
            if taken:
                entry = entry_write(
                    account=account,
                    kind=EntryKind.RETURN,
                    bucket=Bucket.PENDING,
                    points=-taken,
                    cause=cause,
                    key=f"{key}:pending",
                    at=at,
                    actor=actor,
                )
                lot_draw(lot=lot, entry=entry, points=taken)
                written.append(entry)
                left -= taken
        if left and policy != ReturnPolicy.PENDING_ONLY:
            account.refresh_from_db(fields=["active"])
            from_balance = min(left, account.active)
            if from_balance:
                entry = entry_write(
                    account=account,
                    kind=EntryKind.RETURN,
                    bucket=Bucket.ACTIVE,
                    points=-from_balance,
                    cause=cause,
                    key=f"{key}:active",
                    at=at,
                    actor=actor,
                )
                drawn = lot_draw(lot=lot, entry=entry, points=from_balance) if lot is not None else 0
                lots_draw(account=account, entry=entry, points=from_balance - drawn)
                written.append(entry)
                left -= from_balance
            if left and policy == ReturnPolicy.ALLOW_NEGATIVE:
                written.append(
                    entry_write(
                        account=account,
                        kind=EntryKind.RETURN,
                        bucket=Bucket.OWED,
                        points=left,
                        cause=cause,
                        key=f"{key}:owed",
                        at=at,
                        actor=actor,
                    )
                )
    return written


def points_expire(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Expires active lots past their date; returns the points expired. Two workers never expire one lot twice."""
    now = now or clock.now()
    expired = 0
    due = Lot.objects.filter(is_pending=False, remaining__gt=0, expires_at__lte=now).values_list(
        "pk", flat=True
    )
    for lot_id in due[:limit]:
        with transaction.atomic(durable=True):
            lot = (
                Lot.objects.select_for_update(of=("self",)).select_related("account__program").get(pk=lot_id)
            )
            if lot.remaining == 0:
                continue
            entry = entry_write(
                account=lot.account,
                kind=EntryKind.EXPIRE,
                bucket=Bucket.ACTIVE,
                points=-lot.remaining,
                cause=Cause("lot", str(lot.pk)),
                key=f"expire:{lot.pk}:{lot.allocations.count()}",
                at=now,
            )
            taken = lot_draw(lot=lot, entry=entry, points=lot.remaining)
            notify.points_changed(
                account=lot.account, change=-taken, kind="expire", cause=entry.idempotency_key, at=now
            )
            expired += taken
    return expired
