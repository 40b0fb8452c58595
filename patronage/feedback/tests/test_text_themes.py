"""Themes found in a survey's own answers: obvious groups recovered and named, the same with the same seed,
tiny inputs handled, and named themes matched across reruns."""

from __future__ import annotations

from patronage.feedback.text.themes import themes_count, themes_find, themes_match

DELIVERY = [
    "The delivery was late again",
    "Late delivery and the courier was rude",
    "Delivery took two weeks, far too late",
    "My delivery arrived late and the box was crushed",
    "Courier left the delivery at the wrong door",
    "The delivery slot was missed, late by a day",
    "Tracking said delivery today but it came late",
    "Courier delivery was late and nobody called",
]
PRICE = [
    "Prices are too high for towels",
    "The price went up again this month",
    "High prices compared to other shops",
    "Price of the lamp is too high",
    "Sale price was higher than the usual price",
    "Prices keep rising, towels cost more now",
    "Good towels but the price is high",
    "Price tag said less than the till price",
]
POINTS = [
    "My loyalty points never arrived",
    "Loyalty points expired without warning",
    "Points missing from my loyalty card",
    "The loyalty points balance shows zero",
    "Could not redeem my loyalty points online",
    "Loyalty points for my last order are missing",
    "Points were taken off my loyalty account",
    "Loyalty points statement is confusing",
]


def test_obvious_groups_are_recovered_and_named_by_their_words():
    found = themes_find(DELIVERY + PRICE + POINTS, "en", k=3)
    groups = [set(theme.members) for theme in found.themes]
    assert sorted(map(sorted, groups)) == [list(range(0, 8)), list(range(8, 16)), list(range(16, 24))]
    names = {theme.name for theme in found.themes}
    assert any("delivery" in name for name in names)
    assert any("price" in name for name in names)
    assert any("loyalty" in name or "points" in name for name in names)


def test_each_theme_shows_its_own_answers_as_examples():
    found = themes_find(DELIVERY + PRICE + POINTS, "en", k=3)
    for theme in found.themes:
        assert theme.examples
        assert set(theme.examples) <= set(theme.members)
        assert all(found.assignments[index] == theme.id for index in theme.members)


def test_the_same_seed_gives_the_same_themes():
    answers = DELIVERY + PRICE + POINTS
    assert themes_find(answers, "en", seed=7) == themes_find(answers, "en", seed=7)


def test_the_number_of_themes_grows_with_the_answers_up_to_twelve():
    assert [themes_count(n) for n in (10, 50, 229, 100_000)] == [2, 5, 11, 12]


def test_no_answers_give_no_themes():
    assert themes_find([], "en").themes == ()


def test_answers_without_words_give_no_themes():
    found = themes_find(["!!!", "the and of", "?"], "en")
    assert found.themes == ()
    assert found.assignments == (-1, -1, -1)


def test_a_handful_of_answers_form_one_theme():
    found = themes_find(["Late delivery", "Delivery was late", "Nice staff"], "en")
    assert len(found.themes) == 1
    assert found.assignments == (0, 0, 0)
    assert found.themes[0].name


def test_a_single_answer_forms_one_theme():
    found = themes_find(["배송이 늦었어요"], "ko")
    assert found.assignments == (0,)


def test_a_rerun_matches_the_named_themes_it_continues():
    before = themes_find(DELIVERY + PRICE + POINTS, "en", k=3)
    after = themes_find(DELIVERY[::-1] + POINTS + PRICE + ["Delivery late once more"], "en", k=3, seed=3)
    matched = themes_match(
        {theme.id: theme.centroid for theme in before.themes},
        {theme.id: theme.centroid for theme in after.themes},
    )
    names_before = {theme.id: theme.name for theme in before.themes}
    for theme in after.themes:
        assert set(theme.top_terms) & set(names_before[matched[theme.id]].split(" · "))


def test_an_unlike_new_theme_stays_new():
    assert themes_match({0: {"delivery": 1.0}}, {4: {"price": 0.8, "high": 0.6}}) == {}


def test_a_merged_theme_takes_back_both_halves():
    merged = {0: {"delivery": 0.7, "courier": 0.7}}
    assert themes_match(merged, {1: {"delivery": 1.0}, 2: {"courier": 0.9, "rude": 0.1}}) == {1: 0, 2: 0}
