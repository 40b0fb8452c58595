"""What analytics tells segments: fields a segment's rules can name over the latest scores (RFM segment,
predicted lifetime value, chance still a customer, churn risk, loyalty index, deal-seeker), and when a new
run changes them all at once. Segments sit below analytics and cannot read its scores themselves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from patronage.analytics.models import AnalysisKind, AnalysisRun, CustomerScore, RunStatus
from patronage.analytics.segments import SEGMENT_LABELS, SEGMENTS
from patronage.analytics.selectors import score_run_latest
from patronage.segments.fields import SegmentField, among, compare, field_register
from patronage.segments.rules import Condition, FieldShape, Kind
from patronage.segments.upkeep import bulk_source_register

GROUP = _("Analytics")


def _scored(kind: AnalysisKind, column: str) -> Callable[[Condition, datetime], Q]:
    """Members whose score in the latest finished run of `kind` meets the condition; a member that run did
    not score (no purchase in its window) meets none, not even `ne`."""

    def condition(cond: Condition, now: datetime) -> Q:
        run = score_run_latest(kind=kind)
        if run is None:
            return Q(pk__in=[])
        scores = CustomerScore.objects.filter(compare(column, cond.op, cond.value), run=run)
        return among(scores.values("member"))

    return condition


def _latest_run(kind: AnalysisKind) -> Callable[[], int]:
    def latest() -> int:
        found = AnalysisRun.objects.filter(kind=kind, status=RunStatus.DONE).aggregate(last=Max("pk"))["last"]
        return int(found or 0)

    return latest


def _area(kind: AnalysisKind) -> frozenset[str]:
    return frozenset({f"analytics:{kind.value}"})


def _rfm_names() -> dict[str, str]:
    return {name: str(SEGMENT_LABELS[name]) for name in SEGMENTS}


for registered in (
    SegmentField(
        "rfm_segment",
        _("RFM segment"),
        FieldShape(Kind.CHOICE, choices=lambda: list(SEGMENTS)),
        _area(AnalysisKind.CLV),
        _scored(AnalysisKind.CLV, "rfm_segment"),
        GROUP,
        labels=_rfm_names,
    ),
    SegmentField(
        "clv",
        _("Predicted lifetime value"),
        FieldShape(Kind.NUMBER),
        _area(AnalysisKind.CLV),
        _scored(AnalysisKind.CLV, "clv"),
        GROUP,
        help=_("in the business's currency, from the latest lifetime-value analysis"),
    ),
    SegmentField(
        "p_alive",
        _("Chance still a customer"),
        FieldShape(Kind.NUMBER),
        _area(AnalysisKind.CLV),
        _scored(AnalysisKind.CLV, "p_alive"),
        GROUP,
        help=_("from 0 to 1, such as 0.3"),
    ),
    SegmentField(
        "churn_risk",
        _("Churn risk"),
        FieldShape(Kind.NUMBER),
        _area(AnalysisKind.CHURN),
        _scored(AnalysisKind.CHURN, "churn_risk"),
        GROUP,
        help=_("from 0 to 1, such as 0.7"),
    ),
    SegmentField(
        "loyalty_index",
        _("Loyalty index"),
        FieldShape(Kind.NUMBER),
        _area(AnalysisKind.LOYALTY),
        _scored(AnalysisKind.LOYALTY, "loyalty_index"),
        GROUP,
    ),
    SegmentField(
        "deal_seeker",
        _("Deal-seeker"),
        FieldShape(Kind.BOOL),
        _area(AnalysisKind.DEAL_SEEKERS),
        _scored(AnalysisKind.DEAL_SEEKERS, "deal_seeker"),
        GROUP,
        help=_("buys mostly on promotion"),
    ),
):
    field_register(registered)

for analysed in (AnalysisKind.CLV, AnalysisKind.CHURN, AnalysisKind.LOYALTY, AnalysisKind.DEAL_SEEKERS):
    bulk_source_register(f"analytics:{analysed.value}", _latest_run(analysed))
