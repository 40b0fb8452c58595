"""Setting up the desk: calendars, SLA policies in order, the category tree, root causes and teams."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patronage.care import setup
from patronage.care.models import BusinessCalendar, Case, Category, RootCause, SlaPolicy
from patronage.care.services import CaseInput, case_open
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import AuditEntry, User

pytestmark = pytest.mark.django_db

SEOUL_OFFICE = {"timezone": "Asia/Seoul", "hours": {"mon": [["09:00", "18:00"]]}, "country": "KR"}


def _field(error: pytest.ExceptionInfo[Exception]) -> str:
    return str(getattr(error.value, "field", ""))


def _default() -> SlaPolicy:
    return SlaPolicy.objects.get(is_default=True)


def _policy(name: str, actor: User, **fields: object) -> SlaPolicy:
    return setup.policy_save(data=setup.PolicyInput(name=name, **fields), actor=actor)  # type: ignore[arg-type]


# --- calendars ---------------------------------------------------------------------------------------------


def test_a_calendar_is_saved_in_sla_form_and_audited(lead):
    calendar = setup.calendar_save(
        data=setup.CalendarInput("Seoul office", {**SEOUL_OFFICE, "holidays": ["2026-03-02", "2026-03-01"]}),
        actor=lead,
    )
    assert calendar.document["holidays"] == ["2026-03-01", "2026-03-02"]
    assert AuditEntry.objects.filter(action="calendar.created", target_id=str(calendar.pk)).exists()


def test_a_bad_calendar_is_refused_naming_the_place_and_nothing_is_saved(lead):
    document = {"timezone": "Asia/Seoul", "hours": {"mon": [["18:00", "09:00"]]}}
    with pytest.raises(ValidationFailed) as error:
        setup.calendar_save(data=setup.CalendarInput("Night", document), actor=lead)
    assert _field(error) == "hours.mon[0]"
    assert "closing must be later" in error.value.message
    assert not BusinessCalendar.objects.filter(name="Night").exists()


def test_a_calendar_name_is_taken_once(lead):
    setup.calendar_save(data=setup.CalendarInput("Seoul office", SEOUL_OFFICE), actor=lead)
    with pytest.raises(Conflict) as error:
        setup.calendar_save(data=setup.CalendarInput("Seoul office", SEOUL_OFFICE), actor=lead)
    assert _field(error) == "name"


def test_a_calendar_a_policy_uses_cannot_be_deleted(lead):
    used = _default().calendar
    assert used is not None
    with pytest.raises(Conflict) as error:
        setup.calendar_delete(calendar=used, actor=lead)
    assert "Standard" in error.value.message
    assert BusinessCalendar.objects.filter(pk=used.pk).exists()
    spare = setup.calendar_save(data=setup.CalendarInput("Spare", SEOUL_OFFICE), actor=lead)
    setup.calendar_delete(calendar=spare, actor=lead)
    assert not BusinessCalendar.objects.filter(pk=spare.pk).exists()


# --- policies ----------------------------------------------------------------------------------------------


def test_a_new_policy_goes_before_the_default_with_its_conditions_and_targets(lead):
    first = _policy(
        "Critical", lead, severities=["critical"], first_response_seconds=30, warn_percents=[80, 50, 80]
    )
    second = _policy(
        "VIP", lead, tiers=[], min_predicted_value=Decimal("1000000"), resolution_seconds=2 * 86400
    )
    assert list(SlaPolicy.objects.all()) == [first, second, _default()]
    assert first.warn_percents == [50, 80]
    assert first.first_response_seconds == 30
    assert AuditEntry.objects.filter(action="sla_policy.created").count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"severities": ["urgent"]}, "severities"),
        ({"channels": ["fax"]}, "channels"),
        ({"case_types": ["rant"]}, "case_types"),
        ({"tiers": ["nosuch"]}, "tiers"),
        ({"first_response_seconds": 0}, "first_response_seconds"),
        ({"resolution_seconds": -5}, "resolution_seconds"),
        ({"warn_percents": [0, 50]}, "warn_percents"),
        ({"warn_percents": [100]}, "warn_percents"),
        ({"min_predicted_value": Decimal("-1")}, "min_predicted_value"),
        ({"category_ids": [999_999]}, "categories"),
        ({"calendar_id": 999_999}, "calendar"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_field(lead, fields, field):
    with pytest.raises(ValidationFailed) as error:
        _policy("Bad", lead, **fields)
    assert _field(error) == field
    assert not SlaPolicy.objects.filter(name="Bad").exists()


def test_the_default_policy_has_targets_but_no_conditions(lead):
    default = _default()
    setup.policy_save(
        data=setup.PolicyInput(name="Standard", calendar_id=default.calendar_id, first_response_seconds=7200),
        policy=default,
        actor=lead,
    )
    default.refresh_from_db()
    assert default.first_response_seconds == 7200
    with pytest.raises(ValidationFailed) as error:
        setup.policy_save(
            data=setup.PolicyInput(name="Standard", severities=["major"]), policy=default, actor=lead
        )
    assert _field(error) == "case_types"


def test_policies_move_up_and_down_but_the_default_stays_last(lead):
    a, b, c = (_policy(name, lead) for name in ("A", "B", "C"))
    setup.policy_move(policy=c, direction=setup.UP, actor=lead)
    assert [p.name for p in SlaPolicy.objects.all()] == ["A", "C", "B", "Standard"]
    setup.policy_move(policy=a, direction=setup.UP, actor=lead)  # already first: stays
    setup.policy_move(policy=b, direction=setup.DOWN, actor=lead)  # already last before the default: stays
    assert [p.name for p in SlaPolicy.objects.all()] == ["A", "C", "B", "Standard"]
    with pytest.raises(Conflict):
        setup.policy_move(policy=_default(), direction=setup.UP, actor=lead)


def test_the_default_policy_cannot_be_deleted_and_another_can(lead):
    with pytest.raises(Conflict) as error:
        setup.policy_delete(policy=_default(), actor=lead)
    assert "cannot be deleted" in error.value.message
    assert SlaPolicy.objects.filter(is_default=True).exists()
    other = _policy("Phone", lead, channels=["phone"])
    setup.policy_delete(policy=other, actor=lead)
    assert not SlaPolicy.objects.filter(pk=other.pk).exists()


# --- categories and root causes ------------------------------------------------------------------------


def _category(name: str, actor: User, parent: Category | None = None, **fields: object) -> Category:
    data = setup.CategoryInput(name=name, parent_id=parent.pk if parent else None, **fields)  # type: ignore[arg-type]
    return setup.category_save(data=data, actor=actor)


def test_a_category_has_its_names_in_the_business_languages(lead):
    from patronage.conftest import business_set

    business_set(languages=["en", "ko"])
    delivery = _category("Delivery", lead, name_translations={"ko": "배송"})
    assert delivery.name_translations == {"ko": "배송"}
    with pytest.raises(ValidationFailed) as error:
        _category("Billing", lead, name_translations={"ja": "請求"})
    assert _field(error) == "name_translations.ja"


def test_a_category_cannot_sit_under_its_own_and_nests_three_deep_at_most(lead):
    delivery = _category("Delivery", lead)
    late = _category("Late", lead, delivery)
    courier = _category("Courier", lead, late)
    with pytest.raises(ValidationFailed) as error:
        setup.category_save(
            data=setup.CategoryInput("Delivery", parent_id=courier.pk), category=delivery, actor=lead
        )
    assert _field(error) == "parent"
    with pytest.raises(ValidationFailed) as error:
        _category("Night courier", lead, courier)
    assert _field(error) == "parent"
    assert "3 levels" in error.value.message
    other = _category("Returns", lead)
    with pytest.raises(ValidationFailed):  # moving a two-level branch under a root's child: four levels
        setup.category_save(
            data=setup.CategoryInput("Late", parent_id=_category("X", lead, other).pk),
            category=late,
            actor=lead,
        )
    with pytest.raises(Conflict):
        _category("Late", lead, delivery)
    delivery.refresh_from_db()
    assert delivery.parent is None


def test_a_deactivated_category_stays_on_its_cases(lead):
    delivery = _category("Delivery", lead)
    case = case_open(
        data=CaseInput(
            type="complaint",
            channel="phone",
            summary="Late",
            contact_email="a@example.com",
            category_id=delivery.pk,
        )
    ).case
    setup.category_deactivate(category=delivery, actor=lead)
    case.refresh_from_db()
    assert case.category == delivery
    assert not Category.objects.get(pk=delivery.pk).active
    setup.category_activate(category=delivery, actor=lead)
    assert Category.objects.get(pk=delivery.pk).active
    assert AuditEntry.objects.filter(action="category.deactivated").exists()
    assert Case.objects.filter(category=delivery).count() == 1


def test_root_causes_are_named_once_and_switched_off_and_on(lead):
    cause = setup.root_cause_save(data=setup.RootCauseInput("Courier damage"), actor=lead)
    with pytest.raises(Conflict) as error:
        setup.root_cause_save(data=setup.RootCauseInput(" Courier  damage "), actor=lead)
    assert _field(error) == "name"
    setup.root_cause_deactivate(root_cause=cause, actor=lead)
    assert not RootCause.objects.get(pk=cause.pk).active
    setup.root_cause_activate(root_cause=cause, actor=lead)
    assert RootCause.objects.get(pk=cause.pk).active
    assert AuditEntry.objects.filter(action="root_cause.deactivated").exists()


# --- teams -------------------------------------------------------------------------------------------------


def test_a_team_is_made_of_staff_who_work_cases(lead, agent, analyst):
    team = setup.team_save(
        data=setup.TeamInput("Seoul care", lead_id=lead.pk, member_ids=[agent.pk]), actor=lead
    )
    assert list(team.members.all()) == [agent]
    assert team.lead == lead
    with pytest.raises(ValidationFailed) as error:
        setup.team_save(data=setup.TeamInput("Seoul care", member_ids=[analyst.pk]), team=team, actor=lead)
    assert _field(error) == "members"
    with pytest.raises(ValidationFailed) as error:
        setup.team_save(data=setup.TeamInput("Other", lead_id=analyst.pk), actor=lead)
    assert _field(error) == "lead"
    assert list(team.members.all()) == [agent]
    with pytest.raises(Conflict):
        setup.team_save(data=setup.TeamInput("Seoul care"), actor=lead)
