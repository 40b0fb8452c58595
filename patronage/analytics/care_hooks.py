"""What analytics tells care: a member's predicted lifetime value, for the SLA policies whose condition is a
minimum predicted value (care.hooks). Care sits below analytics and cannot read its scores itself."""

from __future__ import annotations

from decimal import Decimal

from patronage.analytics.models import AnalysisKind
from patronage.analytics.selectors import member_score
from patronage.care.hooks import on_member_value
from patronage.members.models import Member


@on_member_value
def predicted_lifetime_value(member: Member) -> Decimal | None:
    """The member's lifetime value in the latest lifetime-value run that scored them, in money; None when
    none has (a new customer, or no run yet): such a customer meets no minimum."""
    value = member_score(member=member, kind=AnalysisKind.CLV).value
    return Decimal(str(round(value, 2))) if value is not None else None
