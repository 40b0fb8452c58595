"""The customer file across the apps: the customer page's header (tier and points, spending, lifetime value,
churn risk) and the customer list's columns, sorting, pickers and export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patronage.analytics.models import AnalysisRun, CustomerScore
from patronage.commerce.models import Order
from patronage.conftest import STAFF_PASSWORD, business_set
from patronage.core.models import AuditEntry
from patronage.core.services import staff_create
from patronage.loyalty import services as loyalty
from patronage.members.models import Member
from patronage.members.services import IdentityInput, member_create

from .conftest import page_text
from .customer_file_setup import TODAY, shop_make
from .loyalty_setup import program_make, purchase


@pytest.fixture
def shop(admin, alice, bob) -> dict[str, Any]:
    return shop_make(alice=alice, bob=bob, actor=admin)


def _list(client, **params):
    return client.get(reverse("console:customers"), params)


def _names(response) -> list[str]:
    return [row.member.name for row in response.context["rows"]]


# --- the customer page's header ---


def _header(client, member) -> str:
    """The text of the customer page's header, as a person reads it."""
    html = client.get(reverse("console:customer", args=[member.pk])).content.decode()
    start = html.index('id="customer-summary"')
    return page_text(HttpResponse(html[start : html.index("</section>", start)]))


def test_the_header_shows_tier_points_spending_lifetime_value_and_churn_risk(client_as, manager, alice, shop):
    header = _header(client_as(manager), alice)
    assert "Hanbit Club Silver 500 points available · 0 pending" in header
    assert "Lifetime spend 500,000 KRW 1 purchase · last on Nov 20, 2026" in header
    assert "Predicted lifetime value 350,000 KRW Next 365 days · run of Nov 20, 2026" in header
    assert "Churn risk 10% Run of Nov 20, 2026" in header


def test_the_header_counts_spending_in_each_currency_and_dates_in_the_business_zone(
    client_as, manager, alice, shop, settings
):
    business_set(time_zone="Asia/Seoul")
    # 23:30 in UTC is already the next morning in Seoul: the business's day is the one shown.
    Order.objects.create(
        member=alice,
        external_id="web-7",
        amount=Decimal("1234.5"),
        currency="USD",
        occurred_at=datetime(2026, 11, 25, 23, 30, tzinfo=UTC),
    )
    header = _header(client_as(manager), alice)
    assert "Lifetime spend 500,000 KRW 1,234.50 USD 2 purchases · last on Nov 26, 2026" in header


def test_the_header_says_when_scores_were_never_computed_or_left_the_customer_out(
    client_as, manager, alice, bob, shop
):
    AnalysisRun.objects.filter(kind="churn").delete()
    CustomerScore.objects.filter(member=alice).delete()
    header = _header(client_as(manager), alice)
    assert "Predicted lifetime value — Not scored by the run of Nov 20, 2026" in header
    assert "Churn risk — Not computed yet" in header


def test_a_customer_without_points_or_purchases_is_shown_as_such(client_as, manager, shop):
    header = _header(client_as(manager), shop["carol"])
    assert "Loyalty Not enrolled in any program yet." in header
    assert "Lifetime spend — 0 purchases" in header


def test_scores_are_only_for_the_groups_that_may_see_customers_scores(client_as, agent, manager, alice, shop):
    header = _header(client_as(agent), alice)
    assert "Silver" in header
    assert "Lifetime spend" in header
    assert "lifetime value" not in header.lower()
    assert "Churn risk" not in header
    assert "Predicted lifetime value" in _header(client_as(manager), alice)


def test_the_header_does_not_claim_a_number_of_open_cases(client_as, manager, alice, shop):
    # Complaints (the care app) are not built yet: no count is better than a zero that is not true.
    assert "case" not in _header(client_as(manager), alice).lower()


# --- the customer list ---


def test_the_list_shows_tier_points_last_purchase_and_scores(client_as, manager, shop):
    text = page_text(_list(client_as(manager)))
    assert "Tier and points in Hanbit Club" in text
    assert "lifetime value of Nov 20, 2026 · churn risk of Nov 20, 2026" in text
    assert "Alice Kim #" in text
    assert "alice@example.com CARD-0001 Seoul portal Silver 500 Nov 20, 2026 350,000 KRW 10%" in text
    assert "bob@example.com CARD-0002 Osaka portal Member 50 Nov 20, 2026 20,000 KRW 80%" in text
    carol_card = shop["carol"].identities.get(kind="card").value
    assert f"carol@example.com {carol_card} Busan — — — — —" in text


