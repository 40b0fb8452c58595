"""What analytics tells feedback: each respondent's lifetime-value band, for survey results broken down by
it (feedback.hooks). Feedback sits below analytics and cannot read its scores itself.

Bands by rank in the latest lifetime-value run: the top 20% of the customers it scored, the next 30%, and
the lower half; the edges are the run's 80th and 50th percentiles, so a band holds about that share.
"""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext_lazy as _

from patronage.analytics.models import AnalysisKind, CustomerScore
from patronage.analytics.selectors import score_column, score_run_latest
from patronage.feedback.hooks import MemberValueBands, ValueBand, on_member_value_bands

TOP_FROM, MIDDLE_FROM = 0.8, 0.5  # quantiles of the scored customers' lifetime value


@on_member_value_bands
def lifetime_value_bands(member_field: str) -> MemberValueBands | None:
    """The latest lifetime-value run's bands; None before any run has scored a customer."""
    run = score_run_latest(kind=AnalysisKind.CLV)
    if run is None:
        return None
    values = np.fromiter(
        CustomerScore.objects.filter(run=run, clv__isnull=False).values_list("clv", flat=True),
        dtype=np.float64,
    )
    if values.size == 0:
        return None
    top_from, middle_from = np.quantile(values, [TOP_FROM, MIDDLE_FROM])
    return MemberValueBands(
        value=score_column(run=run, member_field=member_field),
        bands=(
            ValueBand(key="top", label=_("Top 20% by lifetime value"), starts_at=float(top_from)),
            ValueBand(key="middle", label=_("Next 30%"), starts_at=float(middle_from)),
            ValueBand(key="lower", label=_("Lower half"), starts_at=None),
        ),
    )
