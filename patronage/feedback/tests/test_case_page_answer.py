"""The case a detractor's answer opened shows that answer to the agent, in the agent's language."""

from __future__ import annotations

import re

from patronage.core.models import User
from patronage.feedback.models import FollowUp
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import (
    QuestionInput,
    SurveyInput,
    loop_rule_add,
    survey_create,
    survey_open,
)
from patronage.members.models import Member


def test_the_case_page_shows_the_answer_that_opened_it(client_as, agent: User, alice: Member):
    survey = survey_create(
        data=SurveyInput(
            title="How was your visit?",
            title_translations={"ko": "방문은 어떠셨나요?"},
            questions=[
                QuestionInput(
                    type="nps",
                    key="nps",
                    text="Would you recommend us?",
                    text_translations={"ko": "추천하시겠습니까?"},
                ),
                QuestionInput(type="text", key="why", text="What went wrong?"),
            ],
        ),
        actor=None,
    )
    survey = survey_open(survey=survey, actor=None)
    loop_rule_add(survey=survey, kind="detractor", actor=None)
    response_submit(
        survey=survey, data=ResponseInput(answers={"nps": 3, "why": "Nobody at the till"}, member=alice)
    )
    case = FollowUp.objects.get().case

    page = client_as(agent).get(f"/console/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE="ko")

    html = page.content.decode()
    assert "방문은 어떠셨나요?" in html
    assert "추천하시겠습니까?" in html
    section = html[html.index('id="case-survey-answer"') :]
    score = re.search(r"<dd>([^<]*)</dd>", section)
    assert score is not None
    assert re.findall(r"\d+", score.group(1)) in (
        ["3", "0", "10"],
        ["0", "10", "3"],
    )  # the point and its scale
    assert "Nobody at the till" in html
