"""Complaint outcomes and response speed: the groups, their repurchase rates and Wilson intervals."""

from __future__ import annotations

import numpy as np
import pytest

from patronage.analytics.complaints import complaint_outcomes
from patronage.analytics.response_speed import retention_by_response_band
from patronage.core.errors import ValidationFailed
from patronage.core.intervals import wilson_interval


def test_wilson_matches_the_published_interval():
    # 90 of 100: the Wilson 95% interval is 0.8256 to 0.9448, worked from the formula with z = 1.96.
    interval = wilson_interval(90, 100)

    assert (float(interval.low), float(interval.high)) == pytest.approx((0.82564, 0.94478), abs=5e-5)
    # Unlike the normal interval, it never leaves [0, 1] and is not empty at 0 of n.
    none = wilson_interval(0, 10)
    assert float(none.low) == 0.0
    assert float(none.high) == pytest.approx(0.27753, abs=5e-5)


def test_each_customer_lands_in_their_group():
    # no problem (2), silent (1), unresolved (1), resolved in 2 h (1), resolved in 50 h (1); a complaint
    # without the problem flag still counts as a problem.
    problem = [False, False, True, True, False, True]
    complained = [False, False, False, True, True, True]
    resolved = [False, False, False, False, True, True]
    hours = [np.nan, np.nan, np.nan, np.nan, 2.0, 50.0]
    repurchased = [True, False, False, True, True, False]

    result = complaint_outcomes(
        problem=problem,
        complained=complained,
        resolved=resolved,
        resolution_hours=hours,
        repurchased=repurchased,
    )

    table = {row["group"]: (row["customers"], row["repurchased"]) for row in result.to_dicts()}
    assert table == {
        "no_problem": (2, 1),
        "silent": (1, 0),
        "complained_unresolved": (1, 1),
        "resolved": (2, 1),
        "resolved_quickly": (1, 1),
        "resolved_slowly": (1, 0),
    }


def test_the_cited_comparison_on_counts_like_the_studys():
    # 90 of 100 satisfied complainants bought again, 830 of 1000 customers without a problem.
    complained = np.r_[np.zeros(1000, bool), np.ones(100, bool)]
    bought = np.r_[np.arange(1000) < 830, np.arange(100) < 90]

    result = complaint_outcomes(
        problem=complained, complained=complained, resolved=complained, repurchased=bought
    ).to_dicts()

    rates = {row["group"]: row for row in result}
    assert rates["resolved"]["repurchase_rate"] == 0.9
    assert rates["no_problem"]["repurchase_rate"] == 0.83
    # The intervals overlap at these sizes: 100 complainants are too few to call the 7 points certain.
    assert rates["resolved"]["low"] < rates["no_problem"]["high"]


def test_it_refuses_flags_of_different_lengths():
    with pytest.raises(ValidationFailed, match="one entry per customer"):
        complaint_outcomes(problem=[True], complained=[True, False], resolved=[True], repurchased=[True])


def test_retention_by_response_band():
    hours = [0.5, 1.0, 3.9, 4.0, 30.0, 100.0, np.nan, np.nan]
    retained = [True, True, False, True, False, False, False, True]

    result = retention_by_response_band(first_response_hours=hours, retained=retained)

    assert result["band"].to_list() == ["<1h", "1-4h", "4-24h", "24-72h", ">=72h", "no response"]
    assert result["customers"].to_list() == [1, 2, 1, 1, 1, 2]
    assert result["retained"].to_list() == [1, 1, 1, 0, 0, 1]
    assert result["retention"].to_list() == [1.0, 0.5, 1.0, 0.0, 0.0, 0.5]


def test_empty_bands_have_no_rate():
    result = retention_by_response_band(first_response_hours=[0.1], retained=[True], edges=[1, 2])

    assert result["customers"].to_list() == [1, 0, 0, 0]
    assert np.isnan(result["retention"][1])
