"""Themes and sentiment of a survey's free-text answers (decision 0026), and a person's names and merges.

A run reads the survey's counted free-text answers (complete, never a staff member's try), then, outside
any transaction, tokenises each question's answers once per language, groups them into themes and scores
their sentiment: that is the slow part, and holding a transaction over it would block the survey's writers.
It then writes everything in one durable transaction under the survey's row lock, which renames and merges
take too, so a person's change made meanwhile is read before the run decides what to keep.

Across runs a theme is one row: a new theme continues the old theme whose centroid it matches
(`text.themes.themes_match`), keeping its name when a person gave one, and an old theme merged into another
sends its answers on to the one it joined. Themes left with no answers go, unless a person named them or
they hold a merge (their centroid is what routes the next run's answers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business_languages
from patronage.core.errors import ValidationFailed
from patronage.core.inputs import text_refusal
from patronage.core.models import User
from patronage.core.names import language_key, translations_clean, translations_merge
from patronage.feedback.models import Answer, Survey, Theme
from patronage.feedback.questions import QuestionType
from patronage.feedback.selectors import counted_responses
from patronage.feedback.text.sentiment import Sentiment, sentiment_of_tokens
from patronage.feedback.text.themes import ThemeSet, themes_match, themes_of_tokens
from patronage.feedback.text.tokens import LANGUAGES, TextMethodMissing, tokens_many
from patronage.feedback.theme_selectors import text_method_installed

NAME_MAX = 200
WRITE_BATCH = 1000


@dataclass(frozen=True)
class Found:
    """One question's answers in one language: their ids, the themes found and each one's sentiment."""

    question_id: int
    language: str  # the responses' language key ("zh-hans"), as the theme stores it
    answer_ids: list[int]
    themes: ThemeSet
    sentiments: list[Sentiment]


def themes_find_for_survey(*, survey: Survey, now: datetime | None = None) -> int:
    """Groups the survey's free-text answers into themes and scores their sentiment; returns how many
    answers were read. Safe to run again: the same answers give the same themes, in the same rows."""
    _text_method_required()
    # The answers read are those that arrived up to now: later ones make the survey due again.
    now = now or clock.now()
    found = [
        _find(question_id, language, answers)
        for (question_id, language), answers in _answers_to_read(survey).items()
    ]
    with transaction.atomic(durable=True):
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        for part in found:
            _write(survey, part, now)
        _unread_clear(survey, {answer_id for part in found for answer_id in part.answer_ids})
        _recount(survey, now)
        Theme.objects.filter(
            survey=survey, answers_count=0, named_by_person=False, merged_into__isnull=True
        ).exclude(absorbed__isnull=False).delete()
        survey.themes_at = now
        survey.save(update_fields=["themes_at"])
    return sum(len(part.answer_ids) for part in found)


def themes_find_request(*, survey: Survey, actor: User | None, enqueue: Callable[[int], object]) -> None:
    """Asks for a run of the survey's themes, handed to `enqueue` (a worker) once this commits."""
    # The caller says how the run reaches a worker: a service never imports a task.
    _text_method_required()
    with transaction.atomic(durable=True):
        audit_change(actor=actor, action="survey.themes_requested", target=survey)
        transaction.on_commit(partial(enqueue, survey.pk))


def theme_rename(
    *, theme: Theme, name: str, name_translations: Mapping[str, str] | None = None, actor: User | None
) -> Theme:
    """Names a theme, in the business's other languages too; later runs keep the name."""
    name = name.strip()
    languages = business_languages()
    problems: list[tuple[str, str]] = []
    if not name:
        problems.append(("name", _("give the theme a name")))
    elif len(name) > NAME_MAX or text_refusal(name):
        problems.append(("name", _("a name is at most %(max)d characters of text") % {"max": NAME_MAX}))
    given, refused = translations_clean(
        name_translations, field="name_translations", languages=languages, max_length=NAME_MAX
    )
    problems += refused
    if problems:
        raise ValidationFailed.every(problems)
    with transaction.atomic(durable=True):
        Survey.objects.select_for_update().get(pk=theme.survey_id)
        theme = Theme.objects.get(pk=theme.pk)
        before = theme.name
        theme.name, theme.named_by_person, theme.updated_at = name, True, clock.now()
        theme.name_translations = translations_merge(
            theme.name_translations, given, main_language=languages[0]
        )
        theme.save(update_fields=["name", "name_translations", "named_by_person", "updated_at"])
        audit_change(actor=actor, action="survey.theme_renamed", target=theme, before=before, name=name)
    return theme


def theme_merge(*, theme: Theme, into: Theme, actor: User | None) -> Theme:
    """Moves a theme's answers into another of the same question and language; later runs keep them there.
    Returns the theme they joined."""
    with transaction.atomic(durable=True):
        Survey.objects.select_for_update().get(pk=theme.survey_id)
        theme, into = Theme.objects.get(pk=theme.pk), Theme.objects.get(pk=into.pk)
        problem = _merge_refusal(theme, into)
        if problem:
            raise ValidationFailed(problem, field="into")
        now = clock.now()
        Answer.objects.filter(theme=theme).update(theme=into)
        # Themes merged into this one earlier follow it, so that no merge points at a merged theme.
        Theme.objects.filter(merged_into=theme).update(merged_into=into, updated_at=now)
        theme.merged_into, theme.answers_count, theme.updated_at = into, 0, now
        theme.save(update_fields=["merged_into", "answers_count", "updated_at"])
        into.answers_count = Answer.objects.filter(theme=into).count()
        into.updated_at = now
        into.save(update_fields=["answers_count", "updated_at"])
        audit_change(
            actor=actor, action="survey.theme_merged", target=theme, theme=theme.name, into=into.name
        )
    return into


# Helpers


