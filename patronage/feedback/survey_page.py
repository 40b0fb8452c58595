"""A survey as its respondent sees it, for the pages that show one: the public link, the member portal, and
the console's "try as a customer", which renders the same form.

A page posts strings: each question's answer arrives as `answers[<question id>]` (a multiple choice as that
name repeated). `answers_from_form` turns them into the values `feedback.questions` checks: a point on a
scale becomes an int when it is written as one, and anything else is passed on as it came, so the domain's
own rule refuses it with its own message on its own field. The page decides nothing else.

`survey_shown` is the survey in the reader's language, each question with the answer the respondent gave
(or saved for later) and the problem found with it, ready for the template.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from patronage.core.errors import ApplicationError
from patronage.core.names import text_in_language
from patronage.feedback.models import Answer, Invitation, Question, Response, Survey
from patronage.feedback.questions import CHOICES, FIXED_SCALES, SCALED, QuestionType

# A point on a scale as a form sends it: at most two digits (no scale goes past 10). Longer numbers and
# other words go on as text, which the domain refuses as "a whole number from ... to ...".
_POINT = re.compile(r"[0-9]{1,2}")


@dataclass(frozen=True)
class Option:
    """One radio button or check box: a point on a scale or a choice."""

    value: str
    label: str
    checked: bool
    # Said after the number to a screen reader: the scale's end it stands for ("Not at all likely").
    end: str = ""


@dataclass(frozen=True)
class QuestionShown:
    key: str
    type: str
    text: str
    required: bool
    options: list[Option]
    text_value: str
    max_length: int
    error: str
    # The branching rule as JSON for the page's script, "" for a question always shown.
    shown_when: str
    low_label: str = ""
    high_label: str = ""

    @property
    def name(self) -> str:
        return f"answers[{self.key}]"

    @property
    def kind(self) -> str:
        """How the page draws it: "scale", "single", "multiple" or "text"."""
        if self.type in SCALED:
            return "scale"
        if self.type == QuestionType.SINGLE_CHOICE:
            return "single"
        return "multiple" if self.type == QuestionType.MULTIPLE_CHOICE else "text"

    @property
    def points(self) -> int:
        return len(self.options) if self.kind == "scale" else 0


@dataclass(frozen=True)
class SurveyShown:
    survey: Survey
    title: str
    intro: str
    questions: list[QuestionShown]
    # Problems that name no question ("a response needs at least one answer").
    errors: list[str]
    language: str

    @property
    def problems(self) -> list[QuestionShown]:
        """The questions with a problem, in order, for the list above the form."""
        return [question for question in self.questions if question.error]


@dataclass(frozen=True)
class AnswerRead:
    question: str
    answer: str


@dataclass(frozen=True)
class ResponseRead:
    """A response as its respondent reads it back: the survey's title and each answer, in their words."""

    response: Response
    title: str
    answers: list[AnswerRead]


def scale_end_labels(question: Question) -> tuple[str, str]:
    """The words under a scale's two ends, in the active language."""
    kind = QuestionType(question.type)
    if kind is QuestionType.NPS:
        return _("Not at all likely"), _("Extremely likely")
    if kind is QuestionType.CSAT:
        return _("Very dissatisfied"), _("Very satisfied")
    if kind is QuestionType.CES:
        # The effort it took: 1 the least, 7 the most (scores.ces is the mean effort).
        return _("Very easy"), _("Very difficult")
    return _("Very poor"), _("Excellent")


def _bounds(question: Question) -> tuple[int, int]:
    fixed = FIXED_SCALES.get(QuestionType(question.type))
    if fixed is not None:
        return fixed
    return (question.scale_low or 0, question.scale_high or 5)


def _given(answer: object) -> set[str]:
    if answer is None:
        return set()
    if isinstance(answer, list | tuple):
        return {str(item) for item in answer}
    return {str(answer)}


def _options(question: Question, answer: object, language: str) -> list[Option]:
    given = _given(answer)
    if question.type in SCALED:
        low, high = _bounds(question)
        low_label, high_label = scale_end_labels(question)
        return [
            Option(
                value=str(point),
                label=str(point),
                checked=str(point) in given,
                end=low_label if point == low else high_label if point == high else "",
            )
            for point in range(low, high + 1)
        ]
    if question.type in CHOICES:
        return [
            Option(
                value=str(choice["id"]),
                label=text_in_language(
                    str(choice.get("text", "")), choice.get("text_translations"), language
                ),
                checked=str(choice["id"]) in given,
            )
            for choice in question.choices
        ]
    return []


