"""Sentiment of answers: positive, neutral or negative, from a small linear model per language.

The models are logistic regressions over the answers' tokens (see `tokens`), fitted by `train.py` on the
training answers in `feedback/text_training/` and shipped as JSON in `weights/<language>.json`: the
vocabulary with its inverse document frequencies and one row of coefficients per label. Reading them
needs no scikit-learn; the features are built here, by the same function for training and scoring.

Features of an answer: TF-IDF of its unigrams and bigrams (sublinear tf, L2-normalised); where it holds a
contrast word ("but", 하지만, けど, 但是) the clause after the last one is added again, scaled by the
model's `last_clause_weight`, because people end on the feeling that counts ("lovely staff, but the refund
took a month"); three plain signals: how many negations, whether there is a contrast, whether it asks
a question; and TF-IDF of its character n-grams inside words (L2-normalised on their own), which read
what a tokeniser splits badly: typos, slang, word endings and words it never saw.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from patronage.feedback.text.polarity import NEGATIVE_WORDS, POSITIVE_WORDS
from patronage.feedback.text.tokens import CONTRAST, LANGUAGES, NEGATION, tokens_many

LABELS = ("negative", "neutral", "positive")
WEIGHTS_FOLDER = Path(__file__).with_name("weights")
SIGNALS = ("negations", "contrast", "question")
POSITIVE = "<pos>"
NEGATIVE = "<neg>"
NEGATION_REACH = 2  # tokens either side: 안 좋다 and 좋지 않다, not good and 良くない alike
# Character n-grams per language: longer in English, whose letters carry less than a hangul syllable or a
# kanji; chosen on the retired sample (decision 0026).
CHARACTER_GRAMS = {"en": (3, 5), "ko": (2, 4), "ja": (2, 4), "zh": (2, 4)}
_SPACES = re.compile(r"\s+")
_QUESTION = re.compile("[?\uff1f]")  # and the full-width question mark


@dataclass(frozen=True)
class Sentiment:
    label: str  # one of LABELS
    score: float  # P(positive) - P(negative): -1 (surely negative) to 1 (surely positive)


@dataclass(frozen=True)
class SentimentModel:
    language: str
    terms: dict[str, int]  # term -> column
    idf: np.ndarray
    last_clause_weight: float
    characters: dict[str, int]  # character n-gram -> column, after the terms' and the signals'
    character_idf: np.ndarray
    coefficients: np.ndarray  # one row per label: a column per term, per signal, per character n-gram
    intercepts: np.ndarray


def terms_of(tokens: Sequence[str]) -> list[str]:
    """Unigrams and bigrams (two tokens joined by a space), as the themes' TF-IDF counts them."""
    return list(tokens) + [f"{first} {second}" for first, second in itertools.pairwise(tokens)]


def character_grams(text: str, language: str) -> list[str]:
    """The answer's character n-grams, each word padded with a space at both ends (as scikit-learn's
    `char_wb`): lower-cased, spaces collapsed; an answer in Chinese or Japanese is mostly one "word"."""
    low, high = CHARACTER_GRAMS[language]
    grams: list[str] = []
    for word in _SPACES.split(text.casefold().strip()):
        if not word:
            continue
        padded = f" {word} "
        for size in range(low, high + 1):
            if size > len(padded):
                break
            grams.extend(padded[start : start + size] for start in range(len(padded) - size + 1))
    return grams


def with_polarity(answer_tokens: Sequence[str], language: str) -> list[str]:
    """The tokens with a `<pos>` or `<neg>` after each word of `polarity` (after it, so that it stays in
    its clause), turned around when a negation stands within NEGATION_REACH tokens of the word."""
    marked: list[str] = []
    for position, token in enumerate(answer_tokens):
        marked.append(token)
        if token in POSITIVE_WORDS[language]:
            mark = POSITIVE
        elif token in NEGATIVE_WORDS[language]:
            mark = NEGATIVE
        else:
            continue
        nearby = answer_tokens[max(0, position - NEGATION_REACH) : position + NEGATION_REACH + 1]
        if NEGATION in nearby:
            mark = NEGATIVE if mark == POSITIVE else POSITIVE
        marked.append(mark)
    return marked


