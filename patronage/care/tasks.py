"""Care's jobs, run by Celery beat: the SLA sweep every 30 seconds, the notices and the matching of
anonymous cases every minute; two workers may run any of them at once (care.sweep, care.notices,
care.merging)."""

from celery import shared_task

from patronage.care.merging import cases_match
from patronage.care.notices import notices_send
from patronage.care.sweep import sla_sweep


@shared_task(name="care.sla_sweep")
def sla_sweep_task() -> int:
    """Stamps breaches, escalates them and sends warnings, until nothing is due."""
    total = 0
    while (report := sla_sweep()).breached + report.escalated + report.warned:
        total += report.breached + report.escalated + report.warned
    return total


@shared_task(name="care.notices_send")
def notices_send_task() -> int:
    """Tells the customers of the notices being sent, a batch at a time, until none is left untold."""
    total = 0
    while told := notices_send():
        total += told
    return total


@shared_task(name="care.cases_match")
def cases_match_task() -> int:
    """Files anonymous cases under the members found since, a batch at a time."""
    total = 0
    while matched := cases_match().matched:
        total += matched
    return total
