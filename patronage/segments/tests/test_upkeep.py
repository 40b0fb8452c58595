"""Segments keep their members fresh from the changes that can move them, without rescanning everyone."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patronage.core import clock
from patronage.core.models import OutboxEvent
from patronage.members.models import TimelineEvent
from patronage.members.services import member_tags_set, member_update
from patronage.segments.models import SegmentMember
from patronage.segments.upkeep import SETTLE, segments_clock, segments_reconcile, segments_upkeep


def kept(segment) -> set[int]:
    return set(SegmentMember.objects.filter(segment=segment).values_list("member_id", flat=True))


def test_a_new_segment_holds_who_meets_its_rules_at_once(alice, bob, segment_of):
    seoul = segment_of("seoul", {"field": "city", "op": "eq", "value": "seoul"})

    assert kept(seoul) == {alice.pk}
    assert seoul.member_count == 1
    # Where a segment starts is not news about each member.
    assert not TimelineEvent.objects.filter(kind="segment_entered").exists()


def test_a_purchase_crossing_the_threshold_moves_the_member_in_on_the_next_pass(alice, bob, buy, segment_of):
    big = segment_of("big-spenders", {"field": "purchase_amount", "op": "gte", "value": 500_000, "days": 365})
    segments_upkeep()
    buy(alice, "300000")
    segments_upkeep()
    assert kept(big) == set()

    buy(alice, "250000")
    report = segments_upkeep()

    assert kept(big) == {alice.pk}
    assert report.entered == 1
    # Only the member who bought was re-checked: no rescan of everyone.
    assert report.rechecked == 1
    [event] = TimelineEvent.objects.filter(kind="segment_entered")
    assert (event.member_id, event.data["segment"]) == (alice.pk, "big-spenders")
    [payload] = [e.payload for e in OutboxEvent.objects.filter(topic="segment.entered")]
    assert payload["member"] == alice.pk
    assert payload["segment"] == "big-spenders"


def test_a_change_rechecks_only_the_segments_that_read_it(alice, bob, buy, segment_of):
    segment_of("seoul", {"field": "city", "op": "eq", "value": "Seoul"})
    spenders = segment_of("spenders", {"field": "purchase_count", "op": "gte", "value": 1})
    segments_upkeep()

    with CaptureQueriesContext(connection) as purchase_pass:
        buy(bob, "1000")
        segments_upkeep()

    assert kept(spenders) == {bob.pk}
    segment_tables = [
        q["sql"] for q in purchase_pass.captured_queries if "segments_segmentmember" in q["sql"]
    ]
    assert segment_tables
    assert all("city" not in sql.lower() for sql in segment_tables)


def test_a_profile_change_moves_a_member_out_and_the_webhook_says_so(alice, bob, segment_of):
    seoul = segment_of("seoul", {"field": "city", "op": "eq", "value": "Seoul"})
    segments_upkeep()

    member_update(member=alice, actor=None, profile={"city": "Busan"})
    segments_upkeep()

    assert kept(seoul) == set()
    seoul.refresh_from_db()
    assert seoul.member_count == 0
    assert OutboxEvent.objects.filter(topic="segment.left", payload__member=alice.pk).count() == 1


def test_events_not_yet_settled_are_read_again_and_move_no_one_twice(alice, segment_of):
    seoul = segment_of("seoul", {"field": "city", "op": "eq", "value": "Busan"})
    segments_upkeep()
    member_update(member=alice, actor=None, profile={"city": "Busan"})

    segments_upkeep()
    segments_upkeep()
    with time_machine.travel(clock.now() + SETTLE + timedelta(seconds=1)):
        segments_upkeep()

    assert kept(seoul) == {alice.pk}
    assert TimelineEvent.objects.filter(kind="segment_entered").count() == 1


def test_a_segment_built_on_another_follows_it_in_the_same_pass(alice, bob, buy, segment_of):
    buyers = segment_of("buyers", {"field": "purchase_count", "op": "gte", "value": 1})
    seoul_buyers = segment_of(
        "seoul-buyers",
        {
            "all": [
                {"field": "segment", "op": "eq", "value": "buyers"},
                {"field": "city", "op": "eq", "value": "Seoul"},
            ]
        },
    )
    segments_upkeep()

    buy(alice, "1000")
    segments_upkeep()

    assert kept(buyers) == {alice.pk}
    assert kept(seoul_buyers) == {alice.pk}


def test_time_alone_moves_members_out_of_a_window_and_into_no_purchase_for_90_days(
    alice, bob, buy, segment_of
):
    start = clock.now()
    buy(alice, "1000", at=start - timedelta(days=80))
    recent = segment_of("recent", {"field": "last_purchase", "op": "within_days", "value": 90})
    lapsed = segment_of("lapsed", {"not": {"field": "last_purchase", "op": "within_days", "value": 90}})
    assert kept(recent) == {alice.pk}
    assert kept(lapsed) == {bob.pk}

    with time_machine.travel(start + timedelta(days=11)):
        report = segments_clock()

    assert kept(recent) == set()
    assert kept(lapsed) == {alice.pk, bob.pk}
    # Only Alice's clock crossed the line.
    assert report.rechecked == 2  # once for each of the two segments


def test_the_reconciliation_finds_nothing_when_upkeep_kept_up_and_mends_a_difference(alice, bob, segment_of):
    seoul = segment_of("seoul", {"field": "city", "op": "eq", "value": "Seoul"})
    [clean] = segments_reconcile()
    assert (clean.missing, clean.extra) == (0, 0)

    SegmentMember.objects.filter(segment=seoul).delete()  # as if a change had been missed
    [found] = segments_reconcile()

    assert (found.missing, found.extra) == (1, 0)
    assert kept(seoul) == {alice.pk}


def test_a_tag_given_by_staff_moves_the_member_in(alice, bob, admin, segment_of):
    member_tags_set(member=alice, actor=admin, names=["vip"])
    vips = segment_of("tagged-vip", {"field": "tags", "op": "contains", "value": "vip"})
    segments_upkeep()

    member_tags_set(member=bob, actor=admin, names=["VIP"])
    member_tags_set(member=alice, actor=admin, names=[])
    segments_upkeep()

    assert kept(vips) == {bob.pk}
    [event] = TimelineEvent.objects.filter(member=bob, kind="tags_changed")
    assert event.data["tags"] == ["vip"]


def test_a_change_between_making_the_first_segment_and_the_first_pass_is_not_skipped(alice, bob, segment_of):
    osaka = segment_of("osaka", {"field": "city", "op": "eq", "value": "Osaka"})
    member_update(member=alice, actor=None, profile={"city": "Osaka"})

    segments_upkeep()

    assert kept(osaka) == {alice.pk, bob.pk}
