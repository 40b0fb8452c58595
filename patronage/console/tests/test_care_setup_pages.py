"""The service desk's set-up pages: SLA policies and calendars for a service lead, categories, root causes and
teams; who may open them, and what a lead sees and changes."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patronage.care import setup
from patronage.care.models import BusinessCalendar, Category, RootCause, SlaPolicy, Team
from patronage.conftest import business_set
from patronage.core.models import User

from .conftest import page_text

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
WEEKDAYS_9_TO_6 = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
SEOUL_OFFICE = {"timezone": "Asia/Seoul", "hours": WEEKDAYS_9_TO_6}


def _calendar(name: str = "Seoul office", document: dict[str, Any] | None = None) -> BusinessCalendar:
    return setup.calendar_save(data=setup.CalendarInput(name, document or SEOUL_OFFICE), actor=None)


def _default() -> SlaPolicy:
    return SlaPolicy.objects.get(is_default=True)


@pytest.fixture
def targets(lead: User) -> dict[str, Any]:
    return {
        "policy": setup.policy_save(data=setup.PolicyInput("Phone", channels=["phone"]), actor=lead),
        "calendar": _calendar(),
        "category": setup.category_save(data=setup.CategoryInput("Delivery"), actor=lead),
        "cause": setup.root_cause_save(data=setup.RootCauseInput("Courier"), actor=lead),
        "team": setup.team_save(data=setup.TeamInput("Seoul care"), actor=lead),
    }


SLA_PAGES = [
    ("console:care_policies", "get", None),
    ("console:care_policy_create", "get", None),
    ("console:care_policy_create", "post", None),
    ("console:care_policy", "get", "policy"),
    ("console:care_policy", "post", "policy"),
    ("console:care_policy_move", "post", "policy"),
    ("console:care_policy_delete", "post", "policy"),
    ("console:care_calendars", "get", None),
    ("console:care_calendar_create", "get", None),
    ("console:care_calendar_create", "post", None),
    ("console:care_calendar_import", "post", None),
    ("console:care_calendar", "get", "calendar"),
    ("console:care_calendar", "post", "calendar"),
    ("console:care_calendar_export", "get", "calendar"),
    ("console:care_calendar_delete", "post", "calendar"),
]
CARE_PAGES = [
    ("console:care_categories", "get", None),
    ("console:care_category_create", "post", None),
    ("console:care_category_save", "post", "category"),
    ("console:care_category_active", "post", "category"),
    ("console:care_root_causes", "get", None),
    ("console:care_root_cause_create", "post", None),
    ("console:care_root_cause_save", "post", "cause"),
    ("console:care_root_cause_active", "post", "cause"),
    ("console:care_teams", "get", None),
    ("console:care_team_create", "post", None),
    ("console:care_team_save", "post", "team"),
]


def _url(url_name: str, target: str | None, targets: dict[str, Any]) -> str:
    return reverse(url_name, args=[targets[target].pk] if target else [])


def _state() -> tuple[Any, ...]:
    return (
        list(SlaPolicy.objects.values_list("pk", "name", "position", "channels")),
        list(BusinessCalendar.objects.values_list("pk", "name", "document")),
        list(Category.objects.values_list("pk", "name", "active")),
        list(RootCause.objects.values_list("pk", "name", "active")),
        list(Team.objects.values_list("pk", "name")),
    )


@pytest.mark.parametrize(
    ("url_name", "method", "target"), [*SLA_PAGES, *CARE_PAGES, ("console:care_home", "get", None)]
)
def test_an_anonymous_visitor_is_sent_to_the_login(client, targets, url_name, method, target):
    response = getattr(client, method)(_url(url_name, target, targets))
    assert response.status_code == 302
    assert response.url.startswith(reverse("console:login"))


@pytest.mark.parametrize(("url_name", "method", "target"), SLA_PAGES)
def test_an_agent_cannot_open_or_change_sla_policies_and_calendars(
    client_as, agent, targets, url_name, method, target
):
    before = _state()
    data = {"name": "Hacked", "direction": "up", "timezone": "UTC", "channels": ["email"]}
    response = getattr(client_as(agent), method)(
        _url(url_name, target, targets), data if method == "post" else None
    )
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize(("url_name", "method", "target"), CARE_PAGES)
def test_an_agent_cannot_change_categories_root_causes_or_teams(
    client_as, agent, targets, url_name, method, target
):
    before = _state()
    data = {"name": "Hacked", "position": "0", "active": "0"}
    response = getattr(client_as(agent), method)(
        _url(url_name, target, targets), data if method == "post" else None
    )
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize(
    ("url_name", "method", "target"), [p for p in [*SLA_PAGES, *CARE_PAGES] if p[1] == "get"]
)
def test_a_service_lead_opens_every_page(client_as, lead, targets, url_name, target, method):
    assert client_as(lead).get(_url(url_name, target, targets)).status_code == 200


def test_the_landing_page_and_navigation_show_the_desk_to_a_lead_not_to_an_agent(
    client_as, lead, agent, analyst
):
    page = client_as(lead).get(reverse("console:care_home"))
    assert page.status_code == 200
    assert "SLA policies" in page_text(page)
    assert "Teams" in page_text(page)
    assert f'href="{reverse("console:care_home")}"' in page.content.decode()
    assert client_as(analyst).get(reverse("console:care_home")).status_code == 403
    agent_home = client_as(agent).get(reverse("console:home")).content.decode()
    assert f'href="{reverse("console:care_home")}"' not in agent_home


# --- policies ----------------------------------------------------------------------------------------------


def _policy_post(**fields: Any) -> dict[str, Any]:
    data = {
        "name": "Critical",
        "calendar": "",
        "severities": ["critical"],
        "first_response_amount": "30",
        "first_response_unit": "seconds",
        "next_response_unit": "hours",
        "resolution_amount": "2",
        "resolution_unit": "days",
        "follow_up_unit": "hours",
        "warn_percents": "80, 50",
    }
    return {**data, **fields}


def test_a_lead_adds_a_policy_with_targets_in_natural_units_and_it_reads_back_in_words(client_as, lead):
    client = client_as(lead)
    response = client.post(reverse("console:care_policy_create"), _policy_post())
    assert response.status_code == 302
    policy = SlaPolicy.objects.get(name="Critical")
    assert (policy.first_response_seconds, policy.resolution_seconds) == (30, 2 * 86400)
    assert policy.warn_percents == [50, 80]
    listing = page_text(client.get(reverse("console:care_policies")))
    assert "First response: 30 seconds" in listing
    assert "Resolution: 2 days" in listing
    assert "severity: critical" in listing
    # The default comes last (the policy named Standard, not the Standards item of the menu).
    assert listing.index("Critical") < re.search(r"\bStandard\b", listing).start()
    assert "default" in listing
    edit = client.get(reverse("console:care_policy", args=[policy.pk])).content.decode()
    assert 'value="30"' in edit


def test_a_bad_target_is_named_and_nothing_changes(client_as, lead):
    before = _state()
    response = client_as(lead).post(
        reverse("console:care_policy_create"), _policy_post(warn_percents="50, 120", resolution_amount="0")
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Ensure this value is greater than or equal to 1" in text
    assert _state() == before


def test_a_warning_above_99_percent_is_refused_naming_it(client_as, lead):
    response = client_as(lead).post(
        reverse("console:care_policy_create"), _policy_post(warn_percents="50, 120")
    )
    assert response.status_code == 400
    assert "each warning is a percentage from 1 to 99" in page_text(response)
    assert not SlaPolicy.objects.filter(name="Critical").exists()


def test_policies_move_in_the_list_and_the_default_cannot_be_deleted(client_as, lead):
    client = client_as(lead)
    first = setup.policy_save(data=setup.PolicyInput("First"), actor=lead)
    second = setup.policy_save(data=setup.PolicyInput("Second"), actor=lead)
    client.post(reverse("console:care_policy_move", args=[second.pk]), {"direction": "up"})
    assert [p.name for p in SlaPolicy.objects.all()] == ["Second", "First", "Standard"]
    response = client.post(reverse("console:care_policy_delete", args=[_default().pk]), follow=True)
    assert "the default policy cannot be deleted" in page_text(response)
    assert SlaPolicy.objects.filter(is_default=True).exists()
    client.post(reverse("console:care_policy_delete", args=[first.pk]))
    assert not SlaPolicy.objects.filter(pk=first.pk).exists()
    listing = client.get(reverse("console:care_policies")).content.decode()
    assert reverse("console:care_policy_delete", args=[_default().pk]) not in listing


def test_the_default_policy_form_has_targets_but_no_conditions(client_as, lead):
    page = client_as(lead).get(reverse("console:care_policy", args=[_default().pk])).content.decode()
    assert 'name="first_response_amount"' in page
    assert 'name="severities"' not in page


def test_tier_conditions_offer_the_programs_tiers(client_as, lead):
    from .loyalty_setup import catalogue_make, program_make

    catalogue_make(program_make())
    client = client_as(lead)
    page = page_text(client.get(reverse("console:care_policy_create")))
    assert "Member (Hanbit Club)" in page
    client.post(
        reverse("console:care_policy_create"), _policy_post(name="Gold", severities=[], tiers=["member"])
    )
    assert SlaPolicy.objects.get(name="Gold").tiers == ["member"]
    assert "tier: Member (Hanbit Club)" in page_text(client.get(reverse("console:care_policies")))


# --- calendars ---------------------------------------------------------------------------------------------


def _calendar_post(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Seoul office",
        "timezone": "Asia/Seoul",
        "holidays": "",
        "yearly_holidays": "",
        "country": "",
    }
    for day in ("mon", "tue", "wed", "thu", "fri"):
        data[f"{day}_start_0"], data[f"{day}_end_0"] = "09:00", "18:00"
    return {**data, **fields}


def test_a_lead_makes_a_calendar_with_a_lunch_break_and_holidays(client_as, lead):
    post = _calendar_post(
        mon_end_0="12:00",
        mon_start_1="13:00",
        mon_end_1="18:00",
        holidays="2026-03-02",
        yearly_holidays="12-25",
        country="KR",
    )
    response = client_as(lead).post(reverse("console:care_calendar_create"), post)
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Seoul office")
    assert calendar.document["hours"]["mon"] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert calendar.document["holidays"] == ["2026-03-02"]
    assert calendar.document["country"] == "KR"


def test_a_closing_before_opening_is_named_on_its_row_and_nothing_is_saved(client_as, lead):
    before = _state()
    response = client_as(lead).post(
        reverse("console:care_calendar_create"), _calendar_post(tue_start_0="18:00", tue_end_0="09:00")
    )
    assert response.status_code == 400
    assert "closing must be later" in page_text(response)
    assert 'class="interval has-error"' in response.content.decode()
    assert _state() == before


def test_a_bad_holiday_is_named_and_nothing_is_saved(client_as, lead):
    response = client_as(lead).post(
        reverse("console:care_calendar_create"), _calendar_post(holidays="2026-02-30")
    )
    assert response.status_code == 400
    assert "'2026-02-30' is not a date YYYY-MM-DD" in page_text(response)
    assert not BusinessCalendar.objects.filter(name="Seoul office").exists()


def test_a_calendar_a_policy_uses_cannot_be_deleted(client_as, lead):
    used = _default().calendar
    assert used is not None
    response = client_as(lead).post(reverse("console:care_calendar_delete", args=[used.pk]), follow=True)
    assert "use this calendar" in page_text(response)
    assert BusinessCalendar.objects.filter(pk=used.pk).exists()


def _preview(client: Any, calendar: BusinessCalendar, **fields: Any) -> str:
    response = client.post(
        reverse("console:care_calendar", args=[calendar.pk]), _calendar_post(action="preview", **fields)
    )
    assert response.status_code == 200
    return page_text(response)


def test_the_preview_works_out_friday_4pm_plus_2_hours_as_monday_10am_without_saving(client_as, lead):
    """The issue's case, on a Mon-Fri 09:00-17:00 Seoul calendar typed into the editor (the saved one closes at
    18:00): 1 hour on Friday, 1 on Monday. On the 09:00-18:00 hours the due time is Friday's closing."""
    calendar, client = _calendar(), client_as(lead)
    nine_to_five = {f"{day}_end_0": "17:00" for day in ("mon", "tue", "wed", "thu", "fri")}
    preview = {"preview-start": "", "preview-amount": "2", "preview-unit": "hours"}
    with time_machine.travel(datetime(2026, 3, 6, 16, 0, tzinfo=SEOUL), tick=False):  # a Friday
        text = _preview(client, calendar, name="Seoul office (trying)", **nine_to_five, **preview)
        assert (
            "2 hours from Friday, Mar 6, 2026, 4:00 PM is due Monday, Mar 9, 2026, 10:00 AM (South Korea Time)"
            in text
        )
        assert "Monday, Mar 9, 2026 : 9:00 AM to 5:00 PM" in text
        assert "Saturday, Mar 7" not in text  # closed at the weekend
        text = _preview(client, calendar, **preview)
        assert "is due Friday, Mar 6, 2026, 6:00 PM" in text  # a due time at closing stays at closing
    calendar.refresh_from_db()
    assert calendar.name == "Seoul office"  # tried, not saved
    assert calendar.document["hours"]["mon"] == [["09:00", "18:00"]]


