"""Real concurrency on PostgreSQL: a detractor's answer saved twice at once opens exactly one case."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from patronage.care.models import Case
from patronage.core.errors import Conflict
from patronage.feedback.invitations import invitations_send
from patronage.feedback.models import FollowUp, Invitation, Response
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import (
    QuestionInput,
    SurveyInput,
    loop_rule_add,
    survey_create,
    survey_open,
)
from patronage.members.models import Member

pytestmark = pytest.mark.django_db(transaction=True)
SAVERS = 6


@pytest.fixture(autouse=True)
def _needs_a_server_database():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")


def _survey():
    survey = survey_create(
        data=SurveyInput(
            title="Visit", questions=[QuestionInput(type="nps", key="nps", text="Recommend us?")]
        ),
        actor=None,
    )
    survey = survey_open(survey=survey, actor=None)
    loop_rule_add(survey=survey, kind="detractor", actor=None)
    return survey


def _at_once(save):
    start = Barrier(SAVERS, timeout=60)

    def run(_index: int) -> str:
        start.wait()
        try:
            save()
            return "saved"
        except Conflict:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SAVERS) as pool:
        return list(pool.map(run, range(SAVERS), timeout=120))


def test_one_invitation_answered_six_times_at_once_keeps_one_response_and_opens_one_case(alice: Member):
    survey = _survey()
    invitations_send(survey=survey, members=[alice], actor=None, batch="list:1")
    invitation = Invitation.objects.get()

    outcomes = _at_once(
        lambda: response_submit(survey=survey, data=ResponseInput(answers={"nps": 1}, invitation=invitation))
    )

    assert sorted(outcomes) == ["refused"] * (SAVERS - 1) + ["saved"]
    assert Response.objects.count() == 1
    assert FollowUp.objects.count() == 1
    assert Case.objects.count() == 1


def test_a_retried_request_saved_at_once_is_one_response_and_one_case(alice: Member):
    survey = _survey()

    outcomes = _at_once(
        lambda: response_submit(
            survey=survey, data=ResponseInput(answers={"nps": 0}, member=alice, external_id="pos-7781")
        )
    )

    assert outcomes == ["saved"] * SAVERS
    assert Response.objects.count() == 1
    assert FollowUp.objects.count() == 1
    assert Case.objects.count() == 1
