"""The analytics part of the demo: the standard analyses, queued for the worker."""

from __future__ import annotations

from patronage.analytics.services import analytics_refresh
from patronage.analytics.tasks import analysis_enqueue
from patronage.demo.world import Part, World


def analyses_queue(world: World) -> None:
    """Queued, not computed here: the worker started by `patronage serve` computes them, so an analyst
    opening the console a minute later finds every analysis of the demo business."""
    queued = analytics_refresh(actor=None, enqueue=analysis_enqueue)
    world.lines.append(
        f"Analytics: {len(queued)} analyses queued; the worker computes them once the product runs"
    )


PART = Part("analytics", after=analyses_queue)
