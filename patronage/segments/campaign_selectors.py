"""Reading campaigns: the list, the sample-size check before sending, the send's progress and the results
against the hold-out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from patronage.commerce.models import Order, OrderKind
from patronage.core import clock
from patronage.core.errors import NotFound
from patronage.loyalty.models import Redemption
from patronage.members.models import ConsentEvent
from patronage.messages.models import Message, MessageStatus
from patronage.segments.campaign_stats import Uplift, detectable_uplift, mean_uplift, rate_uplift
from patronage.segments.models import Campaign, CampaignGoal, CampaignRecipient, Segment, SegmentMember


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("segment")


def campaign_get(*, campaign_id: int | None = None, code: str | None = None) -> Campaign:
    found = Campaign.objects.select_related("segment")
    campaign = (found.filter(pk=campaign_id) if campaign_id is not None else found.filter(code=code)).first()
    if campaign is None:
        raise NotFound("no such campaign", field="campaign")
    return campaign


@dataclass(frozen=True)
class Preflight:
    """What a marketer should know before sending: how many, how many held out, what it can detect."""

    audience: int
    held_out: int
    baseline: float | None  # the segment's usual rate of the goal in a window as long as the campaign's
    detectable: float | None  # the smallest uplift (a fraction) detectable with 80% power


def _did_goal(goal: str, start: datetime | Any, end: datetime | Any, member: Any = None) -> Exists:
    member = member if member is not None else OuterRef("member")
    if goal == CampaignGoal.REDEMPTION:
        return Exists(
            Redemption.objects.filter(account__member=member, created_at__gte=start, created_at__lt=end)
        )
    return Exists(
        Order.objects.filter(
            member=member, kind=OrderKind.PURCHASE, occurred_at__gte=start, occurred_at__lt=end
        )
    )


def campaign_preflight(*, campaign: Campaign, now: datetime | None = None) -> Preflight:
    """The audience the segment holds now, and the uplift it can detect given the segment's own rate of the
    goal over the last window (a purchase, a redemption; revenue is judged by whether they bought)."""
    now = now or clock.now()
    members = SegmentMember.objects.filter(segment=campaign.segment)
    audience = members.count()
    held = round(audience * campaign.holdout_share)
    baseline = None
    if audience:
        window = timedelta(days=campaign.goal_days)
        did = members.filter(_did_goal(campaign.goal, now - window, now)).count()
        baseline = did / audience
    detectable = (
        detectable_uplift(audience=audience, share_held=campaign.holdout_share, baseline=baseline)
        if baseline is not None
        else None
    )
    return Preflight(audience=audience, held_out=held, baseline=baseline, detectable=detectable)


@dataclass(frozen=True)
class Progress:
    """How far the send has got: of the treated, how many messages are queued, sent, skipped, failed; of
    those sent, how many were delivered (not bounced), opened and clicked (marketing e-mail's pixel and
    links: approximate, see messages.tracking)."""

    treated: int
    queued: int
    sent: int  # left us: delivered or bounced
    skipped: dict[str, int]
    failed: int
    unsubscribed: int
    bounced: int
    opened: int  # of those delivered
    clicked: int

    @property
    def share_done(self) -> float:
        return self.queued / self.treated if self.treated else 1.0

    @property
    def delivered(self) -> int:
        return self.sent - self.bounced

    @property
    def open_rate(self) -> float | None:
        """Opened, as a share of those delivered; None before any was."""
        return self.opened / self.delivered if self.delivered else None

    @property
    def click_rate(self) -> float | None:
        return self.clicked / self.delivered if self.delivered else None


def campaign_progress(*, campaign: Campaign) -> Progress:
    treated = CampaignRecipient.objects.filter(campaign=campaign, held_out=False)
    counts = treated.aggregate(total=Count("pk"), queued=Count("pk", filter=Q(queued_at__isnull=False)))
    messages = Message.objects.filter(pk__in=treated.filter(message__isnull=False).values("message"))
    delivered = Q(status=MessageStatus.SENT)
    tally = messages.aggregate(
        sent=Count("pk", filter=delivered | Q(status=MessageStatus.BOUNCED)),
        bounced=Count("pk", filter=Q(status=MessageStatus.BOUNCED)),
        failed=Count("pk", filter=Q(status=MessageStatus.FAILED)),
        opened=Count("pk", filter=delivered & Q(opened_at__isnull=False)),
        clicked=Count("pk", filter=delivered & Q(clicked_at__isnull=False)),
    )
    skipped = dict(
        messages.filter(status=MessageStatus.SKIPPED)
        .values_list("skip_reason")
        .annotate(n=Count("pk"))
        .values_list("skip_reason", "n")
    )
    unsubscribed = 0
    if campaign.started_at is not None:
        unsubscribed = (
            ConsentEvent.objects.filter(
                member__in=treated.values("member"), granted=False, at__gte=campaign.started_at
            )
            .values("member")
            .distinct()
            .count()
        )
    return Progress(
        treated=counts["total"], queued=counts["queued"], skipped=skipped, unsubscribed=unsubscribed, **tally
    )


@dataclass(frozen=True)
class Results:
    """The campaign's goal in both groups, the uplift with its 95% interval, and what it earned."""

    window_end: datetime
    complete: bool  # the window has closed: the figures are final
    treated: int
    held_out: int
    converted: int
    converted_held: int
    conversion: Uplift
    revenue: Uplift  # per member
    incremental_conversions: float
    incremental_revenue: float
    offer_cost: Decimal | None  # the offer's cost for the treated who converted


