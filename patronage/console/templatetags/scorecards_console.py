"""The case page's block for pinning the case as an example for the team meeting."""

from __future__ import annotations

from typing import Any

from django import template

from patronage.care.models import Case
from patronage.console.scorecard_file import may_pin
from patronage.console.scorecard_forms import PinForm

register = template.Library()


@register.inclusion_tag("console/scorecards/_pin.html", takes_context=True)
def example_pin_block(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """The pin form, for whoever leads the case's team or sees every team; nothing for anyone else."""
    viewer = context["request"].user
    return {"may_pin": may_pin(viewer=viewer, team=case.team), "form": PinForm(), "case": case}
