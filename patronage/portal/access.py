"""Who may open a member page: one decorator, and the member it hands to the view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from patronage.members.models import Member
from patronage.members.selectors import member_of_user

Answer = TypeVar("Answer", bound=HttpResponseBase)  # a page, or a file (a case's photo)


def member_required(view: Callable[..., Answer]) -> Callable[..., Answer | HttpResponse]:
    """Anonymous visitors go to the portal login; a user without an active member file gets a 403 page.

    The view receives the signed-in person's own file as `member`, so no portal URL ever names a member.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Answer | HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        member: Member | None = member_of_user(user=request.user)
        if member is None:
            return render(request, "portal/forbidden.html", status=403)
        with timezone.override(member.time_zone):  # dates and times on the member's pages are theirs
            return view(request, *args, member=member, **kwargs)

    return guarded
