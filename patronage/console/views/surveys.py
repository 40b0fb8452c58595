"""Surveys: the list, the builder, a survey's page (opening and closing it, inviting customers, the closed-loop
rules, the results dashboard and the cases it opened). Trying it as a customer is in survey_try.py.

Reading needs the right to read results; building, sending, the rules and trying need the right to manage
surveys. Each action parses its form, calls one feedback service and goes back to the survey with a message;
a refusal shows the page again with the form as sent and each error on its input, nothing changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.care.permissions import CASES_WORK
from patronage.console import customer_file
from patronage.console.access import acting_user, staff_required
from patronage.console.charts import chart
from patronage.console.survey_forms import (
    INVITE_MAX,
    BaseQuestionFormSet,
    InviteFilterForm,
    InviteListForm,
    LoopRuleForm,
    SurveyForm,
    builder_errors,
    new_question,
    question_formset,
    question_initial,
    question_rows,
    rows_rearranged,
    survey_initial,
    survey_input,
)
from patronage.console.views.survey_breakdown import breakdown_context
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.names import text_in_language
from patronage.feedback.invitations import Sent, invitations_send
from patronage.feedback.models import Answer, LoopRuleKind, Question, Survey, SurveyStatus
from patronage.feedback.permissions import RESULTS_VIEW, SURVEYS_MANAGE
from patronage.feedback.questions import CHOICES, QuestionType
from patronage.feedback.selectors import EXAMPLES, Results, survey_get, survey_results
from patronage.feedback.survey_overview import (
    loop_rule_get,
    members_listed,
    members_matching,
    survey_follow_up_count,
    survey_follow_ups,
    survey_list,
    survey_rows,
    survey_rules,
    survey_thanked,
    survey_thanked_count,
    survey_tries,
)
from patronage.feedback.survey_services import (
    loop_rule_add,
    loop_rule_remove,
    survey_close,
    survey_create,
    survey_open,
    survey_update,
)
from patronage.feedback.theme_selectors import text_answers_latest
from patronage.members.models import Member

SURVEYS_PER_PAGE = 25


def survey_or_404(survey_id: int) -> Survey:
    try:
        return survey_get(survey_id=survey_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _back(survey: Survey, part: str = "") -> HttpResponse:
    return redirect(reverse("console:survey", args=[survey.pk]) + (f"#{part}" if part else ""))


# --- the list ----------------------------------------------------------------------------------------------


@staff_required(RESULTS_VIEW, SURVEYS_MANAGE)
@require_GET
def survey_list_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(survey_list(), SURVEYS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": survey_rows(page.object_list),
        "may_build": acting_user(request).has_staff_perm(SURVEYS_MANAGE),
    }
    return render(request, "console/surveys/list.html", context)


# --- the builder -------------------------------------------------------------------------------------------


@staff_required(SURVEYS_MANAGE)
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    return _builder(request, None)


@staff_required(SURVEYS_MANAGE)
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _builder(request, survey_or_404(survey_id))


def _builder(request: HttpRequest, survey: Survey | None) -> HttpResponse:
    """A draft's builder changes everything; an opened survey's only its words (its structure is disabled)."""
    structure = survey is None or survey.status == SurveyStatus.DRAFT
    settings = survey_initial(survey) if survey else None
    stored = [question_initial(question) for question in survey.questions.all()] if survey else []
    if request.method == "GET":
        form = SurveyForm(initial=settings, structure=structure)
        questions = question_formset(initial=stored or [new_question([])], structure=structure)
        return _builder_page(request, survey, form, questions)
    form = SurveyForm(request.POST, initial=settings, structure=structure)
    # An opened survey's disabled inputs take what is stored, whatever was posted.
    questions = question_formset(request.POST, initial=None if structure else stored, structure=structure)
    action = str(request.POST.get("action") or "save")
    rows = rows_rearranged(question_rows(questions), action) if structure else None
    if rows is not None:  # a question added, removed or moved: the page again, nothing saved
        typed = {name: form[name].value() for name in form.fields}
        return _builder_page(
            request,
            survey,
            SurveyForm(initial=typed, structure=structure),
            question_formset(initial=rows, structure=structure),
        )
    loose: list[str] = []
    status = 400
    if form.is_valid() & questions.is_valid():
        data = survey_input(form, questions)
        actor = acting_user(request)
        try:
            if survey is None:
                survey = survey_create(data=data, actor=actor)
            else:
                survey = survey_update(survey=survey, data=data, actor=actor)
        except ApplicationError as error:
            messages.error(request, error.message)
            loose = builder_errors(form, questions, error)
            status = error.status
        else:
            messages.success(request, _("The survey is saved."))
            return _back(survey)
    else:
        messages.error(request, _("The survey is not saved: see what is marked below."))
    return _builder_page(request, survey, form, questions, loose=loose, status=status)


def _builder_page(
    request: HttpRequest,
    survey: Survey | None,
    form: SurveyForm,
    questions: BaseQuestionFormSet,
    *,
    loose: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    context = {
        "survey": survey,
        "form": form,
        "questions": questions,
        "structure": questions.structure,
        "loose": [*loose, *(str(error) for error in questions.non_form_errors())]
        if questions.is_bound
        else loose,
        "choice_types": sorted(CHOICES),
    }
    return render(request, "console/surveys/builder.html", context, status=status)


# --- a survey's page ---------------------------------------------------------------------------------------


@staff_required(RESULTS_VIEW, SURVEYS_MANAGE)
@require_GET
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _survey_page(request, survey_or_404(survey_id))


def _survey_page(request: HttpRequest, survey: Survey, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = acting_user(request)
    may_manage, may_read = user.has_staff_perm(SURVEYS_MANAGE), user.has_staff_perm(RESULTS_VIEW)
    context: dict[str, Any] = {
        "survey": survey,
        "questions": list(survey.questions.all()),
        "rules": list(survey_rules(survey=survey)),
        "may_manage": may_manage,
        "may_read": may_read,
    }
    if may_manage:
        tiers = customer_file.list_programs(user=user).tiers
        context.update(
            invite_list=forms.get("invite_list") or InviteListForm(),
            invite_filter=forms.get("invite_filter") or InviteFilterForm(tiers=tiers),
            rule_form=forms.get("rule_form") or LoopRuleForm(),
            tries=survey_tries(survey=survey),
        )
    if may_read:
        results = survey_results(survey=survey)
        context.update(
            results=results,
            summaries=_summaries(
                results, text_answers_latest(questions=context["questions"], limit=EXAMPLES)
            ),
            charts=_charts(results),
            **breakdown_context(request, survey),
            follow_ups=survey_follow_ups(survey=survey),
            may_work_cases=user.has_staff_perm(CASES_WORK),
            follow_up_count=survey_follow_up_count(survey=survey),
            thanked=survey_thanked(survey=survey),
            thanked_count=survey_thanked_count(survey=survey),
        )
    return render(request, "console/surveys/detail.html", context, status=status)


def _reader(main: str, translations: Mapping[str, Any] | None) -> str:
    return text_in_language(main, translations, get_language())


def _choice_words(question: Question) -> dict[str, str]:
    return {str(c["id"]): _reader(str(c["text"]), c.get("text_translations")) for c in question.choices}


def _summaries(results: Results, latest: Mapping[int, list[Answer]]) -> list[dict[str, Any]]:
    """Each question's summary as the dashboard shows it: its words, a chart or the latest answers with
    their sentiment and theme."""
    shown = []
    for place, summary in enumerate(results.questions):
        question = summary.question
        shown.append(
            {
                "summary": summary,
                "question": question,
                "text": _reader(question.text, question.text_translations),
                "chart_id": f"survey-question-{place}" if summary.counts else "",
                "is_text": question.type == QuestionType.TEXT,
                "latest": latest.get(question.pk, []),
            }
        )
    return shown


def _charts(results: Results) -> list[dict[str, Any]]:
    charts = []
    for place, summary in enumerate(results.questions):
        if not summary.counts:
            continue
        question = summary.question
        words = _choice_words(question)
        labels = [words.get(key, key) for key in summary.counts]
        charts.append(
            chart(
                f"survey-question-{place}",
                "bar",
                labels,
                [{"label": _("Answers"), "data": list(summary.counts.values())}],
                title=_reader(question.text, question.text_translations),
                horizontal=question.type in CHOICES,
                whole=True,
            )
        )
    if results.trend:
        charts.append(
            chart(
                "survey-trend",
                "line",
                [date_format(monday, "SHORT_DATE_FORMAT") for monday, _score in results.trend],
                [
                    {
                        "label": _("NPS"),
                        "data": [None if s.value is None else round(s.value, 1) for _m, s in results.trend],
                    }
                ],
                title=_("NPS by week"),
            )
        )
    return charts


@staff_required(RESULTS_VIEW)
@require_GET
def survey_breakdown_part(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The Breakdown block alone, for the group the reader picked (htmx swaps it in)."""
    survey = survey_or_404(survey_id)
    return render(
        request, "console/surveys/_breakdown.html", {"survey": survey, **breakdown_context(request, survey)}
    )