def campaign_results(*, campaign: Campaign, now: datetime | None = None) -> Results | None:
    """None before the campaign started. Revenue is purchases less refunds in the window, per member."""
    if campaign.started_at is None:
        return None
    now = now or clock.now()
    end = campaign.started_at + timedelta(days=campaign.goal_days)
    until = min(end, now)
    start = campaign.started_at
    recipients = CampaignRecipient.objects.filter(campaign=campaign)
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=18, decimal_places=2)
    spent = Subquery(
        Order.objects.filter(member=OuterRef("member"), occurred_at__gte=start, occurred_at__lt=until)
        .values("member")
        .annotate(
            net=Coalesce(Sum("amount", filter=Q(kind=OrderKind.PURCHASE)), Decimal(0), output_field=money)
            - Coalesce(Sum("amount", filter=Q(kind=OrderKind.RETURN)), Decimal(0), output_field=money)
        )
        .values("net")[:1],
        output_field=money,
    )
    rows = list(
        recipients.annotate(did=_did_goal(campaign.goal, start, until), spent=spent).values_list(
            "held_out", "did", "spent"
        )
    )
    treated = [row for row in rows if not row[0]]
    held = [row for row in rows if row[0]]
    converted, converted_held = sum(1 for row in treated if row[1]), sum(1 for row in held if row[1])
    conversion = rate_uplift(
        converted=converted, treated=len(treated), converted_held=converted_held, held=len(held)
    )
    revenue = mean_uplift([float(row[2] or 0) for row in treated], [float(row[2] or 0) for row in held])
    return Results(
        window_end=end,
        complete=now >= end,
        treated=len(treated),
        held_out=len(held),
        converted=converted,
        converted_held=converted_held,
        conversion=conversion,
        revenue=revenue,
        incremental_conversions=_times(conversion.uplift, len(treated)),
        incremental_revenue=_times(revenue.uplift, len(treated)),
        offer_cost=campaign.offer_cost * converted if campaign.offer_cost is not None else None,
    )


def _times(rate: float, count: int) -> float:
    return rate * count if math.isfinite(rate) else math.nan


def campaigns_of_segment(*, segment: Segment) -> QuerySet[Campaign]:
    return Campaign.objects.filter(segment=segment)