def _text_method_required() -> None:
    if not text_method_installed():
        raise TextMethodMissing(_("The text method is not installed: pip install 'patronage[text]'"))


def _merge_refusal(theme: Theme, into: Theme) -> str:
    if theme.pk == into.pk:
        return _("choose another theme: a theme cannot join itself")
    if (theme.survey_id, theme.question_id, theme.language) != (
        into.survey_id,
        into.question_id,
        into.language,
    ):
        return _("choose a theme of the same question and language")
    if into.merged_into_id is not None:
        return _("choose a theme that has not joined another")
    return ""


def _answers_to_read(survey: Survey) -> dict[tuple[int, str], list[tuple[int, str]]]:
    """The counted free-text answers by question and language key, each as (answer id, text), in id order.
    A response without a language is in the business's main one; answers in a language the text method
    does not read are left without a theme."""
    main = language_key(business_languages()[0])
    grouped: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for answer_id, question_id, text, language in (
        Answer.objects.filter(
            response__in=counted_responses(survey), question__type=QuestionType.TEXT, text__gt=""
        )
        .order_by("pk")
        .values_list("pk", "question_id", "text", "response__language")
    ):
        key = language_key(language) or main
        if _text_language(key):
            grouped[(question_id, key)].append((answer_id, text))
    return grouped


def _text_language(key: str) -> str:
    """The text method's language for a language key ('zh' for 'zh-hans'); '' when it reads none."""
    family = key.split("-")[0]
    return family if family in LANGUAGES else ""


def _find(question_id: int, language: str, answers: Sequence[tuple[int, str]]) -> Found:
    texts = [text for _id, text in answers]
    text_language = _text_language(language)
    token_lists = tokens_many(texts, text_language)
    return Found(
        question_id=question_id,
        language=language,
        answer_ids=[answer_id for answer_id, _text in answers],
        themes=themes_of_tokens(token_lists, text_language),
        sentiments=sentiment_of_tokens(texts, token_lists, text_language),
    )


def _write(survey: Survey, part: Found, now: datetime) -> None:
    """Stores one question and language's themes, continuing the old rows, and each answer's theme and
    sentiment."""
    old = {
        theme.pk: theme
        for theme in Theme.objects.filter(survey=survey, question_id=part.question_id, language=part.language)
    }
    rows = _rows_for_new_themes(survey, part, old, now)
    answers = [
        Answer(
            pk=answer_id,
            sentiment=sentiment.label,
            sentiment_score=sentiment.score,
            theme=rows[theme_id] if theme_id >= 0 else None,
        )
        for answer_id, sentiment, theme_id in zip(
            part.answer_ids, part.sentiments, part.themes.assignments, strict=True
        )
    ]
    Answer.objects.bulk_update(answers, ["sentiment", "sentiment_score", "theme"], batch_size=WRITE_BATCH)


def _rows_for_new_themes(
    survey: Survey, part: Found, old: Mapping[int, Theme], now: datetime
) -> dict[int, Theme]:
    """Each new theme's row: the old theme it continues (followed to the theme it was merged into), else a
    new row. An old row a person touched (named it, or merged another into it) takes every new theme that
    continues it; an untouched one only the largest, the others being a split a person has not undone."""
    new = {theme.id: theme for theme in part.themes.themes}
    matched = themes_match(
        {pk: theme.centroid for pk, theme in old.items()}, {i: theme.centroid for i, theme in new.items()}
    )
    touched = {theme.merged_into_id for theme in old.values() if theme.merged_into_id is not None}
    touched |= {pk for pk, theme in old.items() if theme.named_by_person}
    rows: dict[int, Theme] = {}
    reworded: set[int] = set()
    # Largest first (the themes come that way), so that the largest continues an untouched row.
    for theme_id, theme in new.items():
        old_id = matched.get(theme_id)
        row = _destination(old[old_id], old) if old_id is not None else None
        if row is not None and row.pk not in touched and row.pk in reworded:
            row = None
        if row is None:
            row = Theme(survey=survey, question_id=part.question_id, language=part.language, created_at=now)
        # A row's words follow the answers that continue it directly; one reached through a merge keeps its own.
        if row.pk is None or (row.pk == old_id and row.pk not in reworded):
            row.top_terms, row.centroid, row.updated_at = list(theme.top_terms), dict(theme.centroid), now
            if not row.named_by_person:
                row.name = theme.name
            row.save()
            reworded.add(row.pk)
        rows[theme_id] = row
    return rows


def _destination(theme: Theme, old: Mapping[int, Theme]) -> Theme:
    """The theme whose answers these are now: itself, or the one it was merged into (a merge stays within
    one question and language, and points at a theme that joined none)."""
    return old[theme.merged_into_id] if theme.merged_into_id is not None else theme


def _unread_clear(survey: Survey, read: set[int]) -> None:
    """Takes the theme off the answers this run did not read (wiped by an erasure, say), so that no theme
    counts words that are gone; their sentiment stays, as an erasure keeps it."""
    stale = [
        answer_id
        for answer_id in Answer.objects.filter(question__survey=survey, theme__isnull=False).values_list(
            "pk", flat=True
        )
        if answer_id not in read
    ]
    for start in range(0, len(stale), WRITE_BATCH):
        Answer.objects.filter(pk__in=stale[start : start + WRITE_BATCH]).update(theme=None)


def _recount(survey: Survey, now: datetime) -> None:
    themes = list(Theme.objects.filter(survey=survey).annotate(counted=Count("answers")))
    changed = [theme for theme in themes if theme.answers_count != theme.counted]
    for theme in changed:
        theme.answers_count, theme.updated_at = theme.counted, now
    Theme.objects.bulk_update(changed, ["answers_count", "updated_at"], batch_size=WRITE_BATCH)
