"""Building surveys: their questions in each of the business's languages, opening and closing them, and the
closed-loop rules. Each public service is one durable transaction.

A draft's questions can be rewritten freely. Once a survey has been opened, answers point at its questions,
so only their words (and the survey's title and introduction) can change: the questions, their types,
choices and branching stay as they were answered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.inputs import text_refusal
from patronage.core.models import User
from patronage.core.names import translations_clean, translations_merge
from patronage.feedback.models import (
    LoopRule,
    LoopRuleKind,
    Question,
    Survey,
    SurveyStatus,
    SurveyTrigger,
)
from patronage.feedback.questions import (
    CHOICES,
    TEXT_LENGTH,
    Condition,
    QuestionType,
    questions_check,
)
from patronage.feedback.questions import Question as QuestionSpec

TITLE_MAX = 200
INTRO_MAX = 2000
QUESTION_TEXT_MAX = 500
CHOICE_TEXT_MAX = 200
QUESTIONS_MAX = 50
CHOICES_MAX = 30
THROTTLE_DAYS_MAX = 365
KEYWORDS_MAX = 30
KEYWORD_MAX = 60
REVIEW_URL_MAX = 500
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
SEVERITIES = ("minor", "major", "critical")


@dataclass(frozen=True)
class ChoiceInput:
    id: str
    text: str
    text_translations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionInput:
    type: str
    text: str
    key: str = ""
    text_translations: Mapping[str, str] = field(default_factory=dict)
    required: bool = False
    choices: Sequence[ChoiceInput] = ()
    scale: tuple[int, int] | None = None
    max_length: int = TEXT_LENGTH
    shown_when: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class SurveyInput:
    title: str
    questions: Sequence[QuestionInput]
    title_translations: Mapping[str, str] = field(default_factory=dict)
    intro: str = ""
    intro_translations: Mapping[str, str] = field(default_factory=dict)
    trigger: str = ""
    throttle_days: int = 30


def survey_create(*, data: SurveyInput, actor: User | None) -> Survey:
    """A draft survey with its questions; every problem of the input is named at once."""
    rows, problems = _checked(data, structure=True)
    if problems:
        raise ValidationFailed.every(problems)
    now = clock.now()
    with transaction.atomic(durable=True):
        survey = Survey(created_by=actor, created_at=now, updated_at=now)
        _words_set(survey, data)
        survey.trigger, survey.throttle_days = data.trigger, data.throttle_days
        survey.save()
        _questions_write(survey, rows)
        audit_change(actor=actor, action="survey.created", target=survey, title=survey.title)
    return survey


def survey_update(*, survey: Survey, data: SurveyInput, actor: User | None) -> Survey:
    """Rewrites a draft; on an opened survey, changes only the words (the questions must stay the same)."""
    structure = survey.status == SurveyStatus.DRAFT
    rows, problems = _checked(data, structure=structure)
    if not structure:
        problems += _same_questions(survey, rows)
    if problems:
        raise ValidationFailed.every(problems)
    now = clock.now()
    with transaction.atomic(durable=True):
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if structure and survey.status != SurveyStatus.DRAFT:
            raise Conflict(
                _("the survey was opened meanwhile: only its words can change now"), field="status"
            )
        _words_set(survey, data)
        if structure:
            survey.trigger = data.trigger
        survey.throttle_days, survey.updated_at = data.throttle_days, now
        survey.save()
        if structure:
            survey.questions.all().delete()
            _questions_write(survey, rows)
        else:
            _question_words_write(survey, rows)
        audit_change(actor=actor, action="survey.changed", target=survey, title=survey.title)
    return survey


def survey_open(*, survey: Survey, actor: User | None) -> Survey:
    """Opens a draft (or a closed survey again) to answers and invitations."""
    now = clock.now()
    try:
        with transaction.atomic(durable=True):
            survey = Survey.objects.select_for_update().get(pk=survey.pk)
            if survey.status == SurveyStatus.OPEN:
                return survey
            if not survey.questions.exists():
                raise Conflict(_("a survey needs a question before it opens"), field="questions")
            survey.status, survey.updated_at = SurveyStatus.OPEN, now
            survey.opened_at = survey.opened_at or now
            survey.closed_at = None
            survey.save(update_fields=["status", "opened_at", "closed_at", "updated_at"])
            audit_change(actor=actor, action="survey.opened", target=survey)
    except IntegrityError:
        raise Conflict(
            _("another open survey already follows this event: close it first"), field="trigger"
        ) from None
    return survey


def survey_close(*, survey: Survey, actor: User | None) -> Survey:
    """Closes an open survey: its links answer that it has ended; its results stay."""
    now = clock.now()
    with transaction.atomic(durable=True):
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status != SurveyStatus.OPEN:
            raise Conflict(_("only an open survey can be closed"), field="status")
        survey.status, survey.closed_at, survey.updated_at = SurveyStatus.CLOSED, now, now
        survey.save(update_fields=["status", "closed_at", "updated_at"])
        audit_change(actor=actor, action="survey.closed", target=survey)
    return survey


def loop_rule_add(
    *,
    survey: Survey,
    kind: str,
    keywords: Sequence[str] = (),
    severity: str = "major",
    review_url: str = "",
    ask_referral: bool = False,
    actor: User | None,
) -> LoopRule:
    """A closed-loop rule: answers that match it open a follow-up case for their customer, or (a promoter
    rule) thank them, with the review link and the referral ask it sets."""
    problems: list[tuple[str, str]] = []
    if kind not in LoopRuleKind.values:
        problems.append(("kind", _("choose one of: %(kinds)s") % {"kinds": ", ".join(LoopRuleKind.values)}))
    if severity not in SEVERITIES:
        problems.append(("severity", _("choose one of: %(kinds)s") % {"kinds": ", ".join(SEVERITIES)}))
    words = list(dict.fromkeys(word.strip().casefold() for word in keywords if word.strip()))
    if kind == LoopRuleKind.KEYWORDS and not words:
        problems.append(("keywords", _("give at least one word")))
    if kind != LoopRuleKind.KEYWORDS and words:
        problems.append(("keywords", _("only a keyword rule has words")))
    if len(words) > KEYWORDS_MAX:
        problems.append(("keywords", _("at most %(max)d words") % {"max": KEYWORDS_MAX}))
    for word in words:
        if len(word) > KEYWORD_MAX or text_refusal(word):
            problems.append(
                ("keywords", _("a word is at most %(max)d characters of text") % {"max": KEYWORD_MAX})
            )
            break
    review_url = review_url.strip()
    problems.extend(_promoter_problems(kind, review_url, ask_referral))
    if problems:
        raise ValidationFailed.every(problems)
    if kind == LoopRuleKind.PROMOTER and survey.loop_rules.filter(kind=LoopRuleKind.PROMOTER).exists():
        # A promoter is thanked once: a second rule could only contradict the first's link and ask.
        raise Conflict(_("this survey thanks its promoters already: remove that rule first"), field="kind")
    with transaction.atomic(durable=True):
        rule = LoopRule.objects.create(
            survey=survey,
            kind=kind,
            keywords=words,
            severity=severity,
            review_url=review_url,
            ask_referral=ask_referral,
            created_at=clock.now(),
        )
        audit_change(
            actor=actor,
            action="survey.rule_added",
            target=survey,
            kind=kind,
            keywords=words,
            review_url=review_url,
            ask_referral=ask_referral,
        )
    return rule


def _promoter_problems(kind: str, review_url: str, ask_referral: bool) -> list[tuple[str, str]]:
    """What a promoter rule's thank-you sets wrong: a link that is no web address, or a thank-you's settings
    on a rule that thanks no one."""
    problems: list[tuple[str, str]] = []
    if kind != LoopRuleKind.PROMOTER:
        only = _("only a promoter rule thanks the customer")
        if review_url:
            problems.append(("review_url", only))
        if ask_referral:
            problems.append(("ask_referral", only))
        return problems
    if len(review_url) > REVIEW_URL_MAX:
        problems.append(("review_url", _("at most %(max)d characters") % {"max": REVIEW_URL_MAX}))
    elif review_url:
        try:
            URLValidator(schemes=["http", "https"])(review_url)
        except DjangoValidationError:
            problems.append(("review_url", _("give a web address starting with https://")))
    return problems


def loop_rule_remove(*, rule: LoopRule, actor: User | None) -> None:
    with transaction.atomic(durable=True):
        audit_change(actor=actor, action="survey.rule_removed", target=rule.survey, kind=rule.kind)
        rule.delete()


def question_specs(questions: Sequence[Question]) -> list[QuestionSpec]:
    """The stored questions as the pure rules of `feedback.questions` read them."""
    return [_spec(question) for question in questions]


# Helpers


def _spec(question: Question) -> QuestionSpec:
    condition = question.shown_when or {}
    scale = (
        (question.scale_low, question.scale_high)
        if question.scale_low is not None and question.scale_high is not None
        else None
    )
    return QuestionSpec(
        id=question.key,
        type=QuestionType(question.type),
        required=question.required,
        choices=tuple(str(choice["id"]) for choice in question.choices),
        scale=scale,
        max_length=question.max_length,
        shown_when=_condition(condition) if condition else None,
    )


def _condition(raw: Mapping[str, Any]) -> Condition:
    return Condition(
        question=str(raw.get("question", "")),
        any_of=frozenset(raw.get("any_of") or ()),
        at_least=raw.get("at_least"),
        at_most=raw.get("at_most"),
    )


def _words_set(survey: Survey, data: SurveyInput) -> None:
    """The survey's title and introduction (already checked), translations merged over the stored ones."""
    languages = business_languages()
    survey.title, survey.intro = data.title.strip(), data.intro.strip()
    for name, texts, limit in (
        ("title_translations", data.title_translations, TITLE_MAX),
        ("intro_translations", data.intro_translations, INTRO_MAX),
    ):
        given = translations_clean(texts, field=name, languages=languages, max_length=limit)[0]
        setattr(survey, name, translations_merge(getattr(survey, name), given, main_language=languages[0]))


