"""Staff scorecards: for a person or a team, per day, ISO week or month of the business's calendar, five
figures with their trend over the last TREND_PERIODS periods and each person's rank in the team.

What each figure means (a team's card reads the team's cases and measurements: those of the team and those
of its members):
- satisfaction: cases assigned to the person whose customer rated them in the period (`Case.satisfaction`
  set, `satisfaction_at` in the period; the care follow-up and the survey after a closed case both set it).
  A follow-up sent but not answered does not count. value = the mean rating (1 to 5), count = ratings.
- sla: the SLA legs of the person's cases that ended in the period: met in it (`met_at`), or breached in it
  and not met. value = the share met without a breach (`breached_at` empty), count = legs.
- standards: the person's measurements in the period, over every active standard. value = the share meeting
  its own standard's target (lower or higher is better, as the standard says), count = measurements.
- recovery: complaints assigned to the person, closed in the period, with a member. value = the share whose
  member bought again (a purchase placed after the case closed and within 90 days of it), count =
  complaints; baseline = the same share over all the business's complaints closed in the period. A
  complaint whose 90 days have not ended yet still counts, so a recent period's share can still rise.
- volume: cases assigned to the person closed in the period plus the person's measurements in it.
  value = count = that number.
Ranks: 1 is the best in the team (higher is better for every figure; for volume, more ranks higher);
members with equal values share a rank. The overall score (0-100) is the weighted mean of satisfaction
(scaled (mean - 1) / 4), sla, standards and recovery, over the parts that have a value.

Each figure is one grouped query per team and range of periods (every person's, every period's rows at
once), so a team's cards cost the same few queries however many people and periods they show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from patronage.care.models import Case, CaseType, SlaLeg, Team
from patronage.commerce.models import Order, OrderKind
from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_zone
from patronage.core.errors import ValidationFailed
from patronage.core.models import User
from patronage.standards.models import Direction, Measurement, ScoreWeights
from patronage.standards.permissions import SCORECARD_OWN, SCORECARDS_ALL, SCORECARDS_TEAM
from patronage.standards.selectors import period_bounds
from patronage.standards.stats import period_after, period_before, period_start

TREND_PERIODS = 6
RECOVERY_DAYS = 90
KINDS = ("day", "week", "month")
METRICS = ("satisfaction", "sla", "standards", "recovery", "volume")
WEIGHTED = ("satisfaction", "sla", "standards", "recovery")
WEIGHT_MAX = 100

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# The years a period may fall in, as every date the product takes (core.inputs): a trend reaching back
# from year 1 would fall off the calendar.
YEARS = range(1900, 2200)


@dataclass(frozen=True)
class ScorePeriod:
    """A day, ISO week or month of the business's calendar."""

    kind: str  # "day" | "week" | "month"
    start: date

    @property
    def end(self) -> date:
        """The first day after the period."""
        return period_after(self.start, self.kind)

    @property
    def label(self) -> str:
        """How a link or the API names it: 2026-11, 2026-W47, 2026-11-30."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "week":
            year, week, _weekday = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.isoformat()

    def bounds(self) -> tuple[datetime, datetime]:
        """The instants it runs from and before, in the business's zone."""
        return period_bounds(self.start, self.kind)

    def previous(self, count: int) -> list[ScorePeriod]:
        """The `count` periods before this one, oldest first."""
        starts: list[date] = []
        start = self.start
        for _step in range(count):
            start = period_before(start, self.kind)
            starts.append(start)
        return [ScorePeriod(self.kind, start) for start in reversed(starts)]


def score_period_parse(text: str) -> ScorePeriod:
    """A month (2026-11), ISO week (2026-W47) or day (2026-11-30); anything else is refused naming `period`."""
    text = (text or "").strip()
    match = _MONTH.fullmatch(text) or _WEEK.fullmatch(text) or _DAY.fullmatch(text)
    period = _period(match) if match is not None and int(match[1]) in YEARS else None
    if period is None:
        raise ValidationFailed(
            _("give a month (2026-11), an ISO week (2026-W47) or a day (2026-11-30)"), field="period"
        )
    return period


def _period(match: re.Match[str]) -> ScorePeriod | None:
    year, number = int(match[1]), int(match[2])
    try:
        if match.re is _MONTH:
            return ScorePeriod("month", date(year, number, 1))
        if match.re is _WEEK:
            return ScorePeriod("week", date.fromisocalendar(year, number, 1))
        return ScorePeriod("day", date(year, number, int(match[3])))
    except ValueError:  # month 13, week 53 of a year of 52, 30 February
        return None


