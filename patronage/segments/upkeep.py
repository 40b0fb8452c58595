"""Keeping segments' members fresh without rescanning everyone (decision 0028).

- A change to a member is an event on their timeline. The upkeep reads the events written since it last
  looked and re-checks each changed member only against the segments whose rules read that kind of event
  (a purchase re-checks "spent over 500,000", not "lives in Seoul"); segments built on other segments
  follow in the same pass.
- Changes made in bulk (a file imported, an analysis run) re-evaluate the segments that read them, whole.
- Time alone moves some members ("no purchase for 90 days", an age): the clock check re-checks only the
  members whose clock crossed a rule's line since it last ran.
- Every night the reconciliation evaluates every segment in full, records any difference from the kept
  members (there should be none) and mends it.

Every move goes through `_moves_apply`: under the segment's row lock, in one transaction, the membership
rows, the cached count, and (for a member's own change) the timeline event and webhook of each move.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F, Max, QuerySet

from patronage.core import clock
from patronage.core.business import business_zone
from patronage.core.models import OutboxEvent
from patronage.core.sql import rows_insert, rows_insert_batch
from patronage.members.models import ImportJob, ImportStatus, Member, TimelineEvent
from patronage.segments.fields import members_scoped
from patronage.segments.matching import rules_crossing, rules_members, rules_stored
from patronage.segments.models import (
    Reconciliation,
    Segment,
    SegmentKind,
    SegmentMember,
    SegmentSize,
    UpkeepMark,
)

logger = logging.getLogger(__name__)

# Timeline events younger than this are read again on the next pass: a transaction that took its event's
# id earlier may not have committed yet. Anything a longer transaction hides, the reconciliation mends.
SETTLE = timedelta(seconds=60)
EVENTS_PER_PASS = 20_000
RECHECK_CHUNK = 5_000

# Changes made in bulk, by whatever can tell the latest one (an id that grows): the segments reading
# `area` are evaluated whole when it moves. Apps above segments register theirs (analytics' runs).
BulkSource = Callable[[], int]
_BULK_SOURCES: dict[str, BulkSource] = {}


def bulk_source_register(area: str, latest: BulkSource) -> None:
    _BULK_SOURCES[area] = latest


def _latest_import() -> int:
    done = ImportJob.objects.filter(status=ImportStatus.DONE).aggregate(last=Max("pk"))["last"]
    return int(done or 0)


bulk_source_register("imports", _latest_import)


@dataclass
class Moves:
    entered: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entered) + len(self.left)


@dataclass
class UpkeepReport:
    events: int = 0
    rechecked: int = 0
    refreshed: list[str] = field(default_factory=list)
    entered: int = 0
    left: int = 0

    def add(self, moves: Moves) -> None:
        self.entered += len(moves.entered)
        self.left += len(moves.left)


# --- applying moves ----------------------------------------------------------------------------------


def _member_sql(meeting: QuerySet[Member]) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of the meeting members' ids (a rule no one can meet selects none)."""
    try:
        sql, params = meeting.values(meeting_id=F("pk")).query.sql_with_params()
    except EmptyResultSet:
        return f"SELECT id AS meeting_id FROM {Member._meta.db_table} WHERE 1 = 0", ()
    return sql, tuple(params)


def _scope(scope: Sequence[int] | None) -> tuple[str, tuple[Any, ...]]:
    if scope is None:
        return "", ()
    return f" AND kept.member_id IN ({', '.join(['%s'] * len(scope))})", tuple(scope)


