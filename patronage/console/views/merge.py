"""The duplicate finder and the merge of two customer files."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.console.access import acting_user, staff_required
from patronage.console.forms import MergeForm, MergePairForm
from patronage.core.errors import ApplicationError
from patronage.members import selectors, services
from patronage.members.duplicates import member_duplicates_find
from patronage.members.models import Identity, Member
from patronage.members.permissions import MEMBERS_MERGE

DUPLICATE_PAIRS_PER_PAGE = 25


@staff_required(MEMBERS_MERGE)
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """The candidate pairs, likeliest first, a page at a time, with how many there are."""
    page = Paginator(member_duplicates_find(), DUPLICATE_PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "console/merge/duplicates.html", {"page": page})


@staff_required(MEMBERS_MERGE)
@require_POST
def duplicate_dismiss(request: HttpRequest) -> HttpResponse:
    """Not a duplicate: the pair leaves the list for good, and the list opens again where it was."""
    pair = MergePairForm(request.POST)
    if not pair.is_valid():
        messages.error(request, _("Give the ids of the two customers to compare."))
        return redirect("console:duplicates")
    try:
        first = selectors.member_get(member_id=pair.cleaned_data["first"])
        second = selectors.member_get(member_id=pair.cleaned_data["second"])
        services.duplicate_dismiss(first=first, second=second, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("#%(first)s and #%(second)s are two people: they are no longer listed as duplicates.")
            % {"first": first.pk, "second": second.pk},
        )
    page = request.POST.get("page", "")
    return redirect(reverse("console:duplicates") + (f"?page={page}" if page.isdigit() else ""))


def _side(member: Member) -> tuple[Member, list[Identity]]:
    return member, list(selectors.member_identity_list(member=member))


@staff_required(MEMBERS_MERGE)
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    """GET compares two files side by side; POST folds the one not chosen into the chosen survivor."""
    pair = MergePairForm(request.POST if request.method == "POST" else request.GET)
    if not pair.is_valid():
        messages.error(request, _("Give the ids of the two customers to compare."))
        return redirect("console:duplicates")
    try:
        first = selectors.member_get(member_id=pair.cleaned_data["first"])
        second = selectors.member_get(member_id=pair.cleaned_data["second"])
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("console:duplicates")
    form = MergeForm(initial={**pair.cleaned_data, "survivor": "first"})
    if request.method == "POST":
        form = MergeForm(request.POST)
        if form.is_valid():
            chose_first = form.cleaned_data["survivor"] == "first"
            survivor, duplicate = (first, second) if chose_first else (second, first)
            try:
                services.member_merge(survivor=survivor, duplicate=duplicate, actor=acting_user(request))
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("Customer #%(id)s was merged into this file.") % {"id": duplicate.pk}
                )
                return redirect("console:customer", member_id=survivor.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "sides": [_side(first), _side(second)]}
    return render(request, "console/merge/compare.html", context, status=status)