def score_period_current(kind: str = "month") -> ScorePeriod:
    """The period holding now, on the business's calendar."""
    if kind not in KINDS:
        raise ValidationFailed(_("must be day, week or month"), field="period")
    return ScorePeriod(kind, period_start(clock.now().astimezone(business_zone()), kind))


@dataclass(frozen=True)
class Metric:
    value: float | None  # satisfaction: mean rating 1-5; sla, standards, recovery: share 0..1; volume: count
    count: int  # how many answers / SLA legs / measurements / closed complaints it stands on
    trend: list[float | None]  # over the last TREND_PERIODS periods, oldest first, ending with this one
    rank: int | None  # 1 = best in the team (None when no value or not ranked)
    ranked: int  # how many in the team had a value
    baseline: float | None = None  # recovery: the business's share over the same window


@dataclass(frozen=True)
class Scorecard:
    period: ScorePeriod
    user: User | None  # None for a team's own card
    team: Team | None
    satisfaction: Metric
    sla: Metric
    standards: Metric
    recovery: Metric
    volume: Metric
    overall: float | None  # 0-100, the weighted mean of the parts that have a value

    def metrics(self) -> list[tuple[str, Metric]]:
        """The five figures by name, in the order a page shows them."""
        return [(name, getattr(self, name)) for name in METRICS]


# ---- weights ----------------------------------------------------------------------------------------------


def score_weights() -> ScoreWeights:
    """The one row of weights, created with the defaults the first time it is read."""
    weights, _created = ScoreWeights.objects.get_or_create(pk=1)
    return weights


def score_weights_set(
    *, satisfaction: int, sla: int, standards: int, recovery: int, actor: User | None
) -> ScoreWeights:
    """Sets how much each part counts in the overall score: whole numbers 0-100, not all zero."""
    given = {"satisfaction": satisfaction, "sla": sla, "standards": standards, "recovery": recovery}
    problems = [
        (name, _("must be a whole number from 0 to %(max)d") % {"max": WEIGHT_MAX})
        for name, value in given.items()
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= WEIGHT_MAX
    ]
    if not problems and not sum(given.values()):
        problems.append(("satisfaction", _("at least one part must weigh more than 0")))
    if problems:
        raise ValidationFailed.every(problems)
    score_weights()
    with transaction.atomic(durable=True):
        weights = ScoreWeights.objects.select_for_update().get(pk=1)
        for name, value in given.items():
            setattr(weights, name, value)
        weights.updated_at = clock.now()
        weights.save()
        audit_change(actor=actor, action="score_weights.changed", target=weights, **given)
    return weights


def overall_score(parts: Mapping[str, float | None], weights: ScoreWeights) -> float | None:
    """0-100: the weighted mean of the parts with a value, satisfaction's 1-5 scaled to 0-1 first."""
    total = weighed = 0.0
    for name in WEIGHTED:
        value, weight = parts.get(name), getattr(weights, name)
        if value is None or not weight:
            continue
        share = (value - 1) / 4 if name == "satisfaction" else value
        total += weight * share
        weighed += weight
    return 100 * total / weighed if weighed else None


# ---- who may see what -------------------------------------------------------------------------------------


def scorecard_teams_visible(*, viewer: User) -> QuerySet[Team]:
    """Every team for an administrator, the teams they lead for a lead, none for anyone else."""
    if viewer.has_staff_perm(SCORECARDS_ALL):
        return Team.objects.all()
    if viewer.has_staff_perm(SCORECARDS_TEAM):
        return Team.objects.filter(lead=viewer)
    return Team.objects.none()


def scorecard_may_view(*, viewer: User, person: User) -> bool:
    """Their own card, a member's of a team they lead, or anyone's for an administrator."""
    if viewer.has_staff_perm(SCORECARDS_ALL):
        return True
    if viewer.pk == person.pk and viewer.has_staff_perm(SCORECARD_OWN):
        return True
    return (
        viewer.has_staff_perm(SCORECARDS_TEAM) and Team.objects.filter(lead=viewer, members=person).exists()
    )


# ---- the figures ------------------------------------------------------------------------------------------

# A figure's rows: (person id, or None for the team as one; the period's index, oldest 0) -> (value, count).
Figures = dict[tuple[int | None, int], tuple[float | None, int]]


