"""The next-best-offer method on hand-made histories, its lifts worked out by hand (decision 0032)."""

import math

import numpy as np
import pytest
from django.utils import translation

from patronage.segments.offers_method import (
    LiftTable,
    Reason,
    Scored,
    affinity,
    lift_table,
    popularity,
    rank,
    reason_words,
    scores,
)

# Four members. n(c:1) = 3, n(p:10) = 3, n(r:5) = 1, n(c:2) = 1; N = 4.
HISTORIES = [["c:1", "p:10"], ["c:1", "p:10", "p:10"], ["c:1", "r:5"], ["c:2", "p:10"]]


def test_lift_is_members_times_both_over_each():
    table = lift_table(HISTORIES, min_support=1)
    assert table.members == 4
    assert table.counts == {"c:1": 3, "p:10": 3, "r:5": 1, "c:2": 1}
    # c:1 -> p:10: 4 * 2 / (3 * 3) = 8/9; c:1 -> r:5: 4 * 1 / (3 * 1) = 4/3; c:2 -> p:10: 4 * 1 / (1 * 3)
    assert table.lifts["c:1"] == {
        "r:5": pytest.approx(4 / 3, abs=1e-4),
        "p:10": pytest.approx(8 / 9, abs=1e-4),
    }
    assert table.lifts["c:2"] == {"p:10": pytest.approx(4 / 3, abs=1e-4)}
    assert table.lifts["r:5"] == {"c:1": pytest.approx(4 / 3, abs=1e-4)}
    assert "r:5" not in table.lifts["p:10"]  # never held together


def test_a_pair_below_the_minimum_support_makes_no_rule():
    table = lift_table(HISTORIES, min_support=2)
    assert table.lifts == {
        "c:1": {"p:10": pytest.approx(8 / 9, abs=1e-4)},
        "p:10": {"c:1": pytest.approx(8 / 9, abs=1e-4)},
    }


def test_each_antecedent_keeps_only_its_highest_lifts():
    table = lift_table(HISTORIES, min_support=1, per_antecedent=1)
    assert list(table.lifts["c:1"]) == ["r:5"]


def test_the_table_survives_its_json():
    table = lift_table(HISTORIES, min_support=1)
    assert LiftTable.from_json(table.as_json()) == table


def test_affinity_is_the_share_of_purchases_categories_and_products_apart():
    assert affinity({"c:1": 3, "c:2": 1, "p:10": 2, "r:5": 4}) == {"c:1": 0.75, "c:2": 0.25, "p:10": 1.0}


def test_score_is_the_base_rate_moved_by_the_weighted_log_lifts():
    table = lift_table(HISTORIES, min_support=1)
    (found,) = scores(offers=["r:5"], history={"c:1": 3, "c:2": 1}, table=table)
    # ln(1/4) + 0.75 ln(4/3); c:2 has no rule to r:5 (lift 1)
    assert found.score == pytest.approx(math.log(1 / 4) + 0.75 * math.log(4 / 3), abs=1e-4)
    assert found.reason == Reason("c:1", 3, pytest.approx(4 / 3, abs=1e-4), 1)


def test_an_offer_nothing_points_to_is_explained_by_its_popularity():
    table = lift_table(HISTORIES, min_support=1)
    (found,) = scores(offers=["p:10"], history={"c:1": 2}, table=table)  # lift 8/9 < 1: no reason to show it
    assert found.reason.antecedent == ""
    assert found.score == pytest.approx(math.log(3 / 4) + math.log(8 / 9), abs=1e-4)


def test_popularity_ranks_by_members_who_took_it():
    table = lift_table(HISTORIES, min_support=1)
    assert popularity(table, ["r:5", "p:10", "c:2"], top=2) == ["p:10", "c:2"]


def _tops(seen, draws=2000):
    rng = np.random.default_rng(7)
    offers = [Scored(o, 0.0, Reason("", 0, 1.0, 0)) for o in ("p:1", "p:2", "p:new")]
    return [rank(offers, seen=seen, rng=rng, top=1)[0].offer for _ in range(draws)]


def test_thompson_sampling_tries_a_new_offer_on_a_small_share():
    # p:1 converts 15%, p:2 5%, pooled 10%; p:new has never been shown and scores the same as both.
    tops = _tops({"p:1": (1000, 150), "p:2": (1000, 50)})
    assert 0.002 < tops.count("p:new") / len(tops) < 0.10
    assert tops.count("p:2") == 0
    assert tops.count("p:1") / len(tops) > 0.9


def test_an_offer_shown_often_without_converting_stops_being_tried():
    tops = _tops({"p:1": (1000, 150), "p:2": (1000, 50), "p:new": (2000, 0)})
    assert tops.count("p:new") == 0


def test_the_same_seed_ranks_the_same():
    assert _tops({}, draws=50) == _tops({}, draws=50)


def test_the_reason_in_words_carries_its_numbers():
    reason = Reason("c:3", 4, 2.5, 12)
    with translation.override("en"):
        assert reason_words(reason, offer_kind="r", antecedent_name="kitchen") == (
            "Bought kitchen items 4 times; members like them redeem this 2.5 times as often."
        )
        assert reason_words(Reason("", 0, 1.0, 1), offer_kind="p", antecedent_name="") == (
            "Popular: 1 member took it."
        )
