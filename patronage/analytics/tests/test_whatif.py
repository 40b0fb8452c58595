"""What-if studies of service projects: the formula against a hand-worked example, the tornado, and
calibration from a business's own complaint outcomes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from patronage.analytics.complaints import complaint_outcomes
from patronage.analytics.whatif import (
    TARP_MINOR,
    WhatIfInputs,
    whatif_calibrate,
    whatif_groups,
    whatif_lost,
    whatif_projects,
    whatif_tornado,
)
from patronage.core.errors import ValidationFailed

EXAMPLE = WhatIfInputs(
    customers=1000,
    problem_rate=0.2,
    complaint_rate=0.5,
    resolution_rate=0.6,
    quick_rate=0.5,
    repurchase_none=0.8,
    repurchase_silent=0.4,
    repurchase_unresolved=0.5,
    repurchase_slow=0.7,
    repurchase_quick=0.9,
    value=10,
)


def test_the_formula_against_a_hand_worked_example():
    """1000 customers, 20% with a problem, half of them complain, 60% of complaints resolved, half of
    those quickly:

        no problem 800, silent 200 x 0.5 = 100, unresolved 100 x 0.4 = 40,
        resolved slowly 60 x 0.5 = 30, resolved quickly 30.
        buy again: 800 x 0.8 + 100 x 0.4 + 40 x 0.5 + 30 x 0.7 + 30 x 0.9 = 640 + 40 + 20 + 21 + 27 = 748
        baseline, nobody with a problem: 1000 x 0.8 = 800  ->  52 customers lost, 52 x 10 = 520 of sales.

    +10 points of complaints (C = 0.6): silent 80, unresolved 48, slow 36, quick 36;
        buy again 640 + 32 + 24 + 25.2 + 32.4 = 753.6, lost 46.4: 5.6 customers (56) won back.
    +10 points of resolution (R = 0.7): unresolved 30, slow 35, quick 35;
        640 + 40 + 15 + 24.5 + 31.5 = 751, lost 49: 3 won back (30).
    +10 points resolved quickly (Q = 0.6): slow 24, quick 36; 640 + 40 + 20 + 16.8 + 32.4 = 749.2: 1.2 (12).
    -5 points of problems (P = 0.15): 850 x 0.8 = 680; silent 75 x 0.4 = 30; unresolved 30 x 0.5 = 15;
        slow 22.5 x 0.7 = 15.75; quick 22.5 x 0.9 = 20.25; 761 in all, lost 39: 13 won back (130).
    """
    assert whatif_groups(EXAMPLE) == pytest.approx(
        {"none": 800, "silent": 100, "unresolved": 40, "slow": 30, "quick": 30}
    )
    assert whatif_lost(EXAMPLE) == pytest.approx((52, 520))

    table = whatif_projects(inputs=EXAMPLE)

    assert table["scenario"][0] == "current"
    assert table["retained"].to_list() == pytest.approx([748, 753.6, 751, 749.2, 761])
    assert table["customers_lost"].to_list() == pytest.approx([52, 46.4, 49, 50.8, 39])
    assert table["sales_won"].to_list() == pytest.approx([0, 56, 30, 12, 130])


def test_projects_cannot_push_a_share_past_one():
    table = whatif_projects(
        inputs=replace(EXAMPLE, complaint_rate=0.95), projects={"all": {"complaint_rate": 0.1}}
    )

    assert table["complaint_rate"].to_list() == [0.95, 1.0]


def test_a_project_moves_only_the_four_shares():
    with pytest.raises(ValidationFailed, match="a project can move only"):
        whatif_projects(inputs=EXAMPLE, projects={"cheaper": {"value": -1}})


def test_the_tornado_moves_each_input_and_ranks_the_swings():
    tornado = whatif_tornado(inputs=EXAMPLE, change=0.1)

    rows = {row["input"]: row for row in tornado.to_dicts()}
    # Sales lost are proportional to N, V and P: ±10% moves them by ±52.
    for name in ("customers", "value", "problem_rate"):
        assert (rows[name]["sales_lost_low"], rows[name]["sales_lost_high"]) == pytest.approx((468, 572))
    # r_none 0.8 ± 0.08: each of the 200 with a problem loses 0.08 more or less: 520 ± 160.
    assert rows["repurchase_none"]["swing"] == pytest.approx(2 * 1000 * 0.08 * 10 - 2 * 800 * 0.08 * 10)
    assert tornado["swing"].is_sorted(descending=True)
    assert tornado["sales_lost_base"].unique().to_list() == [520]


def test_the_defaults_are_tarps_minor_problem_figures():
    assert (
        TARP_MINOR.repurchase_silent,
        TARP_MINOR.repurchase_unresolved,
        TARP_MINOR.repurchase_slow,
        TARP_MINOR.repurchase_quick,
        TARP_MINOR.repurchase_none,
        TARP_MINOR.complaint_rate,
    ) == (0.37, 0.46, 0.70, 0.95, 0.83, 0.04)
    lost, _ = whatif_lost(TARP_MINOR)
    assert lost > 0


def test_calibrated_inputs_reproduce_the_business_own_losses():
    rng = np.random.default_rng(5)
    n = 20_000
    problem = rng.uniform(size=n) < 0.3
    complained = problem & (rng.uniform(size=n) < 0.4)
    resolved = complained & (rng.uniform(size=n) < 0.7)
    hours = np.where(resolved, rng.exponential(24, size=n), np.nan)
    rate = np.select([~problem, ~complained, ~resolved, hours <= 24], [0.8, 0.4, 0.45, 0.9], default=0.7)
    bought = rng.uniform(size=n) < rate
    outcomes = complaint_outcomes(
        problem=problem, complained=complained, resolved=resolved, resolution_hours=hours, repurchased=bought
    )

    calibration = whatif_calibrate(outcomes=outcomes, value=50.0)

    inputs = calibration.inputs
    assert inputs.customers == n
    assert inputs.problem_rate == pytest.approx(problem.mean())
    assert inputs.quick_rate == pytest.approx((hours <= 24).sum() / resolved.sum())
    # The model's retained customers are exactly the ones who bought again.
    lost, sales = whatif_lost(inputs)
    assert lost == pytest.approx(n * inputs.repurchase_none - bought.sum())
    assert sales == pytest.approx(50.0 * lost)
    assert set(calibration.sources.values()) <= {"data", "given"}


def test_calibration_keeps_defaults_where_a_group_is_empty():
    outcomes = complaint_outcomes(
        problem=[False, True], complained=[False, False], resolved=[False, False], repurchased=[True, False]
    )

    calibration = whatif_calibrate(outcomes=outcomes, value=1.0)

    assert calibration.sources["resolution_rate"] == "default"
    assert calibration.sources["repurchase_quick"] == "default"
    assert calibration.inputs.repurchase_quick == TARP_MINOR.repurchase_quick
    assert calibration.inputs.problem_rate == 0.5