@dataclass(frozen=True)
class _Span:
    """The periods read, oldest first, ending with the card's own."""

    periods: list[ScorePeriod]

    @property
    def since(self) -> datetime:
        return self.periods[0].bounds()[0]

    @property
    def until(self) -> datetime:
        return self.periods[-1].bounds()[1]

    def bucket(self) -> CaseWhen:
        """The index of the period the annotated `_moment` falls in, as SQL (edges in the business zone)."""
        whens = []
        for index, period in enumerate(self.periods):
            since, until = period.bounds()
            whens.append(When(Q(_moment__gte=since, _moment__lt=until), then=Value(index)))
        return CaseWhen(*whens, default=None, output_field=IntegerField())

    def rows(self, queryset: QuerySet[Any], *, moment: Any, who: str | None, **sums: Any) -> Iterable[Any]:
        """The aggregates per person (`who`: their column; None: all as one) and period."""
        keys = ["_bucket", *([who] if who else [])]
        return (
            queryset.annotate(_moment=moment)
            .filter(_moment__gte=self.since, _moment__lt=self.until)
            .annotate(_bucket=self.bucket())
            .order_by()
            .values(*keys)
            .annotate(**sums)
        )


@dataclass(frozen=True)
class _Who:
    """Whose figures: each of these people (grouped by person), or, with a team, the team as one (the
    team's own rows and its members')."""

    people: tuple[int, ...]
    team: Team | None = None

    def cases(self, column: str = "") -> tuple[Q, str | None]:
        assignee = f"{column}assignee_id"
        if self.team is None:
            return Q(**{f"{assignee}__in": self.people}), assignee
        return Q(**{f"{column}team": self.team}) | Q(**{f"{assignee}__in": self.people}), None

    def measurements(self) -> tuple[Q, str | None]:
        if self.team is None:
            return Q(employee_id__in=self.people), "employee_id"
        return Q(team=self.team) | Q(employee_id__in=self.people), None


def _share(part: int | None, whole: int) -> float | None:
    return (part or 0) / whole if whole else None


def _satisfaction(who: _Who, span: _Span) -> Figures:
    where, column = who.cases()
    rows = span.rows(
        Case.objects.filter(where, satisfaction__isnull=False),
        moment=F("satisfaction_at"),
        who=column,
        mean=Avg("satisfaction"),
        n=Count("pk"),
    )
    return {(row.get(column or ""), row["_bucket"]): (row["mean"], row["n"]) for row in rows}


def _sla(who: _Who, span: _Span) -> Figures:
    where, column = who.cases("case__")
    # A leg ends when it is met, or, never met, when it is breached.
    ended = Q(met_at__isnull=False) | Q(breached_at__isnull=False)
    rows = span.rows(
        SlaLeg.objects.filter(where, ended),
        moment=Coalesce("met_at", "breached_at"),
        who=column,
        n=Count("pk"),
        clean=Count("pk", filter=Q(met_at__isnull=False, breached_at__isnull=True)),
    )
    return {
        (row.get(column or ""), row["_bucket"]): (_share(row["clean"], row["n"]), row["n"]) for row in rows
    }


