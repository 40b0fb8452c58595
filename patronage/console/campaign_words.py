"""A campaign's figures as sentences a marketer reads: the preflight, the uplift in points with its interval,
revenue per member. Numbers in the reader's locale; a fraction is said in points or as a percentage, never
as 0.021; an interval that includes zero is said plainly to be no evidence yet."""

from __future__ import annotations

import math

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from patronage.segments.campaign_selectors import Preflight
from patronage.segments.campaign_stats import Uplift
from patronage.segments.models import Campaign, CampaignGoal


def number(value: float, places: int = 0, *, signed: bool = False) -> str:
    text = number_format(round(value, places), decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"+{text}" if signed and round(value, places) > 0 else text


def percent(share: float) -> str:
    """0.083 → '8.3%'."""
    return _("%(number)s%%") % {"number": number(100 * share, 1)}


def goal_share_words(goal: str) -> str:
    """What the campaign's rate is the share of (revenue is judged by whether they bought)."""
    if goal == CampaignGoal.REDEMPTION:
        return _("the share who redeem a reward")
    return _("the share who buy")


def preflight_words(campaign: Campaign, preflight: Preflight) -> str:
    """'1,240 customers: 1,116 will get the message and 124 are held out. With this audience you can …'"""
    if not preflight.audience:
        return _("The segment has no customers now: nobody would get the message.")
    people = _(
        "%(audience)s customers: about %(treated)s will get the message and about %(held)s are held out."
    ) % {
        "audience": number(preflight.audience),
        "treated": number(preflight.audience - preflight.held_out),
        "held": number(preflight.held_out),
    }
    if preflight.detectable is None or preflight.baseline is None:
        return " ".join(
            [
                people,
                _("With nobody held out, or nobody getting it, the campaign's effect cannot be measured."),
            ]
        )
    power = _(
        "With this audience you can detect an uplift of %(points)s points in %(share)s; "
        "the segment's usual rate is %(baseline)s."
    ) % {
        "points": number(100 * preflight.detectable, 1),
        "share": goal_share_words(campaign.goal),
        "baseline": percent(preflight.baseline),
    }
    return f"{people} {power}"


def _measurable(uplift: Uplift) -> bool:
    return all(math.isfinite(value) for value in (uplift.uplift, uplift.low, uplift.high))


def uplift_points_words(uplift: Uplift) -> str:
    """'+3.2 points (from +1.1 to +5.3)', said plainly when the interval includes zero."""
    if not _measurable(uplift):
        return _("not measurable yet: a group has nobody in it")
    words = _("%(uplift)s points (from %(low)s to %(high)s)") % {
        "uplift": number(100 * uplift.uplift, 1, signed=True),
        "low": number(100 * uplift.low, 1, signed=True),
        "high": number(100 * uplift.high, 1, signed=True),
    }
    return (
        words
        if uplift.significant
        else _("%(words)s: not distinguishable from no effect yet") % {"words": words}
    )


def uplift_amount_words(uplift: Uplift) -> str:
    """'+1,250 per customer (from +300 to +2,200)', said plainly when the interval includes zero."""
    if not _measurable(uplift):
        return _("not measurable yet: a group has nobody in it")
    words = _("%(uplift)s per customer (from %(low)s to %(high)s)") % {
        "uplift": number(uplift.uplift, 2, signed=True),
        "low": number(uplift.low, 2, signed=True),
        "high": number(uplift.high, 2, signed=True),
    }
    return (
        words
        if uplift.significant
        else _("%(words)s: not distinguishable from no effect yet") % {"words": words}
    )
