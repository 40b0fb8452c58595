"""One clock (issue 11): a double-points week in Seoul reads the same in every list, form and the portal, on
the business's clock and in the reader's language, in Chromium.

The campaign runs from 22 November 2027 00:00 to 2 December 2027 00:00 in Seoul (15:00 UTC the day
before): a page on the server's UTC clock would show the 21st and 3 p.m.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from patronage.conftest import MEMBER_PASSWORD, business_set, console_sign_in
from patronage.loyalty import services
from patronage.loyalty.models import Program
from patronage.members.models import Member

from .loyalty_setup import program_make, purchase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEOUL = ZoneInfo("Asia/Seoul")
EN_DASH = "\u2013"  # between a start and an end, on every page

# The campaign's start and end as each language writes them (CLDR's medium date, short time).
CAMPAIGN = {
    "en": ("Nov 22, 2027, 12:00 AM", "Dec 2, 2027, 12:00 AM"),
    "ko": ("2027. 11. 22. 오전 12:00", "2027. 12. 2. 오전 12:00"),
    "ja": ("2027/11/22 0:00", "2027/12/02 0:00"),
    "zh-hans": ("2027年11月22日 00:00", "2027年12月2日 00:00"),
}
ZONE_IN_WORDS = {"en": "South Korea Time", "ko": "대한민국 시간", "ja": "韓国時間", "zh-hans": "韩国时间"}
STARTS_ON = {
    "en": "starts on {}",
    "ko": "{}에 시작합니다",
    "ja": "{} に開始します",
    "zh-hans": "将于 {} 开始",
}


@pytest.fixture
def campaign(alice: Member) -> Program:
    business_set(time_zone="Asia/Seoul")
    program = program_make()
    services.earn_rule_save(
        program=program,
        code="double-week",
        name="Double points week",
        kind="campaign",
        params={"multiplier": "2"},
        priority=50,
        active_from=datetime(2027, 11, 22, tzinfo=SEOUL),
        active_to=datetime(2027, 12, 2, tzinfo=SEOUL),
        actor=None,
    )
    purchase(program, alice, "10000", "APP-1")  # Alice joins, so the portal shows her the program
    alice.time_zone = "Asia/Seoul"
    alice.save(update_fields=["time_zone"])
    return program


def _in_language(page: Any, base_url: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


@pytest.mark.parametrize("language", list(CAMPAIGN))
def test_the_campaign_reads_the_same_in_the_rules_list_its_form_the_simulator_and_the_portal(
    browser_page, live_server, manager, alice, campaign, language
):
    page = browser_page
    start, end = CAMPAIGN[language]
    page.goto("/console/login/")
    console_sign_in(page, manager)
    _in_language(page, live_server.url, language)

    page.goto("/console/loyalty/hanbit/rules/")
    row = page.locator("tr", has_text="Double points week").first.inner_text()
    assert f"{start} {EN_DASH} {end}" in row

    page.goto("/console/loyalty/hanbit/rules/double-week/")
    # The form's pickers hold the same wall-clock times, and say whose clock they are.
    assert page.input_value("input[name=active_from]") == "2027-11-22T00:00"
    assert page.input_value("input[name=active_to]") == "2027-12-02T00:00"
    assert ZONE_IN_WORDS[language] in page.inner_text("main")

    page.goto("/console/loyalty/hanbit/rules/?amount=50000")
    skipped = page.locator("#simulation tr", has_text="double-week").first.inner_text()
    assert STARTS_ON[language].format(start) in skipped

    page.context.clear_cookies()
    alice.locale = language  # the portal speaks the member's own language
    alice.save(update_fields=["locale"])
    page.goto("/portal/login/")
    page.fill("input[name=username]", "alice@example.com")
    page.fill("input[name=password]", MEMBER_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/portal/")
    page.goto("/portal/points/")
    page.click("[data-program=hanbit] details summary")  # "How to earn points", closed for a member
    ways = page.inner_text("[data-program=hanbit] details")
    assert f"Double points week {start} {EN_DASH} {end}" in ways
