"""Measurements derived from met SLA legs (business time, waits for the customer taken off) and ratings."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest
import time_machine

from patronage.care.models import BusinessCalendar, Case, CasePause, LegKind, SlaLeg, SlaPolicy, Team
from patronage.core.models import User
from patronage.standards.derive import derived_measurements_refresh
from patronage.standards.models import Measurement, Standard
from patronage.standards.services import StandardInput, standard_create, standard_retire
from patronage.standards.tasks import derive_task

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=SEOUL)  # a Friday
_numbers = count(1)


def _seoul(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def office_hours() -> SlaPolicy:
    """Weekdays 09:00-18:00 in Seoul, no lunch break, so the business minutes are easy to count."""
    calendar = BusinessCalendar.objects.create(
        name="Desk hours",
        document={
            "timezone": "Asia/Seoul",
            "hours": {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        },
    )
    return SlaPolicy.objects.create(name="Desk", calendar=calendar, first_response_seconds=3600)


@pytest.fixture
def teams(lead: User) -> dict[str, Team]:
    return {name: Team.objects.create(name=name, lead=lead) for name in ("Phones", "Mail")}


def _case(policy: SlaPolicy, *, channel: str, team: Team, assignee: User) -> Case:
    number = next(_numbers)
    return Case.objects.create(
        reference=f"C-{number}",
        channel=channel,
        summary=f"Case {number}",
        policy=policy,
        team=team,
        assignee=assignee,
        created_at=NOW,
        updated_at=NOW,
    )


def _leg(case: Case, kind: LegKind, started: datetime, met: datetime | None) -> SlaLeg:
    return SlaLeg.objects.create(case=case, kind=kind, started_at=started, met_at=met, target_seconds=3600)


@pytest.fixture
def phone_call(office_hours: SlaPolicy, teams: dict[str, Team], agent: User) -> Case:
    """Filed Monday 10:00; waited for the customer 10:30-11:00; first answered 11:30; resolved Tuesday
    10:00."""
    case = _case(office_hours, channel="phone", team=teams["Phones"], assignee=agent)
    _leg(case, LegKind.FIRST_RESPONSE, _seoul(16, 10), _seoul(16, 11, 30))
    _leg(case, LegKind.RESOLUTION, _seoul(16, 10), _seoul(17, 10))
    CasePause.objects.create(case=case, started_at=_seoul(16, 10, 30), ended_at=_seoul(16, 11))
    return case


@pytest.fixture
def weekend_mail(office_hours: SlaPolicy, teams: dict[str, Team], lead: User) -> Case:
    """Filed Friday 17:50, first answered Monday 09:20, rated 4 on Wednesday."""
    case = _case(office_hours, channel="email", team=teams["Mail"], assignee=lead)
    _leg(case, LegKind.FIRST_RESPONSE, _seoul(13, 17, 50), _seoul(16, 9, 20))
    _leg(case, LegKind.RESOLUTION, _seoul(16, 9, 20), None)  # still running: nothing to measure yet
    Case.objects.filter(pk=case.pk).update(satisfaction=4, satisfaction_at=_seoul(18, 15))
    return case


def _standard(
    code: str, source: str, *, unit: str = "minutes", channel: str = "", team: str = ""
) -> Standard:
    higher = source == "satisfaction"
    return standard_create(
        data=StandardInput(
            code=code,
            name=code,
            unit=unit,
            direction="higher" if higher else "lower",
            target=4 if higher else 60,
            minimum=2 if higher else 240,
            target_share=0.8,
            source=source,
            channel=channel,
            team=team,
        ),
        actor=None,
    )


def _derived(standard: Standard) -> list[tuple[str, float, datetime, int | None, int | None, int | None]]:
    return [
        (m.external_id, round(m.value, 4), m.at, m.employee_id, m.team_id, m.case_id)
        for m in Measurement.objects.filter(standard=standard).order_by("external_id")
    ]


def test_first_response_is_the_business_minutes_the_customer_did_not_keep_us_waiting(
    phone_call: Case, weekend_mail: Case, agent: User, lead: User, teams: dict[str, Team]
) -> None:
    standard = _standard("first-response", "first_response")

    assert derived_measurements_refresh() == 2

    first_legs = {leg.case_id: leg.pk for leg in SlaLeg.objects.filter(kind=LegKind.FIRST_RESPONSE)}
    assert sorted(_derived(standard)) == sorted(
        [
            # 90 minutes, 30 of them waiting for the customer
            (
                f"leg:{first_legs[phone_call.pk]}",
                60.0,
                _seoul(16, 11, 30),
                agent.pk,
                teams["Phones"].pk,
                phone_call.pk,
            ),
            # Friday 17:50-18:00 and Monday 09:00-09:20: the weekend is not the desk's time
            (
                f"leg:{first_legs[weekend_mail.pk]}",
                30.0,
                _seoul(16, 9, 20),
                lead.pk,
                teams["Mail"].pk,
                weekend_mail.pk,
            ),
        ]
    )


def test_resolution_is_in_business_hours_and_a_running_leg_is_not_measured(
    phone_call: Case, weekend_mail
) -> None:
    standard = _standard("resolution", "resolution", unit="hours")

    derived_measurements_refresh()

    # Monday 10:00-18:00 and Tuesday 09:00-10:00 is 9 hours, half an hour of it waiting for the customer.
    assert [(value, case) for _key, value, _at, _who, _team, case in _derived(standard)] == [
        (8.5, phone_call.pk)
    ]


def test_a_rated_case_is_one_measurement_of_its_rating(phone_call, weekend_mail: Case, lead: User) -> None:
    standard = _standard("case-rating", "satisfaction", unit="points")

    derived_measurements_refresh()

    assert _derived(standard) == [
        (f"rating:{weekend_mail.pk}", 4.0, _seoul(18, 15), lead.pk, weekend_mail.team_id, weekend_mail.pk)
    ]


def test_running_again_creates_nothing_more(phone_call, weekend_mail) -> None:
    _standard("first-response", "first_response")
    _standard("case-rating", "satisfaction", unit="points")
    assert derived_measurements_refresh() == 3

    assert derived_measurements_refresh() == 0
    assert derive_task.apply().get() == 0
    assert Measurement.objects.count() == 3


def test_a_standard_reads_only_the_cases_of_its_channel_and_team(
    phone_call: Case, weekend_mail: Case
) -> None:
    on_the_phone = _standard("phone-first", "first_response", channel="phone")
    mail_team = _standard("mail-team-first", "first_response", team="Mail")
    both = _standard("phone-mail-team", "first_response", channel="phone", team="Mail")

    derived_measurements_refresh()

    assert [case for *_rest, case in _derived(on_the_phone)] == [phone_call.pk]
    assert [case for *_rest, case in _derived(mail_team)] == [weekend_mail.pk]
    assert _derived(both) == []


def test_a_run_since_a_moment_reads_only_the_legs_met_after_it_and_a_full_run_catches_up(
    phone_call: Case, weekend_mail: Case
) -> None:
    standard = _standard("first-response", "first_response")

    # The weekend e-mail was answered on Monday 09:20, the call at 11:30.
    assert derived_measurements_refresh(since=_seoul(16, 10)) == 1
    assert [case for *_rest, case in _derived(standard)] == [phone_call.pk]
    assert derived_measurements_refresh() == 1
    assert Measurement.objects.filter(standard=standard).count() == 2


def test_measured_and_retired_standards_get_nothing(phone_call, weekend_mail) -> None:
    _standard("phone-rings", "measured", unit="rings")
    retired = _standard("first-response", "first_response")
    standard_retire(standard=retired, active=False, actor=None)

    assert derived_measurements_refresh() == 0
    assert not Measurement.objects.exists()


def test_the_periodic_job_derives_a_leg_met_in_the_last_two_days(
    phone_call: Case, weekend_mail: Case
) -> None:
    standard = _standard("resolution", "resolution", unit="hours")
    derived_measurements_refresh()
    SlaLeg.objects.filter(case=weekend_mail, kind=LegKind.RESOLUTION).update(met_at=_seoul(19, 10))

    assert derive_task.apply().get() == 1
    # Monday 09:20-18:00, Tuesday and Wednesday, Thursday 09:00-10:00: 8h40 + 9 + 9 + 1 hours.
    assert sorted(value for _key, value, *_rest in _derived(standard)) == [8.5, round(27 + 40 / 60, 4)]
