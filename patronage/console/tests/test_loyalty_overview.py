"""A program's overview page: the figures a manager reads, in the period they pick, on the program's calendar
and in the reader's language; every staff role reads it, nobody else does."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from patronage.console.templatetags.loyalty_console import money
from patronage.core.services import staff_create
from patronage.loyalty import services
from patronage.loyalty.models import Account

from .conftest import page_text
from .loyalty_setup import catalogue_make, program_make, purchase

# 20 November 2026, 08:00 in Seoul: still the 19th in UTC.
NOW = datetime.fromisoformat("2026-11-20 08:00:00+09:00")


@pytest.fixture
def club(db, alice, bob):
    """The Hanbit Club (KRW, Asia/Seoul, 1 point per 1,000 won): Alice bought twice, Bob once; Alice
    redeemed 300 points."""
    with time_machine.travel(datetime.fromisoformat("2026-01-05 12:00:00+09:00"), tick=False):
        program = program_make()
        catalogue_make(program)
    with time_machine.travel(datetime.fromisoformat("2026-06-01 12:00:00+09:00"), tick=False):
        purchase(program, alice, "1234000", "till-1")
        purchase(program, bob, "50000", "till-2")
    with time_machine.travel(NOW, tick=False):
        purchase(program, alice, "100000", "till-3")
        account = Account.objects.get(program=program, member=alice)
        services.points_redeem(account=account, points=300, idempotency_key="mug", actor=None)
    return program


def _overview(client, query: str = ""):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("console:loyalty_program_overview", args=["hanbit"]) + query)


def test_the_overview_shows_members_points_liability_and_purchases(client_as, analyst, club):
    response = _overview(client_as(analyst))

    assert response.status_code == 200
    text = page_text(response)
    assert "From Dec 1, 2025 to Nov 20, 2026, by the program's calendar (South Korea Time)." in text
    assert "2 Members" in text
    assert "1,384 Points issued" in text
    assert "300 Points redeemed: 21.7% of those issued" in text
    # 1,384 issued less 300 redeemed, at 1 won a point, in whole won.
    assert "1,084 KRW 1,084 points outstanding, at 1 KRW a point" in text
    assert "1,384,000 KRW Revenue from members in the period, less refunds" in text
    assert "Repeat purchase rate 50.0% (1 bought twice or more)" in text
    assert "Member 2" in text  # the tier table: both reached the Member tier
    assert "June 2026 1,284 0 0" in text
    assert "November 2026 100 300 0" in text  # the month table: issued, redeemed, expired


def test_the_charts_carry_the_months_and_tiers_they_draw(client_as, analyst, club):
    charts = {chart["id"]: chart for chart in _overview(client_as(analyst)).context["charts"]}

    points = charts["points-by-month"]
    assert points["labels"][0] == "December 2025"
    assert points["labels"][-1] == "November 2026"
    assert [dataset["label"] for dataset in points["datasets"]] == ["Issued", "Redeemed", "Expired"]
    assert points["datasets"][0]["data"][6] == 50 + 1234  # June
    assert charts["members-by-tier"]["labels"] == ["Member"]
    assert charts["members-by-tier"]["datasets"][0]["data"] == [2]


def test_a_shorter_period_counts_only_its_days(client_as, analyst, club):
    text = page_text(_overview(client_as(analyst), "?period=30d"))

    assert "From Oct 22, 2026 to Nov 20, 2026" in text
    assert "100 Points issued" in text
    assert "100,000 KRW Revenue from members in the period" in text


def test_an_unknown_period_says_so_and_shows_the_last_12_months(client_as, analyst, club):
    text = page_text(_overview(client_as(analyst), "?period=forever"))

    assert "There is no period “forever”: showing Last 12 months." in text
    assert "From Dec 1, 2025 to Nov 20, 2026" in text


def test_dates_and_numbers_follow_the_readers_language(client_as, analyst, club):
    client = client_as(analyst)
    client.cookies["django_language"] = "ko"

    text = page_text(_overview(client))

    assert "2025. 12. 1." in text
    assert "1,384,000 KRW" in text


def test_the_programs_list_and_every_set_up_tab_lead_to_the_overview(client_as, agent, club):
    client = client_as(agent)
    overview_link = f'href="{reverse("console:loyalty_program_overview", args=["hanbit"])}"'

    assert overview_link in client.get(reverse("console:loyalty_programs")).content.decode()
    assert overview_link in client.get(reverse("console:loyalty_tiers", args=["hanbit"])).content.decode()
    page = _overview(client).content.decode()
    assert 'aria-current="page">Overview</a>' in page
    assert 'aria-current="page">Last 12 months</a>' in page


def test_staff_without_the_loyalty_permission_is_refused(client, club):
    nobody = staff_create(username="no_groups", password="correct-horse-battery-9", groups=[])
    client.force_login(nobody)

    response = _overview(client)

    assert response.status_code == 403
    assert "does not include this page" in response.content.decode()
    assert "1,384" not in response.content.decode()


def test_an_anonymous_visitor_goes_to_the_login_and_a_member_is_refused(client, client_as, bob, club):
    response = _overview(client)
    assert response.status_code == 302
    assert response.url.startswith(reverse("console:login") + "?next=/console/loyalty/hanbit/overview/")

    refused = _overview(client_as(bob.user))
    assert refused.status_code == 403
    assert "staff accounts only" in refused.content.decode()


def test_an_unknown_program_is_not_found(client_as, analyst, club):
    response = client_as(analyst).get(reverse("console:loyalty_program_overview", args=["nowhere"]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("1234567.5"), "KRW", "1,234,568 KRW"),  # the won has no cents
        (Decimal("1234.5"), "EUR", "1,234.50 EUR"),
        (0, "JPY", "0 JPY"),
        (None, "EUR", "—"),
    ],
)
def test_money_is_shown_to_the_currencys_unit_with_separators(amount, currency, shown):
    assert money(amount, currency) == shown
