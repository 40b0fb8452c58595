"""Compressing customers into distinct (x, t_x, T) patterns with counts: the fits' speed rests on it."""

from __future__ import annotations

import numpy as np
import pytest

from patronage.analytics.clv._fitting import compress


@pytest.mark.parametrize("whole_days", [True, False], ids=["whole-numbers", "fractions"])
def test_patterns_and_counts_are_the_distinct_rows_and_their_weights(whole_days):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, size=5_000).astype(float)
    t_x = rng.integers(0, 40, size=5_000).astype(float)
    T = rng.integers(40, 60, size=5_000).astype(float)
    if not whole_days:
        t_x, T = t_x / 7, T / 7
    weights = rng.uniform(0, 3, size=5_000)

    (px, pt, pT), counts = compress([x, t_x, T], weights)

    expected, inverse = np.unique(np.column_stack([x, t_x, T]), axis=0, return_inverse=True)
    assert np.array_equal(np.column_stack([px, pt, pT]), expected)
    assert counts == pytest.approx(np.bincount(inverse.ravel(), weights=weights))


def test_many_distinct_fractions_compress_by_sorting_the_key():
    rng = np.random.default_rng(4)
    columns = [rng.uniform(size=3_000) for _ in range(3)]
    columns = [np.concatenate([column, column]) for column in columns]

    patterns, counts = compress(columns, None)

    assert patterns[0].size == 3_000
    assert np.all(counts == 2)
