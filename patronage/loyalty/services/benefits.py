"""Benefits that are not discounts: granted with a tier (N per period) or one by one, used with a record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import OutboxEvent, User
from patronage.core.sql import objects_insert
from patronage.loyalty import timeline_kinds as kinds
from patronage.loyalty.models import Account, Benefit, BenefitGrant, BenefitPeriod, BenefitUse, TierBenefit
from patronage.loyalty.services import notify
from patronage.members.models import TimelineEvent
from patronage.members.services import timeline_record

MAX_GRANT_QUANTITY = 1000
# A benefit given by hand lasts at most ten years (a larger number overflowed the date).
MAX_VALID_DAYS = 3660


def _period(period: str, at: datetime, tz: ZoneInfo, tier_since: datetime | None) -> tuple[str, datetime]:
    """The entitlement period `at` falls in, as a key and its end, on the program's calendar."""
    local = at.astimezone(tz)
    if period == BenefitPeriod.MONTH:
        end = (local.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + timedelta(days=32)).replace(
            day=1
        )
        return f"{local:%Y-%m}", end
    if period == BenefitPeriod.YEAR:
        return f"{local:%Y}", local.replace(
            year=local.year + 1, month=1, day=1, hour=0, minute=0, second=0, microsecond=0
        )
    since = tier_since or at
    return f"since-{since:%Y%m%dT%H%M%S}", since + timedelta(days=3650)


def tier_benefits_grant(*, account: Account, at: datetime) -> list[BenefitGrant]:
    """Grants the member's tier benefits for the current period (caller's transaction); once per period."""
    return tier_benefits_grant_many(accounts=[account], at_by_account={account.pk: at})


def tier_benefits_grant_many(
    *, accounts: list[Account], at_by_account: dict[int, datetime], outbox: list[OutboxEvent] | None = None
) -> list[BenefitGrant]:
    """tier_benefits_grant for many locked accounts of one program, in a few statements.

    With `outbox`, the `benefit.granted` events are added to it for the caller to write with its own
    (the tier moves of a purchase write all their events in one statement); without, they are written here.
    """
    with_tier = [account for account in accounts if account.tier_id is not None]
    if not with_tier:
        return []
    entitlements: dict[int, list[TierBenefit]] = {}
    for entitlement in TierBenefit.objects.filter(
        tier_id__in={a.tier_id for a in with_tier}, benefit__active=True
    ).select_related("benefit"):
        entitlements.setdefault(entitlement.tier_id, []).append(entitlement)
    wanted: list[BenefitGrant] = []
    for account in with_tier:
        assert account.tier is not None
        at = at_by_account[account.pk]
        tz = ZoneInfo(account.program.time_zone)
        for entitlement in entitlements.get(account.tier.pk, []):
            key, period_end = _period(entitlement.period, at, tz, account.tier_since)
            wanted.append(
                BenefitGrant(
                    account=account,
                    benefit=entitlement.benefit,
                    quantity=entitlement.quantity,
                    valid_from=at,
                    valid_to=min(period_end, at + timedelta(days=entitlement.benefit.validity_days)),
                    source=f"tier:{account.tier.code}:{key}",
                    idempotency_key=f"tierbenefit:{account.pk}:{entitlement.pk}:{key}",
                )
            )
    if not wanted:
        return []
    # The accounts are locked, so no other transaction grants these keys meanwhile.
    have = set(
        BenefitGrant.objects.filter(idempotency_key__in=[g.idempotency_key for g in wanted]).values_list(
            "idempotency_key", flat=True
        )
    )
    granted = [g for g in wanted if g.idempotency_key not in have]
    objects_insert(BenefitGrant, granted)
    objects_insert(TimelineEvent, [_granted_event(grant, actor=None) for grant in granted])
    # The grants' keys were not there (looked up above, under the accounts' locks): nor are their events'.
    events = [notify.benefit_granted_event(grant) for grant in granted]
    if outbox is None:
        objects_insert(OutboxEvent, events)
    else:
        outbox.extend(events)
    return granted


