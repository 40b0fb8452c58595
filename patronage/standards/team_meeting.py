"""What a team meeting reviews beside the scorecards: the standards that slipped for the team in the period."""

from __future__ import annotations

from dataclasses import dataclass

from patronage.care.models import Team
from patronage.standards.models import Standard
from patronage.standards.scorecards import ScorePeriod
from patronage.standards.selectors import Scope, standard_compliance, standard_list
from patronage.standards.stats import Summary


@dataclass(frozen=True)
class Slipped:
    """An active standard the team's measurements of the period fell short of."""

    standard: Standard
    summary: Summary


def slipped(summary: Summary, standard: Standard) -> bool:
    """Fewer than the target share met the target, or any measurement went past the minimum."""
    share = summary.meeting_target_share
    short = share is not None and share < standard.target_share
    return summary.below_minimum > 0 or short


def standards_slipped(*, team: Team, period: ScorePeriod) -> list[Slipped]:
    """Each active standard the team's measurements (those naming the team) slipped on in the period, with
    its figures, in the standards' order."""
    since, until = period.bounds()
    scope = Scope(since=since, until=until, team_ids=[team.pk])
    found: list[Slipped] = []
    for standard in standard_list(active=True):
        for row in standard_compliance(standard=standard, period="all", group="team", scope=scope):
            if row.group_id == team.pk and slipped(row.summary, standard):
                found.append(Slipped(standard, row.summary))
    return found
