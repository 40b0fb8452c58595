"""API keys for integrations: list, create (the plain key is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from patronage.console.access import acting_user, staff_required
from patronage.console.forms import ApiKeyForm
from patronage.core.apikeys import apikey_create, apikey_revoke
from patronage.core.errors import ApplicationError
from patronage.core.permissions import STAFF_MANAGE
from patronage.core.selectors import apikey_get, apikey_list


def _list_page(request: HttpRequest, form: ApiKeyForm, *, status: int = 200) -> HttpResponse:
    return render(request, "console/apikeys/list.html", {"keys": apikey_list(), "form": form}, status=status)


@staff_required(STAFF_MANAGE)
@require_GET
def apikeys(request: HttpRequest) -> HttpResponse:
    return _list_page(request, ApiKeyForm())


@never_cache
@staff_required(STAFF_MANAGE)
@require_POST
def apikey_new(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            key, plain = apikey_create(
                name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"], actor=acting_user(request)
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
        else:
            return render(request, "console/apikeys/created.html", {"key": key, "plain": plain})
    return _list_page(request, form, status=400)


@staff_required(STAFF_MANAGE)
@require_POST
def apikey_revoke_view(request: HttpRequest, key_id: int) -> HttpResponse:
    key = apikey_get(key_id=key_id)
    if key is None:
        raise Http404(_("No such API key."))
    apikey_revoke(key=key, actor=acting_user(request))
    messages.success(
        request, _("The key %(name)s was revoked; it stops working at once.") % {"name": key.name}
    )
    return redirect("console:apikeys")
