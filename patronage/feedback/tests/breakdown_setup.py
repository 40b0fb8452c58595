"""Surveys answered by customers in tiers, for the breakdown tests (feedback's and the console's)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from patronage.feedback.models import Response, Survey
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open
from patronage.loyalty import services
from patronage.loyalty.models import Account, Program, Tier
from patronage.members.models import Member

JOINED = datetime(2026, 1, 1, tzinfo=UTC)


def scored_survey() -> Survey:
    """An open survey with an NPS, a CSAT and a CES question, and a second NPS question that is not the
    survey's NPS (its first is)."""
    data = SurveyInput(
        title="After your visit",
        questions=[
            QuestionInput(type="nps", key="nps", text="How likely are you to recommend us?"),
            QuestionInput(type="csat", key="csat", text="How satisfied are you?"),
            QuestionInput(type="ces", key="ces", text="How easy was it?"),
            QuestionInput(type="nps", key="nps2", text="And to recommend our app?"),
        ],
    )
    return survey_open(survey=survey_create(data=data, actor=None), actor=None)


def club_tier(code: str, name: str, rank: int, **translations: str) -> Tier:
    """A tier of the program "club" (made with its first tier), its threshold rising with its rank."""
    program = Program.objects.filter(code="club").first() or services.program_save(
        code="club", values={"name": "Club", "currency": "KRW", "time_zone": "Asia/Seoul"}, actor=None
    )
    return services.tier_save(
        program=program,
        code=code,
        name=name,
        name_translations=translations or None,
        rank=rank,
        threshold=Decimal(rank * 1000),
        actor=None,
    )


def customer_answers(
    survey: Survey, score: int, *, tier: Tier | None = None, csat: int = 5, language: str = ""
) -> Response:
    """A new customer (holding `tier`) answers `score` to the NPS, `csat`, an effort of 2, and 0 to the
    second NPS question."""
    member = Member.objects.create(name=f"Customer {Member.objects.count()}", joined_at=JOINED)
    if tier is not None:
        Account.objects.create(program=tier.program, member=member, enrolled_at=JOINED, tier=tier)
    answers = {"nps": score, "csat": csat, "ces": 2, "nps2": 0}
    return response_submit(
        survey=survey, data=ResponseInput(answers=answers, member=member, language=language)
    )
