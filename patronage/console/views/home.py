"""The dashboard every staff member lands on."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from patronage.console.access import acting_user, staff_required
from patronage.console.audit_words import audit_lines
from patronage.core.permissions import AUDIT_VIEW
from patronage.core.selectors import audit_entries
from patronage.members.imports import import_job_list
from patronage.members.permissions import MEMBERS_IMPORT, MEMBERS_VIEW
from patronage.members.selectors import member_dashboard_counts
from patronage.messages.permissions import WEBHOOKS_MANAGE
from patronage.messages.webhook_selectors import endpoints_disabled_for_failing

RECENT_AUDIT_ENTRIES = 8


@staff_required(MEMBERS_VIEW)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    counts = member_dashboard_counts()
    signups_chart = {
        "label": _("Sign-ups"),
        "labels": [date_format(row.month, "YEAR_MONTH_FORMAT") for row in counts.signups_by_month],
        "counts": [row.count for row in counts.signups_by_month],
    }
    can_audit = user.has_staff_perm(AUDIT_VIEW)
    context = {
        "counts": counts,
        "signups_chart": signups_chart,
        "imports": list(import_job_list()[:5]),
        "can_import": user.has_staff_perm(MEMBERS_IMPORT),
        "audit_lines": audit_lines(list(audit_entries()[:RECENT_AUDIT_ENTRIES])) if can_audit else None,
        # Whoever looks after the webhooks hears first thing that the product switched one off.
        "failing": list(endpoints_disabled_for_failing()) if user.has_staff_perm(WEBHOOKS_MANAGE) else [],
    }
    return render(request, "console/home.html", context)
