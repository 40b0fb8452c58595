"""Feedback's job, run by Celery beat every minute: invitations after the events open surveys follow.
Two workers running it at once wait for each other on the job's cursor row (feedback.invitations)."""

from celery import shared_task

from patronage.feedback.invitations import triggers_run


@shared_task(name="feedback.triggers_run")
def triggers_run_task() -> int:
    """Invites the customers of the recent events an open survey follows (case closed, purchase,
    redemption); returns how many were invited."""
    return triggers_run()
