"""Tier moves: up at once on the activity that crosses a threshold, down only at the member's review, a
manual tier as a floor, invitations. Every move is one TierChange with its reason, a timeline event, an
outbox event, and the new tier's benefits granted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.errors import ValidationFailed
from patronage.core.message_kinds import InLanguages, message_request
from patronage.core.models import OutboxEvent, User
from patronage.core.sql import objects_insert, rows_update
from patronage.loyalty import message_kinds
from patronage.loyalty import tiers as rules
from patronage.loyalty import timeline_kinds as kinds
from patronage.loyalty.explanation import Explanation
from patronage.loyalty.models import Account, Tier, TierChange
from patronage.loyalty.selectors import local_time, qualifying_value, tier_of, tier_policy, tier_table
from patronage.loyalty.services import notify
from patronage.loyalty.services.benefits import tier_benefits_grant_many
from patronage.members.models import TimelineEvent


@dataclass(frozen=True)
class TierMove:
    account: Account
    to_tier: Tier | None
    decision: str
    reason: Explanation
    at: datetime
    actor: User | None = None


def tier_move(
    *,
    account: Account,
    to_tier: Tier | None,
    decision: str,
    reason: Explanation,
    at: datetime,
    actor: User | None = None,
) -> TierChange:
    """Records a move of the member's tier, inside the caller's transaction."""
    return tier_moves_book(moves=[TierMove(account, to_tier, decision, reason, at, actor)])[0]


def tier_moves_book(*, moves: list[TierMove]) -> list[TierChange]:
    """Records moves of several members' tiers in a few statements (caller's transaction, accounts locked):
    each with its TierChange, the account's new tier and review date, a timeline and an outbox event, and
    the new tier's benefits."""
    changes = [
        TierChange(
            account=move.account,
            from_tier=move.account.tier,
            to_tier=move.to_tier,
            decision=move.decision,
            reason=move.reason.as_dict(),
            at=move.at,
            actor=move.actor,
        )
        for move in moves
    ]
    objects_insert(TierChange, changes)
    events, outbox = [], []
    for move, change in zip(moves, changes, strict=True):
        account, old, new = move.account, move.account.tier, move.to_tier
        events.append(
            TimelineEvent(
                member_id=account.member_id,
                kind=kinds.TIER_CHANGED.code,
                occurred_at=move.at,
                summary=f"{old.name if old else '-'} → {new.name if new else '-'}",
                data={
                    "program": account.program.code,
                    "from": old.code if old else None,
                    "to": new.code if new else None,
                    "from_name": old.name if old else None,
                    "to_name": new.name if new else None,
                    # Each reader sees the names in their language (timeline_kinds._name).
                    "from_names": old.name_translations if old else None,
                    "to_names": new.name_translations if new else None,
                },
                source_type=TierChange._meta.label_lower,
                source_id=str(change.pk),
                actor=move.actor,
            )
        )
        outbox.append(
            notify.tier_changed_event(
                account=account, old=old, new=new, decision=move.decision, at=move.at, key=str(change.pk)
            )
        )
        if new is not None:
            _tier_message(account=account, old=old, new=new, change=change)
        account.tier = new
        account.tier_since = move.at if new is not None else None
        account.tier_below_since = None
        account.tier_review_at = _next_review(account, move.at) if new is not None else None
    rows_update(
        Account,
        (
            (
                move.account.pk,
                {
                    "tier": move.account.tier_id,
                    "tier_since": move.account.tier_since,
                    "tier_below_since": None,
                    "tier_review_at": move.account.tier_review_at,
                },
            )
            for move in moves
        ),
    )
    objects_insert(TimelineEvent, events)
    # The benefits the new tiers bring add their events to the moves': one insert for all of them.
    tier_benefits_grant_many(
        accounts=[move.account for move in moves if move.to_tier is not None],
        at_by_account={move.account.pk: move.at for move in moves},
        outbox=outbox,
    )
    objects_insert(OutboxEvent, outbox)
    return changes


def _tier_message(*, account: Account, old: Tier | None, new: Tier, change: TierChange) -> None:
    """Tells the member of their new tier (a move out of every tier is not announced)."""
    program = account.program
    message_request(
        kind=message_kinds.TIER_CHANGED.code,
        member_id=account.member_id,
        context={
            "program": InLanguages(program.name, program.name_translations),
            "tier": InLanguages(new.name, new.name_translations),
            "previous_tier": InLanguages(old.name, old.name_translations) if old else "",
            "upgraded": old is None or new.rank > old.rank,
        },
        key=f"tier_changed:{change.pk}",
        occurred_at=change.at,
    )


def _next_review(account: Account, at: datetime) -> datetime | None:
    policy = tier_policy(program=account.program)
    return rules.next_review_at(policy, account.enrolled_at, local_time(account.program, at))


def tier_after_activity(*, account: Account, at: datetime) -> TierChange | None:
    """Moves the member up at once when the activity just booked reached a higher tier (caller's transaction)."""
    table = tier_table(program=account.program)
    if not table:
        return None
    value = qualifying_value(account=account, as_of=max(at, clock.now()))
    return tier_up_to(account=account, value=value, table=table, at=at)


def tier_up_to(
    *, account: Account, value: Decimal, table: dict[str, Tier], at: datetime
) -> TierChange | None:
    """Moves the member up to the tier `value` reaches, if higher (caller's transaction); never down."""
    move = tier_upgrade(account=account, value=value, table=table, at=at)
    return tier_moves_book(moves=[move])[0] if move is not None else None


