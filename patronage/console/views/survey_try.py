"""Trying a survey as a customer: its questions in any of the business's languages, as the customer sees
them, answered and sent through feedback.responses.survey_try, which keeps the answers apart and never
counts them. (The public survey page's form is drawn by the portal; this page draws its own, simpler one.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from patronage.console.access import acting_user, staff_required
from patronage.console.survey_forms import answers_from_post
from patronage.console.views.surveys import survey_or_404
from patronage.core.business import business_languages
from patronage.core.errors import ValidationFailed
from patronage.core.names import language_key, language_name, text_in_language
from patronage.feedback.models import Question
from patronage.feedback.permissions import SURVEYS_MANAGE
from patronage.feedback.questions import CHOICES, FIXED_SCALES, SCALED, QuestionType
from patronage.feedback.responses import survey_try
from patronage.feedback.survey_page import scale_end_labels


def _try_language(request: HttpRequest) -> str:
    """The language the try shows: the one asked for, else the reader's, else the business's main one."""
    languages = [language_key(code) for code in business_languages()]
    for wanted in (request.GET.get("language"), request.POST.get("language"), get_language()):
        if (key := language_key(str(wanted or ""))) in languages:
            return key
    return languages[0]


def _condition_words(question: Question, by_key: Mapping[str, Question], language: str) -> str:
    condition = question.shown_when or {}
    source = by_key.get(str(condition.get("question", "")))
    if not condition or source is None:
        return ""
    words = text_in_language(source.text, source.text_translations, language)
    if "any_of" in condition:
        choices = {
            str(c["id"]): text_in_language(c["text"], c.get("text_translations"), language)
            for c in source.choices
        }
        values = ", ".join(choices.get(str(value), str(value)) for value in condition["any_of"])
        return _("Shown when the answer to “%(question)s” is one of: %(values)s.") % {
            "question": words,
            "values": values,
        }
    if "at_most" in condition:
        return _("Shown when the answer to “%(question)s” is at most %(value)s.") % {
            "question": words,
            "value": condition["at_most"],
        }
    return _("Shown when the answer to “%(question)s” is at least %(value)s.") % {
        "question": words,
        "value": condition.get("at_least"),
    }


def _try_questions(
    questions: Sequence[Question], language: str, given: Any, errors: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The questions as the customer sees them in `language`, with what was typed and each one's error."""
    by_key = {question.key: question for question in questions}
    shown = []
    for question in questions:
        kind = QuestionType(question.type)
        name = f"answer-{question.key}"
        low, high = FIXED_SCALES.get(kind) or (question.scale_low or 0, question.scale_high or 0)
        options: list[tuple[str, str]] = []
        if kind in SCALED:
            options = [(str(point), str(point)) for point in range(low, high + 1)]
        elif kind in CHOICES:
            options = [
                (str(c["id"]), text_in_language(c["text"], c.get("text_translations"), language))
                for c in question.choices
            ]
        shown.append(
            {
                "question": question,
                "name": name,
                "text": text_in_language(question.text, question.text_translations, language),
                "options": options,
                "scaled": kind in SCALED,
                "multiple": kind == QuestionType.MULTIPLE_CHOICE,
                "is_text": kind == QuestionType.TEXT,
                "given": given.getlist(name) if given is not None else [],
                "error": errors.get(question.key, ""),
                "condition": _condition_words(question, by_key, language),
                "low_words": scale_end_labels(question)[0] if kind in SCALED else "",
                "high_words": scale_end_labels(question)[1] if kind in SCALED else "",
            }
        )
    return shown


@staff_required(SURVEYS_MANAGE)
@require_http_methods(["GET", "POST"])
def survey_try_view(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The survey as a customer sees it; what is sent is kept as a test and never counted."""
    survey = survey_or_404(survey_id)
    questions = list(survey.questions.all())
    language = _try_language(request)
    errors: dict[str, str] = {}
    general: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            survey_try(
                survey=survey,
                answers=answers_from_post(questions, request.POST),
                actor=acting_user(request),
                language=language,
            )
        except ValidationFailed as error:
            status = error.status
            for item in error.errors:
                field = item.get("field") or ""
                if field.startswith("answers[") and field.endswith("]"):
                    errors.setdefault(field[len("answers[") : -1], item["message"])
                else:
                    general.append(item["message"])
            if not error.errors:
                general.append(error.message)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your test answers are not counted: they are kept apart from the customers' answers."
                ),
            )
            return redirect("console:survey", survey_id=survey.pk)
    context = {
        "survey": survey,
        "language": language,
        "languages": [(language_key(code), language_name(code)) for code in business_languages()],
        "title": text_in_language(survey.title, survey.title_translations, language),
        "intro": text_in_language(survey.intro, survey.intro_translations, language),
        "questions": _try_questions(
            questions, language, request.POST if request.method == "POST" else None, errors
        ),
        "general": general,
    }
    return render(request, "console/surveys/try.html", context, status=status)
