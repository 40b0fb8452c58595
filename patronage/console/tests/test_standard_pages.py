"""The standards pages: a service lead defines a standard in two languages and types a measurement on the
business's clock; the list judges each standard's last complete week (met, slipped, breached); a standard's
page shows its figures per period and per employee, team and store, and says when the process moved. An
agent reads it all and changes nothing; nobody without the right to see standards sees any of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.http import HttpResponse
from django.urls import reverse

from patronage.care.models import Team
from patronage.conftest import STAFF_PASSWORD, business_set
from patronage.core.models import User
from patronage.core.roles import Role
from patronage.core.services import staff_create
from patronage.standards.models import Measurement, Standard
from patronage.standards.services import MeasurementInput, StandardInput, measurements_add, standard_create

from .conftest import page_text

pytestmark = pytest.mark.django_db

# Wednesday 18 November 2026, noon in Seoul: the last complete week began on Monday 9 November.
NOW = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _seoul_now() -> Any:
    business_set(time_zone="Asia/Seoul", languages=["en", "ko"])
    with time_machine.travel(NOW, tick=False):
        yield


def _in_last_week(day: int = 10, hour: int = 3) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def _standard(code: str, **fields: Any) -> Standard:
    data = {
        "code": code,
        "name": "Phone answered within 2 rings",
        "unit": "rings",
        "direction": "lower",
        "target": 2,
        "minimum": 4,
        "target_share": 0.95,
        **fields,
    }
    return standard_create(data=StandardInput(**data), actor=None)


def _measure(standard: Standard, values: list[float], **fields: Any) -> None:
    at = fields.pop("at", _in_last_week())
    items = [MeasurementInput(value=value, at=at, **fields) for value in values]
    measurements_add(standard=standard, items=items, actor=None)


@pytest.fixture
def rings(agent: User, lead: User) -> Standard:
    """Last week: the agent's calls rang 1 and 5 times, the lead's 1 and 2; three of four within 2 rings and
    one past the minimum of 4."""
    team = Team.objects.create(name="Front desk")
    standard = _standard("phone-rings", name_translations={"ko": "전화 2번 울리기 전에 받기"})
    _measure(standard, [1, 5], employee=agent.username, team=team.name)
    _measure(standard, [1, 2], employee=lead.username)
    return standard


@pytest.fixture
def account_manager(db: None) -> User:
    return staff_create(
        username="kim_accounts",
        password=STAFF_PASSWORD,
        groups=[Role.ACCOUNT_MANAGER],
        email="kim@example.com",
    )


_CONTROL = re.compile(r"<(?:input|select|textarea)\b[^>]*>")


def _marked_invalid(html: str, name: str) -> bool:
    """Whether the page marks the input `name` as wrong, as a screen reader tells it."""
    return any(f'name="{name}"' in tag and 'aria-invalid="true"' in tag for tag in _CONTROL.findall(html))


# --- who may open what -------------------------------------------------------------------------------------


def _pages(standard: Standard) -> dict[str, tuple[str, str]]:
    return {
        "list": ("get", reverse("console:standard_list")),
        "page": ("get", reverse("console:standard_detail", args=[standard.pk])),
        "new": ("get", reverse("console:standard_new")),
        "edit": ("get", reverse("console:standard_edit", args=[standard.pk])),
        "retire": ("post", reverse("console:standard_retire", args=[standard.pk])),
        "measurement": ("get", reverse("console:standard_measurement_new", args=[standard.pk])),
    }


def test_anonymous_visitors_are_sent_to_the_console_login(client, rings):
    for method, url in _pages(rings).values():
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("console:login"))


def test_members_and_staff_without_the_right_to_see_standards_are_refused(
    client_as, rings, alice, account_manager
):
    for user in (alice.user, account_manager):
        client = client_as(user)
        for method, url in _pages(rings).values():
            assert getattr(client, method)(url).status_code == 403, url


def test_an_agent_reads_the_standards_but_changes_nothing(client_as, rings, agent):
    client = client_as(agent)
    pages = _pages(rings)
    for name in ("list", "page"):
        assert client.get(pages[name][1]).status_code == 200
    for name in ("new", "edit", "measurement"):
        assert client.get(pages[name][1]).status_code == 403
    assert client.post(pages["retire"][1], {"active": "0"}).status_code == 403
    assert client.post(pages["measurement"][1], {"value": "1", "at": "2026-11-18T09:00"}).status_code == 403
    assert Standard.objects.get(pk=rings.pk).active
    assert Measurement.objects.filter(standard=rings).count() == 4
    text = page_text(client.get(pages["page"][1]))
    assert "Enter a measurement" not in text
    assert "Edit" not in text


def test_the_nav_links_the_standards_for_those_who_may_see_them(client_as, agent, account_manager):
    assert 'href="/console/standards/"' in client_as(agent).get(reverse("console:home")).content.decode()
    for_account_manager = client_as(account_manager).get(reverse("console:cases")).content.decode()
    assert 'href="/console/standards/"' not in for_account_manager


def test_an_unknown_standard_is_not_found(client_as, lead):
    client = client_as(lead)
    assert client.get(reverse("console:standard_detail", args=[999])).status_code == 404
    assert client.get(reverse("console:standard_measurement_new", args=[999])).status_code == 404


# --- defining a standard -----------------------------------------------------------------------------------


def _form(**fields: str) -> dict[str, str]:
    return {
        "code": "phone-rings",
        "name": "Phone answered within 2 rings",
        "name_in_ko": "전화 2번 울리기 전에 받기",
        "unit": "rings",
        "unit_in_ko": "번",
        "direction": "lower",
        "target": "2",
        "minimum": "4",
        "target_share": "95",
        "source": "measured",
        "period": "week",
        "channel": "phone",
        "team": "",
        "store": "",
        "owner": "",
        **fields,
    }


def test_a_lead_defines_a_standard_in_two_languages_with_its_share_as_a_percent(client_as, lead):
    Team.objects.create(name="Front desk")
    response = client_as(lead).post(
        reverse("console:standard_new"), _form(team="Front desk", owner=lead.username)
    )
    standard = Standard.objects.get(code="phone-rings")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:standard_detail", args=[standard.pk])
    assert standard.target_share == pytest.approx(0.95)
    assert standard.name_translations == {"ko": "전화 2번 울리기 전에 받기"}
    assert standard.unit_translations == {"ko": "번"}
    assert (standard.channel, standard.team.name, standard.owner) == ("phone", "Front desk", lead)
    text = page_text(client_as(lead).get(response["Location"]))
    assert "≤ 2 rings for 95%, never more than 4" in text
    assert "Phone · Front desk" in text


def test_each_refused_value_is_named_on_its_field(client_as, lead, rings):
    client = client_as(lead)
    cases = [
        ({"minimum": "1"}, "minimum", "the minimum cannot be lower than the target"),
        ({"code": "phone-rings"}, "code", "a standard with the code"),
        ({"code": "Phone Rings!"}, "code", "lower-case letters"),
        ({"target_share": "0"}, "target_share", "Ensure this value is greater than or equal to 0.01"),
        ({"target_share": "120"}, "target_share", "less than or equal to 100"),
        ({"name": ""}, "name", "This field is required"),
        ({"target": "1e308"}, "target", "less than or equal to"),
    ]
    for fields, field, words in cases:
        response = client.post(reverse("console:standard_new"), _form(**{"code": "new-one", **fields}))
        assert response.status_code >= 400, fields
        assert _marked_invalid(response.content.decode(), field), fields
        assert words in page_text(response), fields
    assert Standard.objects.count() == 1


def test_a_lead_edits_a_standard_but_not_its_code_or_source(client_as, lead, rings):
    url = reverse("console:standard_edit", args=[rings.pk])
    response = client_as(lead).post(url, _form(code="other", source="resolution", target="3", minimum="6"))
    assert response.status_code == 302
    rings.refresh_from_db()
    assert (rings.code, rings.source, rings.target, rings.minimum) == ("phone-rings", "measured", 3, 6)


def test_a_lead_retires_a_standard_and_restores_it(client_as, lead, rings):
    client = client_as(lead)
    url = reverse("console:standard_retire", args=[rings.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    assert not Standard.objects.get(pk=rings.pk).active
    assert f"standard-{rings.pk}" not in client.get(reverse("console:standard_list")).content.decode()
    shown = page_text(client.get(reverse("console:standard_list") + "?retired=1"))
    assert "Phone answered within 2 rings" in shown
    assert "retired" in shown
    client.post(url, {"active": "1"})
    assert Standard.objects.get(pk=rings.pk).active


# --- the list ----------------------------------------------------------------------------------------------


def _card(html: str, standard: Standard) -> str:
    start = html.index(f'id="standard-{standard.pk}"')
    return page_text(HttpResponse(html[start : html.index("</section>", start)]))


def test_the_list_judges_each_standards_last_complete_week(client_as, agent, rings):
    greeting = _standard(
        "greeting", name="Visitor greeted", unit="seconds", target=30, minimum=120, target_share=0.8
    )
    _measure(greeting, [10, 20, 40])  # two of three: under 80%, none past 120 seconds
    rating = _standard(
        "rating",
        name="Greeting rated",
        unit="points",
        direction="higher",
        target=4,
        minimum=2,
        target_share=0.5,
    )
    _measure(rating, [5, 4, 3])
    _measure(rating, [1], at=NOW)  # this week's, still running: not judged yet
    quiet = _standard("quiet", name="Till wait", unit="minutes", target=3, minimum=10)
    html = client_as(agent).get(reverse("console:standard_list")).content.decode()
    assert "75.0% met the target (wanted: 95%); 25.0% past the minimum; 4 measured" in _card(html, rings)
    assert "breached" in _card(html, rings)
    assert "slipped" in _card(html, greeting)
    assert "66.7% met the target" in _card(html, greeting)
    rated = _card(html, rating)
    assert " met " in f" {rated} "
    assert "≥ 4 points for 50%, never less than 2" in rated
    assert "nothing measured" in _card(html, quiet)
    assert f'data-chart="standard-{rings.pk}-glance"' in html
    assert 'href="/console/standards/upload/"' not in html  # an agent adds no measurements


def test_the_list_shows_names_in_the_readers_language_and_the_upload_to_a_lead(client_as, lead, rings):
    client = client_as(lead)
    html = client.get(reverse("console:standard_list"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "전화 2번 울리기 전에 받기" in html
    assert 'href="/console/standards/upload/"' in html


# --- a standard's page -------------------------------------------------------------------------------------


def test_a_standards_page_shows_each_employee_and_team_worst_first(client_as, agent, lead, rings):
    response = client_as(agent).get(reverse("console:standard_detail", args=[rings.pk]))
    text = page_text(response)
    assert "By employee, team and store: the week of Nov 9, 2026" in text
    # The agent: 1 and 5 rings, half within 2, half past 4; median 3, p90 1 + 0.9 × 4. The lead: 1 and 2.
    agent_row = "sam_agent 2 50.0% 50.0% 3 4.6"
    lead_row = "sol_lead 2 100.0% 0.0% 1.5 1.9"
    assert agent_row in text
    assert lead_row in text
    assert text.index(agent_row) < text.index(lead_row)
    assert "Front desk 2 50.0% 50.0% 3 4.6" in text
    assert "not named 2 100.0% 0.0% 1.5 1.9" in text
    assert "the week of Nov 9, 2026 4 75.0% 25.0% 1.5 4.1" in text
    for chart_id in ("standard-distribution", "standard-trend", "standard-control"):
        assert f'data-chart="{chart_id}"' in response.content.decode()


def test_the_period_kind_and_range_are_chosen_and_bad_ones_named(client_as, agent, rings):
    client = client_as(agent)
    url = reverse("console:standard_detail", args=[rings.pk])
    text = page_text(client.get(url, {"period": "month", "count": "3"}))
    assert "From September 2026 to November 2026" in text
    response = client.get(url, {"period": "day", "count": "100000"})
    assert response.status_code == 200
    assert _marked_invalid(response.content.decode(), "count")
    assert "From Nov 7, 2026 to Nov 18, 2026" in page_text(response)  # the last 12 days instead


def test_the_page_says_in_which_week_the_process_moved(client_as, agent):
    calls = _standard("calls", target_share=0.8)
    for weeks_ago in range(1, 12):  # all ten or eight of ten calls within 2 rings, week about...
        values = [1] * 10 if weeks_ago % 2 else [1] * 8 + [3] * 2
        _measure(calls, values, at=NOW - timedelta(weeks=weeks_ago))
    _measure(calls, [3] * 10, at=NOW)  # ... and none this week
    text = page_text(client_as(agent).get(reverse("console:standard_detail", args=[calls.pk])))
    assert "The process moved in the week of Nov 16, 2026." in text


def test_the_latest_measurements_are_listed_on_the_business_clock(client_as, agent, rings):
    text = page_text(client_as(agent).get(reverse("console:standard_detail", args=[rings.pk])))
    assert "5 Nov 10, 2026, 12:00 PM sam_agent Front desk —" in text


# --- a measurement typed by hand ---------------------------------------------------------------------------


def test_a_lead_enters_a_measurement_on_the_business_clock(client_as, lead, agent, rings):
    client = client_as(lead)
    url = reverse("console:standard_measurement_new", args=[rings.pk])
    assert 'value="2026-11-18T12:00"' in client.get(url).content.decode()
    form = {"value": "3", "at": "2026-11-18T09:30", "employee": agent.username, "external_id": "call-7"}
    response = client.post(url, form)
    assert response.status_code == 302
    entered = Measurement.objects.get(external_id="call-7")
    assert (entered.value, entered.at, entered.employee) == (
        3,
        datetime(2026, 11, 18, 0, 30, tzinfo=UTC),
        agent,
    )
    again = client.post(url, form, follow=True)
    assert "nothing changed" in page_text(again)
    assert Measurement.objects.filter(external_id="call-7").count() == 1


def test_a_bad_measurement_is_named_on_its_field(client_as, lead, rings):
    client = client_as(lead)
    url = reverse("console:standard_measurement_new", args=[rings.pk])
    for fields, name in (
        ({"value": "many"}, "value"),
        ({"at": ""}, "at"),
        ({"external_id": "x" * 101}, "external_id"),
    ):
        response = client.post(url, {"value": "1", "at": "2026-11-18T09:30", **fields})
        assert response.status_code == 400
        assert _marked_invalid(response.content.decode(), name), fields
    assert Measurement.objects.filter(standard=rings).count() == 4


def test_a_standard_read_from_cases_takes_no_measurement_by_hand(client_as, lead):
    derived = _standard("first-reply", source="first_response", unit="minutes", target=60, minimum=240)
    url = reverse("console:standard_measurement_new", args=[derived.pk])
    assert client_as(lead).get(url).status_code == 404
    page = page_text(client_as(lead).get(reverse("console:standard_detail", args=[derived.pk])))
    assert "Enter a measurement" not in page