def test_the_preview_uses_the_hours_as_typed(client_as, lead):
    calendar = _calendar()
    response = client_as(lead).post(
        reverse("console:care_calendar", args=[calendar.pk]),
        _calendar_post(
            sat_start_0="10:00",
            sat_end_0="14:00",
            action="preview",
            **{"preview-start": "2026-03-06T16:00", "preview-amount": "3", "preview-unit": "hours"},
        ),
    )
    assert "is due Saturday, Mar 7, 2026, 11:00 AM" in page_text(response)
    assert "sat" not in BusinessCalendar.objects.get(pk=calendar.pk).document["hours"]


def test_export_and_import_give_back_the_same_calendar(client_as, lead):
    client = client_as(lead)
    original = _calendar(
        document={**SEOUL_OFFICE, "holidays": ["2026-03-02"], "yearly_holidays": ["12-25"], "country": "KR"}
    )
    exported = client.get(reverse("console:care_calendar_export", args=[original.pk]))
    assert exported["Content-Disposition"] == 'attachment; filename="seoul-office.json"'
    document = json.loads(exported.content)
    assert document["hours"]["fri"] == [["09:00", "18:00"]]
    upload = SimpleUploadedFile("seoul.json", exported.content, content_type="application/json")
    response = client.post(reverse("console:care_calendar_import"), {"name": "Seoul copy", "file": upload})
    assert response.status_code == 302
    assert BusinessCalendar.objects.get(name="Seoul copy").document == document
    pasted = client.post(
        reverse("console:care_calendar_import"),
        {"name": "Seoul copy", "text": json.dumps({**document, "country": "JP"})},
    )
    assert pasted.status_code == 302
    assert BusinessCalendar.objects.get(name="Seoul copy").document["country"] == "JP"


