"""What care asks of the apps above it: a member's predicted value (analytics answers, when it runs), and
whether a survey takes over a closed case's follow-up (feedback answers, when it runs).

Care sits below analytics and feedback, so it can read neither itself; each registers its answer in its
AppConfig.ready(). Without analytics, a policy's condition on predicted value matches no one; without
feedback, step 6 is care's own one-question follow-up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from patronage.care.models import Case
from patronage.members.models import Member

MemberValue = Callable[[Member], Decimal | None]
# Given a closed case (its row locked by the caller's transaction) and the time: True when its customer is
# invited to a survey about it, now or before.
SurveyFollowUp = Callable[[Case, datetime], bool]

_value_providers: list[MemberValue] = []
_survey_follow_ups: list[SurveyFollowUp] = []


def on_member_value(provider: MemberValue) -> MemberValue:
    """Registers what tells a member's predicted lifetime value."""
    if provider not in _value_providers:
        _value_providers.append(provider)
    return provider


def member_value(member: Member) -> Decimal | None:
    """The member's predicted lifetime value in money; None when no analysis has scored them."""
    for provider in _value_providers:
        if (value := provider(member)) is not None:
            return value
    return None


def on_follow_up_by_survey(provider: SurveyFollowUp) -> SurveyFollowUp:
    """Registers what invites a closed case's customer to a survey in place of care's one question."""
    if provider not in _survey_follow_ups:
        _survey_follow_ups.append(provider)
    return provider


def follow_up_by_survey(case: Case, at: datetime) -> bool:
    """Whether a survey follows the closed case up (its customer is invited, in the caller's transaction);
    False when none does, and care asks its own question."""
    return any(provider(case, at) for provider in _survey_follow_ups)
