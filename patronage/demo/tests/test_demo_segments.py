"""The demo's segments part: the one-to-one classes a program manager finds are filled with the customers
their rules describe, the advisory panel holds the top spenders, and the nightly reconciliation finds the
kept members equal to a full evaluation."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from patronage.demo.parts.information import ITEMS as INFORMATION_ITEMS
from patronage.demo.parts.segments import ADVISORY_PANEL, DEFINITIONS
from patronage.loyalty.models import LedgerEntry
from patronage.messages.models import Message, MessageStatus
from patronage.segments.campaign_selectors import campaign_results
from patronage.segments.information_services import information_digests_send
from patronage.segments.models import (
    Campaign,
    ClubEvent,
    InformationDelivery,
    Registration,
    RegistrationStatus,
    Segment,
    SegmentMember,
)
from patronage.segments.upkeep import segments_reconcile

# The period --start 2023-06-01 --years 2 ends at midnight on 1 June 2025 in Seoul; the clock stands just after.
NOW = datetime(2025, 6, 1, 3, 0, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.fixture
def demo(db: None, settings: Any, tmp_path: Path) -> Any:
    """A small demo with its loyalty programs (the tier segments need them), the clock at its end."""
    settings.VAR_DIR = tmp_path
    with time_machine.travel(NOW, tick=False):
        call_command(
            "demo",
            "--start",
            "2023-06-01",
            "--seed",
            "7",
            "--members",
            "200",
            stdout=io.StringIO(),
            verbosity=0,
        )
        yield json.loads((tmp_path / "demo-truth.json").read_text())


def test_the_demo_segments_are_filled_and_reconcile_without_a_difference(demo: dict[str, Any]):
    sizes = demo["segments"]
    assert set(sizes) == {definition.code for definition in DEFINITIONS}
    for code in ("seoul-regulars", "kitchen-lovers", "lapsed", "gold-and-vip", "promoters"):
        assert sizes[code] > 0, code
    assert 0 < sizes["advisory-panel"] <= ADVISORY_PANEL  # the top spenders, fewer in a small demo
    # Built on two others: only members of both.
    lapsed_vip = set(
        SegmentMember.objects.filter(segment__code="lapsed-vip").values_list("member_id", flat=True)
    )
    gold = set(SegmentMember.objects.filter(segment__code="gold-and-vip").values_list("member_id", flat=True))
    lapsed = set(SegmentMember.objects.filter(segment__code="lapsed").values_list("member_id", flat=True))
    assert lapsed_vip == gold & lapsed
    # Names in the business's languages.
    regulars = Segment.objects.get(code="seoul-regulars")
    assert {regulars.name, *regulars.name_translations.values()} == {
        "서울 단골",
        "ソウルの常連",
        "Seoul regulars",
    }

    found = segments_reconcile()

    assert [(r.segment.code, r.missing, r.extra) for r in found if r.missing or r.extra] == []


def test_the_campaign_recovers_its_true_uplift_of_nothing_within_its_interval(demo: dict[str, Any]):
    planted = demo["campaign"]
    campaign = Campaign.objects.get(code=planted["campaign"])

    with time_machine.travel(NOW, tick=False):
        results = campaign_results(campaign=campaign)

    assert results is not None
    assert results.complete
    assert results.held_out == planted["held_out"] > 0
    assert results.treated == planted["audience"] - planted["held_out"]
    assert results.conversion.low <= planted["true_uplift"] <= results.conversion.high
    assert results.revenue.low <= 0 <= results.revenue.high


def test_the_demo_publishes_information_and_sends_each_reader_their_digest_once(demo: dict[str, Any]):
    planted = demo["information"]
    assert planted["items"] == len(INFORMATION_ITEMS)
    assert planted["members_with_interests"] > 0
    assert planted["digests"] > 0
    # A reader of kitchen news got the kitchen items of the last week or month, never an item twice.
    sent = InformationDelivery.objects.values_list("member_id", "item_id")
    assert len(set(sent)) == len(sent)
    regulars = set(
        SegmentMember.objects.filter(segment__code="seoul-regulars").values_list("member_id", flat=True)
    )
    preview = InformationDelivery.objects.filter(item__code="regulars-preview").values_list(
        "member_id", flat=True
    )
    assert set(preview) <= regulars
    # Run again on the same day: nothing more goes.
    with time_machine.travel(NOW, tick=False):
        assert information_digests_send() == 0
    # Those refused when queued (no address, the week's cap on marketing) are kept as skipped, not sent.
    digests = Message.objects.filter(kind="information_digest").exclude(status=MessageStatus.SKIPPED)
    assert digests.count() == planted["digests"]


def test_the_club_events_have_their_guests_a_waiting_list_and_the_points_of_those_who_came(
    demo: dict[str, Any],
):
    planted = demo["events"]
    assert set(planted) == {"tasting-evening", "cooking-class", "care-training"}
    evening = ClubEvent.objects.get(code="tasting-evening")
    came = Registration.objects.filter(event=evening, status=RegistrationStatus.ATTENDED)
    assert came.count() == planted["tasting-evening"]["attended"] > 0
    for registration in came:
        key = f"bonus:{evening.program_id}:event:{evening.pk}:attended:{registration.member_id}"
        assert LedgerEntry.objects.get(idempotency_key=key).points == evening.attendance_points
    cooking = ClubEvent.objects.get(code="cooking-class")
    assert cooking.registered == cooking.capacity
    assert planted["cooking-class"]["waiting"] > 0
    waiting = Registration.objects.filter(event=cooking, status=RegistrationStatus.WAITING)
    assert waiting.count() == planted["cooking-class"]["waiting"]
    assert demo["counts"]["segments.Registration"] == Registration.objects.count()
    assert demo["counts"]["loyalty.LedgerEntry"] == LedgerEntry.objects.count()
