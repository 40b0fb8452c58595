"""What care asks of the apps above it: a member's predicted value (analytics answers, when it runs).

Care sits below analytics, so it cannot read analytics' scores itself; analytics registers the answer
in its AppConfig.ready(). Without it, a policy's condition on predicted value matches no one.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from patronage.members.models import Member

MemberValue = Callable[[Member], Decimal | None]

_value_providers: list[MemberValue] = []


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
