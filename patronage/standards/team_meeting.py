"""What a team meeting reviews beside the scorecards: the standards that slipped for the team in the period."""

from __future__ import annotations

from dataclasses import dataclass

from patronage.care.models import Team
from patronage.standards.models import Standard
from patronage.standards.scorecards import ScorePeriod
from patronage.standards.selectors import Scope, standard_compliance, standard_list
from patronage.standards.stats import MET, Summary, verdict


@dataclass(frozen=True)
class Slipped:
    """An active standard the team's measurements of the period fell short of."""

    standard: Standard
    summary: Summary


def standards_slipped(*, team: Team, period: ScorePeriod) -> list[Slipped]:
    """Each active standard the team's measurements (those naming the team) slipped on in the period, with
    its figures, in the standards' order."""
    since, until = period.bounds()
    scope = Scope(since=since, until=until, team_ids=[team.pk])
    found: list[Slipped] = []
    for standard in standard_list(active=True):
        for row in standard_compliance(standard=standard, period="all", group="team", scope=scope):
            if row.group_id == team.pk and verdict(row.summary, target_share=standard.target_share) != MET:
                found.append(Slipped(standard, row.summary))
    return found
