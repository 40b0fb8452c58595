"""Settings → Webhooks: the endpoints integrators receive events at, their secrets (shown once, at creation
and at rotation), and each endpoint's recent deliveries with re-send and replay."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.console.access import acting_user, staff_required
from patronage.console.webhook_forms import DeliveryFilterForm, EndpointForm, ReplayForm
from patronage.core.errors import ApplicationError, NotFound
from patronage.messages import webhook_selectors as selectors
from patronage.messages import webhook_services as services
from patronage.messages.models import WebhookEndpoint
from patronage.messages.permissions import WEBHOOKS_MANAGE

DELIVERIES_PER_PAGE = 25


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    try:
        return selectors.endpoint_get(endpoint_id=endpoint_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _list_page(request: HttpRequest, form: EndpointForm, *, status: int = 200) -> HttpResponse:
    context = {
        "endpoints": selectors.endpoint_list(),
        "failing": list(selectors.endpoints_disabled_for_failing()),
        "form": form,
    }
    return render(request, "console/webhooks/list.html", context, status=status)


@staff_required(WEBHOOKS_MANAGE)
@require_GET
def webhook_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, EndpointForm())


@never_cache
@staff_required(WEBHOOKS_MANAGE)
@require_POST
def webhook_create(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(actor=acting_user(request), **form.service_values())
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
        else:
            context = {"endpoint": endpoint, "secret": secret, "rotated": False}
            return render(request, "console/webhooks/secret.html", context)
    return _list_page(request, form, status=400)


def _detail_page(
    request: HttpRequest,
    endpoint: WebhookEndpoint,
    *,
    form: EndpointForm | None = None,
    replay: ReplayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    filters = DeliveryFilterForm(request.GET)
    deliveries = selectors.delivery_list(endpoint=endpoint, status=filters.chosen())
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "endpoint": endpoint,
        "form": form or EndpointForm.of(endpoint),
        "replay": replay or ReplayForm(),
        "filters": filters,
        "page": page,
    }
    return render(request, "console/webhooks/detail.html", context, status=status)


@staff_required(WEBHOOKS_MANAGE)
@require_GET
def webhook_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    return _detail_page(request, _endpoint(endpoint_id))


@staff_required(WEBHOOKS_MANAGE)
@require_POST
def webhook_edit(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(endpoint_id)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            services.endpoint_update(actor=acting_user(request), endpoint=endpoint, **form.service_values())
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
        else:
            messages.success(request, _("The endpoint's settings are saved."))
            return redirect("console:webhook", endpoint_id=endpoint.pk)
    endpoint.refresh_from_db()
    return _detail_page(request, endpoint, form=form, status=400)


@staff_required(WEBHOOKS_MANAGE)
@require_POST
def webhook_enable(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(endpoint_id)
    enabled = request.POST.get("enabled") == "true"
    services.endpoint_update(actor=acting_user(request), endpoint=endpoint, enabled=enabled)
    if enabled:
        messages.success(request, _("The endpoint is enabled: deliveries to it start again."))
    else:
        messages.success(request, _("The endpoint is disabled: nothing is sent to it until it is enabled."))
    return redirect("console:webhook", endpoint_id=endpoint.pk)


@never_cache
@staff_required(WEBHOOKS_MANAGE)
@require_POST
def webhook_rotate(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(endpoint_id)
    secret = services.endpoint_secret_rotate(actor=acting_user(request), endpoint=endpoint)
    endpoint.refresh_from_db()
    context = {"endpoint": endpoint, "secret": secret, "rotated": True}
    return render(request, "console/webhooks/secret.html", context)


@staff_required(WEBHOOKS_MANAGE)
@require_http_methods(["GET", "POST"])
def webhook_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(endpoint_id)
    if request.method == "POST":
        services.endpoint_delete(actor=acting_user(request), endpoint=endpoint)
        messages.success(request, _("The endpoint %(url)s was deleted.") % {"url": endpoint.url})
        return redirect("console:webhooks")
    count = selectors.delivery_list(endpoint=endpoint).count()
    return render(request, "console/webhooks/delete.html", {"endpoint": endpoint, "deliveries": count})


@staff_required(WEBHOOKS_MANAGE)
@require_POST
def webhook_resend(request: HttpRequest, endpoint_id: int, delivery_id: int) -> HttpResponse:
    endpoint = _endpoint(endpoint_id)
    try:
        delivery = selectors.delivery_get(endpoint=endpoint, delivery_id=delivery_id)
    except NotFound as error:
        raise Http404(error.message) from error
    services.delivery_resend(actor=acting_user(request), delivery=delivery)
    messages.success(request, _("The delivery will be sent again in a moment."))
    return redirect("console:webhook", endpoint_id=endpoint.pk)


@staff_required(WEBHOOKS_MANAGE)
@require_POST
def webhook_replay(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(endpoint_id)
    form = ReplayForm(request.POST)
    if form.is_valid():
        try:
            count = services.deliveries_replay(
                actor=acting_user(request),
                endpoint=endpoint,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            form.add_service_error(error)
        else:
            messages.success(
                request, _("%(count)d deliveries will be sent again in a moment.") % {"count": count}
            )
            return redirect("console:webhook", endpoint_id=endpoint.pk)
    return _detail_page(request, endpoint, replay=form, status=400)
