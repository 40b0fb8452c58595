"""Reading customer information: items and topics, what fits a member, what a digest holds, an item's reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from patronage.core.errors import NotFound
from patronage.members.models import Consent, Member
from patronage.messages.message_services import CONSENT_PURPOSE
from patronage.messages.models import MessageChannel
from patronage.segments.models import (
    DigestFrequency,
    DigestPreference,
    InformationItem,
    InformationTopic,
    MemberInterest,
    SegmentMember,
)

DIGEST_ITEMS_MAX = 20  # the newest, when more are due: the portal has the rest
# The digest goes by e-mail: it needs the consent the messages app checks for marketing by e-mail.
DIGEST_CONSENT = CONSENT_PURPOSE[MessageChannel.EMAIL]


def information_topic_list() -> QuerySet[InformationTopic]:
    return InformationTopic.objects.annotate(interested=Count("interests")).order_by("code")


def information_item_list() -> QuerySet[InformationItem]:
    """Every item, the newest publication first, with its topics and how many members it was sent to."""
    return (
        InformationItem.objects.select_related("segment")
        .prefetch_related("topics")
        .annotate(sent=Count("deliveries", distinct=True))
        .order_by("-published_at", "-pk")  # a grouped query drops the model's ordering
    )


def information_item_get(*, item_id: int | None = None, code: str | None = None) -> InformationItem:
    found = information_item_list()
    item = (found.filter(pk=item_id) if item_id is not None else found.filter(code=code)).first()
    if item is None:
        raise NotFound("no such information item", field="item")
    return item


def _live(now: datetime) -> Q:
    """Published, not expired, not retired."""
    return Q(published_at__lte=now, retired_at__isnull=True) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def _for_member(member: Member) -> Q:
    """No segment named, or one the member is in."""
    return Q(segment__isnull=True) | Q(
        segment_id__in=SegmentMember.objects.filter(member=member).values("segment_id")
    )


def member_topics(*, member: Member) -> list[InformationTopic]:
    return list(InformationTopic.objects.filter(interests__member=member).order_by("code"))


def member_digest_preference(*, member: Member) -> DigestPreference | None:
    return DigestPreference.objects.filter(member=member).first()


def digest_consented_members() -> QuerySet[Any]:
    """The ids of members who gave their marketing e-mail consent (a subquery)."""
    return Consent.objects.filter(purpose=DIGEST_CONSENT, granted=True).values("member_id")


def digest_consent_given(*, member: Member) -> bool:
    return Consent.objects.filter(member=member, purpose=DIGEST_CONSENT, granted=True).exists()


def member_information(*, member: Member, now: datetime) -> QuerySet[InformationItem]:
    """The live items that fit the member, newest first: those in their topics when they chose any, else
    every one their segments allow."""
    items = InformationItem.objects.filter(_live(now), _for_member(member))
    if MemberInterest.objects.filter(member=member).exists():
        items = items.filter(
            topics__in=MemberInterest.objects.filter(member=member).values("topic_id")
        ).distinct()
    return items.prefetch_related("topics").order_by("-published_at", "-pk")


def digest_items(*, member: Member, since: datetime, now: datetime) -> list[InformationItem]:
    """What the member's next digest holds: live items in their topics, published after `since`, that fit
    their segments and were never sent to them; the newest DIGEST_ITEMS_MAX."""
    return list(
        InformationItem.objects.filter(
            _live(now),
            _for_member(member),
            published_at__gt=since,
            topics__in=MemberInterest.objects.filter(member=member).values("topic_id"),
        )
        .exclude(deliveries__member=member)
        .distinct()
        .order_by("-published_at", "-pk")[:DIGEST_ITEMS_MAX]
    )


def digest_period(frequency: str, now: datetime, zone: ZoneInfo) -> str:
    """The period a digest belongs to on the business's clock: the ISO week (2026-W49) or the month
    (2026-12)."""
    local = now.astimezone(zone)
    if frequency == DigestFrequency.MONTHLY:
        return f"{local.year:04d}-{local.month:02d}"
    year, week, _day = local.isocalendar()
    return f"{year:04d}-W{week:02d}"


@dataclass(frozen=True)
class Reach:
    fits: int  # members whose topics (and segment) it fits
    subscribed: int  # of those, with a digest chosen and marketing e-mail consent
    sent: int  # members it went to in a digest


def information_reach(*, item: InformationItem) -> Reach:
    interested = MemberInterest.objects.filter(topic__in=item.topics.all())
    if item.segment_id is not None:
        interested = interested.filter(
            member__in=SegmentMember.objects.filter(segment_id=item.segment_id).values("member_id")
        )
    member_ids = interested.values("member_id")
    fits = Member.objects.filter(pk__in=member_ids).count()
    subscribed = (
        DigestPreference.objects.filter(member__in=member_ids)
        .exclude(frequency=DigestFrequency.NEVER)
        .filter(member__in=digest_consented_members())
        .count()
    )
    return Reach(fits=fits, subscribed=subscribed, sent=item.deliveries.count())
