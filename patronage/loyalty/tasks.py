"""Periodic loyalty jobs, run by Celery beat. Each claims its rows with conditional updates or unique keys,
so several workers may run them at once without activating, expiring, reviewing or warning twice."""

from celery import shared_task

from patronage.loyalty.services import (
    expiry_warnings_send,
    pending_activate,
    points_expire,
    points_expire_inactive,
    tier_benefits_refresh,
    tiers_review,
)


@shared_task(name="loyalty.pending_activate")
def pending_activate_task() -> int:
    """Makes points whose return window has passed available to spend."""
    return pending_activate()


@shared_task(name="loyalty.points_expire")
def points_expire_task() -> int:
    """Expires points past their date, and those of members inactive too long, by each program's policy."""
    return points_expire() + points_expire_inactive()


@shared_task(name="loyalty.expiry_warnings")
def expiry_warnings_task() -> int:
    """Warns members of points that expire within their program's warning days."""
    return expiry_warnings_send()


@shared_task(name="loyalty.tiers_review")
def tiers_review_task() -> int:
    """Reviews the tiers of members whose review date has come (downgrades happen only here)."""
    return tiers_review()


@shared_task(name="loyalty.tier_benefits_refresh")
def tier_benefits_refresh_task() -> int:
    """Grants tier members the benefits of a period that has begun."""
    return tier_benefits_refresh()
