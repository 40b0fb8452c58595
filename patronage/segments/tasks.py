"""Segments' jobs, run by Celery: the upkeep after members' changes (every minute), the clock check of
time-based rules with the day's sizes (hourly), the nightly reconciliation, campaigns (every minute) and the
information digests (daily).

Tasks are an interface, like views: they import services, and a service never imports them.
"""

from celery import shared_task

from patronage.segments.campaign_services import campaigns_send, campaigns_start_due
from patronage.segments.information_services import information_announce_due, information_digests_send
from patronage.segments.upkeep import (
    segment_sizes_record,
    segments_clock,
    segments_reconcile,
    segments_upkeep,
)


@shared_task(name="segments.upkeep")
def upkeep_task() -> int:
    """Moves the members whose changes since the last pass put them in or out of a segment; returns how
    many moved."""
    report = segments_upkeep()
    return report.entered + report.left


@shared_task(name="segments.clock")
def clock_task() -> int:
    """Re-checks the members whose clock crossed a time-based rule's line; records today's sizes."""
    report = segments_clock()
    segment_sizes_record()
    return report.entered + report.left


@shared_task(name="segments.reconcile")
def reconcile_task() -> int:
    """Evaluates every segment in full and mends any difference; returns how many members differed."""
    return sum(found.missing + found.extra for found in segments_reconcile())


@shared_task(name="segments.campaigns")
def campaigns_task() -> int:
    """Starts the campaigns whose time has come and queues the next of their messages; returns how many
    were queued (a bounded number per pass: a big audience goes out over several minutes)."""
    campaigns_start_due()
    return campaigns_send()


@shared_task(name="segments.digests")
def digests_task() -> int:
    """Announces the information whose time has come and sends the digests due this period (a member at
    most once a week or a month, each in their own transaction); returns how many digests were queued."""
    information_announce_due()
    return information_digests_send()
