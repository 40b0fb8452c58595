"""Property: whatever happens to customers (purchases, returns, moving house, consent given or withdrawn, days
going by), the members the upkeep keeps in each segment are exactly those a full evaluation of its rules
selects, and each segment's count is its rows: what a campaign sends to is who the rules describe.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patronage.conftest import business_set
from patronage.core import clock
from patronage.loyalty.models import Program
from patronage.loyalty.services.orders import TransactionInput
from patronage.loyalty.services.transactions import transaction_record
from patronage.members.models import ConsentMethod, Member
from patronage.members.services import (
    IdentityInput,
    consent_set,
    member_create,
    member_tags_set,
    member_update,
)
from patronage.segments.matching import rules_members, rules_tree
from patronage.segments.models import Segment, SegmentMember
from patronage.segments.services import SegmentInput, segment_create
from patronage.segments.upkeep import segments_clock, segments_upkeep

SEOUL = ZoneInfo("Asia/Seoul")
START = datetime(2030, 3, 1, 10, 0, tzinfo=SEOUL)
CITIES = ("Seoul", "Osaka", "Busan")
# Six customers; several turn 30 in the weeks the examples cover (one born on 29 February).
PEOPLE = (
    ("Alice", "Seoul", date(2000, 3, 3), True),
    ("Bob", "Osaka", date(2000, 3, 10), False),
    ("Chul", "Busan", date(2000, 2, 29), True),
    ("Dana", "Seoul", date(1990, 5, 1), False),
    ("Eun", "Seoul", None, True),
    ("Fay", "Osaka", date(2001, 3, 2), False),
)
SEGMENTS: dict[str, Any] = {
    "seoul": {"field": "city", "op": "eq", "value": "seoul"},
    "spenders": {"field": "purchase_amount", "op": "gte", "value": 50_000},
    "recent": {"field": "purchase_count", "op": "gte", "value": 1, "days": 7},
    "lapsed": {"not": {"field": "last_purchase", "op": "within_days", "value": 10}},
    "mailable": {"field": "consent", "op": "contains", "value": "email_marketing"},
    "vip": {"field": "tags", "op": "contains", "value": "vip"},
    "thirty-plus": {"field": "age", "op": "gte", "value": 30},
    # Built on others, one of them moved by time alone.
    "seoul-spenders": {
        "any": [
            {
                "all": [
                    {"field": "segment", "op": "eq", "value": "seoul"},
                    {"field": "segment", "op": "eq", "value": "spenders"},
                ]
            },
            {"field": "purchase_count", "op": "gte", "value": 3, "days": 5},
        ]
    },
    "recent-not-osaka": {
        "all": [
            {"field": "segment", "op": "eq", "value": "recent"},
            {"not": {"field": "segment", "op": "eq", "value": "seoul-spenders"}},
            {"field": "city", "op": "ne", "value": "Osaka"},
        ]
    },
}
_external = count(1)


def _who() -> st.SearchStrategy[int]:
    return st.integers(0, len(PEOPLE) - 1)


changes = st.lists(
    st.one_of(
        st.tuples(st.just("buy"), _who(), st.sampled_from([10_000, 30_000, 60_000])),
        st.tuples(st.just("return"), _who(), st.just(0)),
        st.tuples(st.just("move"), _who(), st.integers(0, len(CITIES) - 1)),
        st.tuples(st.just("consent"), _who(), st.booleans()),
        st.tuples(st.just("tag"), _who(), st.booleans()),
        st.tuples(st.just("days"), st.just(0), st.integers(1, 9)),
    ),
    min_size=1,
    max_size=10,
)


@pytest.fixture
def seoul_business(db: None) -> None:
    business_set(time_zone="Asia/Seoul")


def _plant() -> list[Member]:
    members = []
    for name, city, born, mailable in PEOPLE:
        members.append(
            member_create(
                actor=None,
                identities=[IdentityInput("email", f"{name.lower()}@example.com")],
                profile={"name": name, "city": city, "birth_date": born},
                consents={"email_marketing": mailable},
                consent_method=ConsentMethod.CONSOLE,
                joined_at=START - timedelta(days=400),
            )
        )
    member_tags_set(member=members[0], actor=None, names=["vip"])  # type: ignore[arg-type]
    for code in SEGMENTS:  # each after those it is built on
        segment_create(data=SegmentInput(code=code, name=code.title(), rules=SEGMENTS[code]), actor=None)
    return members


def _change(
    program: Program, members: list[Member], bought: dict[int, list[Any]], change: tuple[str, int, Any]
) -> None:
    kind, index, value = change
    member = Member.objects.get(pk=members[index].pk)
    if kind == "buy":
        result = transaction_record(
            program=program,
            data=TransactionInput(
                kind="purchase",
                external_id=f"P-{next(_external)}",
                member=member,
                amount=Decimal(value),
                currency="KRW",
                occurred_at=clock.now(),
            ),
        )
        bought.setdefault(index, []).append(result.order)
    elif kind == "return" and bought.get(index):
        original = bought[index].pop()
        transaction_record(
            program=program,
            data=TransactionInput(
                kind="return",
                external_id=f"R-{next(_external)}",
                member=member,
                amount=original.amount,
                currency="KRW",
                occurred_at=clock.now(),
                original_external_id=original.external_id,
            ),
        )
    elif kind == "move":
        member_update(member=member, actor=None, profile={"city": CITIES[value]})
    elif kind == "consent":
        consent_set(
            member=member, actor=None, purpose="email_marketing", granted=value, method=ConsentMethod.PORTAL
        )
    elif kind == "tag":
        member_tags_set(member=member, actor=None, names=["vip"] if value else [])  # type: ignore[arg-type]


def _assert_kept_as_evaluated(now: datetime, after: object) -> None:
    for segment in Segment.objects.all():
        evaluated = set(rules_members(rules_tree(segment.rules), now).values_list("pk", flat=True))
        kept = set(SegmentMember.objects.filter(segment=segment).values_list("member_id", flat=True))
        assert kept == evaluated, f"{segment.code} after {after}"
        assert segment.member_count == len(kept), f"{segment.code}'s count after {after}"


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=changes)
def test_the_kept_members_always_equal_a_full_evaluation(seoul_business, program, sequence):
    # Each example starts from the same world: what one wrote is rolled back before the next. (A savepoint,
    # not an atomic block: the services open durable ones.)
    savepoint = transaction.savepoint()
    try:
        with time_machine.travel(START, tick=False) as traveller:
            members = _plant()
            segments_upkeep(now=clock.now())
            _assert_kept_as_evaluated(clock.now(), "the start")
            bought = {}  # each member's purchases not yet returned, by index
            for number, change in enumerate(sequence):
                if change[0] == "days":
                    traveller.shift(timedelta(days=change[2]))
                    segments_clock(now=clock.now())
                else:
                    _change(program, members, bought, change)
                # Events younger than SETTLE are read again next time: harmless, and this pass reads them too.
                segments_upkeep(now=clock.now())
                _assert_kept_as_evaluated(clock.now(), sequence[: number + 1])
    finally:
        transaction.savepoint_rollback(savepoint)


# --- what the property found, written down as examples ------------------------------------------------


def _kept(code: str) -> set[str]:
    return set(SegmentMember.objects.filter(segment__code=code).values_list("member__name", flat=True))


def test_a_purchase_leaves_the_window_the_day_after_it_is_exactly_n_days_old(seoul_business, buy):
    with time_machine.travel(START, tick=False) as traveller:
        [alice, *_] = _plant()
        segments_upkeep()
        buy(alice, "10000")
        segments_upkeep()
        assert "Alice" in _kept("recent")

        traveller.shift(timedelta(days=7))  # the purchase is 7 days old to the second: still in the last 7
        segments_clock()
        assert "Alice" in _kept("recent")
        traveller.shift(timedelta(days=1))
        segments_clock()

        assert "Alice" not in _kept("recent")


def test_a_segment_built_on_a_time_based_one_follows_it_when_time_moves_a_member(seoul_business, buy):
    with time_machine.travel(START, tick=False) as traveller:
        [alice, *_] = _plant()
        segments_upkeep()
        buy(alice, "10000")
        segments_upkeep()
        assert "Alice" in _kept("recent-not-osaka")

        traveller.shift(timedelta(days=8))
        segments_clock()
        segments_upkeep()

        assert "Alice" not in _kept("recent")
        assert "Alice" not in _kept("recent-not-osaka")


def test_a_tag_given_moves_the_member_into_a_segment_on_tags_at_the_next_pass(seoul_business):
    with time_machine.travel(START, tick=False) as traveller:
        members = _plant()
        segments_upkeep()

        member_tags_set(member=members[1], actor=None, names=["vip"])
        traveller.shift(timedelta(minutes=2))
        segments_upkeep()

        assert _kept("vip") == {"Alice", "Bob"}
