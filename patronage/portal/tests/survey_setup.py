"""A survey as the customer pages' tests answer it: an NPS, a question shown only to detractors, a single and
a multiple choice and a free text, each in English and Korean; and an invitation to it."""

from __future__ import annotations

from typing import Any

from patronage.feedback.invitations import invitations_send
from patronage.feedback.models import Invitation, Survey
from patronage.feedback.survey_services import (
    ChoiceInput,
    QuestionInput,
    SurveyInput,
    survey_create,
    survey_open,
)
from patronage.members.models import Member


def visit_survey(title: str = "How was your visit?", **fields: Any) -> Survey:
    """An open survey; `fields` change the SurveyInput (a trigger, a throttle)."""
    data = SurveyInput(
        title=title,
        title_translations={"ko": "방문은 어떠셨나요?"},
        intro="Two minutes, five questions.",
        intro_translations={"ko": "2분이면 됩니다."},
        questions=[
            QuestionInput(
                type="nps",
                key="nps",
                text="How likely are you to recommend us to a friend?",
                text_translations={"ko": "친구에게 저희를 추천할 가능성은 얼마나 됩니까?"},
                required=True,
            ),
            QuestionInput(
                type="text",
                key="why",
                text="What went wrong?",
                text_translations={"ko": "무엇이 잘못되었나요?"},
                max_length=300,
                shown_when={"question": "nps", "at_most": 6},
            ),
            QuestionInput(
                type="single_choice",
                key="visit",
                text="What did you come for?",
                text_translations={"ko": "어떤 일로 오셨나요?"},
                choices=[
                    ChoiceInput("buy", "To buy", {"ko": "구매"}),
                    ChoiceInput("look", "To look around", {"ko": "구경"}),
                ],
            ),
            QuestionInput(
                type="multiple_choice",
                key="liked",
                text="What did you like?",
                text_translations={"ko": "무엇이 좋았나요?"},
                choices=[
                    ChoiceInput("staff", "The staff", {"ko": "직원"}),
                    ChoiceInput("price", "The prices", {"ko": "가격"}),
                    ChoiceInput("store", "The store", {"ko": "매장"}),
                ],
            ),
            QuestionInput(
                type="text",
                key="more",
                text="Anything else?",
                text_translations={"ko": "더 하실 말씀이 있나요?"},
            ),
        ],
        throttle_days=0,
        **fields,
    )
    return survey_open(survey=survey_create(data=data, actor=None), actor=None)


def invite(survey: Survey, member: Member, *, language: str | None = None) -> Invitation:
    """The member's invitation to the survey, in `language` when given (else the member's own)."""
    invitations_send(survey=survey, members=[member], actor=None, batch=f"list:{survey.pk}")
    invitation = Invitation.objects.get(survey=survey, member=member)
    if language is not None:
        invitation.language = language
        invitation.save(update_fields=["language"])
    return invitation


def link(invitation: Invitation) -> str:
    return f"/surveys/s/{invitation.token}/"