def _checked(data: SurveyInput, *, structure: bool) -> tuple[list[Question], list[tuple[str, str]]]:
    """The questions as unsaved rows, and every problem of the input."""
    languages = business_languages()
    problems: list[tuple[str, str]] = []
    problems += text_problems("title", data.title, TITLE_MAX, required=True)
    problems += text_problems("intro", data.intro, INTRO_MAX)
    for name, texts, limit in (
        ("title_translations", data.title_translations, TITLE_MAX),
        ("intro_translations", data.intro_translations, INTRO_MAX),
    ):
        problems += translations_clean(texts, field=name, languages=languages, max_length=limit)[1]
    if data.trigger not in SurveyTrigger.values:
        problems.append(
            (
                "trigger",
                _("choose one of: %(kinds)s") % {"kinds": ", ".join(v for v in SurveyTrigger.values if v)},
            )
        )
    if isinstance(data.throttle_days, bool) or not 0 <= data.throttle_days <= THROTTLE_DAYS_MAX:
        problems.append(("throttle_days", _("from 0 to %(max)d days") % {"max": THROTTLE_DAYS_MAX}))
    if not data.questions:
        problems.append(("questions", _("a survey needs at least one question")))
    if len(data.questions) > QUESTIONS_MAX:
        problems.append(("questions", _("at most %(max)d questions") % {"max": QUESTIONS_MAX}))
        return [], problems
    rows = []
    for position, given in enumerate(data.questions):
        row, question_problems = _question_row(given, position, languages)
        rows.append(row)
        problems += question_problems
    if structure and not any(field.startswith("questions[") for field, _message in problems):
        try:
            questions_check(question_specs(rows))
        except ValidationFailed as failed:
            problems += [(error["field"], error["message"]) for error in failed.errors]
    return rows, problems


