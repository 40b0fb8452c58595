"""The audit log of staff changes."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from patronage.console.access import staff_required
from patronage.console.audit_words import audit_lines
from patronage.console.forms import AuditFilterForm
from patronage.core.permissions import AUDIT_VIEW
from patronage.core.selectors import audit_actions, audit_entries

ENTRIES_PER_PAGE = 50


@staff_required(AUDIT_VIEW)
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET, actions=audit_actions())
    page = Paginator(audit_entries(**form.filters()), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "lines": audit_lines(list(page.object_list))}
    return render(request, "console/audit/list.html", context)
