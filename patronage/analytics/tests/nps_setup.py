"""Answers and purchases planted for repurchase and churn by NPS group, under a frozen clock at NOW."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine

from patronage.commerce.models import Order, OrderKind
from patronage.core.models import User
from patronage.feedback.responses import ResponseInput, response_submit, survey_try
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open
from patronage.members.models import Member

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
JUNE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # 183 days before NOW: the 90-day window has ended


def _member(name: str) -> Member:
    return Member.objects.create(name=name, joined_at=datetime(2026, 1, 1, tzinfo=UTC))


def _bought(member: Member, at: datetime) -> None:
    Order.objects.create(
        external_id=f"{member.pk}-{at.isoformat()}",
        kind=OrderKind.PURCHASE,
        member=member,
        occurred_at=at,
        currency="KRW",
        amount=Decimal("10000"),
    )


def nps_planted(admin: User) -> dict[str, Member]:
    """Three promoters, a passive and a detractor whose earlier answer was a 10."""
    survey = survey_create(
        data=SurveyInput(
            title="Visit", questions=[QuestionInput(type="nps", key="nps", text="Recommend us?")]
        ),
        actor=None,
    )
    survey = survey_open(survey=survey, actor=None)
    people = {
        name: _member(name) for name in ("bought back", "bought late", "answered lately", "passive", "turned")
    }

    def answer(member: Member, score: int, at: datetime) -> None:
        with time_machine.travel(at, tick=False):
            response_submit(survey=survey, data=ResponseInput(answers={"nps": score}, member=member))

    answer(people["bought back"], 10, JUNE)
    _bought(people["bought back"], JUNE + timedelta(days=30))  # again within 90 days; nothing since: churned
    answer(people["bought late"], 9, JUNE)
    _bought(people["bought late"], JUNE + timedelta(days=150))  # not within 90 days; bought lately: kept
    answer(
        people["answered lately"], 10, NOW - timedelta(days=10)
    )  # too recent to tell; no purchase: churned
    answer(people["passive"], 8, JUNE - timedelta(days=31))
    _bought(people["passive"], JUNE - timedelta(days=30))
    answer(people["turned"], 10, JUNE - timedelta(days=150))
    answer(people["turned"], 3, JUNE)  # the latest answer decides: a detractor
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        survey_try(survey=survey, answers={"nps": 0}, actor=admin)  # a staff try counts nowhere
    return people
