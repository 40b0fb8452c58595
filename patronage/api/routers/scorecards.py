"""Staff scorecards for HR and reporting systems: a period's cards for each team and its members. The
endpoint parses, checks the scope, and reads patronage.standards.scorecards.
"""

# No `from __future__ import annotations` here: ninja reads the parameters' annotations at import time.

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Query, Router

from patronage.api.auth import acting_user, require_scope
from patronage.api.schemas.common import PROBLEM_STATUSES, Problem
from patronage.api.schemas.scorecards import ScorecardFilters, ScorecardsOut
from patronage.care.models import Team
from patronage.core.errors import NotFound
from patronage.standards.permissions import SCORECARDS_ALL, SCORECARDS_TEAM
from patronage.standards.scorecards import (
    score_period_current,
    score_period_parse,
    score_weights,
    scorecard_teams_visible,
    scorecards_team,
)

router = Router(tags=["scorecards"])

# Scorecards are for performance reviews: a staff session needs a lead's or an administrator's right and
# reads only the teams it may see; an integration's key reads every team.
READ = require_scope("standards:read", staff_permission=(SCORECARDS_TEAM, SCORECARDS_ALL))


@router.get("/scorecards", response={200: ScorecardsOut, PROBLEM_STATUSES: Problem}, auth=READ)
def list_scorecards(request: HttpRequest, filters: Query[ScorecardFilters]) -> dict[str, Any]:
    """Each team's card and its members' for a month, ISO week or day: satisfaction, SLA, standards,
    recovery (with the business's baseline) and volume, each with its trend and rank in the team, and the
    overall score under the business's weights. A team that is not there (or not the caller's to see) is 404
    naming `team`."""
    period = score_period_parse(filters.period) if filters.period else score_period_current()
    viewer = acting_user(request)
    teams = scorecard_teams_visible(viewer=viewer) if viewer is not None else Team.objects.all()
    if filters.team:
        teams = teams.filter(name=filters.team)
        if not teams.exists():
            raise NotFound(gettext("no team is named '%(name)s'") % {"name": filters.team}, field="team")
    cards = []
    for team in teams.order_by("name"):
        team_card, members = scorecards_team(team=team, period=period)
        cards += [team_card, *members]
    return {
        "period": period.label,
        "kind": period.kind,
        "start": period.start,
        "end": period.end,
        "weights": score_weights(),
        "cards": cards,
    }