def test_an_import_that_is_not_a_calendar_is_refused_naming_the_place(client_as, lead):
    client = client_as(lead)
    before = _state()
    response = client.post(reverse("console:care_calendar_import"), {"name": "Bad", "text": "{not json"})
    assert response.status_code == 400
    assert "This is not JSON" in page_text(response)
    response = client.post(
        reverse("console:care_calendar_import"),
        {"name": "Bad", "text": json.dumps({"timezone": "Mars/Base"})},
    )
    assert "timezone: 'Mars/Base' is not a time zone name" in page_text(response)
    assert _state() == before


# --- categories, root causes and teams --------------------------------------------------------------------


def test_a_lead_builds_the_category_tree_in_the_business_languages(client_as, lead):
    business_set(languages=["en", "ko"])
    client = client_as(lead)
    response = client.post(
        reverse("console:care_category_create"),
        {"name": "Delivery", "name_in_ko": "배송", "parent": "", "position": "0"},
    )
    assert response.status_code == 302
    delivery = Category.objects.get(name="Delivery")
    assert delivery.name_translations == {"ko": "배송"}
    client.post(
        reverse("console:care_category_create"), {"name": "Late", "parent": str(delivery.pk), "position": "0"}
    )
    text = page_text(client.get(reverse("console:care_categories")))
    assert "Delivery 배송" in text
    assert "Late" in text
    # Under its own child: refused on the parent, nothing changed.
    late = Category.objects.get(name="Late")
    before = _state()
    response = client.post(
        reverse("console:care_category_save", args=[delivery.pk]),
        {"name": "Delivery", "parent": str(late.pk), "position": "0"},
    )
    assert response.status_code == 400
    assert "a category cannot sit under itself or one of its own" in page_text(response)
    assert _state() == before
    client.post(reverse("console:care_category_active", args=[late.pk]), {"active": "0"})
    assert not Category.objects.get(pk=late.pk).active


