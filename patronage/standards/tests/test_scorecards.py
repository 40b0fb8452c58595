"""Scorecards as a review reads them: each figure on hand-counted cases, legs, measurements and orders, the
ranks in a team, the overall score under the business's weights, and who may see whose card."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from patronage.care.models import Case, LegKind, SlaLeg, Team
from patronage.commerce.models import Order, OrderKind
from patronage.conftest import STAFF_PASSWORD, business_set
from patronage.core.errors import ValidationFailed
from patronage.core.models import AuditEntry, User
from patronage.core.roles import Role
from patronage.core.services import staff_create
from patronage.members.models import Member
from patronage.standards.models import Measurement, Standard
from patronage.standards.scorecards import (
    ScorePeriod,
    score_period_current,
    score_period_parse,
    score_weights,
    score_weights_set,
    scorecard_may_view,
    scorecard_person,
    scorecard_teams_visible,
    scorecards_team,
)
from patronage.standards.services import StandardInput, standard_create

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOVEMBER = ScorePeriod("month", datetime(2026, 11, 1).date())
_references = itertools.count(1)


def _in_seoul(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SEOUL)


def _staff(username: str, *roles: Role) -> User:
    return staff_create(username=username, password=STAFF_PASSWORD, groups=roles)


def _case(assignee: User | None, *, team: Team | None = None, **fields: object) -> Case:
    opened = _in_seoul(10, 1)
    return Case.objects.create(
        reference=f"T-{next(_references)}",
        channel="phone",
        summary="A call about a late delivery",
        assignee=assignee,
        team=team,
        created_at=opened,
        updated_at=opened,
        **fields,
    )


def _customer(name: str) -> Member:
    return Member.objects.create(name=name, joined_at=_in_seoul(1, 1))


def _order(member: Member, at: datetime, kind: str = OrderKind.PURCHASE) -> Order:
    return Order.objects.create(
        source="pos",
        external_id=f"O-{next(_references)}",
        kind=kind,
        member=member,
        occurred_at=at,
        currency="KRW",
        amount=Decimal("30000"),
    )


@pytest.fixture(autouse=True)
def _seoul(db: None) -> None:
    business_set(time_zone="Asia/Seoul")


@pytest.fixture
def phones(lead: User, agent: User) -> Team:
    team = Team.objects.create(name="Phones", lead=lead)
    team.members.add(agent)
    return team


@pytest.fixture
def kim(phones: Team) -> User:
    """The second agent of the Phones team."""
    user = _staff("kim_agent", Role.SERVICE_AGENT)
    phones.members.add(user)
    return user


@pytest.fixture
def stores_team(admin: User) -> tuple[Team, User]:
    """Another team, led by someone else, with its own agent."""
    other_lead = _staff("oli_lead", Role.SERVICE_LEAD)
    team = Team.objects.create(name="Stores", lead=other_lead)
    member = _staff("sue_agent", Role.SERVICE_AGENT)
    team.members.add(member)
    return team, member


# ---- periods ----------------------------------------------------------------------------------------------


def test_a_period_reads_and_writes_months_weeks_and_days() -> None:
    week = score_period_parse("2026-W47")
    assert (week.kind, week.start, week.end, week.label) == (
        "week",
        datetime(2026, 11, 16).date(),
        datetime(2026, 11, 23).date(),
        "2026-W47",
    )
    month = score_period_parse("2026-11")
    assert (month.start, month.end, month.label) == (NOVEMBER.start, datetime(2026, 12, 1).date(), "2026-11")
    assert score_period_parse("2026-11-30").label == "2026-11-30"
    assert score_period_parse("2026-W53").end == datetime(2027, 1, 4).date()
    assert [p.label for p in month.previous(3)] == ["2026-08", "2026-09", "2026-10"]
    assert [p.label for p in score_period_parse("2026-W01").previous(1)] == ["2025-W52"]
    # The period's edges are midnight in the business's zone, not UTC.
    assert month.bounds()[0] == datetime(2026, 11, 1, tzinfo=SEOUL)


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-W54", "2025-W53", "2026-02-30", "0001-01", "November", "", "2026-11-01T00:00"]
)
def test_a_period_that_is_none_is_refused_naming_period(text: str) -> None:
    with pytest.raises(ValidationFailed) as refusal:
        score_period_parse(text)
    assert refusal.value.field == "period"


def test_the_current_period_is_the_business_zones() -> None:
    # 30 November 20:00 UTC is already 1 December in Seoul.
    with time_machine.travel(datetime(2026, 11, 30, 20, tzinfo=ZoneInfo("UTC")), tick=False):
        assert score_period_current().label == "2026-12"
        assert score_period_current("week").label == "2026-W49"
        assert score_period_current("day").label == "2026-12-01"


# ---- the figures ------------------------------------------------------------------------------------------


def test_satisfaction_counts_only_answered_follow_ups(agent: User, phones: Team) -> None:
    _case(agent, satisfaction=4, satisfaction_at=_in_seoul(11, 3), follow_up_sent_at=_in_seoul(11, 2))
    _case(agent, satisfaction=1, satisfaction_at=_in_seoul(11, 20))
    # Followed up, never answered: not part of the figure.
    _case(agent, follow_up_sent_at=_in_seoul(11, 5))
    _case(agent, satisfaction=5, satisfaction_at=_in_seoul(10, 9))
    # 1 November 00:30 in Seoul is still 31 October in UTC: November's here.
    _case(agent, satisfaction=3, satisfaction_at=datetime(2026, 11, 1, 0, 30, tzinfo=SEOUL))

    card = scorecard_person(user=agent, period=NOVEMBER, team=phones)

    assert (card.satisfaction.value, card.satisfaction.count) == (pytest.approx(8 / 3), 3)
    assert card.satisfaction.trend == [None, None, None, None, 5.0, pytest.approx(8 / 3)]


def test_sla_is_the_share_of_legs_ended_in_the_period_met_without_a_breach(agent: User, phones: Team) -> None:
    case = _case(agent)
    start = _in_seoul(10, 1)

    def leg(**moments: datetime) -> None:
        SlaLeg.objects.create(
            case=case, kind=LegKind.FIRST_RESPONSE, started_at=start, target_seconds=3600, **moments
        )

    leg(met_at=_in_seoul(11, 2))
    leg(met_at=_in_seoul(11, 3))
    leg(breached_at=_in_seoul(10, 30), met_at=_in_seoul(11, 4))  # met in November, late
    leg(breached_at=_in_seoul(11, 5))  # breached in November, never met
    leg()  # still running: not ended
    leg(met_at=_in_seoul(10, 6))  # ended in October

    card = scorecard_person(user=agent, period=NOVEMBER)

    assert (card.sla.value, card.sla.count) == (0.5, 4)
    assert card.sla.trend[-2:] == [1.0, 0.5]


def test_standards_is_the_share_meeting_each_standards_own_target(admin: User, agent: User) -> None:
    rings = standard_create(
        data=StandardInput(code="rings", name="Rings", unit="rings", direction="lower", target=2, minimum=4),
        actor=admin,
    )
    greeting = standard_create(
        data=StandardInput(
            code="greeting", name="Greeting rated", unit="points", direction="higher", target=4, minimum=2
        ),
        actor=admin,
    )
    retired = standard_create(
        data=StandardInput(code="old", name="Old", unit="s", direction="lower", target=1, minimum=2),
        actor=admin,
    )
    retired.active = False
    retired.save()
    at = _in_seoul(11, 10)

    def measure(standard: Standard, *values: float) -> None:
        for value in values:
            Measurement.objects.create(standard=standard, value=value, at=at, employee=agent, created_at=at)

    measure(rings, 1, 3)  # 1 ring meets "2 or fewer"
    measure(greeting, 5, 4, 2)  # 5 and 4 meet "4 or more"
    measure(retired, 0)  # a retired standard is not judged

    card = scorecard_person(user=agent, period=NOVEMBER)

    assert (card.standards.value, card.standards.count) == (pytest.approx(3 / 5), 5)
    # Volume counts every measurement, the retired standard's too.
    assert (card.volume.value, card.volume.count) == (6.0, 6)


def test_recovery_counts_who_bought_again_within_90_days(agent: User, phones: Team, stores_team) -> None:
    _team, sue = stores_team
    alice, bob, carol = (_customer(name) for name in ("Alice", "Bob", "Carol"))
    closed = _in_seoul(11, 5)
    for member in (alice, bob, carol):
        _case(agent, member=member, type="complaint", status="closed", closed_at=closed)
    _order(alice, closed - timedelta(days=2))  # before closing: not a return
    _order(alice, closed + timedelta(days=30))  # bought again
    _order(bob, closed + timedelta(days=90, hours=1))  # day 91: too late
    _order(carol, closed + timedelta(days=10), kind=OrderKind.RETURN)  # a return is not buying
    # Not complaints of the period with a member: none of these count anywhere.
    _case(agent, type="complaint", status="closed", closed_at=closed)
    _case(agent, member=alice, type="inquiry", status="closed", closed_at=closed)
    _case(agent, member=alice, type="complaint", status="closed", closed_at=_in_seoul(10, 5))
    # Another team's complaint whose member came back: only in the business's baseline.
    _case(sue, member=alice, type="complaint", status="closed", closed_at=_in_seoul(11, 10))

    with time_machine.travel(datetime(2027, 3, 1, tzinfo=SEOUL), tick=False):
        card = scorecard_person(user=agent, period=score_period_parse("2026-11"), team=phones)

    assert (card.recovery.value, card.recovery.count) == (pytest.approx(1 / 3), 3)
    assert card.recovery.baseline == pytest.approx(2 / 4)
    # Volume: the five cases closed in November.
    assert card.volume.count == 5


def test_a_complaint_whose_90_days_run_still_counts(agent: User, alice: Member) -> None:
    _case(agent, member=alice, type="complaint", status="closed", closed_at=_in_seoul(11, 25))
    with time_machine.travel(_in_seoul(12, 2), tick=False):
        card = scorecard_person(user=agent, period=score_period_current())
        assert card.recovery.count == 0
        card = scorecard_person(user=agent, period=score_period_parse("2026-11"))
    assert (card.recovery.value, card.recovery.count) == (0.0, 1)


# ---- ranks, the team, the overall score -------------------------------------------------------------------


def test_members_are_ranked_within_the_team_and_the_team_has_its_own_card(
    agent: User, kim: User, lead: User, phones: Team, stores_team
) -> None:
    _team, sue = stores_team
    phones.members.add(lead)
    _case(agent, satisfaction=3, satisfaction_at=_in_seoul(11, 3))
    _case(kim, satisfaction=5, satisfaction_at=_in_seoul(11, 3))
    _case(lead, satisfaction=5, satisfaction_at=_in_seoul(11, 4))
    # A Phones case nobody took yet counts for the team; another team's does not.
    _case(None, team=phones, satisfaction=1, satisfaction_at=_in_seoul(11, 5))
    _case(sue, satisfaction=1, satisfaction_at=_in_seoul(11, 5))

    team_card, cards = scorecards_team(team=phones, period=NOVEMBER)

    by_name = {card.user.username: card for card in cards if card.user is not None}
    assert list(by_name) == ["kim_agent", "sam_agent", "sol_lead"]
    # Equal values share a rank: two at 5 are both first, the 3 is third.
    assert {name: card.satisfaction.rank for name, card in by_name.items()} == {
        "kim_agent": 1,
        "sol_lead": 1,
        "sam_agent": 3,
    }
    assert by_name["sam_agent"].satisfaction.ranked == 3
    # Nobody has SLA legs: nobody is ranked on them.
    assert (by_name["sam_agent"].sla.rank, by_name["sam_agent"].sla.ranked) == (None, 0)
    assert team_card.user is None
    assert (team_card.satisfaction.value, team_card.satisfaction.count) == (3.5, 4)
    assert team_card.satisfaction.rank is None


def test_the_overall_score_weighs_the_parts_that_have_a_value(admin: User, agent: User) -> None:
    case = _case(agent, satisfaction=4, satisfaction_at=_in_seoul(11, 3))
    SlaLeg.objects.create(
        case=case,
        kind=LegKind.RESOLUTION,
        started_at=_in_seoul(11, 1),
        target_seconds=60,
        met_at=_in_seoul(11, 2),
    )
    SlaLeg.objects.create(
        case=case,
        kind=LegKind.RESOLUTION,
        started_at=_in_seoul(11, 1),
        target_seconds=60,
        breached_at=_in_seoul(11, 2),
    )
    # Defaults 40/20/20/20; standards and recovery have no value: (40 × 0.75 + 20 × 0.5) / 60.
    assert scorecard_person(user=agent, period=NOVEMBER).overall == pytest.approx(40 / 0.6)

    score_weights_set(satisfaction=10, sla=30, standards=50, recovery=10, actor=admin)

    # (10 × 0.75 + 30 × 0.5) / 40
    assert scorecard_person(user=agent, period=NOVEMBER).overall == pytest.approx(56.25)


def test_a_card_with_nothing_measured_has_no_overall_score(agent: User) -> None:
    card = scorecard_person(user=agent, period=NOVEMBER)
    assert card.overall is None
    assert (card.volume.value, card.volume.count) == (0.0, 0)


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"satisfaction": 101}, "satisfaction"),
        ({"sla": -1}, "sla"),
        ({"recovery": 2.5}, "recovery"),
        ({"satisfaction": 0, "sla": 0, "standards": 0, "recovery": 0}, "satisfaction"),
    ],
)
def test_weights_out_of_bounds_are_refused_naming_the_field(admin: User, weights: dict, field: str) -> None:
    given = {"satisfaction": 40, "sla": 20, "standards": 20, "recovery": 20, **weights}
    with pytest.raises(ValidationFailed) as refusal:
        score_weights_set(**given, actor=admin)
    assert refusal.value.field == field
    assert score_weights().satisfaction == 40


def test_setting_the_weights_is_audited(admin: User) -> None:
    score_weights_set(satisfaction=0, sla=0, standards=100, recovery=0, actor=admin)
    weights = score_weights()
    assert (weights.satisfaction, weights.standards) == (0, 100)
    assert AuditEntry.objects.filter(action="score_weights.changed", actor=admin).exists()


# ---- who sees what ----------------------------------------------------------------------------------------


def test_an_agent_sees_only_their_own_card(agent: User, kim: User, phones: Team) -> None:
    assert scorecard_may_view(viewer=agent, person=agent)
    assert not scorecard_may_view(viewer=agent, person=kim)
    assert not scorecard_teams_visible(viewer=agent).exists()


def test_a_lead_sees_their_teams_members_but_not_another_teams(
    lead: User, agent: User, phones: Team, stores_team
) -> None:
    _stores, sue = stores_team
    assert scorecard_may_view(viewer=lead, person=agent)
    assert scorecard_may_view(viewer=lead, person=lead)
    assert not scorecard_may_view(viewer=lead, person=sue)
    assert list(scorecard_teams_visible(viewer=lead)) == [phones]


def test_an_administrator_sees_everyone(admin: User, agent: User, phones: Team, stores_team) -> None:
    stores, sue = stores_team
    assert scorecard_may_view(viewer=admin, person=sue)
    assert scorecard_may_view(viewer=admin, person=agent)
    assert set(scorecard_teams_visible(viewer=admin)) == {phones, stores}


def test_someone_without_a_scorecard_right_sees_no_card_not_even_their_own(analyst: User) -> None:
    assert not scorecard_may_view(viewer=analyst, person=analyst)


# ---- cost -------------------------------------------------------------------------------------------------


def test_a_big_team_over_six_periods_costs_a_few_queries(admin: User, django_assert_max_num_queries) -> None:
    team = Team.objects.create(name="Big", lead=admin)
    rings = standard_create(
        data=StandardInput(code="rings", name="Rings", unit="rings", direction="lower", target=2, minimum=4),
        actor=admin,
    )
    people = [_staff(f"agent_{n:02d}", Role.SERVICE_AGENT) for n in range(20)]
    team.members.add(*people)
    member = _customer("Customer")
    for n, person in enumerate(people):
        for month in range(6, 12):
            at = _in_seoul(month, 1 + n)
            case = _case(
                person,
                member=member,
                type="complaint",
                satisfaction=1 + n % 5,
                satisfaction_at=at,
                closed_at=at,
            )
            SlaLeg.objects.create(
                case=case, kind=LegKind.FIRST_RESPONSE, started_at=at, target_seconds=60, met_at=at
            )
            Measurement.objects.create(standard=rings, value=n % 4, at=at, employee=person, created_at=at)

    with django_assert_max_num_queries(20):
        team_card, cards = scorecards_team(team=team, period=NOVEMBER)

    assert len(cards) == 20
    assert all(card.satisfaction.trend.count(None) == 0 for card in cards)
    assert team_card.satisfaction.count == 20
    assert team_card.volume.count == 40
