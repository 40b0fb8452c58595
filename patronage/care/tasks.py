"""The SLA sweep, run by Celery beat every 30 seconds; two workers may sweep at once (care.sweep)."""

from celery import shared_task

from patronage.care.sweep import sla_sweep


@shared_task(name="care.sla_sweep")
def sla_sweep_task() -> int:
    """Stamps breaches, escalates them and sends warnings, until nothing is due."""
    total = 0
    while (report := sla_sweep()).breached + report.escalated + report.warned:
        total += report.breached + report.escalated + report.warned
    return total
