"""Fields whose conditions are joins of several tables select the members the rules name (bench/segments.py
checks them against hand-written SQL over a million members): lines matched through their orders, the latest
NPS answer by an anti-join, the last purchase before a day."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from patronage.commerce.models import Category, Order, OrderLine
from patronage.core import clock
from patronage.feedback.models import Answer, Question, Response, Survey
from patronage.segments.models import SegmentMember


def kept(segment) -> set[int]:
    return set(SegmentMember.objects.filter(segment=segment).values_list("member_id", flat=True))


def _order(member, number: int, *, days_ago: int = 1, categories: tuple[Category, ...] = ()) -> Order:
    order = Order.objects.create(
        member=member,
        external_id=f"O-{number}",
        occurred_at=clock.now() - timedelta(days=days_ago),
        currency="KRW",
        amount=Decimal(10_000),
    )
    for line_no, category in enumerate(categories, start=1):
        OrderLine.objects.create(
            order=order,
            line_no=line_no,
            sku=f"SKU-{category.code}",
            category=category,
            quantity=Decimal(1),
            unit_price=Decimal(1_000),
            amount=Decimal(1_000),
        )
    return order


def test_bought_in_category_reads_the_member_of_the_line_s_order(alice, bob, segment_of):
    kitchen = Category.objects.create(code="kitchen", name="Kitchen")
    bath = Category.objects.create(code="bath", name="Bath")
    # Bob's lines come first, so that no line's id is its buyer's id by chance.
    _order(bob, 1, categories=(bath, bath, bath))
    _order(alice, 2, categories=(kitchen,))
    _order(bob, 3, days_ago=400, categories=(kitchen,))

    ever = segment_of("kitchen", {"field": "bought_category", "op": "contains", "value": "kitchen"})
    lately = segment_of(
        "kitchen-year", {"field": "bought_category", "op": "contains", "value": "kitchen", "days": 365}
    )

    assert kept(ever) == {alice.pk, bob.pk}
    assert kept(lately) == {alice.pk}


def test_the_nps_group_is_the_latest_answer_s(alice, bob, segment_of):
    now = clock.now()
    survey = Survey.objects.create(title="NPS", status="open", created_at=now, updated_at=now)
    nps = Question.objects.create(survey=survey, key="nps", position=1, type="nps", text="Recommend us?")
    for member, number, days_ago in ((alice, 10, 30), (alice, 3, 2), (bob, 9, 5)):
        at = now - timedelta(days=days_ago)
        response = Response.objects.create(
            survey=survey, member=member, channel="link", created_at=at, updated_at=at
        )
        Answer.objects.create(response=response, question=nps, number=number)

    promoters = segment_of("promoters", {"field": "nps_group", "op": "eq", "value": "promoter"})
    unhappy = segment_of("unhappy", {"field": "nps_group", "op": "in", "value": ["detractor", "passive"]})
    not_promoters = segment_of("not-promoters", {"field": "nps_group", "op": "ne", "value": "promoter"})

    assert kept(promoters) == {bob.pk}
    assert kept(unhappy) == {alice.pk}
    assert kept(not_promoters) == {alice.pk}


def test_the_last_purchase_before_a_day_leaves_out_who_bought_since_and_who_never_bought(
    alice, bob, segment_of
):
    _order(alice, 1, days_ago=200)
    _order(bob, 2, days_ago=200)
    _order(bob, 3, days_ago=10)
    cutoff = (clock.now() - timedelta(days=100)).date().isoformat()

    lapsed = segment_of("lapsed", {"field": "last_purchase", "op": "lt", "value": cutoff})

    assert kept(lapsed) == {alice.pk}