def _question_row(
    given: QuestionInput, position: int, languages: list[str]
) -> tuple[Question, list[tuple[str, str]]]:
    where = f"questions[{position}]"
    problems: list[tuple[str, str]] = []
    if given.type not in QuestionType.__members__.values():
        problems.append(
            (
                f"{where}.type",
                _("choose one of: %(kinds)s") % {"kinds": ", ".join(kind.value for kind in QuestionType)},
            )
        )
    key = given.key.strip() or f"q{position + 1}"
    text_translations, bad = _named_words(
        where, ("key", key), given.text, given.text_translations, QUESTION_TEXT_MAX, languages
    )
    problems += bad
    choices: list[dict[str, Any]] = []
    if len(given.choices) > CHOICES_MAX:
        problems.append((f"{where}.choices", _("at most %(max)d choices") % {"max": CHOICES_MAX}))
    for index, choice in enumerate(given.choices[:CHOICES_MAX]):
        place = f"{where}.choices[{index}]"
        choice_id = choice.id.strip() or f"c{index + 1}"
        choice_translations, bad = _named_words(
            place, ("id", choice_id), choice.text, choice.text_translations, CHOICE_TEXT_MAX, languages
        )
        problems += bad
        choices.append(
            {
                "id": choice_id,
                "text": choice.text.strip(),
                "text_translations": _kept(choice_translations, languages),
            }
        )
    shown_when = dict(given.shown_when or {})
    if shown_when and not _condition_shape_ok(shown_when):
        problems.append(
            (f"{where}.shown_when", _("give the earlier question's id and either any_of or at_least/at_most"))
        )
        shown_when = {}
    row = Question(
        key=key,
        position=position,
        type=given.type,
        text=given.text.strip(),
        text_translations=_kept(text_translations, languages),
        required=bool(given.required),
        choices=choices,
        scale_low=given.scale[0] if given.scale else None,
        scale_high=given.scale[1] if given.scale else None,
        max_length=given.max_length,
        shown_when=shown_when,
    )
    if given.type in CHOICES and not choices:
        problems.append((f"{where}.choices", _("a choice question needs two or more different choices")))
    return row, problems


