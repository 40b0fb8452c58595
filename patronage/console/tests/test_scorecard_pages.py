"""The scorecard pages: who sees whose card, the team meeting with its examples and slipped standards, pinning
a case, the score's weights, and the CSV and PDF exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from patronage.care.models import Case, CaseStatus, Team
from patronage.conftest import business_set
from patronage.core.models import User
from patronage.core.roles import Role
from patronage.core.services import staff_create
from patronage.members.models import Member
from patronage.standards.examples import example_pin
from patronage.standards.models import Example, ScoreWeights
from patronage.standards.services import MeasurementInput, measurements_add
from patronage.standards.tests.factories import rings_standard

from .case_setup import complaint
from .conftest import page_text

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)
CLOSED = datetime(2026, 11, 12, 5, tzinfo=UTC)
Login = Callable[[User], Any]  # a signed-in test client


@pytest.fixture(autouse=True)
def _november() -> Iterator[None]:
    business_set(name="Hanbit Store", time_zone="Asia/Seoul")
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def colleague(db: None) -> User:
    return staff_create(username="tom_agent", password="correct-horse-battery-9", groups=[Role.SERVICE_AGENT])


@pytest.fixture
def phones(agent: User, lead: User) -> Team:
    team = Team.objects.create(name="Phones", lead=lead)
    team.members.add(agent)
    return team


@pytest.fixture
def shop(colleague: User, lead_analyst: User) -> Team:
    team = Team.objects.create(name="Shop floor", lead=lead_analyst)
    team.members.add(colleague)
    return team


@pytest.fixture
def rated(alice: Member, agent: User, phones: Team) -> Case:
    """A complaint the agent closed this month, rated 4 by the customer."""
    case = complaint(alice)
    Case.objects.filter(pk=case.pk).update(
        assignee=agent,
        team=phones,
        status=CaseStatus.CLOSED,
        closed_at=CLOSED,
        satisfaction=4,
        satisfaction_at=CLOSED,
    )
    case.refresh_from_db()
    return case


def _url(name: str, *args: object, query: str = "") -> str:
    return reverse(f"console:{name}", args=args) + query


# --- who sees what ---------------------------------------------------------------------------------------


def test_an_agent_is_sent_to_their_own_card_and_sees_its_figures(
    client_as: Login, agent: User, rated: Case, shop: Team
) -> None:
    client = client_as(agent)

    response = client.get(_url("scorecards"), follow=True)

    assert response.redirect_chain[-1][0].startswith(_url("scorecard_person", agent.pk))
    text = page_text(response)
    assert "4.00 / 5" in text
    assert "from 1 answers" in text


def test_an_agent_is_refused_a_colleagues_card_and_the_team_meeting(
    client_as: Login, agent: User, colleague: User, phones: Team, shop: Team
) -> None:
    client = client_as(agent)

    assert client.get(_url("scorecard_person", colleague.pk)).status_code == 403
    assert client.get(_url("scorecard_meeting", phones.pk)).status_code == 403


def test_a_lead_sees_their_team_and_its_members_but_not_another_team(
    client_as: Login, lead: User, agent: User, colleague: User, phones: Team, shop: Team, rated: Case
) -> None:
    client = client_as(lead)

    text = page_text(client.get(_url("scorecards")))

    assert "Phones" in text
    assert "sam_agent" in text
    assert "Shop floor" not in text
    assert "tom_agent" not in text
    assert client.get(_url("scorecard_person", agent.pk)).status_code == 200
    assert client.get(_url("scorecard_person", colleague.pk)).status_code == 403
    assert client.get(_url("scorecard_meeting", phones.pk)).status_code == 200
    assert client.get(_url("scorecard_meeting", shop.pk)).status_code == 403


def test_an_administrator_sees_every_team(client_as: Login, admin: User, phones: Team, shop: Team) -> None:
    client = client_as(admin)

    text = page_text(client.get(_url("scorecards")))

    assert "Phones" in text
    assert "Shop floor" in text
    assert client.get(_url("scorecard_meeting", shop.pk)).status_code == 200


def test_someone_without_a_scorecard_is_refused_and_the_anonymous_sent_to_sign_in(
    client_as: Login, analyst: User, phones: Team
) -> None:
    assert client_as(analyst).get(_url("scorecards")).status_code == 403
    response = Client().get(_url("scorecard_meeting", phones.pk))
    assert response.status_code == 302
    assert reverse("console:login") in response["Location"]


def test_the_nav_links_scorecards_for_whoever_has_one(client_as: Login, agent: User, analyst: User) -> None:
    assert 'href="/console/scorecards/"' in client_as(agent).get(_url("cases")).content.decode()
    assert 'href="/console/scorecards/"' not in client_as(analyst).get(_url("customers")).content.decode()


def test_an_unreadable_period_is_said_on_the_picker_and_the_month_shown(
    client_as: Login, admin: User
) -> None:
    response = client_as(admin).get(_url("scorecards", query="?period=2026-13"))

    assert response.status_code == 400
    text = page_text(response)
    assert "give a month (2026-11)" in text
    assert "Scorecards 2026-11" in text


@pytest.mark.parametrize("text", ["0001-01", "9999-W52", "2026-02-30", "x" * 200])
def test_a_period_outside_the_calendar_is_refused_on_every_page(
    client_as: Login, admin: User, phones: Team, text: str
) -> None:
    client = client_as(admin)
    for url in (_url("scorecards"), _url("scorecard_person", admin.pk), _url("scorecard_meeting", phones.pk)):
        assert client.get(url, {"period": text}).status_code == 400
    assert client.get(_url("scorecards_pdf"), {"period": text}).status_code == 400


def test_the_calendars_last_month_is_shown(client_as: Login, admin: User, phones: Team) -> None:
    assert (
        client_as(admin).get(_url("scorecard_meeting", phones.pk), {"period": "2199-12"}).status_code == 200
    )


def test_a_week_can_be_chosen(client_as: Login, admin: User) -> None:
    assert "Scorecards 2026-W47" in page_text(client_as(admin).get(_url("scorecards", query="?kind=week")))


# --- the team meeting --------------------------------------------------------------------------------------


@pytest.fixture
def slipping(admin: User, phones: Team) -> None:
    """Phones answered 2 of 4 calls within 2 rings in November, one after 6 rings."""
    standard = rings_standard(actor=admin, code="rings")
    at = datetime(2026, 11, 5, 2, tzinfo=UTC)
    items = [MeasurementInput(value=v, at=at, employee="sam_agent", team="Phones") for v in (1, 2, 3, 6)]
    measurements_add(standard=standard, items=items, actor=admin)


def test_the_meeting_shows_the_pinned_examples_and_the_standards_that_slipped(
    client_as: Login, lead: User, rated: Case, phones: Team, slipping: None
) -> None:
    example_pin(kind="good", note="Called back within the hour", case=rated, actor=lead)

    text = page_text(client_as(lead).get(_url("scorecard_meeting", phones.pk)))

    assert "Called back within the hour" in text
    assert rated.reference in text
    assert "pinned by sol_lead" in text
    assert "Phone answered within 2 rings" in text
    assert "50.0%" in text


def test_a_month_without_them_says_so(
    client_as: Login, lead: User, rated: Case, phones: Team, slipping: None
) -> None:
    example_pin(kind="good", note="Called back", case=rated, actor=lead)

    text = page_text(client_as(lead).get(_url("scorecard_meeting", phones.pk, query="?period=2026-10")))

    assert "No example pinned for this period" in text
    assert "No standard slipped" in text


def test_a_lead_unpins_an_example_of_their_team_but_not_of_another(
    client_as: Login, lead: User, lead_analyst: User, rated: Case
) -> None:
    example = example_pin(kind="bad", note="No apology", case=rated, actor=lead)

    assert client_as(lead_analyst).post(_url("scorecard_unpin", example.pk)).status_code == 403
    assert Example.objects.exists()
    assert client_as(lead).post(_url("scorecard_unpin", example.pk)).status_code == 302
    assert not Example.objects.exists()


# --- pinning from the case page ------------------------------------------------------------------------------


def test_the_case_page_offers_the_pin_form_to_the_teams_lead_only(
    client_as: Login, lead: User, lead_analyst: User, rated: Case
) -> None:
    assert "pin-form" in client_as(lead).get(_url("case", rated.reference)).content.decode()
    assert "pin-form" not in client_as(lead_analyst).get(_url("case", rated.reference)).content.decode()


def test_a_lead_pins_a_case_of_their_team(client_as: Login, lead: User, rated: Case) -> None:
    response = client_as(lead).post(
        _url("scorecard_pin"), {"case": rated.reference, "kind": "good", "note": "Kind words"}
    )

    assert response.status_code == 302
    assert Example.objects.get().note == "Kind words"


def test_the_pin_form_refuses_someone_without_the_right(
    client_as: Login, agent: User, lead_analyst: User, rated: Case
) -> None:
    data = {"case": rated.reference, "kind": "good", "note": "Kind words"}

    assert client_as(agent).post(_url("scorecard_pin"), data).status_code == 403
    assert client_as(lead_analyst).post(_url("scorecard_pin"), data).status_code == 403
    assert not Example.objects.exists()


def test_a_pin_without_a_note_is_shown_again_with_the_error_on_the_note(
    client_as: Login, lead: User, rated: Case
) -> None:
    response = client_as(lead).post(
        _url("scorecard_pin"), {"case": rated.reference, "kind": "bad", "note": " "}
    )

    assert response.status_code == 422
    assert 'class="field has-error"><label for="id_note"' in response.content.decode()
    assert not Example.objects.exists()


# --- the weights ---------------------------------------------------------------------------------------------


def test_an_administrator_sets_the_weights(client_as: Login, admin: User) -> None:
    data = {"satisfaction": 50, "sla": 10, "standards": 30, "recovery": 10}

    assert client_as(admin).post(_url("scorecard_weights"), data).status_code == 302
    assert ScoreWeights.objects.get().standards == 30


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"satisfaction": 50, "sla": 101, "standards": 0, "recovery": 0}, "sla"),
        ({"satisfaction": 0, "sla": 0, "standards": 0, "recovery": 0}, "satisfaction"),
        ({"satisfaction": 50, "sla": "many", "standards": 0, "recovery": 0}, "sla"),
    ],
)
def test_weights_refused_name_the_field(client_as: Login, admin: User, data: dict, field: str) -> None:
    response = client_as(admin).post(_url("scorecard_weights"), data)

    assert response.status_code in (400, 422)
    assert f'class="field has-error"><label for="id_{field}"' in response.content.decode()


def test_only_an_administrator_sets_the_weights(client_as: Login, lead: User) -> None:
    assert client_as(lead).get(_url("scorecard_weights")).status_code == 403


# --- exports -------------------------------------------------------------------------------------------------


def _csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))


def test_the_csv_holds_what_the_viewer_may_see(
    client_as: Login, admin: User, agent: User, rated: Case, shop: Team
) -> None:
    every = _csv(client_as(admin).get(_url("scorecards_csv", query="?period=2026-11")))
    own = _csv(client_as(agent).get(_url("scorecards_csv", query="?period=2026-11")))

    assert {(row["team"], row["username"]) for row in every} == {
        ("Phones", ""),
        ("Phones", "sam_agent"),
        ("Shop floor", ""),
        ("Shop floor", "tom_agent"),
    }
    assert [row["username"] for row in own] == ["sam_agent"]
    assert (own[0]["satisfaction_value"], own[0]["satisfaction_count"]) == ("4.0", "1")


def test_an_export_of_a_team_the_viewer_may_not_see_is_refused(
    client_as: Login, lead: User, agent: User, phones: Team, shop: Team
) -> None:
    assert client_as(lead).get(_url("scorecards_csv", query=f"?team={shop.pk}")).status_code == 403
    assert client_as(agent).get(_url("scorecards_pdf", query=f"?team={phones.pk}")).status_code == 403
    assert client_as(lead).get(_url("scorecards_csv", query="?period=soon")).status_code == 400


@pytest.mark.parametrize(
    ("language", "fonts"), [("ko", [b"HYSMyeongJo-Medium"]), ("en", [b"Helvetica", b"HYSMyeongJo-Medium"])]
)
def test_the_pdf_prints_a_korean_name_in_a_korean_font(
    client_as: Login, admin: User, agent: User, phones: Team, language: str, fonts: list[bytes]
) -> None:
    User.objects.filter(pk=agent.pk).update(first_name="민지", last_name="김")
    client = client_as(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get(_url("scorecards_pdf", query=f"?period=2026-11&team={phones.pk}"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert all(font in response.content for font in fonts)