def _granted_event(grant: BenefitGrant, *, actor: User | None) -> TimelineEvent:
    return TimelineEvent(
        member_id=grant.account.member_id,
        kind=kinds.BENEFIT_GRANTED.code,
        occurred_at=grant.valid_from,
        summary=f"{grant.benefit.name} x{grant.quantity}",
        data={
            "program": grant.account.program.code,
            "benefit": grant.benefit.code,
            "name": grant.benefit.name,
            "names": grant.benefit.name_translations,
            "quantity": grant.quantity,
        },
        source_type=BenefitGrant._meta.label_lower,
        source_id=str(grant.pk),
        actor=actor,
    )


def _grant(
    *,
    account: Account,
    benefit: Benefit,
    quantity: int,
    valid_from: datetime,
    valid_to: datetime,
    source: str,
    key: str,
    actor: User | None,
    reason: str,
) -> BenefitGrant | None:
    try:
        with transaction.atomic():
            grant = BenefitGrant.objects.create(
                account=account,
                benefit=benefit,
                quantity=quantity,
                valid_from=valid_from,
                valid_to=valid_to,
                source=source,
                idempotency_key=key,
                granted_by=actor,
                reason=reason,
            )
    except IntegrityError:
        return None
    _granted_event(grant, actor=actor).save()
    # The grant's unique key was free, so its event's is too.
    notify.benefit_granted_event(grant).save()
    return grant


def tier_benefits_refresh(*, now: datetime | None = None) -> int:
    """Grants every tier member the benefits of the period that has begun (periodic); returns grants made."""
    now = now or clock.now()
    made = 0
    with_tier = Account.objects.filter(tier__isnull=False, tier__tier_benefits__isnull=False).distinct()
    for account_id in with_tier.values_list("pk", flat=True).iterator():
        with transaction.atomic(durable=True):
            account = Account.objects.select_related("program", "tier", "member").get(pk=account_id)
            made += len(tier_benefits_grant(account=account, at=now))
    return made


def benefit_grant(
    *,
    account: Account,
    benefit: Benefit,
    quantity: int,
    valid_days: int | None,
    reason: str,
    idempotency_key: str,
    actor: User | None,
) -> BenefitGrant:
    """Gives one member a benefit by hand; the same key again returns the first grant."""
    if benefit.program_id != account.program_id:
        raise ValidationFailed(_("the benefit belongs to another program"), field="benefit")
    if not 1 <= quantity <= MAX_GRANT_QUANTITY:
        raise ValidationFailed(
            _("quantity must be between 1 and %(max)d") % {"max": MAX_GRANT_QUANTITY}, field="quantity"
        )
    if valid_days is not None and not 1 <= valid_days <= MAX_VALID_DAYS:
        raise ValidationFailed(
            _("valid days must be between 1 and %(max)d") % {"max": MAX_VALID_DAYS}, field="valid_days"
        )
    if not reason.strip():
        raise ValidationFailed(_("a benefit given by hand needs a reason"), field="reason")
    key = f"benefit:{account.program_id}:{idempotency_key}"
    now = clock.now()
    with transaction.atomic(durable=True):
        grant = _grant(
            account=account,
            benefit=benefit,
            quantity=quantity,
            valid_from=now,
            valid_to=now + timedelta(days=valid_days or benefit.validity_days),
            source="manual",
            key=key,
            actor=actor,
            reason=reason.strip(),
        )
        if grant is not None:
            audit_change(
                actor=actor, action="benefit.granted", target=grant, benefit=benefit.code, quantity=quantity
            )
    existing = grant or BenefitGrant.objects.get(idempotency_key=key)
    if existing.benefit_id != benefit.pk or existing.account_id != account.pk:
        raise Conflict(
            _("this idempotency key was already used for a different request"), field="idempotency_key"
        )
    return existing


