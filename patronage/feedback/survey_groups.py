"""A survey's scores broken down by a group of its respondents: their tier, the store, the channel they
answered through, the agent of the case they answered about, their lifetime-value band, their language.

One grouped query per breakdown: the database counts each group's responses and its answers per point of
the first NPS, CSAT and CES question (the ones the survey's own scores read); breakdowns.py turns the counts
into scores. Counted as selectors.survey_results counts: complete responses only, never a staff try.
Segments are not a breakdown yet: they come with the segments app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patronage.core.errors import ValidationFailed
from patronage.core.names import language_name
from patronage.feedback.breakdowns import SCORED, GroupScores, group_scores
from patronage.feedback.hooks import MemberValueBands, member_value_bands
from patronage.feedback.models import Response, ResponseChannel, Survey
from patronage.feedback.questions import FIXED_SCALES, QuestionType
from patronage.feedback.selectors import counted_responses
from patronage.loyalty.models import Program, Tier
from patronage.loyalty.selectors.accounts import program_list
from patronage.loyalty.selectors.standing import tier_id_column

BREAKDOWN_TITLES = {
    "tier": gettext_lazy("Tier"),
    "store": gettext_lazy("Store"),
    "channel": gettext_lazy("Channel"),
    "agent": gettext_lazy("Agent"),
    "clv_band": gettext_lazy("Lifetime-value band"),
    "language": gettext_lazy("Language"),
}
BREAKDOWN_BY = tuple(BREAKDOWN_TITLES)
# The group column of the grouped query, for the groups that are no column of a response.
_GROUP = "breakdown_group"


@dataclass(frozen=True)
class Breakdown:
    survey: Survey
    by: str
    groups: list[GroupScores]  # largest first; lifetime-value bands highest first
    program: Program | None = None  # whose tiers (by tier)
    # Why there is nothing to break down by (no lifetime-value analysis yet); "" when there is.
    unavailable: str = ""


def survey_breakdown(*, survey: Survey, by: str, program: Program | None = None) -> Breakdown:
    """The survey's responses, NPS, CSAT and CES in each group of `by`: tier (the member's tier now in
    `program`, the first program by code when None), store, channel, agent, clv_band or language."""
    if by not in BREAKDOWN_BY:
        raise ValidationFailed(
            _("no breakdown by “%(by)s”: use one of %(choices)s")
            % {"by": by, "choices": ", ".join(BREAKDOWN_BY)},
            field="by",
        )
    responses = counted_responses(survey).order_by()  # no ordering: it would join the grouping
    if by == "clv_band":
        bands = member_value_bands(member_field="member_id")
        if bands is None:
            unavailable = _("No lifetime-value analysis has scored the customers yet: run one to see this.")
            return Breakdown(survey=survey, by=by, groups=[], unavailable=unavailable)
        return Breakdown(survey=survey, by=by, groups=_by_value_band(survey, responses, bands))
    if by == "tier":
        program = program or program_list().first()
        if program is None:
            return Breakdown(
                survey=survey, by=by, groups=[], unavailable=_("There is no loyalty program yet.")
            )
        return Breakdown(survey=survey, by=by, groups=_by_tier(survey, responses, program), program=program)
    fields = {
        "store": ("store_id", "store__name"),
        "channel": ("channel",),
        "agent": ("agent_id", "agent__username", "agent__first_name", "agent__last_name"),
        "language": ("language",),
    }[by]
    rows = _counted(survey, responses, fields)
    groups = [_group(row, fields[0], _label(by, row)) for row in rows]
    return Breakdown(survey=survey, by=by, groups=_largest_first(groups))


# Helpers


def _scored_questions(survey: Survey) -> dict[QuestionType, int]:
    """The first NPS, CSAT and CES question's id, as the survey's own scores read them."""
    first: dict[QuestionType, int] = {}
    for question_id, kind in survey.questions.filter(type__in=SCORED).values_list("pk", "type"):
        first.setdefault(QuestionType(kind), question_id)  # questions come by position
    return first


def _point_column(kind: QuestionType, point: int) -> str:
    return f"{kind.value}_{point}"


def _counted(survey: Survey, responses: QuerySet[Response], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Per group of `fields`: its responses and, per scored question and point, how many answered it so."""
    points = {
        _point_column(kind, point): Count(
            "answers", filter=Q(answers__question_id=question_id, answers__number=point)
        )
        for kind, question_id in _scored_questions(survey).items()
        for point in range(FIXED_SCALES[kind][0], FIXED_SCALES[kind][1] + 1)
    }
    # distinct: each answer joined makes one more row of its response
    return list(responses.values(*fields).annotate(responses_count=Count("pk", distinct=True), **points))


def _group(row: Mapping[str, Any], key_field: str, label: str) -> GroupScores:
    counts = {
        kind: {point: row.get(_point_column(kind, point), 0) for point in range(low, high + 1)}
        for kind, (low, high) in FIXED_SCALES.items()
    }
    key = row[key_field]
    return group_scores(
        key="" if key is None else str(key), label=label, responses=row["responses_count"], counts=counts
    )


def _largest_first(groups: list[GroupScores]) -> list[GroupScores]:
    return sorted(groups, key=lambda group: (-group.responses, group.label))


def _label(by: str, row: Mapping[str, Any]) -> str:
    if by == "store":
        return row["store__name"] or _("no store")
    if by == "agent":
        if row["agent_id"] is None:
            return _("no agent")
        full = f"{row['agent__first_name']} {row['agent__last_name']}".strip()
        return full or row["agent__username"]
    if by == "channel":
        channel = row["channel"]
        return str(ResponseChannel(channel).label) if channel in ResponseChannel.values else channel
    return language_name(row["language"]) if row["language"] else _("not known")


def _by_tier(survey: Survey, responses: QuerySet[Response], program: Program) -> list[GroupScores]:
    rows = _counted(
        survey,
        responses.annotate(**{_GROUP: tier_id_column(program=program, member_field="member_id")}),
        (_GROUP,),
    )
    tiers = {tier.pk: tier for tier in Tier.objects.filter(program=program)}
    groups = []
    for row in rows:
        tier = tiers.get(row[_GROUP])
        groups.append(_group(row, _GROUP, tier.reader_name if tier else _("no tier")))
    return _largest_first(groups)


def _by_value_band(
    survey: Survey, responses: QuerySet[Response], bands: MemberValueBands
) -> list[GroupScores]:
    band_of = Case(
        *(
            When(
                **({"member_value__gte": band.starts_at} if band.starts_at is not None else {}),
                member_value__isnull=False,
                then=Value(band.key),
            )
            for band in bands.bands
        ),
        default=Value(""),
    )
    rows = _counted(
        survey, responses.annotate(member_value=bands.value).annotate(**{_GROUP: band_of}), (_GROUP,)
    )
    labels = {band.key: str(band.label) for band in bands.bands} | {"": _("not scored")}
    order = [*labels]
    groups = [_group(row, _GROUP, labels[row[_GROUP]]) for row in rows]
    return sorted(groups, key=lambda group: order.index(group.key))
