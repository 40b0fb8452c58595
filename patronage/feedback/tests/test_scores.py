"""Scores against hand-worked values, their empty cases, and NPS properties over many answer sets.

The intervals were worked out by hand from the formulas in `scores`' docstring, with z = 1.959964:
- NPS of 10, 7, 3, 9: p_p = 0.5, p_d = 0.25, var = (0.75 - 0.0625) / 4 = 0.171875, half-width
  100·z·√var = 81.256; so 25 ± 81.256, the top clipped at 100.
- NPS of 50 promoters, 20 passives, 30 detractors: var = (0.8 - 0.04) / 100 = 0.0076, half-width 17.087.
- CSAT 8 of 10 satisfied: Wilson's interval 49.02-94.33 (the textbook 0.490-0.943).
- CES of 2, 3, 4, 5, 6: mean 4, s = √2.5, t(0.975, 4) = 2.776445, half-width 2.776445·√2.5/√5 = 1.963243.
- Response rate 30 of 120: Wilson's interval 18.11-33.44.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patronage.core.errors import ValidationFailed
from patronage.feedback.scores import NO_ANSWERS, NpsGroup, Score, ces, csat, nps, nps_group, response_rate


def test_nps_of_10_7_3_9_is_25_and_unanswered_questions_do_not_count():
    score = nps([10, None, 7, 3, None, 9])
    assert score.value == 25
    assert score.n == 4
    assert score.low == pytest.approx(-56.2558, abs=1e-4)
    assert score.high == 100


def test_nps_interval_of_a_larger_sample():
    score = nps([10] * 50 + [8] * 20 + [0] * 30)
    assert score.value == pytest.approx(20)
    assert (score.low, score.high) == pytest.approx((2.9134, 37.0866), abs=1e-4)


def test_nps_takes_an_array_with_nan_for_unanswered():
    assert nps(np.array([10.0, np.nan, 7.0, 3.0, 9.0])) == nps([10, 7, 3, 9])


def test_all_promoters_score_100_with_a_point_interval():
    assert nps([9, 10, 10]) == nps([10, 9, 10]) == Score(value=100, low=100, high=100, n=3)


def test_csat_is_the_share_of_4_and_5_with_wilsons_interval():
    score = csat([5, 4, 4, 5, 5, 4, 4, 5, 3, 1, None])
    assert score.value == pytest.approx(80)
    assert score.n == 10
    assert (score.low, score.high) == pytest.approx((49.0162, 94.3318), abs=1e-4)


def test_ces_is_the_mean_with_a_t_interval():
    score = ces([2, 3, None, 4, 5, 6])
    assert (score.value, score.n) == (4, 5)
    assert (score.low, score.high) == pytest.approx((4 - 1.963243, 4 + 1.963243), abs=1e-6)


def test_ces_of_one_answer_has_no_interval():
    assert ces([3]) == Score(value=3, low=None, high=None, n=1)


def test_response_rate_is_answered_over_invited():
    score = response_rate(30, 120)
    assert (score.value, score.n) == (25, 120)
    assert (score.low, score.high) == pytest.approx((18.1098, 33.4411), abs=1e-4)


@pytest.mark.parametrize(
    "score", [nps([]), nps([None, None]), csat([]), ces(np.array([np.nan])), response_rate(0, 0)]
)
def test_no_answers_give_no_score_and_never_fail(score):
    assert score == NO_ANSWERS


@pytest.mark.parametrize(
    ("scorer", "answers"), [(nps, [11]), (nps, [-1]), (nps, [7.5]), (csat, [0]), (ces, [8])]
)
def test_answers_off_the_scale_are_refused(scorer, answers):
    with pytest.raises(ValidationFailed) as caught:
        scorer(answers)
    assert caught.value.field == "answers"


@pytest.mark.parametrize(("answered", "invited"), [(5, 4), (-1, 4)])
def test_a_response_rate_over_impossible_counts_is_refused(answered, invited):
    with pytest.raises(ValidationFailed):
        response_rate(answered, invited)


@pytest.mark.parametrize(
    ("answer", "group"),
    [
        (0, NpsGroup.DETRACTOR),
        (6, NpsGroup.DETRACTOR),
        (7, NpsGroup.PASSIVE),
        (8, NpsGroup.PASSIVE),
        (9, NpsGroup.PROMOTER),
        (10, NpsGroup.PROMOTER),
    ],
)
def test_nps_groups(answer, group):
    assert nps_group(answer) == group


def test_an_nps_group_off_the_scale_is_refused():
    with pytest.raises(ValidationFailed):
        nps_group(11)


def test_scores_of_100000_answers_are_vectorised():
    rng = np.random.default_rng(15)
    answers = rng.integers(0, 11, 100_000).astype(np.float64)
    answers[rng.random(answers.size) < 0.1] = np.nan
    score = nps(answers)
    answered = answers[~np.isnan(answers)]
    expected = 100 * (np.mean(answered >= 9) - np.mean(answered <= 6))
    assert score.n == answered.size
    assert score.value == pytest.approx(expected)
    assert score.high - score.low < 2  # about ±0.6 points at this size


nps_answers = st.lists(st.one_of(st.none(), st.integers(0, 10)), max_size=300)


@settings(max_examples=300, deadline=None)
@given(answers=nps_answers)
def test_nps_lies_within_its_interval_within_plus_minus_100(answers):
    score = nps(answers)
    answered = [a for a in answers if a is not None]
    assert score.n == len(answered)
    if not answered:
        assert score == NO_ANSWERS
        return
    assert score.value is not None
    assert score.low is not None
    assert score.high is not None
    assert -100 <= score.low <= score.value <= score.high <= 100
    promoters = sum(a >= 9 for a in answered)
    detractors = sum(a <= 6 for a in answered)
    assert score.value == pytest.approx(100 * (promoters - detractors) / len(answered))
