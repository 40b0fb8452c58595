"""A survey's questions and a respondent's answers: what each question accepts, and which questions are shown.

Pure: no database. Rules, in plain words:
- Scales are whole numbers: NPS 0-10, CSAT 1-5, CES 1-7, and a rating on the scale its question sets (1-5,
  1-10, 0-10...). A value is an `int`: `True` is not a number, `7.5` is not on a scale, and neither is `9.0`
  nor the string `"9"`. The API receives JSON numbers as numbers; a form page posts strings, and it is the
  page (which knows its own widgets) that turns them into numbers before asking here, so one strict rule
  serves both and no client's mistake is guessed into an answer.
- A single choice is one of the question's choice ids; a multiple choice is a list of them, each at most once,
  kept in the question's order. Free text is a string of at most the question's `max_length` characters,
  stripped of surrounding blanks.
- `None`, blank text and an empty selection all mean "not answered": a required question left so is refused
  unless the response is partial (the respondent left half-way, and partial answers are kept).
- Branching: a question may be shown only when an earlier question's answer matches (one of some values, or
  within bounds: "NPS answer at most 6"). A question whose controlling question is hidden or unanswered is
  hidden. Answers to hidden questions are dropped, not refused: a respondent who changes their NPS from 5 to 9
  no longer sees "what went wrong?", and the page may still post what they typed there; the response keeps
  what the respondent saw. They are still checked, though: an 11 on an NPS is a client's bug wherever it
  appears.
- An answer to a question the survey does not have is refused, as is a complete response with no answer.

Problems are reported all at once, each on the field `answers[<question id>]` (or `questions[<position>]...`
for a survey's own questions, the position being what a survey builder or an integrator knows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from patronage.core.errors import ValidationFailed

__all__ = [
    "Answer",
    "Condition",
    "Question",
    "QuestionType",
    "answer_clean",
    "questions_check",
    "questions_shown",
    "submission_clean",
]


class QuestionType(StrEnum):
    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    RATING = "rating"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    TEXT = "text"


# A clean answer: a point on a scale, a choice id, the chosen ids, or the text.
Answer = int | str | tuple[str, ...]

FIXED_SCALES = {QuestionType.NPS: (0, 10), QuestionType.CSAT: (1, 5), QuestionType.CES: (1, 7)}
SCALED = frozenset({*FIXED_SCALES, QuestionType.RATING})
CHOICES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})
# A rating goes at most from 0 to 10: a longer scale is no longer read as points by a respondent.
RATING_LIMITS = (0, 10)
# Free text: 5,000 characters unless the question says otherwise (a long letter), 20,000 at most, so one
# answer cannot fill the table.
TEXT_LENGTH = 5000
TEXT_LENGTH_LIMIT = 20000


@dataclass(frozen=True)
class Condition:
    """Show a question when an earlier question's answer is one of `any_of` (for a multiple choice: any
    chosen id is), or lies within `at_least`..`at_most` (bounds of a scale question, either may be left open).
    Use one form or the other."""

    question: str
    any_of: frozenset[int | str] = frozenset()
    at_least: int | None = None
    at_most: int | None = None

    def holds(self, answer: Answer | None) -> bool:
        if answer is None:
            return False
        if isinstance(answer, tuple):
            return not self.any_of.isdisjoint(answer)
        if self.any_of:
            return answer in self.any_of
        # Bounds apply to scale answers only, which questions_check makes sure of.
        return isinstance(answer, int) and (
            (self.at_least is None or answer >= self.at_least)
            and (self.at_most is None or answer <= self.at_most)
        )


@dataclass(frozen=True)
class Question:
    """One question of a survey. `scale` (low, high) is for a rating only (the other scales are fixed),
    `choices` (ids) for a choice only, `max_length` for free text only."""

    id: str
    type: QuestionType
    required: bool = False
    choices: tuple[str, ...] = ()
    scale: tuple[int, int] | None = None
    max_length: int = TEXT_LENGTH
    shown_when: Condition | None = None

    @property
    def bounds(self) -> tuple[int, int]:
        """The lowest and highest points of a scale question."""
        # (1, 5) only keeps a rating without a scale total; questions_check refuses such a rating.
        return FIXED_SCALES.get(self.type) or self.scale or (1, 5)


def _field(question_id: str) -> str:
    return f"answers[{question_id}]"


def _scale_message(question: Question) -> str:
    low, high = question.bounds
    words = {
        QuestionType.NPS: _("an NPS answer is a whole number from %(low)d to %(high)d"),
        QuestionType.CSAT: _("a CSAT answer is a whole number from %(low)d to %(high)d"),
        QuestionType.CES: _("a CES answer is a whole number from %(low)d to %(high)d"),
        QuestionType.RATING: _("this rating is a whole number from %(low)d to %(high)d"),
    }
    return words[question.type] % {"low": low, "high": high}


def _clean_scale(question: Question, value: object) -> int:
    low, high = question.bounds
    # bool is a subclass of int in Python: True would otherwise be a 1 on a CSAT.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(_scale_message(question), field=_field(question.id))
    return value


def _clean_single(question: Question, value: object) -> str:
    if not isinstance(value, str) or value not in question.choices:
        raise ValidationFailed(_("choose one of this question's choices"), field=_field(question.id))
    return value


def _clean_multiple(question: Question, value: object) -> tuple[str, ...] | None:
    field = _field(question.id)
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ValidationFailed(_("choose a list of this question's choices"), field=field)
    unknown = [item for item in value if item not in question.choices]
    if unknown:
        raise ValidationFailed(
            _("'%(choice)s' is not one of this question's choices") % {"choice": unknown[0]}, field=field
        )
    if len(set(value)) != len(value):
        raise ValidationFailed(_("each choice can be chosen once"), field=field)
    chosen = set(value)
    return tuple(choice for choice in question.choices if choice in chosen) or None


def _clean_text(question: Question, value: object) -> str | None:
    field = _field(question.id)
    if not isinstance(value, str):
        raise ValidationFailed(_("a free-text answer is text"), field=field)
    # PostgreSQL cannot store a NUL character in text; no keyboard types one.
    if "\x00" in value:
        raise ValidationFailed(_("the answer contains a character that is not text"), field=field)
    text = value.strip()
    if len(text) > question.max_length:
        raise ValidationFailed(
            _("an answer here is at most %(length)d characters") % {"length": question.max_length},
            field=field,
        )
    return text or None


def _spec_problems(question: Question) -> list[tuple[str, str]]:
    """What is wrong with one question on its own: its scale, choices or length."""
    problems: list[tuple[str, str]] = []
    if question.type is QuestionType.RATING:
        low, high = question.scale or (0, 0)
        if not RATING_LIMITS[0] <= low < high <= RATING_LIMITS[1]:
            problems.append(("scale", _("a rating's scale runs up from 0 or more to 10 at most")))
    elif question.scale is not None:
        problems.append(("scale", _("only a rating sets its own scale")))
    if question.type in CHOICES:
        if len(question.choices) < 2 or len(set(question.choices)) != len(question.choices):
            problems.append(("choices", _("a choice question needs two or more different choices")))
    elif question.choices:
        problems.append(("choices", _("only a choice question has choices")))
    if question.type is QuestionType.TEXT and not 1 <= question.max_length <= TEXT_LENGTH_LIMIT:
        problems.append(("max_length", _("the length is from 1 to %(limit)d") % {"limit": TEXT_LENGTH_LIMIT}))
    return problems


def _condition_problem(condition: Condition, earlier: Mapping[str, Question]) -> str | None:
    """Why a condition cannot work on the questions before it, or None when it can."""
    source = earlier.get(condition.question)
    if source is None:
        return _("a question can depend only on a question before it")
    if bool(condition.any_of) == (condition.at_least is not None or condition.at_most is not None):
        return _("a condition lists answers or sets bounds, one of the two")
    if source.type is QuestionType.TEXT:
        return _("a question cannot depend on a free-text answer")
    if condition.any_of:
        if source.type in CHOICES:
            fits = all(isinstance(value, str) and value in source.choices for value in condition.any_of)
        else:
            fits = all(_on_scale(source, value) for value in condition.any_of)
        return None if fits else _("the condition lists an answer its question does not accept")
    bounds = [bound for bound in (condition.at_least, condition.at_most) if bound is not None]
    if source.type not in SCALED or not all(_on_scale(source, bound) for bound in bounds):
        return _("the condition's bounds must lie on its question's scale")
    if (
        condition.at_least is not None
        and condition.at_most is not None
        and condition.at_least > condition.at_most
    ):
        return _("the condition's lower bound is above its upper bound")
    return None


def _on_scale(question: Question, value: object) -> bool:
    low, high = question.bounds
    return question.type in SCALED and type(value) is int and low <= value <= high


def questions_check(questions: Sequence[Question]) -> None:
    """Refuse a survey whose questions cannot work, naming each problem as `questions[<position>].<part>`."""
    problems: list[tuple[str, str]] = []
    earlier: dict[str, Question] = {}
    for position, question in enumerate(questions):
        where = f"questions[{position}]"
        if not question.id or question.id in earlier:
            problems.append((f"{where}.id", _("each question needs its own id")))
        problems += [(f"{where}.{part}", message) for part, message in _spec_problems(question)]
        # Conditions look back only, so branching can never go round in a circle.
        if question.shown_when is not None:
            problem = _condition_problem(question.shown_when, earlier)
            if problem is not None:
                problems.append((f"{where}.shown_when", problem))
        earlier.setdefault(question.id, question)
    if problems:
        raise ValidationFailed.every(problems)


def answer_clean(question: Question, value: object) -> Answer | None:
    """The clean answer to one question, None when not answered; ValidationFailed on `answers[<id>]`."""
    if value is None:
        return None
    if question.type in SCALED:
        return _clean_scale(question, value)
    if question.type is QuestionType.SINGLE_CHOICE:
        return _clean_single(question, value)
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return _clean_multiple(question, value)
    return _clean_text(question, value)


def questions_shown(questions: Sequence[Question], answers: Mapping[str, Answer]) -> tuple[Question, ...]:
    """The questions a respondent sees, in order, given their clean answers so far."""
    shown: list[Question] = []
    seen: dict[str, Answer] = {}
    for question in questions:
        condition = question.shown_when
        # Only shown questions' answers count: a question behind a hidden one is hidden too.
        if condition is None or condition.holds(seen.get(condition.question)):
            shown.append(question)
            if question.id in answers:
                seen[question.id] = answers[question.id]
    return tuple(shown)


def submission_clean(
    questions: Sequence[Question], answers: Mapping[str, object], *, partial: bool = False
) -> dict[str, Answer]:
    """The clean answers to keep, by question id (hidden questions' answers dropped); every problem at once."""
    by_id = {question.id: question for question in questions}
    problems: list[tuple[str, str]] = []
    clean: dict[str, Answer] = {}
    refused: set[str] = set()  # already reported: "needs an answer" on top would only repeat it
    for question_id, value in answers.items():
        question = by_id.get(question_id)
        if question is None:
            problems.append((_field(question_id), _("this survey has no such question")))
            continue
        try:
            answer = answer_clean(question, value)
        except ValidationFailed as error:
            problems.append((_field(question_id), error.message))
            refused.add(question_id)
            continue
        if answer is not None:
            clean[question_id] = answer
    # A bad answer counts as unanswered here: that can only hide questions, never ask for more.
    shown = questions_shown(questions, clean)
    kept = {question.id: clean[question.id] for question in shown if question.id in clean}
    if not partial:
        problems += [
            (_field(question.id), _("this question needs an answer"))
            for question in shown
            if question.required and question.id not in kept and question.id not in refused
        ]
        if not kept and not problems:
            problems.append(("answers", _("a response needs at least one answer")))
    if problems:
        raise ValidationFailed.every(problems)
    return kept
