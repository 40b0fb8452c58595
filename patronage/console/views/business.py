"""Settings → Business: the business's name, clock, languages and brand."""

from __future__ import annotations

from zoneinfo import available_timezones

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from patronage.console.access import acting_user, staff_required
from patronage.console.forms import BusinessForm
from patronage.core.business import business
from patronage.core.business_services import business_update
from patronage.core.errors import ApplicationError
from patronage.core.permissions import BUSINESS_MANAGE

# Sorted once per process: the zone list is some 600 names and does not change while it runs.
_ZONES = sorted(available_timezones())


@staff_required(BUSINESS_MANAGE)
@require_http_methods(["GET", "POST"])
def business_page(request: HttpRequest) -> HttpResponse:
    current = business()
    languages = list(current.languages)
    initial = {
        "name": current.name,
        "time_zone": current.time_zone,
        "languages": languages,
        "main_language": languages[0] if languages else None,
        "colour": current.colour,
    }
    posted = request.method == "POST"
    form = BusinessForm(request.POST if posted else None, request.FILES if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            business_update(actor=acting_user(request), **form.service_values())
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
        else:
            messages.success(request, _("The business's settings are saved."))
            return redirect("console:business")
    status = 400 if posted else 200
    context = {"form": form, "zones": _ZONES, "has_logo": bool(current.logo)}
    return render(request, "console/business/settings.html", context, status=status)
