"""Reads of benefits and rewards: what a program offers and what a member is entitled to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.errors import NotFound
from patronage.loyalty.models import Account, Benefit, BenefitGrant, Program, Redemption, Reward


def reward_list(*, program: Program, include_inactive: bool = False) -> QuerySet[Reward]:
    rewards = Reward.objects.filter(program=program).select_related("min_tier")
    return rewards if include_inactive else rewards.filter(active=True)


def reward_get(*, program: Program, code: str) -> Reward:
    reward = Reward.objects.filter(program=program, code=code).select_related("min_tier").first()
    if reward is None:
        raise NotFound(_("reward '%(code)s' does not exist in this program") % {"code": code}, field="reward")
    return reward


@dataclass(frozen=True)
class RewardOffer:
    """A reward as one member sees it: whether they can redeem it now, and if not, why."""

    reward: Reward
    redeemed: int
    blocked_by: str  # empty when the member can redeem it


def reward_offers(*, account: Account | None, program: Program) -> list[RewardOffer]:
    """The active catalogue for this member, each reward with what stands in its way."""
    counts: dict[int, int] = {}
    if account is not None:
        counts = dict(
            Redemption.objects.filter(account=account, reward__isnull=False)
            .exclude(status=Redemption.Status.CANCELLED)
            .values_list("reward")
            .annotate(n=Count("pk"))
            .values_list("reward", "n")
        )
    return [
        RewardOffer(
            reward,
            counts.get(reward.pk, 0),
            reward_blocker(account=account, reward=reward, redeemed=counts.get(reward.pk, 0)),
        )
        for reward in reward_list(program=program)
    ]


def reward_blocker(*, account: Account | None, reward: Reward, redeemed: int) -> str:
    """Why this member cannot redeem the reward now, in the reader's language; empty when they can."""
    if not reward.active:
        return _("no longer offered")
    if reward.stock is not None and reward.stock <= 0:
        return _("out of stock")
    if reward.min_tier is not None:
        tier = account.tier if account is not None else None
        if tier is None or tier.rank < reward.min_tier.rank:
            return _("for %(tier)s members and above") % {"tier": reward.min_tier.reader_name}
    if reward.per_member_limit is not None and redeemed >= reward.per_member_limit:
        return _("limit of %(limit)d per member reached") % {"limit": reward.per_member_limit}
    available = account.active - account.owed if account is not None else 0
    if available < reward.points_price:
        return _("%(missing)d more points needed") % {"missing": reward.points_price - max(available, 0)}
    return ""


def benefit_list(*, program: Program) -> QuerySet[Benefit]:
    return Benefit.objects.filter(program=program).prefetch_related("tier_benefits__tier")


def benefit_offerable() -> QuerySet[Benefit]:
    """The benefits another part of the product may give (a segment's treatment): live, in live programs."""
    return (
        Benefit.objects.filter(active=True, program__active=True)
        .select_related("program")
        .order_by("program__code", "name")
    )


def benefit_get(*, program: Program, code: str) -> Benefit:
    benefit = Benefit.objects.filter(program=program, code=code).first()
    if benefit is None:
        raise NotFound(
            _("benefit '%(code)s' does not exist in this program") % {"code": code}, field="benefit"
        )
    return benefit


def benefit_grants(
    *, account: Account, at: datetime | None = None, usable_only: bool = False
) -> QuerySet[BenefitGrant]:
    """The member's benefit grants, soonest-ending first; `usable_only` keeps those valid now with uses left."""
    grants = BenefitGrant.objects.filter(account=account).select_related("benefit").order_by("valid_to", "id")
    if usable_only:
        now = at or clock.now()
        grants = grants.filter(
            Q(revoked_at__isnull=True), valid_from__lte=now, valid_to__gt=now, used__lt=F("quantity")
        )
    return grants
