"""How merging, erasing and exporting a customer file reach their segments."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F

from patronage.members import hooks
from patronage.members.models import Member
from patronage.segments.event_services import HOLDING_A_SEAT
from patronage.segments.models import (
    ClubEvent,
    DigestPreference,
    InformationDelivery,
    MemberInterest,
    OfferExposure,
    Registration,
    Segment,
    SegmentKind,
    SegmentMember,
    SegmentTreatment,
)


def _memberships_drop(member: Member) -> None:
    """Deletes the member's places in segments, each segment's count following."""
    rows = SegmentMember.objects.filter(member=member)
    for segment_id, count in (
        rows.values("segment").annotate(count=Count("pk")).values_list("segment", "count")
    ):
        Segment.objects.filter(pk=segment_id).update(member_count=F("member_count") - count)
    rows.delete()


@hooks.on_merge
def segments_follow_merge(duplicate: Member, survivor: Member) -> None:
    """A static list keeps the person under their surviving file; rule segments re-check the survivor
    (the merge is on their timeline) and the duplicate, no longer active, leaves them."""
    for membership in SegmentMember.objects.filter(member=duplicate, segment__kind=SegmentKind.STATIC):
        _, created = SegmentMember.objects.get_or_create(
            segment_id=membership.segment_id, member=survivor, defaults={"entered_at": membership.entered_at}
        )
        if created:
            Segment.objects.filter(pk=membership.segment_id).update(member_count=F("member_count") + 1)
    _memberships_drop(duplicate)


def _registrations_drop(member: Member) -> None:
    """Deletes the member's event registrations, giving back the seats they held (counts stay true)."""
    rows = Registration.objects.filter(member=member)
    for event_id in rows.filter(status__in=HOLDING_A_SEAT).values_list("event", flat=True):
        ClubEvent.objects.filter(pk=event_id).update(registered=F("registered") - 1)
    rows.delete()


@hooks.on_merge
def registrations_follow_merge(duplicate: Member, survivor: Member) -> None:
    """The duplicate's registrations move to the survivor, unless the survivor is registered there too."""
    taken = set(Registration.objects.filter(member=survivor).values_list("event", flat=True))
    Registration.objects.filter(member=duplicate).exclude(event__in=taken).update(member=survivor)
    _registrations_drop(duplicate)


def _information_drop(member: Member) -> None:
    MemberInterest.objects.filter(member=member).delete()
    DigestPreference.objects.filter(member=member).delete()
    InformationDelivery.objects.filter(member=member).delete()


@hooks.on_merge
def information_follows_merge(duplicate: Member, survivor: Member) -> None:
    """The survivor keeps their own choices and gains the duplicate's topics; the items either was sent
    count as sent to the survivor (never twice); the duplicate's digest choice moves when the survivor has
    none."""
    topics = set(MemberInterest.objects.filter(member=survivor).values_list("topic", flat=True))
    MemberInterest.objects.filter(member=duplicate).exclude(topic__in=topics).update(member=survivor)
    items = set(InformationDelivery.objects.filter(member=survivor).values_list("item", flat=True))
    InformationDelivery.objects.filter(member=duplicate).exclude(item__in=items).update(member=survivor)
    if not DigestPreference.objects.filter(member=survivor).exists():
        DigestPreference.objects.filter(member=duplicate).update(member=survivor)
    _information_drop(duplicate)


def _offers_drop(member: Member) -> None:
    OfferExposure.objects.filter(member=member).delete()


@hooks.on_merge
def offers_follow_merge(duplicate: Member, survivor: Member) -> None:
    """The offers shown to the duplicate count as shown to the survivor (once a day, as ever); the
    duplicate's treated stays ended with its places in segments."""
    shown = OfferExposure.objects.filter(member=survivor).values_list("kind", "offer_id", "day")
    taken = set(shown)
    for exposure in OfferExposure.objects.filter(member=duplicate):
        if (exposure.kind, exposure.offer_id, exposure.day) not in taken:
            OfferExposure.objects.filter(pk=exposure.pk).update(member=survivor)
    _offers_drop(duplicate)
    SegmentTreatment.objects.filter(member=duplicate).delete()


@hooks.on_erase
def segments_forget(member: Member) -> None:
    _memberships_drop(member)
    _registrations_drop(member)
    _information_drop(member)
    _offers_drop(member)
    SegmentTreatment.objects.filter(member=member).delete()


@hooks.export_section("segments")
def segments_export(member: Member) -> list[dict[str, Any]]:
    return [
        {"segment": code, "name": name, "entered_at": entered_at.isoformat()}
        for code, name, entered_at in SegmentMember.objects.filter(member=member)
        .order_by("segment__code")
        .values_list("segment__code", "segment__name", "entered_at")
    ]


@hooks.export_section("information")
def information_export(member: Member) -> dict[str, Any]:
    """The topics the member chose and how often they want the digest."""
    preference = DigestPreference.objects.filter(member=member).first()
    return {
        "topics": sorted(MemberInterest.objects.filter(member=member).values_list("topic__code", flat=True)),
        "digest": preference.frequency if preference else None,
    }
