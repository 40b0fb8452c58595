"""Fit the sentiment models and write `weights/<language>.json` (decision 0026).

    .venv/bin/python -m patronage.feedback.text.train [--language ko]

Reads only the training answers in `patronage/feedback/text_training/<language>.csv` and
`<language>-*.csv` (header `text,sentiment`, more columns allowed), never the held-out sample in
`text_samples/`. Per language: the vocabulary is every
unigram and bigram in at least `MIN_DOCUMENTS` training answers, and every character n-gram in at least
`MIN_CHARACTER_DOCUMENTS`; the regularisation `C` and the weight of
the clause after the last contrast word are chosen by 5-fold cross-validation on the training answers
(folds fixed by `SEED`, the vocabulary rebuilt inside each fold); the model is then fitted on all of them.
Deterministic: the same files give the same weights, byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from patronage.feedback.text.sentiment import (
    LABELS,
    SIGNALS,
    WEIGHTS_FOLDER,
    character_grams,
    features,
    terms_of,
    with_polarity,
)
from patronage.feedback.text.tokens import LANGUAGES, tokens_many

TRAINING_FOLDER = Path(__file__).resolve().parent.parent / "text_training"
MIN_DOCUMENTS = 1
MIN_CHARACTER_DOCUMENTS = 2  # a character n-gram of one answer only is that answer's, not the language's
SEED = 0
FOLDS = 5
REGULARISATIONS = (1.0, 3.0, 10.0, 30.0)
LAST_CLAUSE_WEIGHTS = (0.0, 0.5, 1.0)
DIGITS = 5  # coefficients rounded: the file stays small and reviewable, the scores change < 1e-4


def training_files(language: str) -> list[Path]:
    """The files of a language's training answers: the first writer's, then the others' by name."""
    return [TRAINING_FOLDER / f"{language}.csv", *sorted(TRAINING_FOLDER.glob(f"{language}-*.csv"))]


def training_rows(language: str) -> tuple[list[str], list[str]]:
    """The training answers of a language and their labels."""
    rows: list[dict[str, str]] = []
    for path in training_files(language):
        with path.open(encoding="utf-8", newline="") as opened:
            rows.extend(csv.DictReader(opened))
    return [row["text"] for row in rows], [row["sentiment"] for row in rows]


@dataclass(frozen=True)
class Vocabulary:
    terms: dict[str, int]
    idf: np.ndarray
    characters: dict[str, int]
    character_idf: np.ndarray


def vocabulary(texts: Sequence[str], token_lists: Sequence[Sequence[str]], language: str) -> Vocabulary:
    """The terms and the character n-grams the model reads, from its training answers."""
    terms, idf = _counted([terms_of(answer) for answer in token_lists], MIN_DOCUMENTS)
    characters, character_idf = _counted(
        [character_grams(text, language) for text in texts], MIN_CHARACTER_DOCUMENTS
    )
    return Vocabulary(terms=terms, idf=idf, characters=characters, character_idf=character_idf)


def _counted(found: Sequence[Sequence[str]], least: int) -> tuple[dict[str, int], np.ndarray]:
    """What is in at least `least` answers, in sorted order, with smoothed inverse document frequencies
    (scikit-learn's: ln((1 + n) / (1 + df)) + 1)."""
    documents = Counter(term for answer in found for term in set(answer))
    kept = sorted(term for term, count in documents.items() if count >= least)
    total = len(found)
    idf = np.array([math.log((1 + total) / (1 + documents[term])) + 1 for term in kept])
    return {term: column for column, term in enumerate(kept)}, idf


def _matrix(
    texts: Sequence[str],
    token_lists: Sequence[Sequence[str]],
    language: str,
    words: Vocabulary,
    weight: float,
) -> sparse.csr_matrix:
    return features(
        texts,
        token_lists,
        language=language,
        terms=words.terms,
        idf=words.idf,
        last_clause_weight=weight,
        characters=words.characters,
        character_idf=words.character_idf,
    )


def _fit(matrix: sparse.csr_matrix, labels: Sequence[str], c: float) -> LogisticRegression:
    classifier = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    classifier.fit(matrix, labels)
    return classifier


def _cross_validated(
    texts: list[str], token_lists: list[list[str]], labels: list[str], language: str
) -> dict[tuple[float, float], float]:
    """Accuracy of each (C, last clause weight) over the folds, the vocabulary rebuilt inside each fold."""
    right: Counter[tuple[float, float]] = Counter()
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(texts, labels):
        words = vocabulary([texts[i] for i in train], [token_lists[i] for i in train], language)
        truth = np.array([labels[i] for i in test])
        for weight in LAST_CLAUSE_WEIGHTS:
            fitted = _matrix(
                [texts[i] for i in train], [token_lists[i] for i in train], language, words, weight
            )
            tested = _matrix(
                [texts[i] for i in test], [token_lists[i] for i in test], language, words, weight
            )
            for c in REGULARISATIONS:
                classifier = _fit(fitted, [labels[i] for i in train], c)
                right[(c, weight)] += int((classifier.predict(tested) == truth).sum())
    return {setting: count / len(texts) for setting, count in right.items()}


def model_train(language: str) -> dict[str, object]:
    """The model of a language as the JSON it is shipped in."""
    texts, labels = training_rows(language)
    token_lists = [with_polarity(answer, language) for answer in tokens_many(texts, language)]
    scores = _cross_validated(texts, token_lists, labels, language)
    (c, weight), accuracy = max(scores.items(), key=lambda item: (item[1], -item[0][0], -item[0][1]))
    words = vocabulary(texts, token_lists, language)
    classifier = _fit(_matrix(texts, token_lists, language, words, weight), labels, c)
    rows = {label: classifier.coef_[list(classifier.classes_).index(label)] for label in LABELS}
    return {
        "language": language,
        "labels": list(LABELS),
        "training_answers": len(texts),
        "cross_validated_accuracy": round(accuracy, 4),
        "regularisation": c,
        "last_clause_weight": weight,
        "signals": list(SIGNALS),
        "terms": list(words.terms),
        "idf": [round(float(value), DIGITS) for value in words.idf],
        "characters": list(words.characters),
        "character_idf": [round(float(value), DIGITS) for value in words.character_idf],
        "coefficients": {
            label: [round(float(value), DIGITS) for value in row] for label, row in rows.items()
        },
        "intercepts": {
            label: round(float(classifier.intercept_[list(classifier.classes_).index(label)]), DIGITS)
            for label in LABELS
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--language", choices=LANGUAGES, action="append")
    for language in parser.parse_args().language or LANGUAGES:
        model = model_train(language)
        path = WEIGHTS_FOLDER / f"{language}.json"
        path.write_text(json.dumps(model, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(
            f"{language}: {model['training_answers']} answers, {len(model['terms'])} terms, "  # type: ignore[arg-type]
            f"C={model['regularisation']}, last clause x{model['last_clause_weight']}, "
            f"cross-validated accuracy {model['cross_validated_accuracy']}, {path.stat().st_size // 1024} kB"
        )


if __name__ == "__main__":
    main()
