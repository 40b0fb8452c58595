"""Who may open a console page: one decorator, checked before anything else runs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from patronage.core.models import User

View = Callable[..., HttpResponseBase]  # a page, a redirect or a streamed download


def staff_required(permission: str, *alternatives: str) -> Callable[[View], View]:
    """Anonymous users go to the console login; members and staff holding neither `permission` nor any of
    the `alternatives` get a 403 page."""
    permissions = (permission, *alternatives)

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("console:login"))
            user = acting_user(request)
            if not any(user.has_staff_perm(name) for name in permissions):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def forbidden(request: HttpRequest) -> HttpResponse:
    """The 403 page, for a view that learns only from what it read that this person may not see it."""
    return render(request, "console/forbidden.html", status=403)


def acting_user(request: HttpRequest) -> User:
    """The signed-in staff user of a request that passed staff_required."""
    return cast(User, request.user)
