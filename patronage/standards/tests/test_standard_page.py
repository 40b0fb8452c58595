"""The histogram of a standard's page: the target and the minimum always fall on a bar's edge, so each bar is
wholly met, between, or past the minimum; and how a period is judged (met, slipped, breached)."""

from __future__ import annotations

from collections import Counter

from patronage.standards.models import Standard
from patronage.standards.standard_page import Bin, histogram
from patronage.standards.stats import Summary, verdict


def test_whole_rings_get_a_bar_each_coloured_by_the_target_and_the_minimum():
    bins = histogram(Counter([0, 1, 1, 2, 3, 5]), target=2, minimum=4, direction="lower")
    assert [(b.only, b.count, b.zone) for b in bins] == [
        (0, 1, "met"),
        (1, 2, "met"),
        (2, 1, "met"),  # the target itself meets it
        (3, 1, "between"),
        (4, 0, "between"),  # the minimum itself is allowed
        (5, 1, "past"),
    ]


def test_higher_is_better_counts_the_target_as_met_and_the_minimum_as_allowed():
    bins = histogram(Counter([5, 4, 3, 1]), target=4, minimum=2, direction="higher")
    assert [(b.only, b.count, b.zone) for b in bins] == [
        (1, 1, "past"),
        (2, 0, "between"),
        (3, 1, "between"),
        (4, 1, "met"),
        (5, 1, "met"),
    ]


def test_spread_values_get_round_bins_with_the_target_and_minimum_on_edges():
    bins = histogram(Counter([12.5, 30.2, 45, 61, 200]), target=30, minimum=125, direction="lower")
    assert bins[0] == Bin(10, 20, 1, "met")
    assert Bin(20, 30, 0, "met") in bins
    assert Bin(30, 40, 1, "between") in bins
    assert Bin(120, 125, 0, "between") in bins
    assert Bin(125, 130, 0, "past") in bins
    assert bins[-1] == Bin(190, 200, 1, "past")
    assert sum(b.count for b in bins) == 5
    assert len(bins) <= 25


def test_nothing_measured_draws_no_bars():
    assert histogram({}, target=2, minimum=4, direction="lower") == []


def test_a_period_is_breached_past_the_minimum_else_slipped_under_the_target_share():
    standard = Standard(target_share=0.95)
    assert verdict(Summary(20, 19, 0, 1, 2), target_share=standard.target_share) == "met"
    assert verdict(Summary(20, 18, 0, 1, 2), target_share=standard.target_share) == "slipped"
    assert verdict(Summary(20, 19, 1, 1, 2), target_share=standard.target_share) == "breached"
    assert verdict(None, target_share=standard.target_share) == ""
