"""The customer's side of surveys: answering by the secret link of an invitation, and "My surveys".

The public page needs no login: the invitation's token is the key, and it opens that invitation's survey
only; the response is the invitation's member's, whoever is signed in on the browser. It is shown in the
language the visitor chose with the language switch, else the invitation's, else the browser's. "Save and
finish later" keeps a partial response, shown again at the same link; "Send" completes it, once.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from patronage.core.errors import Conflict, NotFound, ValidationFailed
from patronage.core.names import product_language, text_in_language
from patronage.feedback.invitations import SURVEY_PATH
from patronage.feedback.models import Invitation, ResponseChannel, SurveyStatus
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.selectors import invitation_by_token, member_open_invitations, member_responses
from patronage.feedback.survey_page import (
    answers_from_form,
    invitation_response,
    response_answers,
    responses_read,
    survey_shown,
)
from patronage.members.models import Member
from patronage.members.selectors import member_of_user
from patronage.portal.access import member_required

SAVE_FOR_LATER = "save"


def _language(request: HttpRequest, invitation: Invitation | None) -> str:
    """The visitor's own choice (the language switch), else the invitation's language, else the browser's."""
    chosen = product_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    invited = product_language(invitation.language) if invitation else None
    return chosen or invited or translation.get_language() or settings.LANGUAGE_CODE


def _page(
    request: HttpRequest, template: str, context: dict[str, object], language: str, status: int = 200
) -> HttpResponse:
    context.setdefault("member", member_of_user(user=request.user))
    with translation.override(language):
        return render(request, template, context, status=status)


def _not_found(request: HttpRequest) -> HttpResponse:
    return _page(request, "portal/surveys/not_found.html", {}, _language(request, None), status=404)


@require_http_methods(["GET", "POST"])
def survey_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The survey behind the invitation's link: the form, or why it cannot be answered any more."""
    try:
        invitation = invitation_by_token(token=token)
    except NotFound:
        return _not_found(request)
    language = _language(request, invitation)
    survey = invitation.survey
    if invitation.answered_at is not None:
        return _page(request, "portal/surveys/answered.html", {"survey": survey}, language)
    if survey.status != SurveyStatus.OPEN:
        return _page(request, "portal/surveys/ended.html", {"survey": survey}, language)
    questions = list(survey.questions.all())
    if request.method == "POST":
        answers = answers_from_form(questions, request.POST)
        partial = request.POST.get("action") == SAVE_FOR_LATER
        data = ResponseInput(
            answers=answers,
            invitation=invitation,
            channel=ResponseChannel.LINK,
            language=language,
            partial=partial,
        )
        try:
            with translation.override(language):  # the refusals in the page's language
                response_submit(survey=survey, data=data)
        except ValidationFailed as error:
            with translation.override(language):  # the scales' end words in the page's language
                shown = survey_shown(
                    survey=survey, language=language, answers=answers, error=error, questions=questions
                )
            return _page(request, "portal/surveys/survey.html", {"shown": shown, "token": token}, language)
        except Conflict as refused:
            # Answered meanwhile (another tab, another device: the domain names the token), or closed while
            # the form was open.
            template = "answered" if refused.field == "token" else "ended"
            return _page(request, f"portal/surveys/{template}.html", {"survey": survey}, language, 409)
        if partial:
            with translation.override(language):
                messages.success(
                    request, _("Your answers are saved. Open this link again to finish the survey.")
                )
            return redirect("surveys:survey", token=token)
        return redirect("surveys:thanks", token=token)
    saved = response_answers(invitation_response(invitation=invitation))
    with translation.override(language):
        shown = survey_shown(survey=survey, language=language, answers=saved, questions=questions)
    context = {"shown": shown, "token": token, "resumed": bool(saved)}
    return _page(request, "portal/surveys/survey.html", context, language)


@require_GET
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_by_token(token=token)
    except NotFound:
        return _not_found(request)
    if invitation.answered_at is None:
        return redirect("surveys:survey", token=token)
    context: dict[str, object] = {"survey": invitation.survey}
    return _page(request, "portal/surveys/thanks.html", context, _language(request, invitation))


@member_required
@require_GET
def my_surveys(request: HttpRequest, member: Member) -> HttpResponse:
    """The member's open invitations, to answer, and what they answered, read only."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    invitations = [
        (
            invitation,
            text_in_language(invitation.survey.title, invitation.survey.title_translations, language),
            SURVEY_PATH.format(token=invitation.token),
        )
        for invitation in member_open_invitations(member_id=member.pk)
    ]
    answered = responses_read(
        responses=member_responses(member_id=member.pk).filter(complete=True), language=language
    )
    context = {"member": member, "invitations": invitations, "answered": answered, "language": language}
    return render(request, "portal/surveys/mine.html", context)
