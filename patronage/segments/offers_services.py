"""Next-best offers that change state: the nightly lift table, the exposures shown, their conversions
(decision 0032)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, QuerySet, Subquery, Value

from patronage.commerce.models import OrderKind, OrderLine
from patronage.core import clock
from patronage.core.business import business_zone
from patronage.loyalty.models import BenefitUse, Redemption
from patronage.members.models import Member
from patronage.segments.models import OfferExposure, OfferKind, OfferTable
from patronage.segments.offers_selectors import (
    CONVERSION_DAYS,
    TOP,
    NextOffer,
    member_next_offers,
    offer_table_fit,
)

# An exposure whose window ended up to this long ago is still checked: a conversion job that was down
# for a few days catches up, and the pass never reads older exposures (its cost stays bounded).
CATCH_UP = timedelta(days=7)


def offer_table_refresh(*, now: datetime | None = None) -> OfferTable:
    """Fits the lift table on the last year's purchases and keeps it as the newest (older ones are dropped)."""
    now = now or clock.now()
    table = offer_table_fit(now=now)
    with transaction.atomic(durable=True):
        stored = OfferTable.objects.create(computed_at=now, members=table.members, table=table.as_json())
        OfferTable.objects.exclude(pk=stored.pk).delete()
    return stored


def offers_shown(*, member: Member, offers: Sequence[NextOffer], now: datetime | None = None) -> int:
    """Records that the member was shown these offers: once per member, offer and business day (a reload
    or a retry adds nothing: the unique constraint, not a check first). Returns how many were new."""
    now = now or clock.now()
    day = now.astimezone(business_zone()).date()
    before = OfferExposure.objects.filter(member=member, day=day).count()
    OfferExposure.objects.bulk_create(
        [
            OfferExposure(member=member, kind=offer.kind, offer_id=offer.id, day=day, shown_at=now)
            for offer in offers
        ],
        ignore_conflicts=True,
    )
    return OfferExposure.objects.filter(member=member, day=day).count() - before


def next_offers_show(*, member: Member, top: int = TOP, now: datetime | None = None) -> list[NextOffer]:
    """The member's next-best offers, recorded as shown to them (the portal's page, an app asking so)."""
    now = now or clock.now()
    offers = member_next_offers(member=member, top=top, now=now)
    offers_shown(member=member, offers=offers, now=now)
    return offers


def _taken(kind: str, window: timedelta) -> QuerySet[Any, Any]:
    """The member taking the exposure's offer in its window, earliest first, with the time as `at`."""
    start = OuterRef("shown_at")
    end = ExpressionWrapper(OuterRef("shown_at") + Value(window), output_field=DateTimeField())
    if kind == OfferKind.PRODUCT:
        return (
            OrderLine.objects.filter(
                order__member=OuterRef("member"),
                order__kind=OrderKind.PURCHASE,
                product_id=OuterRef("offer_id"),
                order__occurred_at__gte=start,
                order__occurred_at__lt=end,
            )
            .order_by("order__occurred_at")
            .values("order__occurred_at")
        )
    if kind == OfferKind.REWARD:
        return (
            Redemption.objects.filter(
                account__member=OuterRef("member"),
                reward_id=OuterRef("offer_id"),
                created_at__gte=start,
                created_at__lt=end,
            )
            .exclude(status=Redemption.Status.CANCELLED)
            .order_by("created_at")
            .values("created_at")
        )
    return (
        BenefitUse.objects.filter(
            grant__account__member=OuterRef("member"),
            grant__benefit_id=OuterRef("offer_id"),
            at__gte=start,
            at__lt=end,
        )
        .order_by("at")
        .values("at")
    )


def offer_exposures_convert(*, now: datetime | None = None) -> int:
    """Marks the exposures whose member took the offer within CONVERSION_DAYS after it was shown (the first
    such purchase, redemption or use); run hourly. Returns how many were marked."""
    now = now or clock.now()
    window = timedelta(days=CONVERSION_DAYS)
    open_ = OfferExposure.objects.filter(converted_at__isnull=True, shown_at__gte=now - window - CATCH_UP)
    marked = 0
    for kind in OfferKind.values:
        taken = _taken(kind, window)
        marked += open_.filter(Exists(taken), kind=kind).update(converted_at=Subquery(taken[:1]))
    return marked
