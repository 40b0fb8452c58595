"""Campaigns: the list with each started campaign's uplift, the form (a draft or a missed one only), and a
campaign's page: before sending, what the audience can detect, with "Send now" and a time to schedule; while
sending, its progress (htmx polls it); once started, the results against the hold-out.

Reading needs the right to see segments; writing, scheduling and cancelling the right to send campaigns.
Each action parses its form, calls one campaigns service and goes back with a message; a refusal shows the
form again as sent, each error on its input.
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patronage.analytics.winback import MIN_RISK_DEFAULT, winback_candidates
from patronage.console.access import acting_user, staff_required
from patronage.console.campaign_forms import (
    WINBACK_DEFAULT,
    CampaignForm,
    ScheduleForm,
    WinbackForm,
    campaign_initial,
)
from patronage.console.campaign_words import (
    number,
    preflight_words,
    uplift_amount_words,
    uplift_points_words,
)
from patronage.console.charts import chart
from patronage.core.errors import ApplicationError, NotFound
from patronage.core.names import in_reader_language
from patronage.messages.models import SkipReason
from patronage.segments.campaign_selectors import (
    Results,
    campaign_get,
    campaign_list,
    campaign_preflight,
    campaign_progress,
    campaign_results,
)
from patronage.segments.campaign_services import (
    EDITABLE,
    campaign_cancel,
    campaign_create,
    campaign_schedule,
    campaign_update,
)
from patronage.segments.models import Campaign, CampaignGoal, CampaignStatus
from patronage.segments.permissions import CAMPAIGNS_SEND, SEGMENTS_VIEW
from patronage.segments.services import segment_list_write

CAMPAIGNS_PER_PAGE = 50
POLL_SECONDS = 3
CANCELLABLE = (CampaignStatus.SCHEDULED, CampaignStatus.SENDING)
WINBACK_CODE = "win-back"  # the list a win-back campaign goes to, drawn again each time
WINBACK_SHOWN = 100  # of the ranking, on the page


def _campaign_or_404(code: str) -> Campaign:
    try:
        return campaign_get(code=code)
    except NotFound as error:
        raise Http404(error.message) from error


def _back(campaign: Campaign) -> HttpResponse:
    return redirect(reverse("console:campaign_detail", args=[campaign.code]))


def _may_send(request: HttpRequest) -> bool:
    return acting_user(request).has_staff_perm(CAMPAIGNS_SEND)


# --- the list ----------------------------------------------------------------------------------------------


@staff_required(SEGMENTS_VIEW)
@require_GET
def campaign_list_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(campaign_list(), CAMPAIGNS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for campaign in page.object_list:
        results = campaign_results(campaign=campaign) if campaign.started_at else None
        rows.append(
            {
                "campaign": campaign,
                "segment": in_reader_language(campaign.segment, "name"),
                "uplift": uplift_points_words(results.conversion) if results else "",
            }
        )
    context = {"rows": rows, "page": page, "may_send": _may_send(request)}
    return render(request, "console/campaigns/list.html", context)


# --- the form ----------------------------------------------------------------------------------------------


@staff_required(CAMPAIGNS_SEND)
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    return _campaign_form(request, None)


def _proposed(request: HttpRequest) -> dict[str, str] | None:
    """A new campaign's segment and goal when a page proposed them (the win-back list)."""
    proposed = {name: request.GET[name] for name in ("segment", "goal") if request.GET.get(name)}
    return proposed or None


@staff_required(CAMPAIGNS_SEND)
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign_or_404(code)
    if campaign.status not in EDITABLE:
        messages.error(request, _("A campaign scheduled or sent cannot be changed; cancel it first."))
        return _back(campaign)
    return _campaign_form(request, campaign)


def _campaign_form(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    initial = campaign_initial(campaign) if campaign else _proposed(request)
    if request.method == "GET":
        return _form_page(request, campaign, CampaignForm(initial=initial, campaign=campaign))
    form = CampaignForm(request.POST, initial=initial, campaign=campaign)
    status = 400
    if form.is_valid():
        actor = acting_user(request)
        try:
            if campaign is None:
                campaign = campaign_create(data=form.campaign_input(), actor=actor)
            else:
                campaign = campaign_update(campaign=campaign, data=form.campaign_input(), actor=actor)
        except ApplicationError as error:
            messages.error(request, _("The campaign is not saved: see what is marked below."))
            form.add_service_error(error)
            if not form.errors:  # about no input of the form (the campaign started meanwhile)
                form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("The campaign is saved as a draft: check it, then send it."))
            return _back(campaign)
    else:
        messages.error(request, _("The campaign is not saved: see what is marked below."))
    return _form_page(request, campaign, form, status=status)


def _form_page(
    request: HttpRequest, campaign: Campaign | None, form: CampaignForm, *, status: int = 200
) -> HttpResponse:
    context = {"campaign": campaign, "form": form}
    return render(request, "console/campaigns/form.html", context, status=status)


# --- a campaign's page -------------------------------------------------------------------------------------


@staff_required(SEGMENTS_VIEW)
@require_GET
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign_or_404(code)
    if request.headers.get("HX-Request"):
        response = render(request, "console/campaigns/_progress.html", _progress_context(campaign))
        if campaign.status != CampaignStatus.SENDING:
            response["HX-Refresh"] = "true"  # the send is over: the whole page, with the results
        return response
    return _detail_page(request, campaign, ScheduleForm())


