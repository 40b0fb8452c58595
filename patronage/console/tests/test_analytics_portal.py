"""A member's analytics scores are for staff: none of them appears on the member's own portal pages."""

from __future__ import annotations

from datetime import UTC, datetime

from django.urls import reverse

from patronage.analytics.models import AnalysisRun, CustomerScore, RunStatus

PORTAL_PAGES = [
    "portal:home",
    "portal:profile",
    "portal:consents",
    "portal:data",
    "portal:points",
    "portal:benefits",
    "portal:rewards",
    "portal:card",
]
# Values no page would show by chance.
CLV, RISK, LOYALTY = 7654321.25, 0.8765, 43.21
SHOWN = (
    "7654321",
    "7,654,321",
    "87.65",
    "0.8765",
    "43.21",
    "0.4321",
    "43.2%",
    "Can&#x27;t lose them",
    "Can't lose them",
    "churn",
    "lifetime value",
    "deal_seeker",
    "recency_days",
)


def test_alices_portal_pages_show_none_of_her_scores(alice, client_as):
    when = datetime(2025, 1, 1, tzinfo=UTC)
    run = AnalysisRun.objects.create(
        kind="clv",
        status=RunStatus.DONE,
        window_end=when,
        created_at=when,
        finished_at=when,
        result={"top": []},
    )
    CustomerScore.objects.create(
        run=run,
        member=alice,
        clv=CLV,
        p_alive=0.4321,
        churn_risk=RISK,
        churn_reasons=["recency_days"],
        loyalty_index=LOYALTY,
        rfm_segment="Can't lose them",
        deal_seeker=True,
    )
    client = client_as(alice.user)

    responses = {name: client.get(reverse(name), follow=True) for name in PORTAL_PAGES}
    # The personal-data download holds everything the business keeps about her file, and no scores.
    responses["portal:data_download"] = client.post(reverse("portal:data_download"))

    for name, response in responses.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        for shown in SHOWN:
            assert shown not in text, (name, shown)
