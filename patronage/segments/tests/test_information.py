"""Customer information: items and topics as the business writes them, members' interests, and the digest
that carries what fits each member once, in their language, only with their consent."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from patronage.conftest import business_set
from patronage.core import clock
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import OutboxEvent
from patronage.members.models import ConsentMethod, Member, TimelineEvent
from patronage.members.services import IdentityInput, consent_set, member_create, member_erase, member_merge
from patronage.messages.models import Message
from patronage.segments.information_selectors import (
    digest_period,
    information_reach,
    member_information,
)
from patronage.segments.information_services import (
    InformationInput,
    TopicInput,
    information_announce_due,
    information_digests_send,
    information_item_create,
    information_item_retire,
    information_item_update,
    information_topic_create,
    member_interests_set,
)
from patronage.segments.models import DigestPreference, InformationDelivery, InformationItem, MemberInterest
from patronage.segments.tasks import digests_task

SEOUL = ZoneInfo("Asia/Seoul")
# A Monday morning in Seoul: the first day of ISO week 50 of 2026.
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=SEOUL)


def customer(n: int, *, consent: bool = True, locale: str = "en") -> Member:
    member = member_create(
        actor=None,
        identities=[IdentityInput("email", f"reader{n}@example.com")],
        profile={"name": f"Reader {n}", "city": "Seoul"},
        consents={"email_marketing": consent},
        consent_method=ConsentMethod.PORTAL,
        source="api",
    )
    Member.objects.filter(pk=member.pk).update(locale=locale)
    member.refresh_from_db()
    return member


def item(code: str, *, topics: tuple[str, ...] = ("kitchen",), at: datetime | None = None, **extra: Any):
    return information_item_create(
        data=InformationInput(
            code=code,
            kind=extra.pop("kind", "product"),
            title=extra.pop("title", f"News {code}"),
            body=extra.pop("body", f"All about {code}."),
            published_at=at or clock.now(),
            topics=topics,
            **extra,
        ),
        actor=None,
    )


@pytest.fixture
def topics(db: None) -> None:
    business_set(time_zone="Asia/Seoul", languages=["en", "ko", "ja"])
    information_topic_create(data=TopicInput("kitchen", "Kitchen", {"ko": "주방"}), actor=None)
    information_topic_create(data=TopicInput("wine", "Wine", {"ko": "와인"}), actor=None)


def digests(member: Member) -> list[Message]:
    return list(Message.objects.filter(member=member, kind="information_digest").order_by("pk"))


# --- topics and items ----------------------------------------------------------------------------------


def test_an_item_names_every_problem_at_once_and_saves_nothing(topics):
    with pytest.raises(ValidationFailed) as refused:
        information_item_create(
            data=InformationInput(
                code="Bad Code",
                kind="gossip",
                title="",
                body="x",
                published_at=MONDAY,
                expires_at=MONDAY - timedelta(days=1),
                topics=("kitchen", "gardening"),
                brands=("nobrand",),
                segment="nobody",
                title_translations={"xx": "?"},
            ),
            actor=None,
        )

    fields = {error["field"] for error in refused.value.errors or []}
    assert {"code", "kind", "title", "topics", "brands", "segment", "title_translations.xx"} <= fields
    assert not InformationItem.objects.exists()


def test_an_item_needs_a_topic_and_its_code_is_its_own(topics):
    with pytest.raises(ValidationFailed) as refused:
        item("pans", topics=())
    assert [error["field"] for error in refused.value.errors or []] == ["topics"]
    item("pans")
    with pytest.raises(Conflict):
        item("pans")


def test_a_topic_code_is_unique(topics):
    with pytest.raises(Conflict):
        information_topic_create(data=TopicInput("wine", "Wine again"), actor=None)


def test_an_item_is_announced_once_when_its_time_comes(topics):
    with time_machine.travel(MONDAY, tick=False):
        item("now")
        item("later", at=MONDAY + timedelta(days=2))
        assert list(
            OutboxEvent.objects.filter(topic="information.published").values_list("payload", flat=True)
        ) == [
            {
                "item": "now",
                "kind": "product",
                "topics": ["kitchen"],
                "segment": None,
                "published_at": "2026-12-07T00:00:00+00:00",
            }
        ]
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        assert information_announce_due() == 1
        assert information_announce_due() == 0
    assert OutboxEvent.objects.filter(topic="information.published").count() == 2


def test_an_update_keeps_the_code_and_a_retired_item_leaves_the_portal(topics):
    member = customer(1)
    member_interests_set(member=member, topics=["kitchen"], frequency="weekly")
    pans = item("pans")
    changed = information_item_update(
        item=pans,
        data=InformationInput(
            code="other",
            kind="news",
            title="Pans, again",
            body="New words.",
            published_at=pans.published_at,
            topics=("kitchen", "wine"),
        ),
        actor=None,
    )
    assert (changed.code, changed.title, sorted(t.code for t in changed.topics.all())) == (
        "pans",
        "Pans, again",
        ["kitchen", "wine"],
    )
    assert list(member_information(member=member, now=clock.now())) == [changed]

    information_item_retire(item=changed, actor=None)

    assert list(member_information(member=member, now=clock.now())) == []


# --- interests -----------------------------------------------------------------------------------------


def test_interests_are_replaced_and_written_on_the_timeline(topics):
    member = customer(1)
    member_interests_set(member=member, topics=["kitchen", "wine"], frequency="weekly")
    preference = member_interests_set(member=member, topics=["wine"], frequency="monthly")

    assert list(member.information_interests.values_list("topic__code", flat=True)) == ["wine"]
    assert preference.frequency == "monthly"
    event = TimelineEvent.objects.filter(member=member, kind="interests_changed").latest("pk")
    assert event.data == {"topics": ["wine"], "frequency": "monthly"}


def test_an_unknown_topic_or_frequency_is_refused_by_name_and_changes_nothing(topics):
    member = customer(1)
    with pytest.raises(ValidationFailed) as refused:
        member_interests_set(member=member, topics=["kitchen", "golf"], frequency="daily")

    assert {error["field"] for error in refused.value.errors or []} == {"topics", "frequency"}
    assert not member.information_interests.exists()
    assert not DigestPreference.objects.filter(member=member).exists()


# --- the digest ----------------------------------------------------------------------------------------


def test_the_digest_holds_what_fits_the_members_topics_and_segment(topics, segment_of):
    segment_of("osaka", {"field": "city", "op": "eq", "value": "Osaka"})
    reader = customer(1)
    with time_machine.travel(MONDAY - timedelta(days=3), tick=False):
        member_interests_set(member=reader, topics=["kitchen"], frequency="weekly")
        item("pans", title="New pans")
        item("vintage", topics=("wine",), title="A new vintage")
        item("osaka-only", segment="osaka", title="For Osaka")
        item("expired", expires_at=clock.now() + timedelta(hours=1), title="Gone soon")
        item("future", at=MONDAY + timedelta(days=1), title="Not yet")

    with time_machine.travel(MONDAY, tick=False):
        assert information_digests_send() == 1

    [digest] = digests(reader)
    assert "New pans" in digest.text_body
    for absent in ("A new vintage", "For Osaka", "Gone soon", "Not yet"):
        assert absent not in digest.text_body
    assert digest.idempotency_key == f"digest:{reader.pk}:2026-W50"
    assert list(InformationDelivery.objects.filter(member=reader).values_list("item__code", flat=True)) == [
        "pans"
    ]
    assert information_reach(item=InformationItem.objects.get(code="pans")).sent == 1


def test_the_digest_is_in_the_members_language_else_the_business_main_one(topics):
    korean = customer(1, locale="ko")
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        member_interests_set(member=korean, topics=["kitchen"], frequency="weekly")
        item("pans", title="New pans", title_translations={"ko": "새 프라이팬"})
        item("knives", title="New knives")  # written in English only

    with time_machine.travel(MONDAY, tick=False):
        information_digests_send()

    [digest] = digests(korean)
    assert digest.language == "ko"
    assert "새 프라이팬" in digest.text_body
    assert "New pans" not in digest.text_body
    assert "New knives" in digest.text_body  # no Korean: the main language's words


def test_no_item_reaches_a_member_twice_and_a_rerun_sends_nothing(topics):
    reader = customer(1)
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        member_interests_set(member=reader, topics=["kitchen"], frequency="weekly")
        item("pans")
    with time_machine.travel(MONDAY, tick=False):
        assert information_digests_send() == 1
        assert information_digests_send() == 0  # the same day, run again
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        item("knives")
        assert information_digests_send() == 0  # the same week: the next digest is next week's
    with time_machine.travel(MONDAY + timedelta(days=7), tick=False):
        assert information_digests_send() == 1
    with time_machine.travel(MONDAY + timedelta(days=14), tick=False):
        assert information_digests_send() == 0  # nothing new: no empty digest

    bodies = [message.text_body for message in digests(reader)]
    assert len(bodies) == 2
    assert "News pans" in bodies[0]
    assert "News pans" not in bodies[1]
    assert "News knives" in bodies[1]


def test_an_item_edited_after_it_was_sent_is_not_sent_again(topics):
    reader = customer(1)
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        member_interests_set(member=reader, topics=["kitchen"], frequency="weekly")
        pans = item("pans")
    with time_machine.travel(MONDAY, tick=False):
        information_digests_send()
        # Republished later, as if new: the delivery row still says it was sent.
        information_item_update(
            item=pans,
            data=InformationInput(
                code="pans",
                kind="product",
                title="News pans",
                body="b",
                published_at=MONDAY + timedelta(days=2),
                topics=("kitchen",),
            ),
            actor=None,
        )
    with time_machine.travel(MONDAY + timedelta(days=7), tick=False):
        assert information_digests_send() == 0
    assert len(digests(reader)) == 1


def test_without_marketing_consent_no_digest_goes(topics):
    silent = customer(1, consent=False)
    withdrawn = customer(2)
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        for member in (silent, withdrawn):
            member_interests_set(member=member, topics=["kitchen"], frequency="weekly")
        item("pans")
        consent_set(
            member=withdrawn,
            actor=None,
            purpose="email_marketing",
            granted=False,
            method=ConsentMethod.PORTAL,
        )

    with time_machine.travel(MONDAY, tick=False):
        assert information_digests_send() == 0

    assert not Message.objects.filter(kind="information_digest").exists()
    assert not InformationDelivery.objects.exists()


def test_consent_given_later_brings_the_items_waiting(topics):
    reader = customer(1, consent=False)
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        member_interests_set(member=reader, topics=["kitchen"], frequency="weekly")
        item("pans")
    with time_machine.travel(MONDAY, tick=False):
        information_digests_send()
        consent_set(
            member=reader, actor=None, purpose="email_marketing", granted=True, method=ConsentMethod.PORTAL
        )
        assert information_digests_send() == 1
    assert "News pans" in digests(reader)[0].text_body


def test_a_monthly_digest_goes_once_a_month_on_the_business_clock(topics):
    reader = customer(1)
    # 23:30 on 30 November in Seoul is still November there (14:30 UTC).
    late_november = datetime(2026, 11, 30, 23, 30, tzinfo=SEOUL)
    with time_machine.travel(late_november - timedelta(days=2), tick=False):
        member_interests_set(member=reader, topics=["kitchen"], frequency="monthly")
        item("pans")
    with time_machine.travel(late_november, tick=False):
        assert information_digests_send() == 1
        item("knives")
    with time_machine.travel(late_november + timedelta(minutes=45), tick=False):  # 1 December in Seoul
        assert information_digests_send() == 1
    with time_machine.travel(late_november + timedelta(days=20), tick=False):
        item("forks")
        assert information_digests_send() == 0
    assert [m.idempotency_key for m in digests(reader)] == [
        f"digest:{reader.pk}:2026-11",
        f"digest:{reader.pk}:2026-12",
    ]


def test_never_means_no_digest(topics):
    reader = customer(1)
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        member_interests_set(member=reader, topics=["kitchen"], frequency="never")
        item("pans")
    with time_machine.travel(MONDAY, tick=False):
        assert information_digests_send() == 0
    # The portal still shows it.
    assert [found.code for found in member_information(member=reader, now=MONDAY)] == ["pans"]


def test_the_job_goes_through_every_due_member_in_small_batches(topics):
    readers = [customer(n) for n in range(5)]
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        for reader in readers:
            member_interests_set(member=reader, topics=["kitchen"], frequency="weekly")
        item("pans")
    with time_machine.travel(MONDAY, tick=False):
        assert information_digests_send(batch=2) == 5
        assert information_digests_send(batch=2) == 0


def test_periods_are_iso_weeks_and_months_on_the_given_clock():
    sunday_night = datetime(2026, 12, 6, 23, 59, tzinfo=SEOUL)
    assert digest_period("weekly", sunday_night, SEOUL) == "2026-W49"
    assert digest_period("weekly", sunday_night + timedelta(minutes=1), SEOUL) == "2026-W50"
    assert digest_period("weekly", datetime(2027, 1, 1, tzinfo=SEOUL), SEOUL) == "2026-W53"
    assert digest_period("monthly", datetime(2026, 12, 1, 0, 0, tzinfo=SEOUL), SEOUL) == "2026-12"


def test_reach_counts_the_members_an_item_fits_and_those_who_get_digests(topics):
    readers = [customer(1), customer(2, consent=False), customer(3)]
    member_interests_set(member=readers[0], topics=["kitchen"], frequency="weekly")
    member_interests_set(member=readers[1], topics=["kitchen"], frequency="weekly")
    member_interests_set(member=readers[2], topics=["wine"], frequency="monthly")
    pans = item("pans")

    reach = information_reach(item=pans)

    assert (reach.fits, reach.subscribed, reach.sent) == (2, 1, 0)


# --- a member's file merged or erased, the daily job ---------------------------------------------------


def test_a_merged_duplicates_topics_and_deliveries_go_to_the_survivor(topics):
    survivor, duplicate = customer(1), customer(2)
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        member_interests_set(member=survivor, topics=["wine"], frequency="monthly")
        member_interests_set(member=duplicate, topics=["kitchen"], frequency="weekly")
        item("pans")
    with time_machine.travel(MONDAY, tick=False):
        information_digests_send()  # the duplicate is sent the pans
        member_merge(survivor=survivor, duplicate=duplicate, actor=None)

    assert sorted(survivor.information_interests.values_list("topic__code", flat=True)) == ["kitchen", "wine"]
    assert DigestPreference.objects.get(member=survivor).frequency == "monthly"  # the survivor's own choice
    assert list(InformationDelivery.objects.values_list("member", flat=True)) == [survivor.pk]
    with time_machine.travel(MONDAY + timedelta(days=40), tick=False):
        information_digests_send()
    assert not digests(survivor)  # the pans, sent to the duplicate, never again


def test_erasing_a_member_drops_their_interests_and_what_they_were_sent(topics):
    reader = customer(1)
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        member_interests_set(member=reader, topics=["kitchen"], frequency="weekly")
        item("pans")
    with time_machine.travel(MONDAY, tick=False):
        information_digests_send()

    member_erase(member=reader, actor=None, reason="request R-1")

    assert not MemberInterest.objects.filter(member=reader).exists()
    assert not DigestPreference.objects.filter(member=reader).exists()
    assert not InformationDelivery.objects.filter(member=reader).exists()


def test_the_daily_job_announces_and_sends(topics, celery_eager):
    reader = customer(1)
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        member_interests_set(member=reader, topics=["kitchen"], frequency="weekly")
        item("pans", at=MONDAY - timedelta(hours=1))
    with time_machine.travel(MONDAY, tick=False):
        assert digests_task.delay().get() == 1
    assert OutboxEvent.objects.filter(topic="information.published").count() == 1
    assert len(digests(reader)) == 1
