"""What feedback asks of the apps above it: each respondent's lifetime-value band, for the results broken
down by it (analytics answers, once a lifetime-value analysis has run).

Feedback sits below analytics, so it cannot read analytics' scores itself; analytics registers the answer
in its AppConfig.ready(). Without it, or before any run, the breakdown by lifetime-value band says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Expression, Subquery
from django.utils.functional import Promise


@dataclass(frozen=True)
class ValueBand:
    key: str
    label: str | Promise
    # The band holds the values from here up to the next higher band's start; None: every value below.
    starts_at: float | None


@dataclass(frozen=True)
class MemberValueBands:
    """A column of each row's member's predicted lifetime value (NULL when not scored), and the bands it
    falls in, highest first."""

    value: Expression | Subquery
    bands: tuple[ValueBand, ...]


# Given the path to the member's id in the query the column goes into ("member_id"), the bands; None
# when no analysis has scored anyone.
ValueBandsProvider = Callable[[str], MemberValueBands | None]

_band_providers: list[ValueBandsProvider] = []


def on_member_value_bands(provider: ValueBandsProvider) -> ValueBandsProvider:
    """Registers what tells each member's lifetime-value band."""
    if provider not in _band_providers:
        _band_providers.append(provider)
    return provider


def member_value_bands(*, member_field: str) -> MemberValueBands | None:
    """The lifetime-value bands as a column for a query whose member id is at `member_field`; None when no
    analysis can tell them."""
    for provider in _band_providers:
        if (bands := provider(member_field)) is not None:
            return bands
    return None
