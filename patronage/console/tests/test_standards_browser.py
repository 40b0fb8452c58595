"""A service lead's standard in Chromium: "Phone answered within 2 rings" defined from the standards list, the
weeks of calls before it on file, one call typed by hand on the business's clock; then the list judges it and
its page draws the distribution, the trend and the control chart. Takes the guide's pictures."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from patronage.care.models import Team
from patronage.conftest import business_set, console_sign_in
from patronage.core import clock
from patronage.core.models import User
from patronage.standards.models import Measurement, Standard
from patronage.standards.services import MeasurementInput, measurements_add
from patronage.standards.stats import period_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEOUL = ZoneInfo("Asia/Seoul")


def _calls_before(standard: Standard, agent: User, lead: User) -> None:
    """Twelve weeks of calls: the lead's team answers fast; the agent slips in the last three weeks."""
    now = clock.now()
    items = []
    for week in range(12):
        slow = week < 3
        for call in range(20):
            at = now - timedelta(weeks=week, days=1, minutes=call * 7)
            agent_rings = (3 if call % 3 == 0 else 2) if slow else (1 if call % 5 else 3)
            items.append(
                MeasurementInput(value=agent_rings, at=at, employee=agent.username, team="Front desk")
            )
            items.append(
                MeasurementInput(value=1 + call % 2, at=at, employee=lead.username, team="Front desk")
            )
    # Wednesday noon of last week, on the business's calendar: a call that rang 6 times.
    this_monday = period_start(now.astimezone(SEOUL), "week")
    wednesday = datetime.combine(this_monday - timedelta(days=5), time(12), tzinfo=SEOUL)
    items.append(MeasurementInput(value=6, at=wednesday, employee=agent.username))
    measurements_add(standard=standard, items=items, actor=None)


def test_a_lead_defines_a_standard_enters_a_call_and_reads_its_page(browser_page, screenshot, lead, agent):
    business_set(time_zone=str(SEOUL), languages=["en", "ko"])
    Team.objects.create(name="Front desk")
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, lead)

    page.click("nav.mainnav a:has-text('Standards')")
    page.click("a:has-text('New standard')")
    page.fill("#standard_code", "phone-rings")
    page.fill("#standard_name", "Phone answered within 2 rings")
    page.fill("#standard_name_in_ko", "전화는 두 번 울리기 전에")
    page.fill("#standard_unit", "rings")
    page.fill("#standard_unit_in_ko", "번")
    page.select_option("#standard_direction", "lower")
    page.fill("#standard_target", "2")
    page.fill("#standard_minimum", "4")
    page.fill("#standard_target_share", "95")
    page.select_option("#standard_channel", "phone")
    page.select_option("#standard_team", "Front desk")
    page.select_option("#standard_owner", lead.username)
    page.click("#standard-form button[type=submit]")
    page.wait_for_selector("#standard-facts")
    assert "≤ 2 rings for 95%, never more than 4" in page.inner_text("#standard-facts")
    standard = Standard.objects.get(code="phone-rings")
    assert standard.target_share == pytest.approx(0.95)

    _calls_before(standard, agent, lead)
    page.click("#measurement-link")
    when = (clock.now() - timedelta(hours=1)).astimezone(SEOUL).replace(second=0, microsecond=0)
    page.fill("#measurement_value", "3")
    page.fill("#measurement_at", when.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#measurement_employee", agent.username)
    page.select_option("#measurement_team", "Front desk")
    page.click("#measurement-form button[type=submit]")
    page.wait_for_selector("#standard-facts")
    typed = Measurement.objects.get(standard=standard, at=when)
    assert (typed.value, typed.employee) == (3, agent)

    page.wait_for_selector("canvas[data-chart='standard-control'][data-drawn='true']")
    for chart_id in ("standard-distribution", "standard-trend"):
        assert page.locator(f"canvas[data-chart='{chart_id}'][data-drawn='true']").count() == 1
    page.select_option("#id_at", index=1)  # last week, complete
    page.click("#period-pick button[type=submit]")
    page.wait_for_selector("canvas[data-chart='standard-control'][data-drawn='true']")
    employees = page.inner_text("#group-employee")
    assert employees.index(agent.username) < employees.index(lead.username)  # the worst first
    assert "The process moved" in page.inner_text("#control-words")
    screenshot(page, "console-standard")

    page.click("a:has-text('← Service standards')")
    card = page.locator(f"#standard-{standard.pk}")
    page.wait_for_selector(f"canvas[data-chart='standard-{standard.pk}-glance'][data-drawn='true']")
    assert "breached" in card.inner_text()  # last week a call rang 6 times
    screenshot(page, "console-standards")
