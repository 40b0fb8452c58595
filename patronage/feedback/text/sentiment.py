"""Sentiment of answers: positive, neutral or negative, from a small linear model per language.

The models are logistic regressions over the answers' tokens (see `tokens`), fitted by `train.py` on the
training answers in `feedback/text_training/` and shipped as JSON in `weights/<language>.json`: the
vocabulary with its inverse document frequencies and one row of coefficients per label. Reading them
needs no scikit-learn; the features are built here, by the same function for training and scoring.

Features of an answer: TF-IDF of its unigrams and bigrams (sublinear tf, L2-normalised); where it holds a
contrast word ("but", 하지만, けど, 但是) the clause after the last one is added again, scaled by the
model's `last_clause_weight`, because people end on the feeling that counts ("lovely staff, but the refund
took a month"); and three plain signals: how many negations, whether there is a contrast, whether it asks
a question.
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
    coefficients: np.ndarray  # one row per label, one column per term, then one per signal
    intercepts: np.ndarray


def terms_of(tokens: Sequence[str]) -> list[str]:
    """Unigrams and bigrams (two tokens joined by a space), as the themes' TF-IDF counts them."""
    return list(tokens) + [f"{first} {second}" for first, second in itertools.pairwise(tokens)]


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
    terms: dict[str, int],
    idf: np.ndarray,
    last_clause_weight: float,
) -> sparse.csr_matrix:
    """The model's input: one row per answer, the terms' columns then the signals'."""
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for row, (text, answer_tokens) in enumerate(zip(texts, token_lists, strict=True)):
        weights = _tfidf(answer_tokens, terms, idf)
        if CONTRAST in answer_tokens:
            last_clause = answer_tokens[len(answer_tokens) - answer_tokens[::-1].index(CONTRAST) :]
            for column, value in _tfidf(last_clause, terms, idf).items():
                weights[column] = weights.get(column, 0.0) + last_clause_weight * value
        signals = (
            min(answer_tokens.count(NEGATION), 3) / 3,
            float(CONTRAST in answer_tokens),
            float(bool(_QUESTION.search(text))),
        )
        for offset, value in enumerate(signals):
            if value:
                weights[len(terms) + offset] = value
        rows.extend([row] * len(weights))
        columns.extend(weights)
        values.extend(weights.values())
    return sparse.csr_matrix(
        (values, (rows, columns)), shape=(len(token_lists), len(terms) + len(SIGNALS)), dtype=np.float64
    )


def _tfidf(answer_tokens: Sequence[str], terms: dict[str, int], idf: np.ndarray) -> dict[int, float]:
    counts = Counter(terms[term] for term in terms_of(answer_tokens) if term in terms)
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
        terms=model.terms,
        idf=model.idf,
        last_clause_weight=model.last_clause_weight,
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
        coefficients=np.array([stored["coefficients"][label] for label in LABELS]),
        intercepts=np.array([stored["intercepts"][label] for label in LABELS]),
    )