def test_staff_who_may_not_see_scores_get_no_score_columns(client_as, agent, shop):
    response = _list(client_as(agent), sort="-clv")
    text = page_text(response)
    assert "Silver 500" in text
    assert "Lifetime value" not in text
    assert "350,000" not in text
    assert _names(response) == ["Carol Park", "Bob Tanaka", "Alice Kim"]  # the sort is ignored: newest first


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("", ["Carol Park", "Bob Tanaka", "Alice Kim"]),
        ("name", ["Alice Kim", "Bob Tanaka", "Carol Park"]),
        ("-name", ["Carol Park", "Bob Tanaka", "Alice Kim"]),
        ("-joined", ["Carol Park", "Bob Tanaka", "Alice Kim"]),
        ("joined", ["Alice Kim", "Bob Tanaka", "Carol Park"]),
        # Customers without a value come last, whichever way the column is sorted.
        ("-tier", ["Alice Kim", "Bob Tanaka", "Carol Park"]),
        ("tier", ["Bob Tanaka", "Alice Kim", "Carol Park"]),
        ("-points", ["Alice Kim", "Bob Tanaka", "Carol Park"]),
        ("points", ["Bob Tanaka", "Alice Kim", "Carol Park"]),
        ("-last_purchase", ["Bob Tanaka", "Alice Kim", "Carol Park"]),
        ("last_purchase", ["Alice Kim", "Bob Tanaka", "Carol Park"]),
        ("-clv", ["Alice Kim", "Bob Tanaka", "Carol Park"]),
        ("clv", ["Bob Tanaka", "Alice Kim", "Carol Park"]),
        ("-churn", ["Bob Tanaka", "Alice Kim", "Carol Park"]),
        ("churn", ["Alice Kim", "Bob Tanaka", "Carol Park"]),
        ("nonsense", ["Carol Park", "Bob Tanaka", "Alice Kim"]),
    ],
)
def test_the_list_sorts_by_each_column(client_as, manager, shop, sort, names):
    assert _names(_list(client_as(manager), sort=sort)) == names


def test_a_heading_sorts_by_its_column_and_a_second_click_reverses(client_as, manager, shop):
    html = _list(client_as(manager), tier=shop["tiers"]["silver"].pk).content.decode()
    assert f'href="?tier={shop["tiers"]["silver"].pk}&amp;sort=-points"' in html
    sorted_html = _list(client_as(manager), sort="-points").content.decode()
    assert '<th aria-sort="descending"><a href="?sort=points">Points&nbsp;▼</a></th>' in sorted_html


def test_the_list_filters_by_tier_city_and_tag(client_as, manager, shop):
    client = client_as(manager)
    assert _names(_list(client, tier=shop["tiers"]["silver"].pk)) == ["Alice Kim"]
    assert _names(_list(client, tier=shop["tiers"]["gold"].pk)) == []
    assert _names(_list(client, city="busan")) == ["Carol Park"]
    assert _names(_list(client, tag="VIP")) == ["Bob Tanaka"]
    assert _names(_list(client, tier=shop["tiers"]["member"].pk, tag="vip", q="bob")) == ["Bob Tanaka"]


def test_a_filter_typed_wrong_is_left_out_and_the_others_still_apply(client_as, manager, shop):
    response = _list(client_as(manager), joined_from="yesterday", city="Busan", tier="999999")
    assert _names(response) == ["Carol Park"]


def test_the_filters_offer_the_tiers_cities_and_tags_that_exist(client_as, manager, shop):
    response = _list(client_as(manager))
    html = response.content.decode()
    assert '<optgroup label="Hanbit Club">' in html
    assert f'<option value="{shop["tiers"]["gold"].pk}">Gold</option>' in html
    assert '<input type="text" name="city" list="city-list" id="id_city">' in html
    cities = html[html.index('<datalist id="city-list">') :]
    assert cities.index('"Busan"') < cities.index('"Osaka"') < cities.index('"Seoul"')
    assert '<datalist id="tag-list"><option value="vip"></datalist>' in html


def test_the_program_picker_switches_the_tier_and_points_columns(client_as, manager, alice, shop):
    with time_machine.travel(TODAY - timedelta(days=1), tick=False):
        sora = program_make(code="sora")
        loyalty.program_save(code="sora", values={"name": "Sora Rewards"}, actor=None)
    purchase(sora, alice, "90000", "sora-1")
    client = client_as(manager)
    assert "Tier and points in Hanbit Club" in page_text(_list(client))
    text = page_text(_list(client, program="sora"))
    assert "Tier and points in Sora Rewards" in text
    assert "alice@example.com CARD-0001 Seoul portal — 90 " in text