def _moves_apply(
    segment: Segment, meeting: QuerySet[Member], *, now: datetime, scope: Sequence[int] | None, announce: bool
) -> Moves:
    """Makes the kept members of `segment` (those in `scope`, or all) the members `meeting` selects.

    Set-wise in the database: one INSERT ... SELECT for those who now meet the rules and were not kept,
    one DELETE for those kept who no longer do, each returning whom it moved.
    """
    if scope is not None:
        meeting = meeting.filter(pk__in=scope)
    select, params = _member_sql(meeting)
    table = SegmentMember._meta.db_table
    scoped, scope_params = _scope(scope)
    with transaction.atomic():
        Segment.objects.select_for_update().filter(pk=segment.pk).first()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (segment_id, member_id, entered_at) "
                f"SELECT %s, meeting.meeting_id, %s FROM ({select}) meeting WHERE NOT EXISTS "
                f"(SELECT 1 FROM {table} kept WHERE kept.segment_id = %s AND kept.member_id = meeting.meeting_id) "
                "RETURNING member_id",
                (segment.pk, connection.ops.adapt_datetimefield_value(now), *params, segment.pk),
            )
            entered = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN (SELECT kept.id FROM {table} kept WHERE kept.segment_id = %s"
                f"{scoped} AND NOT EXISTS (SELECT 1 FROM ({select}) meeting WHERE meeting.meeting_id = kept.member_id)) "
                "RETURNING member_id",
                (segment.pk, *scope_params, *params),
            )
            left = [row[0] for row in cursor.fetchall()]
        moves = Moves(sorted(entered), sorted(left))
        _moves_record(segment, moves, now, announce=announce)
    return moves


def moves_write(*, segment: Segment, wanted: set[int], now: datetime, announce: bool = True) -> Moves:
    """Makes a static segment's members exactly `wanted` (ids of active members), announcing each move."""
    with transaction.atomic():
        Segment.objects.select_for_update().filter(pk=segment.pk).first()
        kept = set(SegmentMember.objects.filter(segment=segment).values_list("member_id", flat=True))
        moves = Moves(sorted(wanted - kept), sorted(kept - wanted))
        rows_insert_batch(
            SegmentMember,
            [
                {"segment_id": segment.pk, "member_id": member_id, "entered_at": now}
                for member_id in moves.entered
            ],
        )
        for start in range(0, len(moves.left), RECHECK_CHUNK):
            chunk = moves.left[start : start + RECHECK_CHUNK]
            SegmentMember.objects.filter(segment=segment, member_id__in=chunk).delete()
        _moves_record(segment, moves, now, announce=announce)
    return moves


def _moves_record(segment: Segment, moves: Moves, now: datetime, *, announce: bool) -> None:
    """The cached count follows the rows; the members' timelines and the webhooks hear of each move."""
    if not moves:
        return
    change = len(moves.entered) - len(moves.left)
    Segment.objects.filter(pk=segment.pk).update(member_count=F("member_count") + change)
    if announce:
        _announce(segment, moves, now)


def _announce(segment: Segment, moves: Moves, now: datetime) -> None:
    """Each move on the member's timeline (staff only) and as a webhook event."""
    words = {"segment": segment.code, "name": segment.name, "name_translations": segment.name_translations}
    timeline: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    for member_id in moves.entered:
        timeline.append(_timeline_row(member_id, "segment_entered", segment, words, now))
        outbox.append(_outbox_row(topic="segment.entered", segment=segment, member_id=member_id, now=now))
    for member_id in moves.left:
        timeline.append(_timeline_row(member_id, "segment_left", segment, words, now))
        outbox.append(_outbox_row(topic="segment.left", segment=segment, member_id=member_id, now=now))
    rows_insert(TimelineEvent, timeline)
    rows_insert(OutboxEvent, outbox)


def _outbox_row(*, topic: str, segment: Segment, member_id: int, now: datetime) -> dict[str, Any]:
    return {
        "topic": topic,
        "payload": {"segment": segment.code, "member": member_id, "at": now.isoformat()},
        "key": f"{topic}:{segment.pk}:{member_id}:{uuid.uuid4().hex}",
        "created_at": now,
        "delivered_at": None,
    }


def _timeline_row(
    member_id: int, kind: str, segment: Segment, words: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "kind": kind,
        "occurred_at": now,
        "summary": segment.name[:300],
        "data": words,
        "source_type": "segments.segment",
        "source_id": str(segment.pk),
        "actor_id": None,
        "dedupe_key": None,
        "created_at": now,
    }


