"""The standards a team's meeting lists as slipped: short of the target share, or past the minimum."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from patronage.care.models import Team
from patronage.conftest import business_set
from patronage.core.models import User
from patronage.standards.scorecards import ScorePeriod
from patronage.standards.services import MeasurementInput, StandardInput, measurements_add, standard_create
from patronage.standards.team_meeting import standards_slipped

pytestmark = pytest.mark.django_db

NOVEMBER = ScorePeriod("month", date(2026, 11, 1))
AT = datetime(2026, 11, 10, 3, tzinfo=UTC)


@pytest.fixture
def phones(agent: User) -> Team:
    business_set(time_zone="Asia/Seoul")
    team = Team.objects.create(name="Phones")
    team.members.add(agent)
    return team


def _standard(
    admin: User, code: str, direction: str, target: float, minimum: float, values: list[float]
) -> None:
    standard = standard_create(
        data=StandardInput(
            code=code,
            name=code,
            unit="u",
            direction=direction,
            target=target,
            minimum=minimum,
            target_share=0.75,
        ),
        actor=admin,
    )
    items = [
        MeasurementInput(value=v, at=AT, team="Phones", external_id=f"{code}-{i}")
        for i, v in enumerate(values)
    ]
    measurements_add(standard=standard, items=items, actor=admin)


def test_short_of_the_share_or_past_the_minimum_slips_and_higher_is_better_is_read_the_right_way(
    admin: User, phones: Team
) -> None:
    _standard(admin, "rings", "lower", 2, 4, [1, 2, 2, 3])  # 3 of 4 met: 75%, none past 4: kept
    _standard(admin, "greeting", "lower", 30, 60, [10, 10, 10, 61])  # 75% met, but one past the minimum
    _standard(admin, "smiles", "higher", 4, 2, [5, 4, 3, 3])  # higher is better: 2 of 4 met, short of 75%
    _standard(admin, "stars", "higher", 4, 2, [5, 4, 4, 5])  # all met

    slipped = standards_slipped(team=phones, period=NOVEMBER)

    assert [row.standard.code for row in slipped] == ["greeting", "smiles"]
    assert [row.summary.count for row in slipped] == [4, 4]


def test_another_month_or_team_has_nothing_slipped(admin: User, phones: Team) -> None:
    _standard(admin, "greeting", "lower", 30, 60, [61])

    assert standards_slipped(team=phones, period=ScorePeriod("month", date(2026, 10, 1))) == []
    assert standards_slipped(team=Team.objects.create(name="Shop floor"), period=NOVEMBER) == []
