"""Who is worth winning back: valuable customers at risk, ranked by the value at risk.

A customer's value at risk is their predicted lifetime value (the latest lifetime-value analysis) times
their churn risk (the latest churn analysis): what the business expects to lose if nothing is done. A
win-back campaign written to the top of this ranking spends its offer where the most is at stake; its
hold-out then says how much of that value the campaign actually brought back. Customers either analysis
did not score are left out: there is no figure to rank them by.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, FloatField, OuterRef, Subquery

from patronage.analytics.models import AnalysisKind, CustomerScore
from patronage.analytics.selectors import score_run_latest
from patronage.members.models import MemberStatus

WINBACK_MAX = 10_000  # customers one win-back list takes
MIN_RISK_DEFAULT = 0.5


@dataclass(frozen=True)
class WinbackCandidate:
    member_id: int
    name: str
    clv: float
    churn_risk: float

    @property
    def value_at_risk(self) -> float:
        return self.clv * self.churn_risk


def winback_candidates(*, limit: int = 500, min_risk: float = MIN_RISK_DEFAULT) -> list[WinbackCandidate]:
    """The customers whose churn risk is at least `min_risk`, by value at risk, highest first; empty until
    both a lifetime-value and a churn analysis have finished."""
    clv_run, churn_run = score_run_latest(kind=AnalysisKind.CLV), score_run_latest(kind=AnalysisKind.CHURN)
    if clv_run is None or churn_run is None:
        return []
    clv = CustomerScore.objects.filter(run=clv_run, member=OuterRef("member")).values("clv")[:1]
    rows = (
        CustomerScore.objects.filter(
            run=churn_run, churn_risk__gte=min_risk, member__status=MemberStatus.ACTIVE
        )
        .annotate(clv_value=Subquery(clv, output_field=FloatField()))
        .filter(clv_value__gt=0)
        .annotate(at_risk=F("clv_value") * F("churn_risk"))
        .order_by("-at_risk", "member_id")
        .values_list("member_id", "member__name", "clv_value", "churn_risk")[: min(limit, WINBACK_MAX)]
    )
    return [
        WinbackCandidate(member, name or "", clv_value, risk or 0.0) for member, name, clv_value, risk in rows
    ]