def _meets_target() -> CaseWhen:
    """1 for a measurement as good as its standard's target or better, else 0 (stats.meets_target in SQL)."""
    return CaseWhen(
        When(Q(standard__direction=Direction.LOWER, value__lte=F("standard__target")), then=Value(1)),
        When(Q(standard__direction=Direction.HIGHER, value__gte=F("standard__target")), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _standards(who: _Who, span: _Span) -> Figures:
    where, column = who.measurements()
    rows = span.rows(
        Measurement.objects.filter(where, standard__active=True),
        moment=F("at"),
        who=column,
        n=Count("pk"),
        met=Sum(_meets_target()),
    )
    return {(row.get(column or ""), row["_bucket"]): (_share(row["met"], row["n"]), row["n"]) for row in rows}


def _bought_again() -> Exists:
    """The complaint's member placed a purchase after it closed and within RECOVERY_DAYS of closing."""
    return Exists(
        Order.objects.filter(
            member=OuterRef("member"),
            kind=OrderKind.PURCHASE,
            occurred_at__gt=OuterRef("closed_at"),
            occurred_at__lte=OuterRef("closed_at") + timedelta(days=RECOVERY_DAYS),
        )
    )


def _recovery(who: _Who | None, span: _Span) -> Figures:
    """Per person (or the team); `who` None: the whole business's complaints, as the baseline."""
    where, column = who.cases() if who is not None else (Q(), None)
    complaints = Case.objects.filter(where, type=CaseType.COMPLAINT, member__isnull=False)
    rows = span.rows(
        complaints.annotate(_bought=_bought_again()),
        moment=F("closed_at"),
        who=column,
        n=Count("pk"),
        bought=Count("pk", filter=Q(_bought=True)),
    )
    return {
        (row.get(column or ""), row["_bucket"]): (_share(row["bought"], row["n"]), row["n"]) for row in rows
    }


def _volume(who: _Who, span: _Span) -> Figures:
    counts: dict[tuple[int | None, int], int] = {}
    where, column = who.cases()
    for row in span.rows(Case.objects.filter(where), moment=F("closed_at"), who=column, n=Count("pk")):
        key = (row.get(column or ""), row["_bucket"])
        counts[key] = counts.get(key, 0) + row["n"]
    where, column = who.measurements()
    for row in span.rows(Measurement.objects.filter(where), moment=F("at"), who=column, n=Count("pk")):
        key = (row.get(column or ""), row["_bucket"])
        counts[key] = counts.get(key, 0) + row["n"]
    return {key: (float(n), n) for key, n in counts.items()}


_READERS = {
    "satisfaction": _satisfaction,
    "sla": _sla,
    "standards": _standards,
    "recovery": _recovery,
    "volume": _volume,
}


def _figures(who: _Who, span: _Span) -> dict[str, Figures]:
    return {name: reader(who, span) for name, reader in _READERS.items()}


# ---- the cards --------------------------------------------------------------------------------------------


@dataclass
class _Board:
    """Everything a set of cards is built from: the figures, the baseline and the weights."""

    span: _Span
    figures: dict[str, Figures]
    baseline: float | None
    weights: ScoreWeights
    ranks: dict[str, dict[int, int]] = field(default_factory=dict)
    ranked: dict[str, int] = field(default_factory=dict)

    @property
    def last(self) -> int:
        return len(self.span.periods) - 1

    def metric(self, name: str, key: int | None) -> Metric:
        rows = self.figures[name]
        empty = (0.0, 0) if name == "volume" else (None, 0)
        value, count = rows.get((key, self.last), empty)
        trend = [rows.get((key, index), empty)[0] for index in range(len(self.span.periods))]
        rank = self.ranks.get(name, {}).get(key) if key is not None else None
        return Metric(
            value=value,
            count=count,
            trend=trend,
            rank=rank,
            ranked=self.ranked.get(name, 0) if key is not None else 0,
            baseline=self.baseline if name == "recovery" else None,
        )

    def rank(self, people: Sequence[int]) -> None:
        """Ranks the people on each figure of the last period: 1 + how many did better."""
        for name in METRICS:
            values = {pk: self.metric(name, pk).value for pk in people}
            known = [value for value in values.values() if value is not None]
            self.ranks[name] = {
                pk: 1 + sum(other > value for other in known)
                for pk, value in values.items()
                if value is not None
            }
            self.ranked[name] = len(known)

    def card(self, *, user: User | None, team: Team | None) -> Scorecard:
        metrics = {name: self.metric(name, user.pk if user is not None else None) for name in METRICS}
        overall = overall_score({name: metric.value for name, metric in metrics.items()}, self.weights)
        return Scorecard(period=self.span.periods[-1], user=user, team=team, overall=overall, **metrics)


def _span(period: ScorePeriod) -> _Span:
    return _Span([*period.previous(TREND_PERIODS - 1), period])


def _board(span: _Span, figures: dict[str, Figures]) -> _Board:
    baseline_rows = _recovery(None, _Span(span.periods[-1:]))
    baseline = baseline_rows.get((None, 0), (None, 0))[0]
    return _Board(span=span, figures=figures, baseline=baseline, weights=score_weights())


def _members(team: Team) -> list[User]:
    return list(team.members.filter(is_active=True).order_by("first_name", "last_name", "username"))


def scorecard_person(*, user: User, period: ScorePeriod, team: Team | None = None) -> Scorecard:
    """A person's card; ranked among the members of `team` when one is given."""
    span = _span(period)
    people = [member.pk for member in _members(team)] if team is not None else []
    if user.pk not in people:
        people.append(user.pk)
    board = _board(span, _figures(_Who(tuple(people)), span))
    if team is not None:
        board.rank(people)
    return board.card(user=user, team=team)


def scorecards_team(*, team: Team, period: ScorePeriod) -> tuple[Scorecard, list[Scorecard]]:
    """The team's own card and each active member's, ranked within the team, members by name."""
    span = _span(period)
    members = _members(team)
    people = tuple(member.pk for member in members)
    figures = _figures(_Who(people), span)
    team_figures = _figures(_Who(people, team=team), span)
    board = _board(span, {name: {**figures[name], **team_figures[name]} for name in METRICS})
    board.rank(people)
    return board.card(user=None, team=team), [board.card(user=member, team=team) for member in members]