@staff_required(SURVEYS_MANAGE)
@require_POST
def survey_open_view(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    try:
        survey_open(survey=survey, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The survey is open: customers can answer it and you can invite them."))
    return _back(survey)


@staff_required(SURVEYS_MANAGE)
@require_POST
def survey_close_view(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    try:
        survey_close(survey=survey, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The survey is closed: its links say it has ended; its results stay."))
    return _back(survey)


# --- distribution ------------------------------------------------------------------------------------------


def _sent_words(sent: Sent) -> str:
    return _(
        "Invited: %(invited)s. Asked too recently, not invited: %(throttled)s. "
        "Already invited by this sending: %(already)s."
    ) % {"invited": sent.invited, "throttled": sent.throttled, "already": sent.already}


def _send(request: HttpRequest, survey: Survey, members: Sequence[Member], *, batch: str) -> int | None:
    """Invites the members and says how it went; None when sent, else the status of the page shown again
    (the survey is not open)."""
    try:
        sent = invitations_send(survey=survey, members=members, actor=acting_user(request), batch=batch)
    except ApplicationError as error:
        messages.error(request, error.message)
        return error.status
    messages.success(request, _sent_words(sent))
    return None


@staff_required(SURVEYS_MANAGE)
@require_POST
def survey_invite(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Invites the customers pasted, by number or e-mail; a line naming no customer invites no one."""
    survey = survey_or_404(survey_id)
    form = InviteListForm(request.POST)
    status = 400
    if form.is_valid():
        listed = members_listed(items=form.cleaned_data["people"])
        if listed.unknown:
            form.add_error(
                "people",
                _("No active customer is %(items)s: correct or remove them; no one was invited.")
                % {"items": ", ".join(f"“{item}”" for item in listed.unknown[:10])},
            )
        else:
            refused = _send(request, survey, listed.members, batch=f"list:{form.cleaned_data['key']}")
            if refused is None:
                return _back(survey, "distribution")
            status = refused
    return _survey_page(request, survey, status=status, invite_list=form)


@staff_required(SURVEYS_MANAGE)
@require_POST
def survey_invite_filter(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Invites every active customer the customer list shows for the filters, a thousand at most."""
    survey = survey_or_404(survey_id)
    tiers = customer_file.list_programs(user=acting_user(request)).tiers
    form = InviteFilterForm(request.POST, tiers=tiers)
    status = 400
    if form.is_valid():
        members = members_matching(filters=form.filters(), tier=form.chosen_tier())
        count = members.count()
        if not count:
            form.add_error(None, _("No active customer matches these filters."))
        elif count > INVITE_MAX:
            form.add_error(
                None,
                _("%(count)s customers match: narrow the filters to %(max)s at most.")
                % {"count": f"{count:,}", "max": f"{INVITE_MAX:,}"},
            )
        else:
            refused = _send(request, survey, list(members), batch=f"filter:{form.cleaned_data['key']}")
            if refused is None:
                return _back(survey, "distribution")
            status = refused
    return _survey_page(request, survey, status=status, invite_filter=form)


# --- the closed loop ---------------------------------------------------------------------------------------


@staff_required(SURVEYS_MANAGE)
@require_POST
def survey_rule_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    form = LoopRuleForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            loop_rule_add(
                survey=survey,
                kind=form.cleaned_data["kind"],
                keywords=form.cleaned_data["keywords"],
                severity=form.cleaned_data["severity"],
                review_url=form.cleaned_data["review_url"],
                ask_referral=form.cleaned_data["ask_referral"],
                actor=acting_user(request),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
            status = error.status
        else:
            messages.success(
                request,
                _("The rule is added: promoters who answer from now on are thanked.")
                if form.cleaned_data["kind"] == LoopRuleKind.PROMOTER
                else _("The rule is added: answers that match it from now on open a case."),
            )
            return _back(survey, "rules")
    return _survey_page(request, survey, status=status, rule_form=form)


@staff_required(SURVEYS_MANAGE)
@require_POST
def survey_rule_remove(request: HttpRequest, survey_id: int, rule_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    try:
        rule = loop_rule_get(survey=survey, rule_id=rule_id)
    except NotFound as error:
        raise Http404(error.message) from error
    loop_rule_remove(rule=rule, actor=acting_user(request))
    messages.success(request, _("The rule is removed; the cases it opened stay."))
    return _back(survey, "rules")