def segment_refresh(*, segment: Segment, now: datetime | None = None, announce: bool = True) -> Moves:
    """Evaluates the segment's rules over every member and keeps exactly those who meet them."""
    now = now or clock.now()
    if segment.kind != SegmentKind.RULES:
        return Moves()
    moves = _moves_apply(
        segment, rules_members(rules_stored(segment.rules), now), now=now, scope=None, announce=announce
    )
    Segment.objects.filter(pk=segment.pk).update(refreshed_at=now, clock_checked_at=now)
    return moves


def segment_recheck(*, segment: Segment, member_ids: Iterable[int], now: datetime | None = None) -> Moves:
    """Re-checks these members against the segment's rules, moving those whose standing changed."""
    now = now or clock.now()
    ids = sorted(set(member_ids))
    node = rules_stored(segment.rules)
    total = Moves()
    for start in range(0, len(ids), RECHECK_CHUNK):
        scope = ids[start : start + RECHECK_CHUNK]
        with members_scoped(scope):
            meeting = rules_members(node, now)
        moves = _moves_apply(segment, meeting, now=now, scope=scope, announce=True)
        total.entered += moves.entered
        total.left += moves.left
    return total


# --- what reads what ---------------------------------------------------------------------------------


def segments_in_order() -> list[Segment]:
    """Active rule segments, each after the segments its rules name (saving refuses a circle)."""
    segments = {
        segment.code: segment for segment in Segment.objects.filter(active=True, kind=SegmentKind.RULES)
    }
    placed: dict[str, Segment] = {}

    def place(code: str, path: frozenset[str]) -> None:
        segment = segments.get(code)
        if segment is None or code in placed or code in path:
            return
        for read in segment.reads:
            if read.startswith("segment:"):
                place(read.removeprefix("segment:"), path | {code})
        placed[code] = segment

    for code in sorted(segments):
        place(code, frozenset())
    return list(placed.values())


def _recheck_changed(
    changed: dict[str, set[int]],
    now: datetime,
    report: UpkeepReport,
    moved: dict[str, set[int]] | None = None,
) -> None:
    """Re-checks the changed members against the segments reading their changes, then against the
    segments built on those whose members moved (`moved` seeds a segment already moved by hand)."""
    moved = dict(moved or {})
    for segment in segments_in_order():
        if segment.code in moved:
            continue
        affected: set[int] = set()
        for read in segment.reads:
            affected |= (
                moved.get(read.removeprefix("segment:"), set())
                if read.startswith("segment:")
                else changed.get(read, set())
            )
        if not affected:
            continue
        moves = segment_recheck(segment=segment, member_ids=affected, now=now)
        report.rechecked += len(affected)
        report.add(moves)
        moved[segment.code] = set(moves.entered) | set(moves.left)


def segments_follow(*, code: str, moves: Moves, now: datetime | None = None) -> UpkeepReport:
    """Re-checks, against the segments built on segment `code`, the members that moved in or out of it."""
    report = UpkeepReport()
    moved = set(moves.entered) | set(moves.left)
    if moved:
        _recheck_changed({}, now or clock.now(), report, moved={code: moved})
    return report


# --- the passes --------------------------------------------------------------------------------------


def _mark(key: str, default: Callable[[], int]) -> int:
    found = UpkeepMark.objects.filter(key=key).values_list("value", flat=True).first()
    if found is None:
        value = default()
        UpkeepMark.objects.get_or_create(key=key, defaults={"value": value, "updated_at": clock.now()})
        return value
    return int(found)


def _mark_set(key: str, value: int) -> None:
    UpkeepMark.objects.update_or_create(key=key, defaults={"value": value, "updated_at": clock.now()})


def _latest_event() -> int:
    return int(TimelineEvent.objects.aggregate(last=Max("pk"))["last"] or 0)


def upkeep_start() -> None:
    """Marks where the upkeep starts reading the timeline, if it has not started: called when a segment is
    made, so that a change between then and the first pass is not skipped."""
    _mark("timeline", _latest_event)


