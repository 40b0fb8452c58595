"""Campaigns for marketing systems: write a campaign to a segment, schedule or cancel it, read its
preflight (what the audience can detect), its send's progress and its results against the hold-out. Each
endpoint parses, checks the scope, and calls one service or selector of patronage.segments.
"""

# No `from __future__ import annotations` here: ninja reads the parameters' annotations at import time.

import math
from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.segments import (
    CampaignCreateIn,
    CampaignIn,
    CampaignOut,
    CampaignReportOut,
    ScheduleIn,
)
from patronage.segments.campaign_selectors import (
    Progress,
    campaign_get,
    campaign_list,
    campaign_preflight,
    campaign_progress,
    campaign_results,
)
from patronage.segments.campaign_services import (
    CampaignInput,
    campaign_cancel,
    campaign_create,
    campaign_schedule,
    campaign_update,
)
from patronage.segments.campaign_stats import Uplift
from patronage.segments.models import Campaign

router = Router(tags=["campaigns"])

READ = require_scope("segments:read")
WRITE = require_scope("campaigns:write")


def _input(payload: CampaignIn, *, code: str = "") -> CampaignInput:
    return CampaignInput(
        code=code,
        name=payload.name,
        segment=payload.segment,
        subject=payload.subject,
        body=payload.body,
        goal=payload.goal,
        goal_days=payload.goal_days,
        holdout_share=payload.holdout_share,
        offer_cost=payload.offer_cost,
        subject_translations=payload.subject_translations or {},
        body_translations=payload.body_translations or {},
    )


@router.post("/campaigns", response={201: CampaignOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def create_campaign(request: HttpRequest, payload: CampaignCreateIn) -> Status[Campaign]:
    """Writes a draft campaign to an active segment (201). A code in use is 409; every problem 422."""
    return Status(201, campaign_create(data=_input(payload, code=payload.code), actor=acting_user(request)))


@router.get("/campaigns", response={200: list[CampaignOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_campaigns(request: HttpRequest) -> QuerySet[Campaign]:
    """The newest first."""
    return campaign_list()


@router.get(
    "/campaigns/{campaign_id}", response={200: CampaignReportOut, PROBLEM_STATUSES: Problem}, auth=READ
)
def get_campaign(request: HttpRequest, campaign_id: PathId) -> dict[str, Any]:
    """The campaign with, before it starts, its preflight; once started, its progress and its results (so
    far, or final once the window has closed)."""
    campaign = campaign_get(campaign_id=campaign_id)
    started = campaign.started_at is not None
    results = campaign_results(campaign=campaign) if started else None
    return {
        "campaign": campaign,
        "preflight": asdict(campaign_preflight(campaign=campaign)) if not started else None,
        "progress": _progress(campaign_progress(campaign=campaign)) if started else None,
        "results": _results(results) if results is not None else None,
    }


def _progress(progress: Progress) -> dict[str, Any]:
    return {
        **asdict(progress),
        "delivered": progress.delivered,
        "open_rate": progress.open_rate,
        "click_rate": progress.click_rate,
    }


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _uplift(uplift: Uplift) -> dict[str, float | None]:
    return {name: _number(value) for name, value in asdict(uplift).items()}


def _results(results: Any) -> dict[str, Any]:
    return {
        **asdict(results),
        "conversion": _uplift(results.conversion),
        "revenue": _uplift(results.revenue),
        "incremental_conversions": _number(results.incremental_conversions),
        "incremental_revenue": _number(results.incremental_revenue),
        "offer_cost": str(results.offer_cost) if results.offer_cost is not None else None,
    }


@router.put("/campaigns/{campaign_id}", response={200: CampaignOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def update_campaign(request: HttpRequest, campaign_id: PathId, payload: CampaignIn) -> Campaign:
    """Rewrites a draft (or missed) campaign; one scheduled or sent is 409."""
    campaign = campaign_get(campaign_id=campaign_id)
    return campaign_update(
        campaign=campaign, data=_input(payload, code=campaign.code), actor=acting_user(request)
    )


@router.post(
    "/campaigns/{campaign_id}/schedule", response={200: CampaignOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def schedule_campaign(request: HttpRequest, campaign_id: PathId, payload: ScheduleIn) -> Campaign:
    """Schedules a draft to start at `send_at` (now when left out): the segment's members then are its
    audience, a share held out, and the message goes to the others within minutes, respecting consent,
    quiet hours in each member's zone and the weekly cap. Not a draft: 409."""
    return campaign_schedule(
        campaign=campaign_get(campaign_id=campaign_id), send_at=payload.send_at, actor=acting_user(request)
    )


@router.post(
    "/campaigns/{campaign_id}/cancel", response={200: CampaignOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def cancel_campaign(request: HttpRequest, campaign_id: PathId) -> Campaign:
    """Stops a scheduled or sending campaign; no more messages are queued. Otherwise 409."""
    return campaign_cancel(campaign=campaign_get(campaign_id=campaign_id), actor=acting_user(request))
