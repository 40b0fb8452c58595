"""The campaigns pages: a program manager writes "New pans" to the Seoul segment, reads before sending how many
it reaches and what uplift it can detect, sends it now, follows its progress and reads its results against the
hold-out in words; a bad field is marked on its input; a sent campaign is not changed; a scheduled one is
cancelled. An analyst reads it all and sends nothing; nobody without the right to see segments sees any of it,
and a customer's login never reaches it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from patronage.conftest import business_set, program_launched
from patronage.core import clock
from patronage.loyalty.models import Program
from patronage.loyalty.services.orders import TransactionInput
from patronage.loyalty.services.transactions import transaction_record
from patronage.members.models import ConsentMethod, Member
from patronage.members.services import IdentityInput, member_create
from patronage.messages.message_services import messages_send_due
from patronage.messages.models import Message, MessageStatus
from patronage.messages.tracking import ClickLink, message_click_record, message_open_record
from patronage.segments.campaign_selectors import campaign_results
from patronage.segments.campaign_services import (
    CampaignInput,
    campaign_create,
    campaign_schedule,
    campaigns_send,
    campaigns_start_due,
)
from patronage.segments.campaign_stats import detectable_uplift
from patronage.segments.models import Campaign, CampaignRecipient, CampaignStatus, Segment
from patronage.segments.services import SegmentInput, segment_create

from .conftest import page_text

pytestmark = pytest.mark.django_db


def customers(count: int) -> list[Member]:
    """Customers in Seoul who agreed to marketing e-mail."""
    return [
        member_create(
            actor=None,
            identities=[IdentityInput("email", f"c{n}@example.com")],
            profile={"name": f"Customer {n}", "city": "Seoul"},
            consents={"email_marketing": True},
            consent_method=ConsentMethod.PORTAL,
            source="api",
        )
        for n in range(count)
    ]


@pytest.fixture
def buy(db: None) -> Callable[[Member], Any]:
    """Records a purchase through the loyalty engine, as a till would send it."""
    program = program_launched(Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW"))
    counter = iter(range(1, 10_000))

    def purchase(member: Member) -> Any:
        data = TransactionInput(
            kind="purchase",
            external_id=f"T-{next(counter)}",
            member=member,
            amount=Decimal("50000"),
            currency="KRW",
            occurred_at=clock.now(),
        )
        return transaction_record(program=program, data=data)

    return purchase


def _seoul() -> Segment:
    """Made after its customers: a test's transaction never commits, so the members' events do not reach it."""
    return segment_create(
        data=SegmentInput(
            code="seoul",
            name="Seoul customers",
            name_translations={"ko": "서울 고객"},
            rules={"all": [{"field": "city", "op": "eq", "value": "Seoul"}]},
        ),
        actor=None,
    )


@pytest.fixture
def seoul(db: None) -> Segment:
    return _seoul()


def _new_pans(**extra: Any) -> Campaign:
    return campaign_create(
        data=CampaignInput(
            code="new-pans",
            name="New pans",
            segment="seoul",
            subject="Our new pans are here",
            body="Dear customer,\n\nOur new pans arrived.",
            **extra,
        ),
        actor=None,
    )


@pytest.fixture
def new_pans(seoul: Segment) -> Campaign:
    return _new_pans()


def _form_post(**fields: Any) -> dict[str, Any]:
    return {
        "code": "spring-sale",
        "name": "Spring sale",
        "segment": "seoul",
        "subject": "Spring is here",
        "body": "Ten percent off this week.",
        "goal": "purchase",
        "goal_days": "30",
        "holdout_share": "10",
        "offer_cost": "",
        **fields,
    }


def _pages(campaign: Campaign) -> list[tuple[str, str, dict[str, Any]]]:
    """Every page and action, with what a request to it sends; the first two only read."""
    code = campaign.code
    return [
        ("get", reverse("console:campaign_list"), {}),
        ("get", reverse("console:campaign_detail", args=[code]), {}),
        ("get", reverse("console:campaign_new"), {}),
        ("post", reverse("console:campaign_new"), _form_post()),
        ("get", reverse("console:campaign_edit", args=[code]), {}),
        ("post", reverse("console:campaign_edit", args=[code]), _form_post(name="Changed")),
        ("post", reverse("console:campaign_schedule", args=[code]), {"now": "1"}),
        ("post", reverse("console:campaign_cancel", args=[code]), {}),
    ]


def _unchanged(campaign: Campaign) -> None:
    campaign.refresh_from_db()
    assert (campaign.name, campaign.status) == ("New pans", CampaignStatus.DRAFT)
    assert not Campaign.objects.filter(code="spring-sale").exists()


# --- who may open what -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_console_login(client, new_pans):
    for method, url, data in _pages(new_pans):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("console:login")), url
    _unchanged(new_pans)


def test_a_customers_login_and_staff_without_the_right_to_see_segments_are_refused(
    client_as, new_pans, alice, agent
):
    for user in (alice.user, agent):
        client = client_as(user)
        for method, url, data in _pages(new_pans):
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    _unchanged(new_pans)


def test_an_analyst_reads_campaigns_but_writes_sends_and_cancels_nothing(client_as, analyst, new_pans):
    client = client_as(analyst)
    pages = _pages(new_pans)
    for method, url, data in pages[:2]:
        assert getattr(client, method)(url, data).status_code == 200, url
    for method, url, data in pages[2:]:
        assert getattr(client, method)(url, data).status_code == 403, url
    _unchanged(new_pans)
    text = page_text(client.get(reverse("console:campaign_detail", args=[new_pans.code])))
    assert "Send now" not in text
    assert "Edit" not in text
    assert "New campaign" not in page_text(client.get(reverse("console:campaign_list")))


def test_a_program_manager_may_do_everything(client_as, manager, new_pans):
    client = client_as(manager)
    pages = _pages(new_pans)
    for method, url, data in pages[:6]:
        assert getattr(client, method)(url, data).status_code in (200, 302), url
    assert Campaign.objects.get(code="spring-sale").name == "Spring sale"
    assert Campaign.objects.get(code="new-pans").name == "Changed"
    method, url, data = pages[6]
    assert client.post(url, data).status_code == 302
    assert Campaign.objects.get(code="new-pans").status == CampaignStatus.SCHEDULED
    method, url, data = pages[7]
    assert client.post(url, data).status_code == 302
    assert Campaign.objects.get(code="new-pans").status == CampaignStatus.CANCELLED


def test_the_navigation_shows_campaigns_to_those_who_may_see_segments(client_as, analyst, agent):
    link = f'href="{reverse("console:campaign_list")}"'
    assert link in client_as(analyst).get(reverse("console:home")).content.decode()
    assert link not in client_as(agent).get(reverse("console:home")).content.decode()


# --- writing a campaign ------------------------------------------------------------------------------------


def test_a_manager_writes_a_campaign_in_each_language(client_as, manager, seoul):
    client = client_as(manager)
    form = page_text(client.get(reverse("console:campaign_new")))
    assert "서울 고객" not in form  # the segment by its name in the reader's language
    assert "Seoul customers" in form
    assert "Subject (한국어)" in form

    response = client.post(
        reverse("console:campaign_new"),
        _form_post(subject_in_ko="봄이 왔어요", body_in_ko="이번 주 10% 할인", offer_cost="3000"),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("console:campaign_detail", args=["spring-sale"])
    campaign = Campaign.objects.get(code="spring-sale")
    assert campaign.holdout_share == pytest.approx(0.10)
    assert campaign.subject_translations == {"ko": "봄이 왔어요"}
    assert campaign.offer_cost == Decimal("3000")
    assert campaign.status == CampaignStatus.DRAFT
    listed = page_text(client.get(reverse("console:campaign_list")))
    assert "Spring sale Seoul customers Draft" in listed


def test_a_bad_field_is_marked_on_its_input_and_nothing_is_saved(client_as, manager, seoul):
    client = client_as(manager)

    too_many = client.post(reverse("console:campaign_new"), _form_post(holdout_share="60"))
    bad_code = client.post(reverse("console:campaign_new"), _form_post(code="Spring Sale!"))

    assert too_many.status_code == 400
    assert 'id="campaign_holdout_share"' in too_many.content.decode()
    assert "less than or equal to 50" in page_text(too_many)
    assert bad_code.status_code == 422
    text = page_text(bad_code)
    assert "The campaign is not saved" in text
    assert "use up to 32 lower-case letters" in text
    assert 'value="Spring sale"' in bad_code.content.decode()  # the form comes back as sent
    assert not Campaign.objects.exists()


def test_editing_a_sent_campaign_is_refused(client_as, manager):
    customers(3)
    _seoul()
    new_pans = _new_pans()
    campaign_schedule(campaign=new_pans, send_at=None, actor=None)
    campaigns_start_due()
    campaigns_send()
    client = client_as(manager)

    shown = client.get(reverse("console:campaign_edit", args=[new_pans.code]))
    sent = client.post(reverse("console:campaign_edit", args=[new_pans.code]), _form_post(name="Changed"))

    for response in (shown, sent):
        assert response.status_code == 302
        assert response["Location"] == reverse("console:campaign_detail", args=[new_pans.code])
    new_pans.refresh_from_db()
    assert (new_pans.name, new_pans.status) == ("New pans", CampaignStatus.SENT)
    text = page_text(client.get(reverse("console:campaign_detail", args=[new_pans.code])))
    assert "cannot be changed" in text
    assert "Edit" not in text


# --- before sending ----------------------------------------------------------------------------------------


def test_the_draft_says_who_it_reaches_and_what_it_can_detect(client_as, manager, buy):
    members = customers(20)
    for member in members[:2]:
        buy(member)
    _seoul()
    campaign = _new_pans()
    detectable = detectable_uplift(audience=20, share_held=0.1, baseline=0.1)
    assert detectable is not None

    text = page_text(client_as(manager).get(reverse("console:campaign_detail", args=[campaign.code])))

    assert (
        "20 customers: about 18 will get the message and about 2 are held out. With this audience you can detect an "
        f"uplift of {100 * detectable:.1f} points in the share who buy; the segment's usual rate is 10.0%."
    ) in text
    assert "Send now" in text
    assert "Schedule" in text


def test_an_empty_segment_is_said_plainly(client_as, manager, new_pans):
    text = page_text(client_as(manager).get(reverse("console:campaign_detail", args=[new_pans.code])))
    assert "The segment has no customers now: nobody would get the message." in text


# --- sending, progress and results -------------------------------------------------------------------------


def test_send_now_shows_the_progress_then_the_results(client_as, manager, buy):
    members = customers(40)
    _seoul()
    campaign = _new_pans(holdout_share=0.25, offer_cost="1000")
    client = client_as(manager)
    url = reverse("console:campaign_detail", args=[campaign.code])

    response = client.post(reverse("console:campaign_schedule", args=[campaign.code]), {"now": "1"})
    assert response.status_code == 302
    campaigns_start_due()  # as the job would

    sending = client.get(url)
    assert "Sending" in page_text(sending)
    assert 'role="progressbar"' in sending.content.decode()
    assert "Messages queued: 0 / " in page_text(sending)
    poll = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 3s"' in poll.content.decode()
    assert "<html" not in poll.content.decode()

    campaigns_send()
    treated = set(
        CampaignRecipient.objects.filter(campaign=campaign, held_out=False).values_list("member", flat=True)
    )
    for member in [member for member in members if member.pk in treated][:5]:
        buy(member)
    campaign.refresh_from_db()
    results = campaign_results(campaign=campaign)
    assert results is not None

    page = client.get(url)
    text = page_text(page)
    assert "Sent" in text
    assert 'role="progressbar"' not in page.content.decode()  # done: no more polling
    assert "hx-trigger" not in page.content.decode()
    assert f"{results.treated} of {results.treated} messages queued." in text
    low, high = 100 * results.conversion.low, 100 * results.conversion.high
    words = f"{100 * results.conversion.uplift:+.1f} points (from {low:+.1f} to {high:+.1f})"
    assert words.replace("+0.0", "0.0") in text
    assert "So far, until" in text
    assert "Cost of the offer 5,000.00" in text
    assert 'data-chart="campaign-uplift"' in page.content.decode()
    listed = page_text(client.get(reverse("console:campaign_list")))
    assert "New pans Seoul customers Sent 40" in listed
    assert "points (from" in listed
    segment_page = page_text(client.get(reverse("console:segment_detail", args=["seoul"])))
    assert "Campaigns Name Status Started New pans Sent" in segment_page


def test_an_interval_across_zero_is_said_to_be_no_evidence_yet(client_as, manager):
    customers(10)
    _seoul()
    new_pans = _new_pans(holdout_share=0.5)
    campaign_schedule(campaign=new_pans, send_at=None, actor=None)
    campaigns_start_due()
    campaigns_send()

    text = page_text(client_as(manager).get(reverse("console:campaign_detail", args=[new_pans.code])))

    assert "not distinguishable from no effect yet" in text or "not measurable yet" in text


def test_the_page_shows_delivered_opened_and_clicked_as_shares_of_the_delivered(
    client_as, analyst, mailoutbox
):
    members = customers(10)
    Member.objects.filter(pk__in=[member.pk for member in members]).update(time_zone="Asia/Seoul")
    _seoul()
    with time_machine.travel(datetime(2027, 3, 2, 3, 0, tzinfo=UTC), tick=False):  # noon in Seoul
        new_pans = _new_pans(holdout_share=0.0)
        campaign_schedule(campaign=new_pans, send_at=None, actor=None)
        campaigns_start_due()
        campaigns_send()
        assert messages_send_due(limit=100) == 10
    bounced, *delivered = Message.objects.filter(kind="campaign").order_by("pk")
    Message.objects.filter(pk=bounced.pk).update(status=MessageStatus.BOUNCED)
    for message in delivered[:3]:
        message_open_record(message_id=message.pk)
    message_click_record(link=ClickLink(message_id=delivered[4].pk, target="https://example.com/"))

    text = page_text(client_as(analyst).get(reverse("console:campaign_detail", args=[new_pans.code])))

    assert "Sent 10 Delivered 9 (1 bounced) Opened 4 (44.4%) Clicked 1 (11.1%)" in text
    assert "some mail programs block the open image" in text


def test_a_campaign_is_scheduled_on_the_business_clock_and_cancelled(client_as, manager, new_pans):
    business_set(time_zone="Asia/Seoul")
    client = client_as(manager)
    url = reverse("console:campaign_schedule", args=[new_pans.code])
    later = clock.now() + timedelta(days=2)
    wall = later.astimezone(ZoneInfo("Asia/Seoul")).strftime("%Y-%m-%dT%H:%M")

    assert client.post(url, {"send_at": wall}).status_code == 302
    new_pans.refresh_from_db()
    assert new_pans.status == CampaignStatus.SCHEDULED
    assert new_pans.send_at == later.replace(second=0, microsecond=0)
    assert "Cancel the campaign" in page_text(
        client.get(reverse("console:campaign_detail", args=["new-pans"]))
    )

    assert client.post(reverse("console:campaign_cancel", args=[new_pans.code])).status_code == 302
    new_pans.refresh_from_db()
    assert new_pans.status == CampaignStatus.CANCELLED
    again = client.post(reverse("console:campaign_cancel", args=[new_pans.code]), follow=True)
    assert "only a scheduled or sending campaign can be cancelled" in page_text(again)


def test_a_time_long_past_is_refused_on_its_input(client_as, manager, new_pans):
    response = client_as(manager).post(
        reverse("console:campaign_schedule", args=[new_pans.code]), {"send_at": "2001-01-01T09:00"}
    )
    assert response.status_code == 422
    assert "the time to send is long past" in page_text(response)
    new_pans.refresh_from_db()
    assert new_pans.status == CampaignStatus.DRAFT
