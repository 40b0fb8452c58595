"""The sentiment models' training answers are apart from the held-out sample that measures them
(decision 0026): no sample answer in the training answers or the shipped vocabulary, not even nearly."""

from __future__ import annotations

import csv
import json
import re
from itertools import combinations
from pathlib import Path

import pytest

FEEDBACK = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "ko", "ja", "zh")
NEAR = 0.8  # word (or, in Chinese and Japanese, character) Jaccard at or above which two answers are one


def _texts(folder: str, language: str) -> list[str]:
    with (FEEDBACK / folder / f"{language}.csv").open(encoding="utf-8", newline="") as opened:
        return [row["text"] for row in csv.DictReader(opened)]


def _normalised(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _units(text: str, language: str) -> frozenset[str]:
    if language in ("ja", "zh"):  # no spaces between words: compare characters
        return frozenset(_normalised(text))
    return frozenset(re.findall(r"\w+", text.casefold()))


def _jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    return len(first & second) / len(first | second) if first | second else 1.0


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_training_answers_are_enough_and_labelled(language):
    with (FEEDBACK / "text_training" / f"{language}.csv").open(encoding="utf-8", newline="") as opened:
        rows = list(csv.DictReader(opened))
    assert len(rows) >= 400
    assert {row["sentiment"] for row in rows} == {"positive", "neutral", "negative"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_training_answer_is_a_sample_answer(language):
    samples = {_normalised(text) for text in _texts("text_samples", language)}
    assert not [text for text in _texts("text_training", language) if _normalised(text) in samples]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_training_answer_nearly_repeats_a_sample_answer(language):
    samples = [_units(text, language) for text in _texts("text_samples", language)]
    near = [
        text
        for text in _texts("text_training", language)
        if any(_jaccard(_units(text, language), sample) >= NEAR for sample in samples)
    ]
    assert not near


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_answers_are_not_copies_of_one_another(language):
    units = [_units(text, language) for text in _texts("text_training", language)]
    near = sum(1 for first, second in combinations(units, 2) if _jaccard(first, second) >= NEAR)
    assert near <= 0.01 * len(units)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_sample_answer_is_in_the_shipped_vocabulary(language):
    stored = json.loads((FEEDBACK / "text" / "weights" / f"{language}.json").read_text(encoding="utf-8"))
    terms = {_normalised(term) for term in stored["terms"]}
    assert not [text for text in _texts("text_samples", language) if _normalised(text) in terms]
