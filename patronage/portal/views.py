"""The member portal's pages: each parses input, checks access, calls one service or selector, renders."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.core.errors import ApplicationError
from patronage.core.models import User
from patronage.core.views import BrandedLoginView
from patronage.members.models import ConsentMethod, Member
from patronage.members.selectors import (
    member_consent_answers,
    member_consent_history,
    member_identities,
    member_of_user,
    member_visible_timeline,
)
from patronage.members.services import (
    IdentityInput,
    consent_set,
    member_erase,
    member_export,
    member_signup,
    member_update,
)
from patronage.portal.access import member_required
from patronage.portal.forms import (
    COMMON_TIME_ZONES,
    ConsentsForm,
    ErasureForm,
    PortalLoginForm,
    ProfileForm,
    SignupForm,
    add_service_error,
)

EXPORT_FILE_NAME = "patronage-my-data.json"
ERASURE_REASON = "erasure requested by the member in the portal"
CONSENT_EVIDENCE = "portal consent page"


def _signed_in(request: HttpRequest) -> User:
    return cast(User, request.user)


def _in_language(response: HttpResponse, language: str) -> HttpResponse:
    """Remembers the member's language for the next pages, as the language switch does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Visitors see what the portal offers; a signed-in member sees their overview."""
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    return overview(request)


@member_required
def overview(request: HttpRequest, member: Member) -> HttpResponse:
    context = {
        "member": member,
        "card_number": member_identities(member=member).get("card_number"),
        "consents": member_consent_answers(member=member),
        "events": member_visible_timeline(member=member),
    }
    return render(request, "portal/overview.html", context)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None, initial={"locale": get_language()})
    if request.method == "POST" and form.is_valid():
        try:
            member = member_signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
                locale=form.cleaned_data["locale"],
                consents=form.consents,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            # Two backends are configured (axes' lockout check, then the password check): name the one that
            # will load this member on later requests.
            login(request, cast(User, member.user), backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return _in_language(redirect("portal:home"), member.locale)
    return render(request, "portal/signup.html", {"form": form})


class PortalLoginView(BrandedLoginView):
    """Logs a member in by e-mail and switches the pages to the member's language."""

    form_class = PortalLoginForm
    template_name = "portal/login.html"

    def get_default_redirect_url(self) -> str:
        return resolve_url("portal:home")

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        member = member_of_user(user=form.get_user())
        return _in_language(response, member.locale) if member else response


@member_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, member: Member) -> HttpResponse:
    initial = {field: getattr(member, field) for field in ProfileForm.base_fields if field != "phone"}
    initial["phone"] = member_identities(member=member).get("phone", "")
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            updated = member_update(
                member=member,
                actor=_signed_in(request),
                profile=form.profile(),
                identities=[IdentityInput("phone", phone)] if phone and "phone" in form.changed_data else [],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return _in_language(redirect("portal:profile"), updated.locale)
    context = {"member": member, "form": form, "time_zones": COMMON_TIME_ZONES}
    return render(request, "portal/profile.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest, member: Member) -> HttpResponse:
    answers = member_consent_answers(member=member)
    form = ConsentsForm(
        request.POST or None, initial={answer.purpose: bool(answer.granted) for answer in answers}
    )
    if request.method == "POST" and form.is_valid():
        for purpose, granted in form.changed_answers().items():
            consent_set(
                member=member,
                actor=_signed_in(request),
                purpose=purpose,
                granted=granted,
                method=ConsentMethod.PORTAL,
                evidence=CONSENT_EVIDENCE,
            )
        messages.success(request, _("Your choices are saved."))
        return redirect("portal:consents")
    context = {
        "member": member,
        "form": form,
        "rows": [(answer, form[answer.purpose]) for answer in answers],
        "history": member_consent_history(member=member),
    }
    return render(request, "portal/consents.html", context)


@member_required
@require_GET
def my_data(request: HttpRequest, member: Member) -> HttpResponse:
    return render(request, "portal/my_data.html", {"member": member})


@member_required
@require_POST
def data_download(request: HttpRequest, member: Member) -> HttpResponse:
    data = member_export(member=member, actor=_signed_in(request))
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILE_NAME}"'
    return response


@member_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, member: Member) -> HttpResponse:
    form = ErasureForm(request.POST or None, user=_signed_in(request))
    if request.method == "POST" and form.is_valid():
        try:
            member_erase(member=member, actor=None, reason=ERASURE_REASON)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            logout(request)
            return redirect("portal:goodbye")
    return render(request, "portal/erase.html", {"member": member, "form": form})


@require_GET
def goodbye(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/goodbye.html")