def _named_words(
    place: str,
    name: tuple[str, str],
    text: str,
    translations: Mapping[str, str],
    limit: int,
    languages: list[str],
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A question's or a choice's id (`name`: its field and value) and words: the clean translations, and
    every problem, each on `<place>.<field>`."""
    field_name, value = name
    problems: list[tuple[str, str]] = []
    if not _KEY.fullmatch(value):
        problems.append(
            (
                f"{place}.{field_name}",
                _("small letters, digits, '-' and '_', at most 40, starting with a letter or digit"),
            )
        )
    problems += text_problems(f"{place}.text", text, limit, required=True)
    clean, bad = translations_clean(
        translations, field=f"{place}.text_translations", languages=languages, max_length=limit
    )
    return clean, problems + bad


def _condition_shape_ok(raw: Mapping[str, Any]) -> bool:
    if set(raw) - {"question", "any_of", "at_least", "at_most"} or not isinstance(raw.get("question"), str):
        return False
    any_of = raw.get("any_of")
    if any_of is not None and (
        not isinstance(any_of, list)
        or not all(isinstance(v, int | str) and not isinstance(v, bool) for v in any_of)
    ):
        return False
    return all(
        raw.get(bound) is None or (isinstance(raw[bound], int) and not isinstance(raw[bound], bool))
        for bound in ("at_least", "at_most")
    )


def _kept(translations: Mapping[str, str], languages: list[str]) -> dict[str, str]:
    return translations_merge({}, dict(translations), main_language=languages[0])


def text_problems(
    field_name: str, value: str, limit: int, *, required: bool = False
) -> list[tuple[str, str]]:
    """What is wrong with a text a person typed (empty when required, too long, not storable), on its field."""
    text = value.strip()
    if required and not text:
        return [(field_name, _("this cannot be empty"))]
    if len(text) > limit:
        return [(field_name, _("at most %(max)d characters") % {"max": limit})]
    if refusal := text_refusal(text):
        return [(field_name, refusal.message())]
    return []


def _questions_write(survey: Survey, rows: list[Question]) -> None:
    for row in rows:
        row.survey = survey
    Question.objects.bulk_create(rows)


def _same_questions(survey: Survey, rows: list[Question]) -> list[tuple[str, str]]:
    """On an opened survey: the questions given must be the stored ones (keys, types, choices, branching)."""
    stored = list(survey.questions.all())
    if [_shape(question) for question in stored] != [_shape(question) for question in rows]:
        return [("questions", _("the survey has been opened: its questions can be reworded, not changed"))]
    return []


def _shape(question: Question) -> tuple[Any, ...]:
    """What answers depend on: everything but the words and whether an answer is required."""
    return (
        question.key,
        question.type,
        [choice["id"] for choice in question.choices],
        question.scale_low,
        question.scale_high,
        question.max_length,
        question.shown_when,
    )


def _question_words_write(survey: Survey, rows: list[Question]) -> None:
    stored = {question.key: question for question in survey.questions.all()}
    for row in rows:
        question = stored[row.key]
        question.text, question.text_translations = row.text, row.text_translations
        question.choices = row.choices
        question.save(update_fields=["text", "text_translations", "choices"])
