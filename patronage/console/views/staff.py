"""Staff accounts and their groups: who may do what in the console and the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from patronage.console.access import acting_user, staff_required
from patronage.console.forms import StaffGroupsForm
from patronage.core.errors import ApplicationError
from patronage.core.permissions import STAFF_MANAGE
from patronage.core.roles import role_label
from patronage.core.selectors import group_list, staff_get, staff_list
from patronage.core.services import staff_groups_set


@staff_required(STAFF_MANAGE)
@require_GET
def staff_page(request: HttpRequest) -> HttpResponse:
    context = {"staff": staff_list(), "groups": _groups_described(group_list())}
    return render(request, "console/staff/list.html", context)


@staff_required(STAFF_MANAGE)
@require_http_methods(["GET", "POST"])
def staff_groups(request: HttpRequest, user_id: int) -> HttpResponse:
    person = staff_get(user_id=user_id)
    if person is None:
        raise Http404(_("No such staff account."))
    groups = group_list()
    data = request.POST if request.method == "POST" else None
    form = StaffGroupsForm(data, groups=groups, initial={"groups": list(person.groups.all())})
    if request.method == "POST" and form.is_valid():
        try:
            staff_groups_set(user=person, groups=form.cleaned_data["groups"], actor=acting_user(request))
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s now holds: %(groups)s.")
                % {"name": person.get_username(), "groups": person.roles_display or _("no group")},
            )
            return redirect("console:staff")
    status = 400 if request.method == "POST" else 200
    context = {"person": person, "form": form, "groups": _groups_described(groups)}
    return render(request, "console/staff/groups.html", context, status=status)


def _groups_described(groups: QuerySet[Group]) -> dict[str, Any]:
    """What each group allows, as a table of rights (rows) by group (columns), in the reader's language."""
    held = [{_(permission.name) for permission in group.permissions.all()} for group in groups]
    rights = sorted(set().union(*held))
    return {
        "names": [role_label(group.name) for group in groups],
        "rows": [(right, [right in rights_of_group for rights_of_group in held]) for right in rights],
    }
