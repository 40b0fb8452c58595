"""Background jobs of analytics: computing a requested run, and the nightly refresh.

Tasks are an interface, like views: they import services, and a service never imports them. An interface
that requests a run passes `analysis_enqueue` so the run reaches a worker once the request commits.
"""

from __future__ import annotations

from celery import shared_task

from patronage.analytics.services import analysis_execute, analytics_refresh


@shared_task(name="analytics.analysis_execute", acks_late=True, reject_on_worker_lost=True)
def analysis_execute_task(run_id: int) -> str:
    """Computes a queued run; one claimed by another worker, or finished, is left as it is."""
    return analysis_execute(run_id=run_id).status


def analysis_enqueue(run_id: int) -> None:
    """Hands a queued run to a worker (in eager mode, computes it at once)."""
    analysis_execute_task.delay(run_id)


@shared_task(name="analytics.refresh")
def analytics_refresh_task() -> list[int]:
    """Requests the standard analyses (each computed by its own task)."""
    return [run.pk for run in analytics_refresh(actor=None, enqueue=analysis_enqueue)]
