"""What the scorecard pages and their exports show: the cards a viewer may see, each figure in words, and the
CSV lines. The figures themselves come from standards.scorecards; this module only reads and says them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from patronage.care.models import Team
from patronage.console.charts import chart
from patronage.core.models import User
from patronage.core.names import in_reader_language
from patronage.standards.permissions import SCORECARD_OWN, SCORECARDS_ALL, SCORECARDS_TEAM
from patronage.standards.scorecards import (
    Metric,
    Scorecard,
    ScorePeriod,
    scorecard_person,
    scorecard_teams_visible,
    scorecards_team,
)
from patronage.standards.stats import Summary
from patronage.standards.team_meeting import Slipped

# Whoever holds one of these opens the scorecard pages (what they see there is decided by whose card it is).
SCORECARDS_ANY = (SCORECARD_OWN, SCORECARDS_TEAM, SCORECARDS_ALL)

# The figures in the order every page and export shows them, with what each counts.
METRIC_LABELS = {
    "satisfaction": _("Customer satisfaction"),
    "sla": _("SLA compliance"),
    "standards": _("Standards compliance"),
    "recovery": _("Recovery outcome"),
    "volume": _("Volume handled"),
}
COUNT_LABELS = {
    "satisfaction": _("answers"),
    "sla": _("SLA targets"),
    "standards": _("measurements"),
    "recovery": _("complaints closed"),
    "volume": _("cases closed and measurements"),
}
SHARES = ("sla", "standards", "recovery")


@dataclass(frozen=True)
class CardTable:
    """One team's card and its members' (ranked within it); `team` None: a person's own card alone."""

    team: Team | None
    card: Scorecard | None
    people: list[Scorecard]

    @property
    def cards(self) -> list[Scorecard]:
        return ([self.card] if self.card is not None else []) + self.people

    @property
    def rows(self) -> list[Row]:
        """The cards as a table's rows, the team's own first."""
        return [
            Row(card, person_name(card.user), overall_text(card.overall), card_parts(card))
            for card in self.cards
        ]


def tables_visible(*, viewer: User, period: ScorePeriod, team: Team | None = None) -> list[CardTable]:
    """The teams the viewer may see (only `team` when given), each with its members; someone who sees no
    team and asks for none gets their own card."""
    teams = scorecard_teams_visible(viewer=viewer)
    if team is not None:
        teams = teams.filter(pk=team.pk)
    tables = [CardTable(each, *scorecards_team(team=each, period=period)) for each in teams]
    if team is None and not tables and viewer.has_staff_perm(SCORECARD_OWN):
        tables = [CardTable(None, None, [scorecard_person(user=viewer, period=period)])]
    return tables


def may_pin(*, viewer: User, team: Team | None) -> bool:
    """Whether the viewer may pin and unpin the team's examples: they see every team, or lead this one."""
    if viewer.has_staff_perm(SCORECARDS_ALL):
        return True
    return team is not None and team.lead_id == viewer.pk and viewer.has_staff_perm(SCORECARDS_TEAM)


def person_name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def metric_text(name: str, value: float | None) -> str:
    """A figure as a person reads it: a mean rating out of 5, a share in percent, a count."""
    if value is None:
        return "—"
    if name == "satisfaction":
        return f"{value:.2f} / 5"
    if name in SHARES:
        return f"{100 * value:.1f}%"
    return f"{value:.0f}"


def rank_text(metric: Metric) -> str:
    return f"{metric.rank} / {metric.ranked}" if metric.rank is not None else "—"


def overall_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


CSV_HEADER = [
    "period",
    "team",
    "username",
    "name",
    "overall",
    *[f"{name}_{part}" for name in METRIC_LABELS for part in ("value", "count", "rank", "ranked")],
    "recovery_baseline",
]


# As the customer export does: a cell a spreadsheet would run as a formula keeps a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _number(value: float | int | None, digits: int = 4) -> str:
    return "" if value is None else str(round(value, digits))


def csv_lines(tables: list[CardTable]) -> Iterator[list[str]]:
    """The header, then a line per card: figures as numbers a spreadsheet reads (shares 0..1, ratings 1-5),
    empty where there is no value; a team's own card has no username."""
    yield CSV_HEADER
    for table in tables:
        for card in table.cards:
            line = [
                card.period.label,
                _text(card.team.name if card.team is not None else ""),
                _text(card.user.get_username() if card.user is not None else ""),
                _text(person_name(card.user)),
                _number(card.overall, 2),
            ]
            for name in METRIC_LABELS:
                metric: Metric = getattr(card, name)
                line += [_number(metric.value), str(metric.count), _number(metric.rank), str(metric.ranked)]
            line.append(_number(card.recovery.baseline))
            yield line


@dataclass(frozen=True)
class Part:
    """One figure of a card as its page shows it."""

    name: str
    label: str
    metric: Metric
    value: str
    count_label: str
    rank: str
    baseline: str | None  # recovery: the business's share beside it
    chart_id: str


@dataclass(frozen=True)
class Row:
    card: Scorecard
    name: str
    overall: str
    parts: list[Part]


def metric_headings() -> list[tuple[str, str]]:
    return [(name, str(label)) for name, label in METRIC_LABELS.items()]


def card_parts(card: Scorecard) -> list[Part]:
    return [
        Part(
            name=name,
            label=str(label),
            metric=(metric := getattr(card, name)),
            value=metric_text(name, metric.value),
            count_label=str(COUNT_LABELS[name]),
            rank=rank_text(metric),
            baseline=metric_text(name, metric.baseline) if name == "recovery" else None,
            chart_id=f"trend-{name}",
        )
        for name, label in METRIC_LABELS.items()
    ]


def trend_labels(card: Scorecard) -> list[str]:
    """The periods a card's trends run over, oldest first, ending with its own."""
    length = len(card.volume.trend)
    return [period.label for period in card.period.previous(length - 1)] + [card.period.label]


def trend_charts(card: Scorecard) -> list[dict[str, Any]]:
    """A small line chart per figure over the last periods; a gap where a period has no value."""
    labels = trend_labels(card)
    return [
        chart(
            f"trend-{name}",
            "line",
            labels,
            [{"label": label, "data": getattr(card, name).trend}],
            title=label,
            percent=name in SHARES,
            whole=name == "volume",
        )
        for name, label in METRIC_LABELS.items()
    ]


@dataclass(frozen=True)
class SlippedRow:
    name: str
    url: str
    summary: Summary
    meeting: str
    target: str


def slipped_rows(slipped: list[Slipped]) -> list[SlippedRow]:
    return [
        SlippedRow(
            name=in_reader_language(row.standard, "name"),
            url=reverse("console:standard_detail", args=[row.standard.pk]),
            summary=row.summary,
            meeting=metric_text("standards", row.summary.meeting_target_share),
            target=metric_text("standards", row.standard.target_share),
        )
        for row in slipped
    ]
