"""Settings → Messages: the kinds of message the product sends, each kind's text in the business's
languages (edited, previewed with sample values, reset to the shipped text), and the delivery log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.console.access import acting_user, staff_required
from patronage.console.message_forms import MessageFilterForm, TemplateForm
from patronage.core.errors import ApplicationError
from patronage.core.message_kinds import MessageKind, message_kind_get
from patronage.messages import message_template_services as services
from patronage.messages.permissions import MESSAGES_MANAGE

MESSAGES_PER_PAGE = 50


def _kind_and_language(kind: str, language: str) -> MessageKind:
    """The kind, in one of the business's languages; anything else is not a page."""
    try:
        spec = message_kind_get(kind)
    except KeyError as error:
        raise Http404(str(error)) from error
    if language not in services.template_languages():
        raise Http404(f"{language!r} is not one of the business's languages")
    return spec


@staff_required(MESSAGES_MANAGE)
@require_GET
def message_settings(request: HttpRequest) -> HttpResponse:
    context = {"kinds": services.template_overview(), "languages": services.template_languages()}
    return render(request, "console/messages/settings.html", context)


@staff_required(MESSAGES_MANAGE)
@require_http_methods(["GET", "POST"])
def message_template(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    spec = _kind_and_language(kind, language)
    text = services.template_text(kind=kind, language=language)
    preview = None
    status = 200
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                if request.POST.get("action") == "preview":
                    preview = services.template_preview(kind=kind, language=language, **form.service_values())
                else:
                    services.template_save(
                        actor=acting_user(request), kind=kind, language=language, **form.service_values()
                    )
                    messages.success(
                        request, _("The text is saved: the next message of this kind is written from it.")
                    )
                    return redirect("console:message_template", kind=kind, language=language)
            except ApplicationError as error:
                messages.error(request, error.message)
                form.add_service_error(error)
                status = 400
        else:
            status = 400
    else:
        form = TemplateForm.of(text)
    context: dict[str, Any] = {
        "kind": spec,
        "language": language,
        "text": text,
        "form": form,
        "preview": preview,
        "variables": sorted({*spec.variables, *services.COMMON_VARIABLES}),
    }
    return render(request, "console/messages/template.html", context, status=status)


@staff_required(MESSAGES_MANAGE)
@require_POST
def message_template_reset(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    _kind_and_language(kind, language)
    if services.template_reset(actor=acting_user(request), kind=kind, language=language):
        messages.success(request, _("The shipped text is used again."))
    else:
        messages.info(request, _("The shipped text was already in use."))
    return redirect("console:message_template", kind=kind, language=language)


@staff_required(MESSAGES_MANAGE)
@require_GET
def message_log(request: HttpRequest) -> HttpResponse:
    filters = MessageFilterForm(request.GET)
    page = Paginator(services.message_log(**filters.chosen()), MESSAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "console/messages/log.html", {"filters": filters, "page": page})
