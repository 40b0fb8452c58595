"""Campaigns to a segment, measured against a hold-out: who is held out, who is written to and when, a send
killed half-way, and an honest uplift."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patronage.conftest import business_set
from patronage.core import clock
from patronage.members.models import ConsentMethod, Member
from patronage.members.services import IdentityInput, consent_set, member_create
from patronage.messages.bounce_services import bounce_record
from patronage.messages.bounces import DeliveryReport, Recipient
from patronage.messages.message_services import messages_send_due
from patronage.messages.models import Message, MessageStatus, SkipReason
from patronage.messages.tracking import ClickLink, message_click_record, message_open_record
from patronage.segments import campaign_services
from patronage.segments.campaign_selectors import campaign_preflight, campaign_progress, campaign_results
from patronage.segments.campaign_services import (
    CampaignInput,
    campaign_create,
    campaign_schedule,
    campaigns_send,
    campaigns_start_due,
)
from patronage.segments.campaign_stats import detectable_uplift, held_out, rate_uplift
from patronage.segments.models import Campaign, CampaignRecipient, CampaignStatus

SEOUL = ZoneInfo("Asia/Seoul")


def customers(count: int, city: str = "Seoul") -> list[Member]:
    return [
        member_create(
            actor=None,
            identities=[IdentityInput("email", f"c{n}-{city.lower()}@example.com")],
            profile={"name": f"Customer {n}", "city": city},
            consents={"email_marketing": True},
            consent_method=ConsentMethod.PORTAL,
            source="api",
        )
        for n in range(count)
    ]


def campaign(segment_of, **extra) -> Campaign:
    segment_of("seoul", {"field": "city", "op": "eq", "value": "Seoul"})
    return campaign_create(
        data=CampaignInput(
            code="new-pans",
            name="New pans",
            segment="seoul",
            subject="Our new pans are here",
            body="Dear customer,\n\nOur new pans arrived.",
            subject_translations={"ko": "새 프라이팬이 왔어요"},
            **extra,
        ),
        actor=None,
    )


def sent_now(new_pans: Campaign) -> None:
    campaign_schedule(campaign=new_pans, send_at=None, actor=None)
    campaigns_start_due()
    campaigns_send()
    new_pans.refresh_from_db()


# --- the hold-out ----------------------------------------------------------------------------------------


def test_the_hold_out_is_stable_and_about_the_stated_share():
    picks = [held_out(salt="s3cret", campaign_id=7, member_id=member, share=0.1) for member in range(20_000)]
    again = [held_out(salt="s3cret", campaign_id=7, member_id=member, share=0.1) for member in range(20_000)]
    other_campaign = [
        held_out(salt="s3cret", campaign_id=8, member_id=member, share=0.1) for member in range(20_000)
    ]

    assert picks == again
    assert 0.09 < np.mean(picks) < 0.11
    assert picks != other_campaign  # each campaign holds out its own members


def test_held_out_members_receive_nothing(segment_of, db):
    customers(40)
    new_pans = campaign(segment_of, holdout_share=0.25)

    sent_now(new_pans)

    recipients = CampaignRecipient.objects.filter(campaign=new_pans)
    held = recipients.filter(held_out=True)
    assert held.count() > 0
    assert not held.filter(message__isnull=False).exists()
    assert not Message.objects.filter(member__in=held.values("member"), kind="campaign").exists()
    assert Message.objects.filter(kind="campaign").count() == recipients.filter(held_out=False).count()
    new_pans.refresh_from_db()
    assert new_pans.status == CampaignStatus.SENT
    assert (new_pans.audience, new_pans.held_out) == (40, held.count())


def test_the_message_is_written_in_the_members_language(segment_of, db):
    [korean] = customers(1)
    Member.objects.filter(pk=korean.pk).update(locale="ko")
    sent_now(campaign(segment_of, holdout_share=0.0))

    assert Message.objects.get(member=korean).subject == "새 프라이팬이 왔어요"


# --- consent, quiet hours, a send killed half-way ------------------------------------------------------


def test_consent_withdrawn_between_scheduling_and_sending_is_respected(segment_of, db):
    first, second = customers(2)
    new_pans = campaign(segment_of, holdout_share=0.0)
    campaign_schedule(campaign=new_pans, send_at=clock.now() + timedelta(hours=1), actor=None)

    consent_set(
        member=first, actor=None, purpose="email_marketing", granted=False, method=ConsentMethod.PORTAL
    )
    with time_machine.travel(clock.now() + timedelta(hours=1, minutes=1), tick=False):
        campaigns_start_due()
        campaigns_send()

    assert Message.objects.get(member=first).skip_reason == SkipReason.NO_CONSENT
    assert Message.objects.get(member=second).status == MessageStatus.QUEUED


def test_a_member_who_unsubscribes_while_the_message_waits_is_not_written_to(segment_of, db, settings):
    settings.MESSAGES_QUIET_HOURS = "00:00-23:59"  # every message waits
    [member] = customers(1)
    sent_now(campaign(segment_of, holdout_share=0.0))
    consent_set(
        member=member, actor=None, purpose="email_marketing", granted=False, method=ConsentMethod.PORTAL
    )

    with time_machine.travel(clock.now() + timedelta(days=1), tick=False):
        messages_send_due()

    message = Message.objects.get(member=member)
    assert (message.status, message.skip_reason) == (MessageStatus.SKIPPED, SkipReason.NO_CONSENT)


def test_a_campaign_started_at_night_waits_for_the_morning_in_the_members_zone(segment_of, db):
    business_set(time_zone="Asia/Seoul")
    with time_machine.travel(datetime(2026, 12, 7, 23, 30, tzinfo=SEOUL), tick=False):
        [member] = customers(1)
        Member.objects.filter(pk=member.pk).update(time_zone="Asia/Seoul")
        sent_now(campaign(segment_of, holdout_share=0.0))

    message = Message.objects.get(member=member)
    assert message.send_after.astimezone(SEOUL) == datetime(2026, 12, 8, 8, 0, tzinfo=SEOUL)


def test_a_send_killed_half_way_and_resumed_writes_to_each_member_once(segment_of, db, monkeypatch):
    customers(30)
    new_pans = campaign(segment_of, holdout_share=0.0)
    campaign_schedule(campaign=new_pans, send_at=None, actor=None)
    campaigns_start_due()
    real_queue = campaign_services.messages_queue_many
    calls = {"n": 0}

    def dies_in_the_third_batch(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            real_queue(**kwargs)  # its messages written, the transaction not yet committed
            raise SystemExit("worker killed")
        return real_queue(**kwargs)

    monkeypatch.setattr(campaign_services, "SEND_BATCH", 5)
    monkeypatch.setattr(campaign_services, "messages_queue_many", dies_in_the_third_batch)
    with pytest.raises(SystemExit):
        campaigns_send()
    assert Message.objects.filter(kind="campaign").count() == 10  # two whole batches; the third rolled back

    monkeypatch.setattr(campaign_services, "messages_queue_many", real_queue)
    campaigns_send()
    campaigns_send()  # published again: nothing more

    assert Message.objects.filter(kind="campaign").count() == 30
    assert Message.objects.filter(kind="campaign").values("member").distinct().count() == 30
    assert campaign_progress(campaign=new_pans).queued == 30


def test_a_batch_of_200_queues_in_as_many_statements_as_a_batch_of_20(segment_of, db):
    customers(20, "Seoul")
    customers(200, "Busan")

    def reads_to_send(city: str) -> int:
        segment_of(city.lower(), {"field": "city", "op": "eq", "value": city})
        to_city = campaign_create(
            data=CampaignInput(
                code=f"to-{city.lower()}", name=city, segment=city.lower(), subject="Hello", body="News"
            ),
            actor=None,
        )
        campaign_schedule(campaign=to_city, send_at=None, actor=None)
        campaigns_start_due()
        to_city.refresh_from_db()
        with CaptureQueriesContext(connection) as captured:
            assert campaigns_send() == to_city.audience - to_city.held_out
        # SQLite takes at most 999 values a statement: Django cuts a large insert to fit (PostgreSQL not).
        return sum(1 for query in captured if not query["sql"].startswith("INSERT"))

    assert reads_to_send("Seoul") == reads_to_send("Busan")


def test_a_campaign_found_long_after_its_time_is_not_sent_in_a_burst(segment_of, db):
    customers(3)
    new_pans = campaign(segment_of)
    campaign_schedule(campaign=new_pans, send_at=clock.now() + timedelta(minutes=5), actor=None)

    with time_machine.travel(clock.now() + timedelta(days=5), tick=False):
        campaigns_start_due()
        campaigns_send()

    new_pans.refresh_from_db()
    assert new_pans.status == CampaignStatus.MISSED
    assert not Message.objects.filter(kind="campaign").exists()


# --- results -------------------------------------------------------------------------------------------


def test_the_uplift_interval_holds_a_planted_effect():
    rng = np.random.default_rng(16)
    treated = rng.random(20_000) < 0.12
    held = rng.random(2_000) < 0.08

    uplift = rate_uplift(
        converted=int(treated.sum()), treated=20_000, converted_held=int(held.sum()), held=2_000
    )

    assert uplift.low < 0.04 < uplift.high
    assert uplift.significant


def test_the_sample_size_check_says_what_an_audience_can_detect():
    small = detectable_uplift(audience=1_000, share_held=0.1, baseline=0.1)
    large = detectable_uplift(audience=100_000, share_held=0.1, baseline=0.1)

    assert small is not None
    assert large is not None
    assert 0.05 < small < 0.1  # about 8 points: a small audience sees only a big effect
    assert large < 0.01
    assert detectable_uplift(audience=5, share_held=0.0, baseline=0.1) is None


def test_results_compare_who_bought_in_the_window(segment_of, buy, db):
    members = customers(20)
    new_pans = campaign(segment_of, holdout_share=0.5, goal_days=14)
    assert campaign_preflight(campaign=new_pans).audience == 20
    sent_now(new_pans)
    treated = list(
        CampaignRecipient.objects.filter(campaign=new_pans, held_out=False).values_list("member", flat=True)
    )
    by_id = {member.pk: member for member in members}
    for member_id in treated[:3]:
        buy(by_id[member_id], "50000")

    results = campaign_results(campaign=new_pans)

    assert results is not None
    assert (results.converted, results.converted_held) == (3, 0)
    assert results.conversion.treated == pytest.approx(3 / len(treated))
    assert results.revenue.treated == pytest.approx(150_000 / len(treated))
    assert not results.complete


# --- delivered, opened, clicked ---------------------------------------------------------------------------


def test_progress_counts_delivered_opened_and_clicked_of_the_treated(segment_of, db, mailoutbox):
    members = customers(10)
    Member.objects.filter(pk__in=[m.pk for m in members]).update(time_zone="Asia/Seoul")
    noon_in_seoul = datetime(2027, 3, 2, 3, 0, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(noon_in_seoul, tick=False):
        new_pans = campaign(segment_of, holdout_share=0.0)
        sent_now(new_pans)
        assert messages_send_due(limit=100) == 10
    messages = list(Message.objects.filter(kind="campaign").order_by("pk"))
    bounced, *delivered = messages
    bounce_record(
        report=DeliveryReport(
            original_message_id=bounced.message_id,
            recipients=(Recipient(bounced.address, "failed", "5.1.1", "user unknown"),),
        )
    )
    for message in delivered[:3]:
        message_open_record(message_id=message.pk)
        message_open_record(message_id=message.pk)  # opened again: once
    clicker = delivered[5]
    for _ in range(2):
        message_click_record(link=ClickLink(message_id=clicker.pk, target="https://example.com/pans"))

    progress = campaign_progress(campaign=new_pans)

    assert (progress.sent, progress.bounced, progress.delivered) == (10, 1, 9)
    assert (progress.opened, progress.clicked) == (4, 1)  # the clicker opened it, the pixel blocked or not
    assert progress.open_rate == pytest.approx(4 / 9)
    assert progress.click_rate == pytest.approx(1 / 9)
    assert len(mailoutbox) == 10