def _detail_page(
    request: HttpRequest, campaign: Campaign, schedule_form: ScheduleForm, *, status: int = 200
) -> HttpResponse:
    results = campaign_results(campaign=campaign)
    context: dict[str, Any] = {
        "campaign": campaign,
        "segment_name": in_reader_language(campaign.segment, "name"),
        "subject": in_reader_language(campaign, "subject"),
        "body": in_reader_language(campaign, "body"),
        "may_send": _may_send(request),
        "editable": campaign.status in EDITABLE,
        "cancellable": campaign.status in CANCELLABLE,
        "schedule_form": schedule_form,
        "preflight": preflight_words(campaign, campaign_preflight(campaign=campaign))
        if campaign.status in EDITABLE
        else "",
        "results": _results_context(results) if results else None,
        "charts": [_uplift_chart(results)] if results else [],
        **(_progress_context(campaign) if campaign.started_at else {}),
    }
    return render(request, "console/campaigns/detail.html", context, status=status)


def _progress_context(campaign: Campaign) -> dict[str, Any]:
    progress = campaign_progress(campaign=campaign)
    return {
        "campaign": campaign,
        "progress": progress,
        "running": campaign.status == CampaignStatus.SENDING,
        "poll_seconds": POLL_SECONDS,
        "percent": int(100 * progress.share_done),
        "skipped": [
            (_reason_words(reason), count) for reason, count in sorted(progress.skipped.items()) if count
        ],
        "skipped_total": sum(progress.skipped.values()),
    }


def _reason_words(reason: str) -> str:
    try:
        return str(SkipReason(reason).label)
    except ValueError:
        return _("another reason")


def _results_context(results: Results) -> dict[str, Any]:
    return {
        "figures": results,
        "conversion_words": uplift_points_words(results.conversion),
        "revenue_words": uplift_amount_words(results.revenue),
        "treated_revenue": _amount(results.revenue.treated),
        "held_revenue": _amount(results.revenue.held_out),
        "incremental_conversions": _amount(results.incremental_conversions, places=1, signed=True),
        "incremental_revenue": _amount(results.incremental_revenue, signed=True),
        "offer_cost": _amount(float(results.offer_cost)) if results.offer_cost is not None else "",
    }


def _amount(value: float, *, places: int = 2, signed: bool = False) -> str:
    return number(value, places, signed=signed) if math.isfinite(value) else "—"


def _uplift_chart(results: Results) -> dict[str, Any]:
    """Each group's share who did the goal, and the difference with its 95% interval drawn over it."""
    conversion = results.conversion

    def plain(value: float) -> float | None:
        return value if math.isfinite(value) else None

    interval = [conversion.low, conversion.high] if math.isfinite(conversion.low) else None
    return chart(
        "campaign-uplift",
        "bar",
        [_("Got the message"), _("Held out"), _("Difference")],
        [
            {
                "label": _("Share who did the goal"),
                "data": [plain(conversion.treated), plain(conversion.held_out), plain(conversion.uplift)],
            },
            # xgettext:no-python-format
            {"label": _("95% interval"), "data": [None, None, interval], "interval": True},
        ],
        # xgettext:no-python-format
        title=_("Share who did the goal, and the uplift with its 95% interval"),
        percent=True,
    )


# --- sending and cancelling --------------------------------------------------------------------------------


@staff_required(CAMPAIGNS_SEND)
@require_POST
def campaign_schedule_view(request: HttpRequest, code: str) -> HttpResponse:
    """ "Send now" (no time) or at the time typed on the business's clock."""
    campaign = _campaign_or_404(code)
    form = ScheduleForm(request.POST)
    now = "now" in request.POST
    if not now and not form.is_valid():
        messages.error(request, _("The campaign is not scheduled: see what is marked below."))
        return _detail_page(request, campaign, form, status=400)
    try:
        campaign = campaign_schedule(
            campaign=campaign,
            send_at=None if now else form.cleaned_data["send_at"],
            actor=acting_user(request),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _detail_page(request, campaign, form if not now else ScheduleForm(), status=error.status)
    if now:
        messages.success(request, _("The campaign is being sent: its progress shows here."))
    else:
        messages.success(request, _("The campaign is scheduled; you may cancel it until it starts."))
    return _back(campaign)


@staff_required(CAMPAIGNS_SEND)
@require_POST
def campaign_cancel_view(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign_or_404(code)
    try:
        campaign_cancel(campaign=campaign, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The campaign is cancelled: no more messages are queued."))
    return _back(campaign)


# --- win-back: the valuable customers at risk --------------------------------------------------------------


@staff_required(CAMPAIGNS_SEND)
@require_http_methods(["GET", "POST"])
def campaign_winback(request: HttpRequest) -> HttpResponse:
    """The ranking of customers by value at risk; posting it makes the win-back list and opens a campaign
    to it."""
    form = WinbackForm(request.POST or request.GET or None)
    limit, min_risk = WINBACK_DEFAULT, MIN_RISK_DEFAULT
    if form.is_bound and form.is_valid():
        limit, min_risk = form.cleaned_data["limit"], form.cleaned_data["min_risk"]
    candidates = winback_candidates(limit=limit, min_risk=min_risk)
    if request.method == "POST" and form.is_valid() and candidates:
        segment = segment_list_write(
            code=WINBACK_CODE,
            name=gettext("Win-back"),
            member_ids={candidate.member_id for candidate in candidates},
            actor=acting_user(request),
        )
        messages.success(
            request,
            ngettext(
                "The win-back list holds %(count)d customer: write them a campaign.",
                "The win-back list holds %(count)d customers: write them a campaign.",
                segment.member_count,
            )
            % {"count": segment.member_count},
        )
        return redirect(
            f"{reverse('console:campaign_new')}?segment={segment.code}&goal={CampaignGoal.PURCHASE}"
        )
    context = {
        "form": form,
        "candidates": candidates[:WINBACK_SHOWN],
        "count": len(candidates),
        "at_risk": sum(candidate.value_at_risk for candidate in candidates),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "console/campaigns/winback.html", context, status=status)
