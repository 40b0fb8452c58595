"""Periodic housekeeping run by Celery beat."""

from celery import shared_task
from django.contrib.sessions.models import Session

from patronage.core import clock


@shared_task(name="core.sessions_purge")
def sessions_purge() -> int:
    """Deletes expired login sessions; returns how many went."""
    deleted, _ = Session.objects.filter(expire_date__lt=clock.now()).delete()
    return deleted


@shared_task(name="core.ping")
def ping() -> str:
    """Answers 'pong' from a worker: used by health checks of the job system."""
    return "pong"
