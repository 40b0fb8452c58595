"""The loyalty page's "Repurchase and churn by NPS group" table: promoters, passives and detractors, each
with how many bought again within 90 days of answering and how many churned (predicted by the latest churn
run, or observed before any), with their intervals. Read live from the answers and orders, whatever the
loyalty run."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from patronage.analytics.selectors import nps_group_outcomes
from patronage.feedback.scores import NpsGroup

GROUP_LABELS: dict[NpsGroup, str | Promise] = {
    NpsGroup.PROMOTER: _("Promoters (9-10)"),
    NpsGroup.PASSIVE: _("Passives (7-8)"),
    NpsGroup.DETRACTOR: _("Detractors (0-6)"),
}


def nps_groups_context() -> dict[str, Any]:
    outcomes = nps_group_outcomes()
    return {
        "nps_outcomes": outcomes,
        "nps_rows": [{"label": GROUP_LABELS[group.group], "outcome": group} for group in outcomes.groups],
        "nps_answered": sum(group.customers for group in outcomes.groups),
    }