def benefit_goodwill(
    *, account: Account, benefit: Benefit, key: str, reason: str, actor: User | None, at: datetime
) -> BenefitGrant:
    """One benefit given to put a wrong right (a complaint's compensation), in the caller's transaction;
    the same key again returns the first grant."""
    return benefit_give(
        account=account,
        benefit=benefit,
        key=f"goodwill:{account.program_id}:{key}",
        source="manual",
        reason=reason,
        actor=actor,
        at=at,
    )


def benefit_give(
    *,
    account: Account,
    benefit: Benefit,
    key: str,
    source: str,
    reason: str,
    actor: User | None,
    at: datetime,
) -> BenefitGrant:
    """One benefit for its usual validity, in the caller's transaction, by another part of the product (a
    complaint's goodwill, a segment's treatment); the same key again returns the first grant."""
    if benefit.program_id != account.program_id:
        raise ValidationFailed(_("the benefit belongs to another program"), field="benefit")
    grant = _grant(
        account=account,
        benefit=benefit,
        quantity=1,
        valid_from=at,
        valid_to=at + timedelta(days=benefit.validity_days),
        source=source,
        key=key,
        actor=actor,
        reason=reason,
    )
    return grant or BenefitGrant.objects.get(idempotency_key=key)


@dataclass(frozen=True)
class BenefitUseResult:
    use: BenefitUse
    created: bool  # False: the key was used before, and `use` is the first use recorded under it


def benefit_use(*, grant: BenefitGrant, note: str, idempotency_key: str, actor: User | None) -> BenefitUse:
    """Records one use of a grant; refused when it has none left or is not valid now. Once per key."""
    return benefit_use_once(grant=grant, note=note, idempotency_key=idempotency_key, actor=actor).use


def benefit_use_once(
    *, grant: BenefitGrant, note: str, idempotency_key: str, actor: User | None
) -> BenefitUseResult:
    """benefit_use, saying whether this call recorded the use or its key's first request had."""
    key = f"benefituse:{idempotency_key}"
    # Only a fast path for a retry after the first request; a racing copy is told by the write below.
    if existing := BenefitUse.objects.filter(idempotency_key=key).first():
        return BenefitUseResult(_same_use(existing, grant=grant), created=False)
    now = clock.now()
    if grant.revoked_at is not None or not grant.valid_from <= now < grant.valid_to:
        # The grant's state, not the request, is what is wrong: a conflict, as when no use is left.
        raise Conflict(_("this benefit is not valid now"), field="grant")
    try:
        with transaction.atomic(durable=True):
            # The use first: its unique key stops a racing copy before it could count a use, or find
            # none left and say so.
            use = BenefitUse.objects.create(
                grant=grant, at=now, actor=actor, note=note.strip()[:300], idempotency_key=key
            )
            # The condition is the guard: two uses of the last entitlement cannot both pass.
            if not BenefitGrant.objects.filter(pk=grant.pk, used__lt=F("quantity")).update(
                used=F("used") + 1
            ):
                raise Conflict(_("this benefit has no uses left"), field="grant")
            timeline_record(
                member=grant.account.member,
                kind=kinds.BENEFIT_USED.code,
                occurred_at=now,
                summary=grant.benefit.name,
                data={
                    "program": grant.account.program.code,
                    "benefit": grant.benefit.code,
                    "name": grant.benefit.name,
                    "names": grant.benefit.name_translations,
                },
                source=use,
                actor=actor,
            )
            audit_change(actor=actor, action="benefit.used", target=grant, note=note)
    except IntegrityError:
        first = BenefitUse.objects.filter(idempotency_key=key).first()
        if first is None:
            raise
        return BenefitUseResult(_same_use(first, grant=grant), created=False)
    grant.refresh_from_db()
    return BenefitUseResult(use, created=True)


def _same_use(use: BenefitUse, *, grant: BenefitGrant) -> BenefitUse:
    # Keys are global: a key already used on another grant is a different request, never its use.
    if use.grant_id != grant.pk:
        raise Conflict(
            _("this idempotency key was already used for a different request"), field="idempotency_key"
        )
    return use
