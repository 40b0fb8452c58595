"""Segments' jobs, run by Celery: the upkeep after members' changes with the treatments of those who
entered (every minute), the clock check of time-based rules with the day's sizes (hourly), the nightly
reconciliation, campaigns (every minute), next-best offers (conversions hourly, the lift table nightly) and
the information digests (daily).

Tasks are an interface, like views: they import services, and a service never imports them.
"""

from celery import shared_task

from patronage.segments.campaign_services import campaigns_send, campaigns_start_due
from patronage.segments.information_services import information_announce_due, information_digests_send
from patronage.segments.offers_services import offer_exposures_convert, offer_table_refresh
from patronage.segments.treatment_services import segment_treatments_give
from patronage.segments.upkeep import (
    segment_sizes_record,
    segments_clock,
    segments_reconcile,
    segments_upkeep,
)


@shared_task(name="segments.upkeep")
def upkeep_task() -> int:
    """Moves the members whose changes since the last pass put them in or out of a segment, then gives
    those who entered their segment's treatment; returns how many moved."""
    report = segments_upkeep()
    segment_treatments_give()
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


@shared_task(name="segments.offers_convert")
def offers_convert_task() -> int:
    """Marks the offers shown that the member took within the window; returns how many."""
    return offer_exposures_convert()


@shared_task(name="segments.offers_table")
def offers_table_task() -> int:
    """Refits the co-purchase lift table; returns the members it was fitted on."""
    return offer_table_refresh().members


@shared_task(name="segments.digests")
def digests_task() -> int:
    """Announces the information whose time has come and sends the digests due this period (a member at
    most once a week or a month, each in their own transaction); returns how many digests were queued."""
    information_announce_due()
    return information_digests_send()