def test_the_list_reads_its_columns_in_a_fixed_number_of_queries(client_as, manager, shop):
    client = client_as(manager)
    _list(client)  # the session and the permissions, once

    def queries_for_a_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            _list(client, sort="-points")
        return len(queries)

    few = queries_for_a_page()
    for number in range(30):
        member = member_create(actor=None, identities=[IdentityInput("email", f"m{number}@example.com")])
        purchase(shop["program"], member, "10000", f"m-{number}")
    assert queries_for_a_page() == few  # never one per row


# --- the export ---


def _export(client, **filters) -> list[list[str]]:
    response = client.post(reverse("console:customers_export"), filters)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")  # spreadsheets then read the names as UTF-8
    return list(csv.reader(io.StringIO(content[1:])))


def test_the_export_is_the_filtered_sorted_list_with_every_column(client_as, manager, shop):
    lines = _export(client_as(manager), sort="-points")
    assert lines[0] == [
        "Id",
        "Name",
        "E-mail",
        "Card number",
        "City",
        "Source",
        "Joined",
        "Status",
        "Tier in Hanbit Club",
        "Points in Hanbit Club",
        "Last purchase",
        "Lifetime value (KRW)",
        "Churn risk (%)",
    ]
    alice, bob, carol = (Member.objects.get(name=name) for name in ("Alice Kim", "Bob Tanaka", "Carol Park"))
    joined = alice.joined_at.date().isoformat()
    assert lines[1] == [
        str(alice.pk),
        "Alice Kim",
        "alice@example.com",
        "CARD-0001",
        "Seoul",
        "portal",
        joined,
        "Active",
        "Silver",
        "500",
        "2026-11-20",
        "350000.00",
        "10.0",
    ]
    assert lines[2][:2] == [str(bob.pk), "Bob Tanaka"]
    card = carol.identities.get(kind="card").value
    assert (
        lines[3][1:]
        == ["Carol Park", "carol@example.com", card, "Busan", "", lines[3][6], "Active"] + [""] * 5
    )
    assert len(lines) == 4


def test_the_export_takes_the_filters(client_as, manager, shop):
    lines = _export(client_as(manager), tier=shop["tiers"]["member"].pk)
    assert [line[1] for line in lines[1:]] == ["Bob Tanaka"]


def test_the_export_leaves_out_the_columns_the_exporter_may_not_see(client, shop):
    exporters = Group.objects.create(name="Exporters")
    exporters.permissions.add(
        *(Permission.objects.get(codename=name) for name in ("view_customers", "export_customers"))
    )
    clerk = staff_create(username="clerk", password=STAFF_PASSWORD, groups=["Exporters"])
    client.force_login(clerk)
    lines = _export(client, sort="-clv")
    assert lines[0][-1] == "Last purchase"
    assert [line[1] for line in lines[1:]] == ["Carol Park", "Bob Tanaka", "Alice Kim"]  # newest first
    assert lines[3][-2:] == ["Active", "2026-11-20"]  # Alice's file, her last purchase, no tier nor score


def test_every_export_is_in_the_audit_log_with_its_filters_and_size(client_as, manager, shop):
    _export(client_as(manager), city="Seoul", sort="name")
    entry = AuditEntry.objects.get(action="members.exported")
    assert entry.actor == manager
    assert entry.detail == {"rows": 1, "filters": {"city": "Seoul", "status": "active", "sort": "name"}}


def test_text_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(client_as, manager, shop):
    mallory = member_create(
        actor=None, identities=[], profile={"name": '=HYPERLINK("http://x.example","Hi")'}
    )
    lines = _export(client_as(manager), q=f"#{mallory.pk}")
    assert lines[1][1] == '\'=HYPERLINK("http://x.example","Hi")'


def test_the_list_offers_the_download_only_to_those_who_may_export(client_as, agent, manager, shop):
    assert "Download as CSV" in page_text(_list(client_as(manager)))
    assert "Download as CSV" not in page_text(_list(client_as(agent)))
    response = client_as(agent).post(reverse("console:customers_export"))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="members.exported").exists()


def test_a_download_while_searching_exports_what_the_search_shows(client_as, manager, shop):
    html = client_as(manager).get(
        reverse("console:customers"), {"q": "bob", "sort": "name"}, HTTP_HX_REQUEST="true"
    )
    form = html.content.decode()
    assert '<input type="hidden" name="q" value="bob">' in form
    assert '<input type="hidden" name="sort" value="name">' in form


def test_dates_in_the_export_are_the_businesss_days(client_as, manager, alice, shop, settings):
    business_set(time_zone="Asia/Seoul")
    Order.objects.create(
        member=alice,
        external_id="late",
        amount=Decimal(1000),
        currency="KRW",
        occurred_at=datetime(2026, 11, 25, 23, 30, tzinfo=UTC),
    )
    lines = _export(client_as(manager), q="alice")
    assert lines[1][10] == "2026-11-26"
