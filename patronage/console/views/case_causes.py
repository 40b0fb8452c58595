"""The causes page: the root causes and products behind the most complaints, so that problems are fixed at
their source. Leads and care managers read it; each row opens the queue filtered to its cases."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from patronage.care.causes import DEFAULT_WINDOW, WINDOWS, complaint_causes
from patronage.care.permissions import CARE_MANAGE, CASES_LEAD
from patronage.console.access import staff_required
from patronage.console.case_file import UNCLASSIFIED
from patronage.core import clock


class WindowForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Over"),
        coerce=int,
        choices=[(days, _("the last %(days)d days") % {"days": days}) for days in WINDOWS],
        required=False,
    )


@staff_required(CASES_LEAD, CARE_MANAGE)
@require_GET
def case_causes(request: HttpRequest) -> HttpResponse:
    form = WindowForm(request.GET)
    days = (form.cleaned_data.get("days") if form.is_valid() else None) or DEFAULT_WINDOW
    report = complaint_causes(days=days, now=clock.now())
    form = WindowForm(initial={"days": report.days})
    context = {"form": form, "report": report, "unclassified": UNCLASSIFIED}
    return render(request, "console/cases/causes.html", context)