def _errors_by_field(error: ApplicationError | None) -> dict[str, str]:
    if error is None:
        return {}
    problems = error.errors or [{"field": error.field or "", "message": error.message}]
    found: dict[str, str] = {}
    for problem in problems:
        found.setdefault(problem.get("field") or "", problem["message"])
    return found


def survey_shown(
    *,
    survey: Survey,
    language: str,
    answers: Mapping[str, object] | None = None,
    error: ApplicationError | None = None,
    questions: Sequence[Question] | None = None,
) -> SurveyShown:
    """The survey in `language` with the respondent's answers so far and each problem by its question."""
    answers = answers or {}
    problems = _errors_by_field(error)
    rows = list(questions) if questions is not None else list(survey.questions.all())
    shown = []
    for question in rows:
        answer = answers.get(question.key)
        low, high = scale_end_labels(question) if question.type in SCALED else ("", "")
        shown.append(
            QuestionShown(
                key=question.key,
                type=question.type,
                text=text_in_language(question.text, question.text_translations, language),
                required=question.required,
                options=_options(question, answer, language),
                text_value=answer if isinstance(answer, str) and question.type == QuestionType.TEXT else "",
                max_length=question.max_length,
                error=_capital(problems.pop(f"answers[{question.key}]", "")),
                shown_when=json.dumps(question.shown_when, sort_keys=True) if question.shown_when else "",
                low_label=low,
                high_label=high,
            )
        )
    return SurveyShown(
        survey=survey,
        title=text_in_language(survey.title, survey.title_translations, language),
        intro=text_in_language(survey.intro, survey.intro_translations, language),
        questions=shown,
        errors=[_capital(message) for message in problems.values()],
        language=language,
    )


def _capital(message: str) -> str:
    return message[:1].upper() + message[1:]


def answers_from_form(questions: Iterable[Question], data: Mapping[str, object]) -> dict[str, object]:
    """The posted answers as the domain reads them; `data` is a QueryDict (or any mapping with `getlist`).

    Only the survey's own questions are read: whatever else a page posts is no answer to this survey.
    """
    answers: dict[str, object] = {}
    getlist = getattr(data, "getlist", None)
    for question in questions:
        name = f"answers[{question.key}]"
        if question.type == QuestionType.MULTIPLE_CHOICE:
            chosen = list(getlist(name)) if getlist is not None else list(_as_list(data.get(name)))
            if chosen:
                answers[question.key] = chosen
            continue
        value = data.get(name)
        if value is None or (isinstance(value, str) and question.type != QuestionType.TEXT and not value):
            continue
        if question.type in SCALED and isinstance(value, str) and _POINT.fullmatch(value.strip()):
            value = int(value.strip())
        answers[question.key] = value
    return answers


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def response_answers(response: Response | None) -> dict[str, object]:
    """A saved response's answers by question id, as the form shows them again."""
    if response is None:
        return {}
    found: dict[str, object] = {}
    for answer in response.answers.all():
        question = answer.question
        if question.type in SCALED:
            found[question.key] = answer.number
        elif question.type == QuestionType.SINGLE_CHOICE:
            found[question.key] = answer.chosen[0] if answer.chosen else None
        elif question.type == QuestionType.MULTIPLE_CHOICE:
            found[question.key] = list(answer.chosen)
        else:
            found[question.key] = answer.text
    return found


def invitation_response(*, invitation: Invitation) -> Response | None:
    """The invitation's response so far (a partial one, saved to finish later), with its answers."""
    return (
        Response.objects.filter(invitation=invitation)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))
        .first()
    )


def responses_read(*, responses: QuerySet[Response], language: str) -> list[ResponseRead]:
    """Each response with its answers in the reader's words, in the survey's question order."""
    rows = responses.prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("question__position"))
    )
    return [
        ResponseRead(
            response=response,
            title=text_in_language(response.survey.title, response.survey.title_translations, language),
            answers=[
                AnswerRead(
                    question=text_in_language(
                        answer.question.text, answer.question.text_translations, language
                    ),
                    answer=_answer_words(answer, language),
                )
                for answer in response.answers.all()
            ],
        )
        for response in rows
    ]


def _answer_words(answer: Answer, language: str) -> str:
    question = answer.question
    if question.type in SCALED:
        low, high = _bounds(question)
        return _("%(point)s (from %(low)s to %(high)s)") % {"point": answer.number, "low": low, "high": high}
    if question.type in CHOICES:
        names = {
            str(choice["id"]): text_in_language(
                str(choice.get("text", "")), choice.get("text_translations"), language
            )
            for choice in question.choices
        }
        return ", ".join(names.get(chosen, chosen) for chosen in answer.chosen)
    return answer.text
