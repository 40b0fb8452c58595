"""A survey's scores group by group: each group's NPS is the survey's NPS over that group's answers, a group
with fewer than five answers is flagged too few, each breakdown is one grouped query, and the lifetime-value
bands come from the latest lifetime-value analysis (or say there is none)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from patronage.analytics.models import AnalysisKind, AnalysisRun, CustomerScore, RunStatus
from patronage.commerce.models import Channel, Store
from patronage.core.errors import ValidationFailed
from patronage.core.models import User
from patronage.feedback.breakdowns import MIN_ANSWERS, group_scores
from patronage.feedback.models import Response, Survey
from patronage.feedback.questions import QuestionType
from patronage.feedback.responses import ResponseInput, response_submit, survey_try
from patronage.feedback.scores import ces, csat, nps
from patronage.feedback.survey_groups import survey_breakdown
from patronage.loyalty.models import Account, Tier
from patronage.members.models import Member

from .breakdown_setup import JOINED, club_tier, customer_answers, scored_survey

pytestmark = pytest.mark.django_db
GOLD_NPS = (10, 10, 9, 9, 3)  # 4 promoters, 1 detractor of 5: NPS 60
SILVER_NPS = (10, 6, 5)  # 1 promoter, 2 detractors of 3: NPS -33.3, too few
NO_TIER_NPS = (8,)


def _planted() -> tuple[Survey, Tier]:
    """Five Gold customers, three Silver and one without a tier answer the survey; returns it and Gold."""
    survey = scored_survey()
    silver, gold = club_tier("silver", "Silver", 0), club_tier("gold", "Gold", 1, ko="골드")
    for score in GOLD_NPS:
        customer_answers(survey, score, tier=gold)
    for score in SILVER_NPS:
        customer_answers(survey, score, tier=silver, csat=2)
    for score in NO_TIER_NPS:
        customer_answers(survey, score)
    return survey, gold


def test_each_tiers_nps_is_the_nps_of_its_customers_answers_and_a_small_tier_is_too_few():
    survey, gold = _planted()

    breakdown = survey_breakdown(survey=survey, by="tier")

    groups = {group.label: group for group in breakdown.groups}
    assert list(groups) == ["Gold", "Silver", "no tier"]  # largest first
    assert groups["Gold"].nps == nps(GOLD_NPS)
    assert groups["Gold"].nps.value == pytest.approx(60.0)
    assert groups["Silver"].nps.value == pytest.approx(-100 / 3)
    assert groups["no tier"].nps.value == 0.0
    assert groups["Gold"].key == str(gold.pk)
    assert groups["Gold"].csat.value == 100.0
    assert groups["Silver"].csat.value == 0.0
    assert groups["Gold"].ces.value == 2.0
    assert groups["Gold"].responses == len(GOLD_NPS)
    assert not groups["Gold"].too_few
    assert groups["Silver"].too_few
    assert breakdown.program == gold.program


def test_a_staff_try_and_a_half_answer_count_in_no_group(admin: User):
    survey, gold = _planted()
    survey_try(survey=survey, answers={"nps": 0, "csat": 1, "ces": 7}, actor=admin)
    member = Member.objects.create(name="Left half-way", joined_at=JOINED)
    Account.objects.create(program=gold.program, member=member, enrolled_at=JOINED, tier=gold)
    response_submit(survey=survey, data=ResponseInput(answers={"nps": 0}, member=member, partial=True))

    gold_group = next(g for g in survey_breakdown(survey=survey, by="tier").groups if g.key == str(gold.pk))

    assert gold_group.nps == nps(GOLD_NPS)


def test_a_tier_is_named_in_the_readers_language():
    survey, _gold = _planted()

    with translation.override("ko"):
        labels = [group.label for group in survey_breakdown(survey=survey, by="tier").groups]

    assert labels[0] == "골드"


def test_store_agent_and_channel_group_the_responses_by_what_each_response_names(admin: User):
    survey, _gold = _planted()
    store = Store.objects.create(
        code="gangnam",
        name="Gangnam",
        channel=Channel.objects.create(code="store", name="Store", kind="store"),
    )
    first_two = list(Response.objects.filter(survey=survey).order_by("pk").values_list("pk", flat=True)[:2])
    Response.objects.filter(pk__in=first_two).update(store=store, agent=admin, channel="portal")

    stores = {group.label: group for group in survey_breakdown(survey=survey, by="store").groups}
    agents = {group.label: group for group in survey_breakdown(survey=survey, by="agent").groups}
    channels = {group.key: group for group in survey_breakdown(survey=survey, by="channel").groups}

    assert stores["Gangnam"].nps == nps([10, 10])
    assert stores["no store"].responses == len(GOLD_NPS) + len(SILVER_NPS) + len(NO_TIER_NPS) - 2
    assert agents[admin.username].key == str(admin.pk)
    assert agents[admin.username].responses == 2
    assert channels["portal"].label == "member portal"
    assert channels["api"].responses == 7


@pytest.mark.parametrize("by", ["tier", "store", "channel", "agent", "clv_band", "language"])
def test_each_breakdown_is_one_grouped_query_however_many_groups(by: str):
    survey, _gold = _planted()
    _value_run({member: float(place) for place, member in enumerate(Member.objects.all())})

    with CaptureQueriesContext(connection) as queries:
        survey_breakdown(survey=survey, by=by)

    grouped = [query["sql"] for query in queries.captured_queries if "GROUP BY" in query["sql"]]
    assert len(grouped) == 1
    assert len(queries.captured_queries) <= 6  # the questions, the program, its tiers, the run and its values


def test_by_tier_without_a_program_says_there_is_none():
    survey = scored_survey()
    customer_answers(survey, 10)

    breakdown = survey_breakdown(survey=survey, by="tier")

    assert breakdown.groups == []
    assert breakdown.unavailable == "There is no loyalty program yet."


def test_an_unknown_breakdown_is_refused_naming_by():
    survey = scored_survey()

    with pytest.raises(ValidationFailed) as refused:
        survey_breakdown(survey=survey, by="segment")

    assert refused.value.field == "by"


def _value_run(values: dict[Member, float]) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    run = AnalysisRun.objects.create(
        kind=AnalysisKind.CLV, status=RunStatus.DONE, window_end=now, created_at=now, finished_at=now
    )
    CustomerScore.objects.bulk_create(
        CustomerScore(run=run, member=member, clv=value) for member, value in values.items()
    )


def test_without_a_lifetime_value_analysis_the_band_breakdown_says_so():
    survey, _gold = _planted()

    breakdown = survey_breakdown(survey=survey, by="clv_band")

    assert breakdown.groups == []
    assert "No lifetime-value analysis" in breakdown.unavailable


def test_lifetime_value_bands_split_the_scored_customers_top_fifth_next_30_and_lower_half():
    survey = scored_survey()
    members = []
    for score in (10, 9, 9, 9, 9, 10, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0):
        members.append(customer_answers(survey, score).member)
    unscored = customer_answers(survey, 10).member
    # Worth 20 down to 1 in the order they answered.
    _value_run({member: float(20 - place) for place, member in enumerate(members)})
    assert unscored is not None

    groups = survey_breakdown(survey=survey, by="clv_band").groups

    assert [group.key for group in groups] == ["top", "middle", "lower", ""]
    top, middle, lower, not_scored = groups
    # np.quantile(1..20, 0.8) = 16.2: values 17 to 20 (4 customers); 0.5 -> 10.5: 11 to 16 (6)
    assert top.nps == nps([10, 9, 9, 9])
    assert middle.nps == nps([9, 10, 7, 7, 7, 7])
    assert lower.nps.value == -100.0
    assert lower.responses == 10
    assert not_scored.label == "not scored"
    assert not_scored.responses == 1


def test_group_scores_are_the_survey_scores_of_the_same_answers():
    answers = {
        QuestionType.NPS: {10: 3, 6: 1, 8: 2},
        QuestionType.CSAT: {5: 2, 1: 1},
        QuestionType.CES: {3: 4},
    }

    group = group_scores(key="x", label="X", responses=6, counts=answers)

    assert group.nps == nps([10, 10, 10, 6, 8, 8])
    assert group.csat == csat([5, 5, 1])
    assert group.ces == ces([3, 3, 3, 3])
    assert not group.too_few  # six NPS answers


def test_a_group_is_too_few_when_no_score_has_five_answers():
    four = {QuestionType.NPS: {10: MIN_ANSWERS - 1}, QuestionType.CSAT: {5: MIN_ANSWERS - 1}}

    assert group_scores(key="x", label="X", responses=4, counts=four).too_few
    five = {QuestionType.NPS: {10: MIN_ANSWERS}}
    assert not group_scores(key="x", label="X", responses=5, counts=five).too_few
