"""The scorecards endpoint as an HR system reads it: a month's cards for each team, the figures as the
console shows them, and who may read them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from patronage.care.models import Case, LegKind, SlaLeg, Team
from patronage.conftest import business_set
from patronage.core.models import User
from patronage.core.roles import Role
from patronage.core.services import staff_create

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOVEMBER_10 = datetime(2026, 11, 10, 12, tzinfo=SEOUL)


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def _rated(assignee: User, rating: int, reference: str, *, team: Team | None = None) -> Case:
    return Case.objects.create(
        reference=reference,
        channel="phone",
        summary="A call about a late delivery",
        assignee=assignee,
        team=team,
        satisfaction=rating,
        satisfaction_at=NOVEMBER_10,
        created_at=NOVEMBER_10,
        updated_at=NOVEMBER_10,
    )


@pytest.fixture
def teams(lead: User, agent: User) -> dict[str, Any]:
    """Phones (led by sol_lead: sam_agent rated 4 and 2, one SLA leg met) and Stores (another lead's)."""
    business_set(time_zone="Asia/Seoul")
    phones = Team.objects.create(name="Phones", lead=lead)
    phones.members.add(agent)
    other_lead = staff_create(
        username="oli_lead", password="correct-horse-battery-9", groups=[Role.SERVICE_LEAD]
    )
    stores = Team.objects.create(name="Stores", lead=other_lead)
    sue = staff_create(username="sue_agent", password="correct-horse-battery-9", groups=[Role.SERVICE_AGENT])
    stores.members.add(sue)
    case = _rated(agent, 4, "T-1")
    _rated(agent, 2, "T-2")
    _rated(sue, 5, "T-3")
    SlaLeg.objects.create(
        case=case, kind=LegKind.FIRST_RESPONSE, started_at=NOVEMBER_10, target_seconds=60, met_at=NOVEMBER_10
    )
    return {"phones": phones, "stores": stores, "sue": sue}


@pytest.fixture
def reader(api_client: Callable[..., Client]) -> Client:
    return api_client("standards:read")


def _card(body: dict[str, Any], team: str, username: str | None) -> dict[str, Any]:
    return next(
        card
        for card in body["cards"]
        if card["team"] == team and (card["user"] or {}).get("username") == username
    )


def test_it_returns_a_teams_card_and_its_members_with_their_figures(reader: Client, teams) -> None:
    response = reader.get("/api/v1/scorecards", {"period": "2026-11", "team": "Phones"})

    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["kind"], body["start"], body["end"]) == (
        "2026-11",
        "month",
        "2026-11-01",
        "2026-12-01",
    )
    assert body["weights"] == {"satisfaction": 40, "sla": 20, "standards": 20, "recovery": 20}
    assert [(card["team"], card["user"]) for card in body["cards"]] == [
        ("Phones", None),
        ("Phones", {"username": "sam_agent", "name": ""}),
    ]
    sam = _card(body, "Phones", "sam_agent")
    assert sam["satisfaction"] == {
        "value": 3.0,
        "count": 2,
        "trend": [None, None, None, None, None, 3.0],
        "rank": 1,
        "ranked": 1,
        "baseline": None,
    }
    assert (sam["sla"]["value"], sam["sla"]["count"]) == (1.0, 1)
    assert sam["recovery"]["value"] is None
    # (40 × (3 - 1) / 4 + 20 × 1) / 60
    assert sam["overall"] == pytest.approx(100 * 40 / 60)


def test_without_a_team_it_returns_every_team(reader: Client, teams) -> None:
    body = reader.get("/api/v1/scorecards", {"period": "2026-W46"}).json()

    assert body["period"] == "2026-W46"
    assert [card["team"] for card in body["cards"]] == ["Phones", "Phones", "Stores", "Stores"]
    assert _card(body, "Stores", "sue_agent")["satisfaction"]["value"] == 5.0


def test_without_a_period_it_reads_the_current_month(reader: Client, teams) -> None:
    with time_machine.travel(datetime(2026, 11, 30, 20, tzinfo=ZoneInfo("UTC")), tick=False):
        body = reader.get("/api/v1/scorecards").json()
    # 30 November 20:00 UTC is December in Seoul.
    assert body["period"] == "2026-12"


@pytest.mark.parametrize("period", ["2026-13", "2025-W53", "2026-02-30", "November"])
def test_a_period_that_is_none_is_refused_naming_period(reader: Client, teams, period: str) -> None:
    response = reader.get("/api/v1/scorecards", {"period": period})

    assert response.status_code == 422
    assert fields(response) == ["period"]


def test_an_unknown_team_is_not_found_naming_team(reader: Client, teams) -> None:
    response = reader.get("/api/v1/scorecards", {"team": "Nobody"})

    assert response.status_code == 404
    assert fields(response) == ["team"]


def test_a_key_without_the_scope_is_refused(api_client: Callable[..., Client], teams) -> None:
    assert Client().get("/api/v1/scorecards").status_code == 401
    assert api_client("care:read", "standards:write").get("/api/v1/scorecards").status_code == 403


def test_an_agent_reads_no_team_cards(client_as, agent: User, teams) -> None:
    assert client_as(agent).get("/api/v1/scorecards").status_code == 403


def test_a_lead_reads_only_the_teams_they_lead(client_as, lead: User, teams) -> None:
    client = client_as(lead)

    body = client.get("/api/v1/scorecards", {"period": "2026-11"}).json()

    assert {card["team"] for card in body["cards"]} == {"Phones"}
    # Another team is as unknown to them as a team that is not there.
    assert client.get("/api/v1/scorecards", {"team": "Stores"}).status_code == 404


def test_an_administrator_reads_every_team(client_as, admin: User, teams) -> None:
    body = client_as(admin).get("/api/v1/scorecards", {"period": "2026-11"}).json()

    assert {card["team"] for card in body["cards"]} == {"Phones", "Stores"}
