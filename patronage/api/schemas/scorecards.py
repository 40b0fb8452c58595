"""Response shapes of the scorecards endpoint: a period's cards, each figure with its trend and rank."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema

from patronage.api.schemas.common import DAY_PATTERN, SAFE_TEXT
from patronage.standards.scorecards import TREND_PERIODS, YEARS, Scorecard

# A period the server reads (standards.scorecards.score_period_parse), stated whole so that the document
# allows exactly what is accepted: a month, a day, or an ISO week, the 53rd only in the years that have one.
_LONG_YEARS = "|".join(str(year) for year in YEARS if date(year, 12, 28).isocalendar()[1] == 53)
_YEAR = "(?:19|20|21)[0-9]{2}"
PERIOD_PATTERN = (
    rf"^(?:{_YEAR}-(?:0[1-9]|1[0-2])|{_YEAR}-W(?:0[1-9]|[1-4][0-9]|5[0-2])|(?:{_LONG_YEARS})-W53"
    rf"|{DAY_PATTERN[1:-1]})$"
)
TEAM_NAME_MAX = 100


class ScorecardFilters(Schema):
    period: str | None = Field(
        None,
        pattern=PERIOD_PATTERN,
        description="a month (2026-11), an ISO week (2026-W47) or a day (2026-11-30) of the business's "
        "calendar; the current month if left out",
    )
    team: str | None = Field(
        None, max_length=TEAM_NAME_MAX, pattern=SAFE_TEXT, description="a team's name; every team if left out"
    )


class ScoreMetricOut(Schema):
    value: float | None = Field(
        ...,
        description="satisfaction: the mean rating, 1 to 5; sla, standards, recovery: a share, 0 to 1; "
        "volume: a count. Null when nothing was measured",
    )
    count: int = Field(
        ..., description="the ratings, SLA legs, measurements, complaints or items it stands on"
    )
    trend: list[float | None] = Field(
        ...,
        description=f"the value over the last {TREND_PERIODS} periods, oldest first, ending with this one",
    )
    rank: int | None = Field(..., description="1 is the best in the team; null for a team or without a value")
    ranked: int = Field(..., description="how many of the team had a value")
    baseline: float | None = Field(
        ..., description="recovery only: the share over all the business's complaints closed in the period"
    )


class ScorecardPersonOut(Schema):
    username: str
    name: str


class ScorecardOut(Schema):
    user: ScorecardPersonOut | None = Field(..., description="null for the team's own card")
    team: str | None = Field(..., description="the team's name")
    satisfaction: ScoreMetricOut
    sla: ScoreMetricOut
    standards: ScoreMetricOut
    recovery: ScoreMetricOut
    volume: ScoreMetricOut
    overall: float | None = Field(
        ...,
        description="0 to 100: the weighted mean of the parts with a value (satisfaction as (mean - 1) / 4)",
    )

    @staticmethod
    def resolve_user(card: Scorecard) -> dict[str, Any] | None:
        if card.user is None:
            return None
        return {"username": card.user.get_username(), "name": card.user.get_full_name()}

    @staticmethod
    def resolve_team(card: Scorecard) -> str | None:
        return card.team.name if card.team is not None else None


class ScoreWeightsOut(Schema):
    satisfaction: int
    sla: int
    standards: int
    recovery: int


class ScorecardsOut(Schema):
    """Each team's own card followed by its members', teams by name."""

    period: str = Field(..., description="the period's label: 2026-11, 2026-W47 or 2026-11-30")
    kind: str = Field(..., description="month, week or day")
    start: date
    end: date = Field(..., description="the first day after the period")
    weights: ScoreWeightsOut
    cards: list[ScorecardOut]
