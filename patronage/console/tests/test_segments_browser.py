"""A program manager's segment in Chromium: "Seoul customers who bought at least twice" built with the visual
builder by choosing a field, an operator and a value; the live count narrows as the second condition is
added; saved, the segment's page lists its one member. Takes the guide's pictures."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from patronage.conftest import console_sign_in, program_launched
from patronage.core import clock
from patronage.core.models import User
from patronage.loyalty.models import Program
from patronage.loyalty.services.orders import TransactionInput
from patronage.loyalty.services.transactions import transaction_record
from patronage.members.models import ConsentMethod, Member
from patronage.members.services import IdentityInput, member_create
from patronage.segments.models import Segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _purchases(member: Member, count: int, program: Program) -> None:
    for number in range(count):
        transaction_record(
            program=program,
            data=TransactionInput(
                kind="purchase",
                external_id=f"T-{member.pk}-{number}",
                member=member,
                amount=Decimal("25000"),
                currency="KRW",
                occurred_at=clock.now(),
            ),
        )


def test_a_manager_builds_a_segment_with_the_builder_and_reads_its_page(
    browser_page, screenshot, manager: User, alice: Member, bob: Member
):
    chloe = member_create(
        actor=None,
        identities=[IdentityInput("email", "chloe@example.com")],
        profile={"name": "Chloe Park", "city": "Seoul"},
        consents={},
        consent_method=ConsentMethod.PORTAL,
        source="portal",
    )
    program = program_launched(Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW"))
    _purchases(alice, 2, program)
    _purchases(bob, 3, program)
    _purchases(chloe, 1, program)

    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)
    page.click("nav.mainnav a:has-text('Segments')")
    page.click("a:has-text('New segment')")
    page.fill("#segment_code", "seoul-buyers")
    page.fill("#segment_name", "Seoul customers who bought at least twice")
    expect(page.locator("#segment-preview")).to_contain_text("Add a condition")

    rows = page.locator(".rule-row")
    page.click("button.add-condition")
    rows.nth(0).locator("select.rule-field").select_option(label="City")
    rows.nth(0).locator("select.rule-op").select_option(label="is")
    rows.nth(0).locator("input.rule-value").fill("Seoul")
    expect(page.locator("#preview-count")).to_contain_text("2 customers match now")

    page.click("button.add-condition")
    rows.nth(1).locator("select.rule-field").select_option(label="Number of purchases")
    rows.nth(1).locator("select.rule-op").select_option(label="at least")
    rows.nth(1).locator("input.rule-value").fill("2")
    expect(page.locator("#preview-count")).to_contain_text("1 customer matches now")
    expect(page.locator("#preview-sample")).to_contain_text("Alice Kim")
    page.locator("#rules-field").evaluate("(rules) => rules.scrollIntoView()")
    screenshot(page, "segments-builder")

    page.click("#segment-save")
    page.wait_for_url("**/console/segments/seoul-buyers/")
    expect(page.locator("#segment-words")).to_have_text("City is Seoul and Number of purchases is at least 2")
    expect(page.locator("#segment-count")).to_have_text("1")
    members = page.locator("#segment-members")
    expect(members).to_contain_text("Alice Kim")
    expect(members).not_to_contain_text("Chloe Park")
    expect(page.locator("canvas[data-chart='segment-sizes']")).to_be_visible()
    screenshot(page, "segments-page")
    assert Segment.objects.get(code="seoul-buyers").member_count == 1

    # The class's own offer: a welcome for those who enter from now on, and bonus points in the program.
    treatment = page.locator("#segment-treatment")
    treatment.locator("summary").click()
    page.fill("#treatment_welcome_subject", "Welcome to our Seoul regulars")
    page.fill("#treatment_welcome_body", "Thank you for coming back: a coffee is on us at your next visit.")
    page.click("#treatment-form button[type=submit]")
    page.wait_for_url("**/console/segments/seoul-buyers/")
    expect(page.locator("#treatment-welcome")).to_have_text("Welcome to our Seoul regulars")
    expect(page.locator("#treatment-rules")).to_contain_text("no earn rule names this segment")
    expect(treatment.locator("a:has-text('Bonus points in Hanbit Club')")).to_be_visible()
    treatment.scroll_into_view_if_needed()
    screenshot(page, "segments-treatment")

    members.locator("a:has-text('Alice Kim')").click()
    expect(page.locator("#customer-segments")).to_contain_text("Seoul customers who bought at least twice")


def test_a_refused_save_brings_the_tree_back_with_the_problem_on_its_row(browser_page, manager: User):
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)
    page.goto("/console/segments/new/")
    page.fill("#segment_code", "quiet-seoul")
    page.fill("#segment_name", "Quiet Seoul")
    page.click("button.add-condition")
    page.locator(".rule-row").nth(0).locator("input.rule-value").fill("Seoul")
    page.click("button.add-not")
    page.locator(".not-box select.rule-field").select_option(label="Age")
    expect(page.locator(".not-box .rule-row")).to_have_class(re.compile("has-error"))
    expect(page.locator(".not-box .row-error")).to_contain_text("must be a number")

    page.click("#segment-save")

    expect(page.locator("#rule-problems")).to_contain_text("Row 2: must be a number")
    expect(page.locator(".rule-row").nth(0).locator("input.rule-value")).to_have_value("Seoul")
    expect(page.locator(".not-box select.rule-field")).to_have_value("age")
    expect(page.locator(".not-box .rule-row .row-error")).to_contain_text("must be a number")
    assert not Segment.objects.filter(code="quiet-seoul").exists()
