"""The sentiment models' training answers are apart from the held-out sample that measures them
(decision 0026): no sample answer in the training answers or the shipped vocabulary, not even nearly."""

from __future__ import annotations

import csv
import json
import re
from itertools import combinations
from pathlib import Path

import pytest

from patronage.feedback.text.sentiment import CHARACTER_GRAMS
from patronage.feedback.text.tokens import tokens_many
from patronage.feedback.text.train import training_rows

FEEDBACK = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "ko", "ja", "zh")
NEAR = 0.8  # word (or, in Chinese and Japanese, character) Jaccard at or above which two answers are one


def _sample_texts(language: str) -> list[str]:
    with (FEEDBACK / "text_samples" / f"{language}.csv").open(encoding="utf-8", newline="") as opened:
        return [row["text"] for row in csv.DictReader(opened)]


def _training_texts(language: str) -> list[str]:
    return training_rows(language)[0]


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
    texts, labels = training_rows(language)
    assert len(texts) >= 400
    assert set(labels) == {"positive", "neutral", "negative"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_training_answer_is_a_sample_answer(language):
    samples = {_normalised(text) for text in _sample_texts(language)}
    assert not [text for text in _training_texts(language) if _normalised(text) in samples]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_training_answer_nearly_repeats_a_sample_answer(language):
    samples = [_units(text, language) for text in _sample_texts(language)]
    near = [
        text
        for text in _training_texts(language)
        if any(_jaccard(_units(text, language), sample) >= NEAR for sample in samples)
    ]
    assert not near


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_answers_are_not_copies_of_one_another(language):
    units = [_units(text, language) for text in _training_texts(language)]
    near = sum(1 for first, second in combinations(units, 2) if _jaccard(first, second) >= NEAR)
    assert near <= 0.01 * len(units)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_sample_answer_is_in_the_shipped_vocabulary(language):
    stored = json.loads((FEEDBACK / "text" / "weights" / f"{language}.json").read_text(encoding="utf-8"))
    terms = {_normalised(term) for term in stored["terms"]}
    grams = {_normalised(gram) for gram in stored["characters"]}
    texts = _sample_texts(language)
    # A term is one or two tokens and a character n-gram at most CHARACTER_GRAMS long: an answer that short
    # ("late", "快") is one of them by nature; a longer one in the vocabulary would have leaked.
    longest = CHARACTER_GRAMS[language][1]
    leaked = [
        text
        for text, answer_tokens in zip(texts, tokens_many(texts, language), strict=True)
        if (len(answer_tokens) > 2 and _normalised(text) in terms)
        or (len(text) > longest and _normalised(text) in grams)
    ]
    assert not leaked