def tier_upgrade(
    *, account: Account, value: Decimal, table: dict[str, Tier], at: datetime
) -> TierMove | None:
    """The move up that `value` earns the member, if any: never down, never below a manual floor."""
    target = rules.tier_after_activity(
        tier_of(account.tier) if account.tier else None,
        value,
        [tier_of(tier) for tier in table.values()],
        manual_floor=tier_of(account.tier_floor) if account.tier_floor else None,
        invited=frozenset(account.invited_tiers),
    )
    if target is None or (account.tier is not None and target.code == account.tier.code):
        return None
    reason = Explanation(
        gettext_noop("reached %(tier)s: %(value)s in the qualifying window"),
        {"tier": target.name, "value": str(value)},
    )
    return TierMove(account, table[target.code], rules.ReviewDecision.UPGRADED, reason, at)


def tiers_review(*, now: datetime | None = None, limit: int = 500) -> int:
    """Reviews the members whose review date has come; returns how many it reviewed. Safe to run twice at once."""
    now = now or clock.now()
    due = (
        Account.objects.filter(tier_review_at__lte=now)
        .order_by("tier_review_at", "pk")
        .values_list("pk", "tier_review_at")[:limit]
    )
    reviewed = 0
    for account_id, review_at in due:
        if review_at is None:
            continue
        with transaction.atomic(durable=True):
            # The conditional update claims the review: a second worker finds the date moved and skips it.
            if not Account.objects.filter(pk=account_id, tier_review_at=review_at).update(
                tier_review_at=None
            ):
                continue
            account = Account.objects.select_related("program", "tier", "tier_floor", "member").get(
                pk=account_id
            )
            account.tier_review_at = review_at
            _review(account=account, review_at=review_at)
            reviewed += 1
    return reviewed


def _review(*, account: Account, review_at: datetime) -> None:
    program = account.program
    table = tier_table(program=program)
    outcome = rules.review(
        tier_of(account.tier) if account.tier else None,
        qualifying_value(account=account, as_of=review_at, before_review=True),
        [tier_of(tier) for tier in table.values()],
        tier_policy(program=program),
        tier_of(account.tier_floor) if account.tier_floor else None,
        frozenset(account.invited_tiers),
        local_time(program, review_at),
        account.tier_below_since,
    )
    new_tier = table[outcome.new_tier.code] if outcome.new_tier else None
    if outcome.decision in (rules.ReviewDecision.UPGRADED, rules.ReviewDecision.DOWNGRADED):
        tier_move(
            account=account, to_tier=new_tier, decision=outcome.decision, reason=outcome.reason, at=review_at
        )
        return
    if outcome.decision == rules.ReviewDecision.DOWNGRADE_SCHEDULED:
        # Looked at again when the grace ends: a value that recovered by then keeps the tier.
        account.tier_below_since = outcome.below_since
        account.tier_review_at = outcome.downgrade_effective_at
    else:
        account.tier_below_since = None
        account.tier_review_at = _next_review(account, review_at) if account.tier else None
    account.save(update_fields=["tier_below_since", "tier_review_at"])


def tier_floor_set(*, account: Account, tier: Tier | None, actor: User | None, reason: str) -> Account:
    """Gives the member a tier by hand (a floor no review goes below), or removes the floor (None)."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("a tier given by hand needs a reason"), field="reason")
    if tier is not None and tier.program_id != account.program_id:
        raise ValidationFailed(_("the tier belongs to another program"), field="tier")
    now = clock.now()
    with transaction.atomic(durable=True):
        account = (
            Account.objects.select_for_update(of=("self",))
            .select_related("program", "tier", "member")
            .get(pk=account.pk)
        )
        account.tier_floor = tier
        if tier is not None and tier.code not in account.invited_tiers and tier.invitation_only:
            account.invited_tiers = [*account.invited_tiers, tier.code]
        account.save(update_fields=["tier_floor", "invited_tiers"])
        if tier is not None and (account.tier is None or account.tier.rank < tier.rank):
            tier_move(
                account=account,
                to_tier=tier,
                decision="manual",
                reason=Explanation(gettext_noop("given by hand: %(reason)s"), {"reason": reason}),
                at=now,
                actor=actor,
            )
        audit_change(
            actor=actor,
            action="tier.floor_set",
            target=account,
            tier=tier.code if tier else None,
            reason=reason,
        )
    return account


def tier_invite(*, account: Account, tier: Tier, actor: User | None) -> Account:
    """Invites the member to an invitation-only tier; they hold it once they also reach its threshold."""
    if not tier.invitation_only:
        raise ValidationFailed(
            _("%(tier)s is open to everyone: no invitation needed") % {"tier": tier.name}, field="tier"
        )
    with transaction.atomic(durable=True):
        account = (
            Account.objects.select_for_update(of=("self",))
            .select_related("program", "tier", "tier_floor", "member")
            .get(pk=account.pk)
        )
        if tier.code not in account.invited_tiers:
            account.invited_tiers = [*account.invited_tiers, tier.code]
            account.save(update_fields=["invited_tiers"])
        tier_after_activity(account=account, at=clock.now())
        audit_change(actor=actor, action="tier.invited", target=account, tier=tier.code)
    return account
