"""Background jobs of the customer file."""

from __future__ import annotations

from celery import shared_task

from patronage.members.imports import import_job_run


@shared_task(name="members.import_job_run", acks_late=True, reject_on_worker_lost=True)
def import_job_run_task(job_id: int) -> str:
    """Runs an import job with the options stored on it; a job already done or rejected is left as it is."""
    return import_job_run(job_id=job_id).status
