"""Background jobs of analytics: computing a requested run, and the nightly refresh."""

from __future__ import annotations

from celery import shared_task

from patronage.analytics.services import analysis_execute, analytics_refresh


@shared_task(name="analytics.analysis_execute", acks_late=True, reject_on_worker_lost=True)
def analysis_execute_task(run_id: int) -> str:
    """Computes a queued run; one claimed by another worker, or finished, is left as it is."""
    return analysis_execute(run_id=run_id).status


@shared_task(name="analytics.refresh")
def analytics_refresh_task() -> list[int]:
    """Requests the standard analyses (each computed by its own task)."""
    return [run.pk for run in analytics_refresh(actor=None)]
