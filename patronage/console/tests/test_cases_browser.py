"""A service agent's path through a complaint in Chromium: the queue with its live timers, a case a member
wrote in Japanese, and the six steps: reply, propose a solution, give points within the agent's limit,
promise a fix, resolve, close, follow up. Takes the care guide's pictures, on a desk and on a phone."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from patronage.care.models import CaseStatus, Compensation, CompensationStatus, Team
from patronage.care.services import case_assign, case_move, case_reply
from patronage.conftest import business_set, console_sign_in
from patronage.core import clock
from patronage.loyalty.models import LedgerEntry
from patronage.members.models import Member
from patronage.members.services import IdentityInput, member_create
from patronage.messages.models import Message

from .case_setup import breached, complaint, due_at
from .loyalty_setup import program_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEOUL = ZoneInfo("Asia/Seoul")
PHONE = {"width": 390, "height": 844}


def _yui() -> Member:
    return member_create(
        actor=None,
        identities=[IdentityInput("email", "yui.tanaka@example.jp")],
        profile={"name": "田中 結衣", "locale": "ja", "city": "Tokyo"},
    )


def _queue(agent, lead, alice, bob) -> None:
    """A morning's queue: one case past its target, one due later, one waiting for the customer, one the
    agent already has."""
    now = clock.now()
    team = Team.objects.create(name="Seoul care")
    team.members.add(agent)
    late = complaint(alice, summary="Refund not received after the return", severity="major")
    breached(late, minutes=35, now=now)
    later = complaint(bob, summary="Wrong size delivered", channel="portal")
    due_at(later, now + timedelta(hours=5, minutes=20))
    case_assign(case=later, assignee=agent, team=team, actor=lead)
    waiting = complaint(None, summary="Gift card does not work", contact_email="minjun@example.com")
    case_reply(case=waiting, body="Could you send us the card number?", actor=agent)
    case_move(case=waiting, to=CaseStatus.WAITING, actor=agent)


def test_an_agent_works_a_complaint_through_the_six_steps(browser_page, screenshot, agent, lead, alice, bob):
    business_set(time_zone=str(SEOUL))
    club = program_make()
    _queue(agent, lead, alice, bob)
    yui = _yui()
    case = complaint(
        yui,
        summary="ソファが傷ついた状態で届きました",
        description="昨日届いたソファの左の肘掛けに長い傷があります。写真を添付します。交換をお願いします。",
        language="ja",
        severity="major",
    )
    due_at(case, clock.now() + timedelta(hours=1, minutes=20))
    page = browser_page
    page.clock.install()  # the page's timers run on a clock the test moves
    page.goto("/console/login/")
    console_sign_in(page, agent)

    page.click("nav.mainnav a:has-text('Cases')")
    page.wait_for_url("**/console/cases/")
    rows = page.locator("table.case-list tbody tr")
    assert "late by 35 min" in rows.nth(0).inner_text()
    assert "due in 1 h 20 min" in rows.nth(1).inner_text() or "due in 1 h 19 min" in rows.nth(1).inner_text()
    assert "paused" in rows.nth(3).inner_text()
    screenshot(page, "console-cases")
    # Half an hour later, without a reload, the timers have counted on.
    page.clock.fast_forward("30:00")
    page.wait_for_function(
        "document.querySelector('table.case-list tbody tr').innerText.includes('late by 1 h')"
    )
    assert re.search(r"due in (49|50) min", rows.nth(1).inner_text())

    page.click(f"a:has-text('{case.reference}')")
    page.wait_for_url(f"**/console/cases/{case.reference}/")
    assert "昨日届いたソファ" in page.inner_text("#case-timeline")
    assert "田中 結衣" in page.inner_text("#case-customer")

    page.fill("#reply_body", "田中様、ご不便をおかけして大変申し訳ございません。写真を確認いたしました。")
    page.get_by_role("button", name="Send the reply").click()
    page.wait_for_selector("text=Your reply is on its way to the customer.")
    assert Message.objects.filter(kind="case_reply", member=yui).exists()

    page.fill("#move_proposed_solution", "新しいソファを金曜日にお届けし、傷のあるものを引き取ります。")
    page.get_by_role("button", name="Propose a solution").click()
    page.wait_for_selector("text=Saved: the case is now “solution proposed”.")

    page.select_option("#compensation_kind", "points")
    assert page.is_visible("#compensation_points")
    page.fill("#compensation_value", "5000")
    page.fill("#compensation_points", "500")
    page.fill("#compensation_note", "お詫びのポイント")
    page.get_by_role("button", name="Compensate", exact=True).click()
    page.wait_for_selector("text=The compensation is given.")
    given = Compensation.objects.get(case=case)
    assert given.status == CompensationStatus.GRANTED
    assert LedgerEntry.objects.get(cause_type="case", cause_id=case.reference).points == 500
    assert given.program == club

    friday = (clock.now().astimezone(SEOUL) + timedelta(days=4)).date()
    page.fill("#move_promised_promise", "新しいソファの配達と古いソファの引き取り")
    page.fill("#move_promised_promised_by", friday.isoformat())
    page.get_by_role("button", name="Promise a fix").click()
    page.wait_for_selector("text=Saved: the case is now “fix promised”.")
    assert page.inner_text("#case-steps .current").startswith("5")
    page.set_viewport_size({"width": 1280, "height": 1500})  # the steps, the timeline and the panel at once
    screenshot(page, "console-case")

    page.set_viewport_size(PHONE)
    page.goto("/console/cases/")
    screenshot(page, "phone-console-cases")
    page.goto(f"/console/cases/{case.reference}/")
    screenshot(page, "phone-console-case")
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_role("button", name="Resolved").click()
    page.wait_for_selector("text=Saved: the case is now “resolved”.")
    page.get_by_role("button", name="Close", exact=True).click()
    page.wait_for_selector("text=Saved: the case is now “closed”.")
    page.get_by_role("button", name="Follow up").click()
    page.wait_for_selector("text=The follow-up is sent")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.follow_up_sent_at is not None
    assert Message.objects.filter(kind="case_follow_up", member=yui).count() == 1
    assert "Nothing left to do" not in page.inner_text("#case-actions")  # it may still be reopened
