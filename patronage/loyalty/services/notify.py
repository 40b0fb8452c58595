"""What the loyalty services tell the outside world and the customer file about a change, inside its
transaction: one outbox event for the webhooks, one timeline event for the member's file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from patronage.core.models import OutboxEvent
from patronage.core.outbox import outbox_publish
from patronage.loyalty.models import Account, BenefitGrant, Redemption, Tier


def points_changed(
    *, account: Account, change: int, kind: str, cause: str, at: datetime, new_cause: bool = False
) -> None:
    """Publishes `points.changed` with the balances after the change; `cause` keys the event.

    `new_cause`: the cause was created in this transaction, so its event cannot exist yet.
    """
    account.refresh_from_db(fields=["active", "pending", "owed"])
    outbox_publish(
        new=new_cause,
        topic="points.changed",
        key=f"points.changed:{account.program_id}:{cause}",
        at=at,
        payload={
            "member": account.member_id,
            "program": account.program.code,
            "change": change,
            "kind": kind,
            "cause": cause,
            "active": account.active,
            "pending": account.pending,
            "owed": account.owed,
            "at": at.isoformat(),
        },
    )


def tier_changed_event(
    *, account: Account, old: Tier | None, new: Tier | None, decision: str, at: datetime, key: str
) -> OutboxEvent:
    """The `tier.changed` event of one move, not yet saved: moves are booked many at a time."""
    payload: dict[str, Any] = {
        "member": account.member_id,
        "program": account.program.code,
        "from": old.code if old else None,
        "to": new.code if new else None,
        "decision": decision,
        "at": at.isoformat(),
    }
    return OutboxEvent(topic="tier.changed", key=f"tier.changed:{key}", payload=payload, created_at=at)


def redemption_event(*, redemption: Redemption, topic: str, at: datetime) -> None:
    """Publishes `reward.redeemed` or `redemption.cancelled`; each happens once to a redemption (its row is
    created, or moved from confirmed, in this transaction), so its id keys the event.

    The redemption's code is left out: whoever holds it can collect the reward. Its id names it.
    """
    account = redemption.account
    reward = redemption.reward
    outbox_publish(
        new=True,
        topic=topic,
        key=f"{topic}:{redemption.pk}",
        at=at,
        payload={
            "member": account.member_id,
            "program": account.program.code,
            "redemption": redemption.pk,
            "reward": reward.code if reward is not None else None,
            "points": redemption.points,
            "at": at.isoformat(),
        },
    )


def benefit_granted_event(grant: BenefitGrant) -> OutboxEvent:
    """The `benefit.granted` event of one grant, not yet saved: tier benefits are granted many at a time.
    The grant's own unique key keys it."""
    at = grant.valid_from
    payload: dict[str, Any] = {
        "member": grant.account.member_id,
        "program": grant.account.program.code,
        "grant": grant.pk,
        "benefit": grant.benefit.code,
        "quantity": grant.quantity,
        "valid_from": grant.valid_from.isoformat(),
        "valid_to": grant.valid_to.isoformat(),
        "source": grant.source,
        "at": at.isoformat(),
    }
    return OutboxEvent(
        topic="benefit.granted",
        key=f"benefit.granted:{grant.idempotency_key}",
        payload=payload,
        created_at=at,
    )