def _bulk_changes(now: datetime, report: UpkeepReport) -> None:
    """Segments reading something changed in bulk since the last pass, evaluated whole."""
    for area, latest in sorted(_BULK_SOURCES.items()):
        current = latest()
        if _mark(f"bulk:{area}", latest) == current:
            continue
        for segment in segments_in_order():
            if area == "imports" or area in segment.reads:
                report.add(segment_refresh(segment=segment, now=now))
                report.refreshed.append(segment.code)
        _mark_set(f"bulk:{area}", current)


def segments_upkeep(*, now: datetime | None = None) -> UpkeepReport:
    """Moves the members whose recorded changes put them in or out of a segment since the last pass."""
    now = now or clock.now()
    report = UpkeepReport()
    if not Segment.objects.filter(active=True, kind=SegmentKind.RULES).exists():
        return report
    _bulk_changes(now, report)
    cursor = _mark("timeline", _latest_event)
    while True:
        events = list(
            TimelineEvent.objects.filter(pk__gt=cursor)
            .order_by("pk")
            .values_list("pk", "member_id", "kind", "created_at")[:EVENTS_PER_PASS]
        )
        if not events:
            break
        changed: dict[str, set[int]] = defaultdict(set)
        for _pk, member_id, kind, _at in events:
            changed[kind].add(member_id)
        _recheck_changed(changed, now, report)
        report.events += len(events)
        settled = cursor
        for pk, _member, _kind, created_at in events:
            if created_at > now - SETTLE:
                break
            settled = pk
        _mark_set("timeline", settled)
        if settled == cursor or len(events) < EVENTS_PER_PASS:
            break
        cursor = settled
    return report


def segments_clock(*, now: datetime | None = None) -> UpkeepReport:
    """Re-checks the members whose clock crossed a time-based rule's line since the last check."""
    now = now or clock.now()
    report = UpkeepReport()
    # Members time moved in or out of a segment, by code: the segments built on it re-check them in this
    # pass, as the upkeep does (a move writes no event that a segment reads, so nothing else would).
    moved: dict[str, set[int]] = {}
    for segment in segments_in_order():
        affected: set[int] = set()
        for read in segment.reads:
            if read.startswith("segment:"):
                affected |= moved.get(read.removeprefix("segment:"), set())
        since = segment.clock_checked_at or segment.refreshed_at or now - timedelta(days=1)
        ticking = segment.time_based and since < now
        if ticking:
            affected |= rules_crossing(rules_stored(segment.rules), since, now)
        if affected:
            report.rechecked += len(affected)
            moves = segment_recheck(segment=segment, member_ids=affected, now=now)
            report.add(moves)
            moved[segment.code] = set(moves.entered) | set(moves.left)
        if ticking:
            Segment.objects.filter(pk=segment.pk).update(clock_checked_at=now)
    return report


def segments_reconcile(*, now: datetime | None = None) -> list[Reconciliation]:
    """Proves each segment's kept members equal a full evaluation; records and mends any difference."""
    now = now or clock.now()
    segments_clock(now=now)
    found = []
    for segment in segments_in_order():
        moves = segment_refresh(segment=segment, now=now)
        members = Segment.objects.values_list("member_count", flat=True).get(pk=segment.pk)
        found.append(
            Reconciliation.objects.create(
                segment=segment, at=now, members=members, missing=len(moves.entered), extra=len(moves.left)
            )
        )
        if moves:
            logger.warning(
                "segment %s: the kept members differed from its rules (%d missing, %d extra); mended",
                segment.code,
                len(moves.entered),
                len(moves.left),
            )
    return found


def segment_sizes_record(*, now: datetime | None = None) -> int:
    """Today's size of every active segment, for its size over time (written again the same day)."""
    now = now or clock.now()
    day = now.astimezone(business_zone()).date()
    count = 0
    for segment_id, members in Segment.objects.filter(active=True).values_list("pk", "member_count"):
        SegmentSize.objects.update_or_create(segment_id=segment_id, day=day, defaults={"members": members})
        count += 1
    return count
