"""Real concurrency on PostgreSQL: the Follow up button pressed while the survey job runs asks the customer
once, by the survey."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from patronage.care.models import Case, EntryKind
from patronage.care.services import CaseInput, case_follow_up, case_move, case_open
from patronage.core.models import User
from patronage.feedback.invitations import triggers_run
from patronage.feedback.models import Invitation
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open
from patronage.members.models import Member
from patronage.messages.models import Message

pytestmark = pytest.mark.django_db(transaction=True)
EACH = 3  # button presses, and as many runs of the job


@pytest.fixture(autouse=True)
def _needs_a_server_database():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")


def _closed_case(member: Member, agent: User) -> Case:
    case = case_open(data=CaseInput(type="complaint", channel="api", summary="Late", member=member)).case
    for step in ("listening", "proposed", "resolved", "closed"):
        case = case_move(case=case, to=step, actor=agent, solution="Refunded" if step == "proposed" else "")
    return case


def test_the_button_and_the_job_at_once_send_the_customer_one_survey_and_nothing_else(alice, agent):
    data = SurveyInput(
        title="Your case",
        trigger="case_closed",
        questions=[QuestionInput(type="csat", key="csat", text="Happy?")],
    )
    survey_open(survey=survey_create(data=data, actor=None), actor=None)
    case = _closed_case(alice, agent)
    start = Barrier(2 * EACH, timeout=60)

    def run(index: int) -> None:
        start.wait()
        try:
            if index % 2:
                case_follow_up(case=case, actor=agent)
            else:
                triggers_run()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2 * EACH) as pool:
        list(pool.map(run, range(2 * EACH), timeout=120))

    asked = Message.objects.filter(member=alice, kind__in=["case_follow_up", "survey_invitation"])
    assert list(asked.values_list("kind", flat=True)) == ["survey_invitation"]
    assert Invitation.objects.get().case == case
    assert case.entries.filter(kind=EntryKind.FOLLOW_UP).count() == 1
