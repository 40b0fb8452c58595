"""Periodic loyalty jobs, run by Celery beat. Each claims its rows with conditional updates, so several
workers may run them at once without activating or expiring anything twice."""

from celery import shared_task

from patronage.loyalty.services import pending_activate, points_expire


@shared_task(name="loyalty.pending_activate")
def pending_activate_task() -> int:
    """Makes points whose return window has passed available to spend."""
    return pending_activate()


@shared_task(name="loyalty.points_expire")
def points_expire_task() -> int:
    """Expires points past their date, by each program's policy."""
    return points_expire()
