"""A survey's themes: what its free-text answers are about, each theme's sentiment, examples and weekly trend,
renaming and merging themes, finding them again now; and a theme's answers, a page at a time.

Reading needs the right to read results; renaming, merging and finding them need the right to manage
surveys. Each action parses its form, calls one feedback service and goes back to the themes with a message;
a refusal shows the page again with the error on its input, nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patronage.console.access import acting_user, staff_required
from patronage.console.charts import chart
from patronage.console.theme_forms import ThemeAnswersForm, ThemeMergeForm, ThemeRenameForm
from patronage.console.views.surveys import survey_or_404
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.names import language_name, text_in_language
from patronage.feedback.models import Survey, Theme
from patronage.feedback.permissions import RESULTS_VIEW, SURVEYS_MANAGE
from patronage.feedback.tasks import themes_find_enqueue
from patronage.feedback.theme_selectors import (
    QuestionThemes,
    ThemeSummary,
    survey_themes,
    text_method_installed,
    theme_answers,
    theme_get,
    theme_merge_choices,
)
from patronage.feedback.theme_services import theme_merge, theme_rename, themes_find_request

ANSWERS_PER_PAGE = 25


def _theme_or_404(survey: Survey, theme_id: int) -> Theme:
    try:
        return theme_get(survey=survey, theme_id=theme_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _back(survey: Survey, theme: Theme | None = None) -> HttpResponse:
    anchor = f"#theme-{theme.pk}" if theme else ""
    return redirect(reverse("console:survey_themes", args=[survey.pk]) + anchor)


@staff_required(RESULTS_VIEW)
@require_GET
def survey_themes_page(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _themes_page(request, survey_or_404(survey_id))


def _themes_page(
    request: HttpRequest,
    survey: Survey,
    *,
    status: int = 200,
    refused: ThemeRenameForm | ThemeMergeForm | None = None,
) -> HttpResponse:
    language = get_language()
    questions = survey_themes(survey=survey)
    may_manage = acting_user(request).has_staff_perm(SURVEYS_MANAGE)
    shown = [_question_shown(item, language, may_manage, refused) for item in questions]
    context: dict[str, Any] = {
        "survey": survey,
        "questions": shown,
        "may_manage": may_manage,
        "installed": text_method_installed(),
        "charts": [item["chart"] for question in shown for item in question["themes"]],
    }
    return render(request, "console/surveys/themes.html", context, status=status)


def _question_shown(
    item: QuestionThemes,
    language: str,
    may_manage: bool,
    refused: ThemeRenameForm | ThemeMergeForm | None,
) -> dict[str, Any]:
    question = item.question
    return {
        "question": question,
        "text": text_in_language(question.text, question.text_translations, language),
        "answers": item.answers,
        "themes": [_theme_shown(summary, item, refused, may_manage) for summary in item.themes],
    }


def _theme_shown(
    summary: ThemeSummary,
    item: QuestionThemes,
    refused: ThemeRenameForm | ThemeMergeForm | None,
    may_manage: bool,
) -> dict[str, Any]:
    """A theme as the page shows it: its sentiment bar's parts, its weekly chart and, for a manager, its
    forms (the refused one as it was sent)."""
    theme = summary.theme
    total = sum(summary.sentiments.values()) or 1
    shown: dict[str, Any] = {
        "summary": summary,
        "language": language_name(theme.language),
        "bar": [(name, count, 100 * count / total) for name, count in summary.sentiments.items()],
        "chart": chart(
            f"theme-trend-{theme.pk}",
            "bar",
            [date_format(monday, "SHORT_DATE_FORMAT") for monday, _count in summary.trend],
            [{"label": _("Answers"), "data": [count for _monday, count in summary.trend]}],
            title=_("Answers by week"),
            whole=True,
        ),
    }
    if not may_manage:
        return shown
    shown["rename"] = refused if _is_for(refused, ThemeRenameForm, theme) else ThemeRenameForm(theme=theme)
    # Joinable: the listed themes of the same question and language.
    others = [
        other.theme
        for other in item.themes
        if other.theme.language == theme.language and other.theme != theme
    ]
    if others:
        shown["merge"] = (
            refused
            if _is_for(refused, ThemeMergeForm, theme)
            else ThemeMergeForm(theme=theme, choices=others)
        )
    return shown


def _is_for(
    form: ThemeRenameForm | ThemeMergeForm | None, kind: type[ThemeRenameForm | ThemeMergeForm], theme: Theme
) -> bool:
    """Whether the refused form is this theme's form of this kind, shown again with its error."""
    return form is not None and isinstance(form, kind) and form.theme.pk == theme.pk


@staff_required(SURVEYS_MANAGE)
@require_POST
def survey_themes_find(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    try:
        themes_find_request(survey=survey, actor=acting_user(request), enqueue=themes_find_enqueue)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The themes are being found: reload this page in a minute to see them."))
    return _back(survey)


@staff_required(SURVEYS_MANAGE)
@require_POST
def survey_theme_rename(request: HttpRequest, survey_id: int, theme_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    theme = _theme_or_404(survey, theme_id)
    form = ThemeRenameForm(request.POST, theme=theme)
    return _theme_change(
        request,
        survey,
        form,
        lambda: theme_rename(
            theme=theme,
            name=form.cleaned_data["name"],
            name_translations=form.cleaned_data.get("name_translations"),
            actor=acting_user(request),
        ),
        lambda _renamed: _("The theme is renamed; finding the themes again keeps its name."),
    )


@staff_required(SURVEYS_MANAGE)
@require_POST
def survey_theme_merge(request: HttpRequest, survey_id: int, theme_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    theme = _theme_or_404(survey, theme_id)
    choices = {other.pk: other for other in theme_merge_choices(theme=theme)}
    form = ThemeMergeForm(request.POST, theme=theme, choices=list(choices.values()))
    return _theme_change(
        request,
        survey,
        form,
        lambda: theme_merge(theme=theme, into=choices[form.cleaned_data["into"]], actor=acting_user(request)),
        lambda joined: (
            _("The answers of the theme joined “%(name)s”; finding the themes again keeps them there.")
            % {"name": joined.name}
        ),
    )


def _theme_change(
    request: HttpRequest,
    survey: Survey,
    form: ThemeRenameForm | ThemeMergeForm,
    change: Callable[[], Theme],
    done: Callable[[Theme], str],
) -> HttpResponse:
    """Once the form is valid, makes the change: back to the theme it left with `done`'s words, or the page
    again with the refusal on the form's input, nothing changed."""
    status = 400
    if form.is_valid():
        try:
            changed = change()
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(request, done(changed))
            return _back(survey, changed)
    return _themes_page(request, survey, status=status, refused=form)


@staff_required(RESULTS_VIEW)
@require_GET
def survey_theme(request: HttpRequest, survey_id: int, theme_id: int) -> HttpResponse:
    """A theme's answers, newest first, a page at a time, of one sentiment when chosen."""
    survey = survey_or_404(survey_id)
    theme = _theme_or_404(survey, theme_id)
    form = ThemeAnswersForm(request.GET)
    sentiment = form.cleaned_data["sentiment"] if form.is_valid() else ""
    page = Paginator(theme_answers(theme=theme, sentiment=sentiment), ANSWERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "survey": survey,
        "theme": theme,
        "language": language_name(theme.language),
        "question": text_in_language(theme.question.text, theme.question.text_translations, get_language()),
        "form": form,
        "sentiment": sentiment,
        "page": page,
    }
    return render(request, "console/surveys/theme.html", context, status=200 if form.is_valid() else 400)
