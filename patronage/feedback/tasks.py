"""Feedback's jobs, run by Celery: invitations after the events open surveys follow (beat, every minute;
two workers running it at once wait for each other on the job's cursor row, feedback.invitations), and the
themes of free-text answers (one survey asked for from the console, and beat's hourly look for surveys with
new answers).

Tasks are an interface, like views: they import services, and a service never imports them. An interface
that asks for a survey's themes passes `themes_find_enqueue`, so the run reaches a worker once it commits.
"""

from celery import shared_task

from patronage.core.errors import NotFound
from patronage.feedback.invitations import triggers_run
from patronage.feedback.selectors import survey_get
from patronage.feedback.theme_selectors import surveys_themes_due, text_method_installed
from patronage.feedback.theme_services import themes_find_for_survey


@shared_task(name="feedback.triggers_run")
def triggers_run_task() -> int:
    """Invites the customers of the recent events an open survey follows (case closed, purchase,
    redemption); returns how many were invited."""
    return triggers_run()


@shared_task(name="feedback.themes_find", acks_late=True, reject_on_worker_lost=True)
def themes_find_task(survey_id: int) -> int:
    """Finds the themes of a survey's free-text answers; returns how many answers were read (0 when the
    survey is gone)."""
    try:
        survey = survey_get(survey_id=survey_id)
    except NotFound:
        return 0
    return themes_find_for_survey(survey=survey)


def themes_find_enqueue(survey_id: int) -> None:
    """Hands a survey's themes to a worker (in eager mode, finds them at once)."""
    themes_find_task.delay(survey_id)


@shared_task(name="feedback.themes_refresh")
def themes_refresh_task() -> list[int]:
    """Asks for the themes of each survey whose free-text answers arrived after its last run (at most hourly
    per survey); nothing without the text method. Returns the surveys' ids."""
    if not text_method_installed():
        return []
    due = surveys_themes_due()
    for survey_id in due:
        themes_find_enqueue(survey_id)
    return due
