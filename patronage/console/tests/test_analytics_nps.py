"""Repurchase and churn by NPS group where loyalty analytics are read: the loyalty page's table and the
analytics API's /nps-groups, for those who may see the loyalty analysis, whether or not it has run."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from patronage.analytics.tests.nps_setup import NOW, nps_planted

from .conftest import page_text

pytestmark = pytest.mark.django_db


def _row(html: str, group: str) -> str:
    row = re.search(rf'<tr id="nps-group-{group}">(.*?)</tr>', html, re.S)
    assert row is not None, group
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row[1])).strip()


def test_the_loyalty_page_shows_repurchase_and_observed_churn_by_nps_group(client_as, admin, manager):
    nps_planted(admin)

    with time_machine.travel(NOW, tick=False):
        response = client_as(manager).get(reverse("console:analytics_loyalty"))

    assert response.status_code == 200
    html = response.content.decode()
    # Promoters: 3 customers; 1 of the 2 whose 90 days have ended bought again; 2 of 3 bought nothing lately.
    assert _row(html, "promoter").startswith("Promoters (9-10) 3 50.0% (1 / 2)")
    assert "66.7% (2 / 3)" in _row(html, "promoter")
    assert _row(html, "detractor").startswith("Detractors (0-6) 1 0.0% (0 / 1)")
    text = page_text(response)
    assert "Churned: no purchase in the last 90 days" in text
    assert "This analysis has not been computed yet" in text  # the table does not wait for a loyalty run


def test_before_any_nps_answer_the_table_says_so(client_as, manager):
    response = client_as(manager).get(reverse("console:analytics_loyalty"))

    assert "No customer has answered an NPS question yet." in page_text(response)
    assert 'id="nps-group-promoter"' not in response.content.decode()


def test_the_api_gives_the_same_groups(api_client, admin):
    nps_planted(admin)

    with time_machine.travel(NOW, tick=False):
        outcomes = api_client("analytics").get("/api/v1/analytics/nps-groups").json()

    assert (outcomes["churn_method"], outcomes["churn_run"], outcomes["churn_days"]) == ("observed", None, 90)
    promoters = outcomes["groups"][0]
    assert (promoters["group"], promoters["customers"]) == ("promoter", 3)
    assert {key: promoters["repurchase"][key] for key in ("count", "of", "value")} == {
        "count": 1,
        "of": 2,
        "value": 0.5,
    }
    assert promoters["repurchase"]["low"] < 0.5 < promoters["repurchase"]["high"]


def test_a_service_lead_who_may_not_see_the_loyalty_analysis_is_refused(client_as, lead):
    assert client_as(lead).get(reverse("console:analytics_loyalty")).status_code == 403
    refused = client_as(lead).get("/api/v1/analytics/nps-groups")
    assert refused.status_code == 403
    assert "view_customer_analyses" in refused.json()["detail"]
