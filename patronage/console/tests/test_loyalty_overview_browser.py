"""A program manager reads how the Hanbit Club did over the last year, in Chromium: the figures, the charts
drawn, and a shorter period. Takes the loyalty guide's picture of the overview."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
import time_machine

from patronage.conftest import console_sign_in
from patronage.core import clock
from patronage.loyalty import services
from patronage.loyalty.models import Account, Program
from patronage.members.models import Member
from patronage.members.services import IdentityInput, member_create

from .loyalty_setup import program_make, purchase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Days ago and amount (KRW) of each customer's purchases: a year of a small shop's members.
PURCHASES = {
    "Alice Kim": [(400, 120000), (330, 90000), (200, 450000), (90, 60000), (12, 80000)],
    "Bob Tanaka": [(380, 50000), (300, 45000), (150, 38000)],
    "Chloe Park": [(250, 1200000), (40, 300000)],
    "Daniel Lee": [(180, 25000)],
    "Eun-ji Choi": [(120, 70000), (60, 65000), (20, 72000)],
    "Farah Said": [(5, 150000)],
}


@pytest.fixture
def club(alice, bob) -> Program:
    """The Hanbit Club a year on: points expire a year after they are earned, three tiers, six members."""
    started = clock.now()
    with time_machine.travel(started - timedelta(days=420), tick=False):
        program = services.program_save(
            code=program_make().code,
            values={"expiry_policy": "days_after_earning", "expiry_days": 365},
            actor=None,
        )
        for code, rank, threshold in (("member", 0, 0), ("silver", 1, 300), ("gold", 2, 1000)):
            services.tier_save(
                program=program,
                code=code,
                name=code.title(),
                rank=rank,
                threshold=Decimal(threshold),
                actor=None,
            )
    customers = {"Alice Kim": alice, "Bob Tanaka": bob}
    for name in PURCHASES:
        customers.setdefault(name, _customer(name))
    events: list[tuple[int, Callable[[], object]]] = [
        (days_ago, partial(purchase, program, customers[name], str(amount), f"{name}-{number}"))
        for name, rows in PURCHASES.items()
        for number, (days_ago, amount) in enumerate(rows)
    ]
    events.append((100, partial(_redeem, program, alice, 300)))  # a steel tumbler
    for days_ago, happen in sorted(events, key=lambda event: -event[0]):  # oldest first, as they came
        with time_machine.travel(started - timedelta(days=days_ago), tick=False):
            happen()
    services.points_expire()
    return program


def _redeem(program: Program, member: Member, points: int) -> None:
    account = Account.objects.get(program=program, member=member)
    services.points_redeem(account=account, points=points, idempotency_key="tumbler", actor=None)


def _customer(name: str) -> Member:
    email = name.lower().replace(" ", ".").replace("-", "") + "@example.com"
    return member_create(actor=None, identities=[IdentityInput("email", email)], profile={"name": name})


def test_a_manager_reads_the_programs_year_and_then_its_last_30_days(browser_page, screenshot, manager, club):
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)

    page.click("nav.mainnav a:has-text('Loyalty')")
    page.click("main a:has-text('Hanbit Club')")
    page.wait_for_url("**/console/loyalty/hanbit/overview/")
    page.wait_for_selector("canvas[data-chart='points-by-month'][data-drawn='true']")
    page.wait_for_selector("canvas[data-chart='members-by-tier'][data-drawn='true']")
    assert page.inner_text(".period nav a[aria-current=page]") == "Last 12 months"
    members = page.inner_text("#overview-members")
    assert "6\nMembers" in members
    issued = page.inner_text("#overview-points")
    # 2,645,000 won of purchases in the last 12 months, at 1 point per 1,000 won.
    assert "2,645\nPoints issued" in issued
    # Bob's points of 380 days ago expired a year after he earned them; Alice spent hers of 400 days ago.
    assert "50\nPoints expired" in issued
    assert "2,645,000 KRW" in page.inner_text("#overview-purchases")
    page.set_viewport_size({"width": 1280, "height": 1400})  # the guide's picture shows the whole page
    screenshot(page, "console-loyalty-overview")

    page.click(".period nav a:has-text('Last 30 days')")
    page.wait_for_selector(".period nav a[aria-current=page]:has-text('Last 30 days')")
    assert "302\nPoints issued" in page.inner_text("#overview-points")  # Alice's 80, Eun-ji's 72, Farah's 150
    assert "3\nActive in the period" in page.inner_text("#overview-members")