def features(
    texts: Sequence[str],
    token_lists: Sequence[Sequence[str]],
    *,
    language: str,
    terms: dict[str, int],
    idf: np.ndarray,
    last_clause_weight: float,
    characters: dict[str, int],
    character_idf: np.ndarray,
) -> sparse.csr_matrix:
    """The model's input: one row per answer, the terms' columns, the signals', the character n-grams'."""
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    first_character = len(terms) + len(SIGNALS)
    for row, (text, answer_tokens) in enumerate(zip(texts, token_lists, strict=True)):
        weights = _tfidf(terms_of(answer_tokens), terms, idf)
        if CONTRAST in answer_tokens:
            last_clause = answer_tokens[len(answer_tokens) - answer_tokens[::-1].index(CONTRAST) :]
            for column, value in _tfidf(terms_of(last_clause), terms, idf).items():
                weights[column] = weights.get(column, 0.0) + last_clause_weight * value
        signals = (
            min(answer_tokens.count(NEGATION), 3) / 3,
            float(CONTRAST in answer_tokens),
            float(bool(_QUESTION.search(text))),
        )
        for offset, value in enumerate(signals):
            if value:
                weights[len(terms) + offset] = value
        for column, value in _tfidf(character_grams(text, language), characters, character_idf).items():
            weights[first_character + column] = value
        rows.extend([row] * len(weights))
        columns.extend(weights)
        values.extend(weights.values())
    return sparse.csr_matrix(
        (values, (rows, columns)),
        shape=(len(token_lists), first_character + len(characters)),
        dtype=np.float64,
    )


def _tfidf(found: Sequence[str], terms: dict[str, int], idf: np.ndarray) -> dict[int, float]:
    """Sublinear TF-IDF of the known terms among `found`, L2-normalised."""
    counts = Counter(terms[term] for term in found if term in terms)
    weights = {column: (1 + math.log(count)) * idf[column] for column, count in counts.items()}
    norm = math.sqrt(sum(value * value for value in weights.values())) or 1.0
    return {column: value / norm for column, value in weights.items()}


def sentiment_of(texts: Sequence[str], language: str) -> list[Sentiment]:
    """Each answer's sentiment, in order; answers must be in `language`."""
    return sentiment_of_tokens(texts, tokens_many(texts, language), language)


def sentiment_of_tokens(
    texts: Sequence[str], token_lists: Sequence[Sequence[str]], language: str
) -> list[Sentiment]:
    """As `sentiment_of`, for answers already tokenised (themes and sentiment share one tokenising)."""
    model = model_load(language)
    if not texts:
        return []
    matrix = features(
        texts,
        [with_polarity(answer, language) for answer in token_lists],
        language=language,
        terms=model.terms,
        idf=model.idf,
        last_clause_weight=model.last_clause_weight,
        characters=model.characters,
        character_idf=model.character_idf,
    )
    logits = matrix @ model.coefficients.T + model.intercepts
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    negative, positive = LABELS.index("negative"), LABELS.index("positive")
    return [
        Sentiment(label=LABELS[int(row.argmax())], score=round(float(row[positive] - row[negative]), 4))
        for row in probabilities
    ]


@functools.cache
def model_load(language: str) -> SentimentModel:
    """The shipped model of a language, read once per process."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    stored = json.loads((WEIGHTS_FOLDER / f"{language}.json").read_text(encoding="utf-8"))
    return SentimentModel(
        language=language,
        terms={term: column for column, term in enumerate(stored["terms"])},
        idf=np.array(stored["idf"]),
        last_clause_weight=stored["last_clause_weight"],
        characters={gram: column for column, gram in enumerate(stored["characters"])},
        character_idf=np.array(stored["character_idf"]),
        coefficients=np.array([stored["coefficients"][label] for label in LABELS]),
        intercepts=np.array([stored["intercepts"][label] for label in LABELS]),
    )