def test_a_lead_adds_and_retires_a_root_cause(client_as, lead):
    client = client_as(lead)
    client.post(reverse("console:care_root_cause_create"), {"name": "Courier damage"})
    cause = RootCause.objects.get(name="Courier damage")
    response = client.post(reverse("console:care_root_cause_create"), {"name": "Courier damage"})
    assert response.status_code == 400
    assert "another root cause has this name" in page_text(response)
    client.post(reverse("console:care_root_cause_active", args=[cause.pk]), {"active": "0"})
    assert "Not in use" in page_text(client.get(reverse("console:care_root_causes")))


def test_a_lead_makes_a_team_of_agents_and_an_analyst_is_not_offered(client_as, lead, agent, analyst):
    client = client_as(lead)
    page = client.get(reverse("console:care_teams")).content.decode()
    assert f'value="{agent.pk}"' in page
    assert f'value="{analyst.pk}"' not in page
    response = client.post(
        reverse("console:care_team_create"),
        {"name": "Seoul care", "lead": str(lead.pk), "members": [str(agent.pk)]},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Seoul care")
    assert team.lead == lead
    assert list(team.members.all()) == [agent]
    response = client.post(
        reverse("console:care_team_save", args=[team.pk]),
        {"name": "Seoul care", "members": [str(analyst.pk)]},
    )
    assert response.status_code == 400
    assert list(team.members.all()) == [agent]
