"""Background jobs of the customer file.

Tasks are an interface, like views: they import services, and a service never imports them. An interface
that starts an import passes `import_job_enqueue` so the job reaches a worker once the upload commits.
"""

from __future__ import annotations

from celery import shared_task

from patronage.members.imports import import_files_sweep, import_job_run


@shared_task(name="members.import_job_run", acks_late=True, reject_on_worker_lost=True)
def import_job_run_task(job_id: int) -> str:
    """Runs an import job with the options stored on it; a job already done or rejected is left as it is."""
    return import_job_run(job_id=job_id).status


def import_job_enqueue(job_id: int) -> None:
    """Hands a queued import job to a worker (in eager mode, runs it at once)."""
    import_job_run_task.delay(job_id)


@shared_task(name="members.import_files_sweep")
def import_files_sweep_task() -> int:
    """Deletes stored import files no import needs any more (a failed import's, a week after it failed)."""
    return import_files_sweep()
