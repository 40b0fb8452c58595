"""The rewards catalogue's side of a redemption: who may take a reward, its stock, and its fulfilment."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import User
from patronage.loyalty.models import Account, Redemption, Reward


def reward_reserve(*, account: Account, reward: Reward) -> None:
    """Checks the member may take the reward and takes one from its stock, inside the redemption's transaction.

    The account row is locked first, so two redemptions of one member count the limit one after the other;
    the stock is a conditional update, so the last item goes to exactly one member.
    """
    if reward.program_id != account.program_id:
        raise ValidationFailed(_("the reward belongs to another program"), field="reward")
    if not reward.active:
        raise ValidationFailed(
            _("reward '%(code)s' is no longer offered") % {"code": reward.code}, field="reward"
        )
    locked = Account.objects.select_for_update(of=("self",)).select_related("tier").get(pk=account.pk)
    minimum = reward.min_tier
    if minimum is not None and (locked.tier is None or locked.tier.rank < minimum.rank):
        raise ValidationFailed(
            _("reward '%(code)s' is for %(tier)s members and above")
            % {"code": reward.code, "tier": minimum.reader_name},
            field="reward",
        )
    if reward.per_member_limit is not None:
        taken = (
            Redemption.objects.filter(account=account, reward=reward)
            .exclude(status=Redemption.Status.CANCELLED)
            .count()
        )
        if taken >= reward.per_member_limit:
            raise Conflict(
                _("limit reached: at most %(limit)d of '%(code)s' per member")
                % {"limit": reward.per_member_limit, "code": reward.code},
                field="reward",
            )
    if reward.stock is not None and not Reward.objects.filter(pk=reward.pk, stock__gte=1).update(
        stock=F("stock") - 1
    ):
        raise Conflict(_("reward '%(code)s' is out of stock") % {"code": reward.code}, field="reward")


def reward_restock(*, redemption: Redemption) -> None:
    """A cancelled redemption puts its reward back in stock (inside the cancellation's transaction)."""
    if redemption.reward_id is not None:
        Reward.objects.filter(pk=redemption.reward_id, stock__isnull=False).update(stock=F("stock") + 1)


def redemption_fulfil(*, redemption: Redemption, actor: User | None) -> Redemption:
    """Marks a redemption as handed over; a cancelled one cannot be, and a second call changes nothing."""
    with transaction.atomic(durable=True):
        if not Redemption.objects.filter(pk=redemption.pk, status=Redemption.Status.CONFIRMED).update(
            status=Redemption.Status.FULFILLED, fulfilled_at=clock.now()
        ):
            redemption.refresh_from_db()
            if redemption.status == Redemption.Status.FULFILLED:
                return redemption
            raise Conflict(_("a cancelled redemption cannot be fulfilled"), field="status")
        audit_change(actor=actor, action="redemption.fulfilled", target=redemption)
    redemption.refresh_from_db()
    return redemption
