"""A program manager's campaign in Chromium: "New pans" written to the Seoul customers, the page says before
sending how many it reaches and what it can detect; sent now, the job runs and the page shows the results
against the hold-out with its chart. Takes the guide's pictures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from patronage.conftest import console_sign_in, program_launched
from patronage.core import clock
from patronage.core.models import User
from patronage.loyalty.models import Program
from patronage.loyalty.services.orders import TransactionInput
from patronage.loyalty.services.transactions import transaction_record
from patronage.members.models import ConsentMethod
from patronage.members.services import IdentityInput, member_create
from patronage.segments.campaign_services import campaigns_send, campaigns_start_due
from patronage.segments.models import Campaign, CampaignRecipient, CampaignStatus
from patronage.segments.services import SegmentInput, segment_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_writes_sends_and_reads_a_campaign(browser_page, screenshot, manager: User):
    for n in range(30):
        member_create(
            actor=None,
            identities=[IdentityInput("email", f"c{n}@example.com")],
            profile={"name": f"Customer {n}", "city": "Seoul"},
            consents={"email_marketing": True},
            consent_method=ConsentMethod.PORTAL,
            source="api",
        )
    segment_create(
        data=SegmentInput(
            code="seoul",
            name="Seoul customers",
            rules={"all": [{"field": "city", "op": "eq", "value": "Seoul"}]},
        ),
        actor=None,
    )

    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)
    page.click("nav.mainnav a:has-text('Campaigns')")
    page.click("a:has-text('New campaign')")
    page.fill("#campaign_code", "new-pans")
    page.fill("#campaign_name", "New pans")
    page.select_option("#campaign_segment", label="Seoul customers")
    page.fill("#campaign_subject", "Our new pans are here")
    page.fill("#campaign_body", "Dear customer,\n\nOur new pans arrived.")
    page.fill("#campaign_holdout_share", "20")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "campaigns-new")
    page.click("#campaign-save")

    page.wait_for_url("**/console/campaigns/new-pans/")
    expect(page.locator("#preflight-words")).to_contain_text(
        "30 customers: about 24 will get the message and about 6 are held out."
    )
    expect(page.locator("#preflight-words")).to_contain_text("With this audience you can detect an uplift of")
    page.click("#campaign-send-now")
    expect(page.locator("#campaign-status")).to_have_text("Scheduled")

    campaigns_start_due()  # the jobs, as the workers would run them
    campaigns_send()
    program = program_launched(Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW"))
    treated = CampaignRecipient.objects.filter(campaign__code="new-pans", held_out=False)
    for number, recipient in enumerate(treated.select_related("member")[:8]):
        transaction_record(
            program=program,
            data=TransactionInput(
                kind="purchase",
                external_id=f"T-{number}",
                member=recipient.member,
                amount=Decimal("45000"),
                currency="KRW",
                occurred_at=clock.now(),
            ),
        )
    page.reload()

    expect(page.locator("#campaign-status")).to_have_text("Sent")
    expect(page.locator("#campaign-results")).to_contain_text("So far, until")
    expect(page.locator("#results-uplift")).to_contain_text("points (from")
    expect(page.locator("canvas[data-chart='campaign-uplift']")).to_have_attribute("data-drawn", "true")
    page.locator("#campaign-results").evaluate("(results) => results.scrollIntoView()")
    screenshot(page, "campaigns-results")
    assert Campaign.objects.get(code="new-pans").status == CampaignStatus.SENT
