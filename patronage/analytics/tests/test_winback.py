"""Win-back: the valuable customers at risk, ranked by the value at risk (lifetime value × churn risk)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from patronage.analytics.models import AnalysisKind
from patronage.analytics.tests.test_segments_hooks import scored
from patronage.analytics.winback import winback_candidates
from patronage.conftest import console_sign_in
from patronage.members.services import IdentityInput, member_create
from patronage.segments.models import SegmentKind, SegmentMember


def test_the_ranking_is_by_value_at_risk_and_leaves_out_the_safe(alice, bob) -> None:
    carol = member_create(actor=None, identities=[IdentityInput("email", "carol@example.com")], source="api")
    scored(AnalysisKind.CLV, clv={alice.pk: 1_000_000.0, bob.pk: 300_000.0, carol.pk: 2_000_000.0})
    scored(AnalysisKind.CHURN, churn_risk={alice.pk: 0.6, bob.pk: 0.95, carol.pk: 0.2})

    ranking = winback_candidates(min_risk=0.5)

    # Alice: 1,000,000 × 0.6 = 600,000 at risk; Bob: 300,000 × 0.95 = 285,000; Carol is safe (0.2).
    assert [(c.member_id, round(c.value_at_risk)) for c in ranking] == [
        (alice.pk, 600_000),
        (bob.pk, 285_000),
    ]
    assert winback_candidates(limit=1, min_risk=0.5)[0].member_id == alice.pk


def test_nothing_is_ranked_before_both_analyses_have_run(alice) -> None:
    scored(AnalysisKind.CHURN, churn_risk={alice.pk: 0.9})
    assert winback_candidates() == []


def test_a_marketer_makes_the_win_back_list_and_is_taken_to_a_campaign_for_it(client_as, manager, alice, bob):
    scored(AnalysisKind.CLV, clv={alice.pk: 1_000_000.0, bob.pk: 300_000.0})
    scored(AnalysisKind.CHURN, churn_risk={alice.pk: 0.6, bob.pk: 0.3})
    client = client_as(manager)
    url = reverse("console:campaign_winback")

    page = client.get(url, {"limit": 10, "min_risk": 50})
    assert page.status_code == 200
    assert "Alice Kim" in page.content.decode()
    assert "Bob Tanaka" not in page.content.decode()

    made = client.post(url, {"limit": 10, "min_risk": 50})

    assert made.status_code == 302
    assert made["Location"] == f"{reverse('console:campaign_new')}?segment=win-back&goal=purchase"
    kept = SegmentMember.objects.filter(segment__code="win-back", segment__kind=SegmentKind.STATIC)
    assert list(kept.values_list("member_id", flat=True)) == [alice.pk]
    form = client.get(made["Location"]).content.decode()
    assert '<option value="win-back" selected>' in form


def test_a_churn_risk_out_of_bounds_is_refused_on_its_field(client_as, manager):
    response = client_as(manager).post(reverse("console:campaign_winback"), {"limit": 10, "min_risk": 150})
    assert response.status_code == 400
    assert "min_risk" in response.content.decode()
    assert not SegmentMember.objects.exists()


def test_only_staff_who_send_campaigns_open_the_win_back_page(client, client_as, analyst, agent, alice):
    url = reverse("console:campaign_winback")
    assert client.get(url).status_code == 302
    for user in (analyst, agent, alice.user):
        assert client_as(user).get(url).status_code == 403
        assert client_as(user).post(url, {"limit": 10, "min_risk": 50}).status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_marketer_reads_the_ranking_and_writes_the_win_back_campaign_in_chromium(
    browser_page, screenshot, manager, alice, bob
):
    scored(AnalysisKind.CLV, clv={alice.pk: 1_250_000.0, bob.pk: 480_000.0})
    scored(AnalysisKind.CHURN, churn_risk={alice.pk: 0.72, bob.pk: 0.91})
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, manager)
    page.goto("/console/campaigns/")
    page.click("#winback")
    ranking = page.locator("#winback-ranking")
    expect(ranking.locator("tbody tr").first).to_contain_text("Alice Kim")  # 900,000 at risk before 436,800
    expect(page.locator("#winback-totals")).to_contain_text("1,336,800")
    screenshot(page, "campaigns-winback")

    page.click("#winback-make button")
    page.wait_for_url("**/console/campaigns/new/**")
    expect(page.locator("select[name=segment]")).to_have_value("win-back")
