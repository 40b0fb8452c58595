"""Fit the sentiment models and write `weights/<language>.json` (decision 0026).

    .venv/bin/python -m patronage.feedback.text.train [--language ko]

Reads only the training answers in `patronage/feedback/text_training/<language>.csv` (header
`text,sentiment`), never the held-out sample in `text_samples/`. Per language: the vocabulary is every
unigram and bigram in at least `MIN_DOCUMENTS` training answers; the regularisation `C` and the weight of
the clause after the last contrast word are chosen by 5-fold cross-validation on the training answers
(folds fixed by `SEED`, the vocabulary rebuilt inside each fold); the model is then fitted on all of them.
Deterministic: the same files give the same weights, byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from patronage.feedback.text.sentiment import (
    LABELS,
    SIGNALS,
    WEIGHTS_FOLDER,
    features,
    terms_of,
    with_polarity,
)
from patronage.feedback.text.tokens import LANGUAGES, tokens_many

TRAINING_FOLDER = Path(__file__).resolve().parent.parent / "text_training"
MIN_DOCUMENTS = 1
SEED = 0
FOLDS = 5
REGULARISATIONS = (1.0, 3.0, 10.0, 30.0)
LAST_CLAUSE_WEIGHTS = (0.0, 0.5, 1.0)
DIGITS = 5  # coefficients rounded: the file stays small and reviewable, the scores change < 1e-4


def training_rows(language: str) -> tuple[list[str], list[str]]:
    """The training answers of a language and their labels."""
    with (TRAINING_FOLDER / f"{language}.csv").open(encoding="utf-8", newline="") as opened:
        rows = list(csv.DictReader(opened))
    return [row["text"] for row in rows], [row["sentiment"] for row in rows]


def vocabulary(token_lists: Sequence[Sequence[str]]) -> tuple[dict[str, int], np.ndarray]:
    """Terms in at least MIN_DOCUMENTS answers, in sorted order, with smoothed inverse document
    frequencies (scikit-learn's: ln((1 + n) / (1 + df)) + 1)."""
    documents = Counter(term for answer in token_lists for term in set(terms_of(answer)))
    kept = sorted(term for term, count in documents.items() if count >= MIN_DOCUMENTS)
    total = len(token_lists)
    idf = np.array([math.log((1 + total) / (1 + documents[term])) + 1 for term in kept])
    return {term: column for column, term in enumerate(kept)}, idf


def _fit(
    texts: Sequence[str], token_lists: Sequence[Sequence[str]], labels: Sequence[str], c: float, weight: float
) -> tuple[LogisticRegression, dict[str, int], np.ndarray]:
    terms, idf = vocabulary(token_lists)
    matrix = features(texts, token_lists, terms=terms, idf=idf, last_clause_weight=weight)
    classifier = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    classifier.fit(matrix, labels)
    return classifier, terms, idf


def _cross_validated(
    texts: list[str], token_lists: list[list[str]], labels: list[str], c: float, weight: float
) -> float:
    right = 0
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(texts, labels):
        classifier, terms, idf = _fit(
            [texts[i] for i in train], [token_lists[i] for i in train], [labels[i] for i in train], c, weight
        )
        matrix = features(
            [texts[i] for i in test],
            [token_lists[i] for i in test],
            terms=terms,
            idf=idf,
            last_clause_weight=weight,
        )
        right += int((classifier.predict(matrix) == np.array([labels[i] for i in test])).sum())
    return right / len(texts)


def model_train(language: str) -> dict[str, object]:
    """The model of a language as the JSON it is shipped in."""
    texts, labels = training_rows(language)
    token_lists = [with_polarity(answer, language) for answer in tokens_many(texts, language)]
    scores = {
        (c, weight): _cross_validated(texts, token_lists, labels, c, weight)
        for c, weight in itertools.product(REGULARISATIONS, LAST_CLAUSE_WEIGHTS)
    }
    (c, weight), accuracy = max(scores.items(), key=lambda item: (item[1], -item[0][0], -item[0][1]))
    classifier, terms, idf = _fit(texts, token_lists, labels, c, weight)
    rows = {label: classifier.coef_[list(classifier.classes_).index(label)] for label in LABELS}
    return {
        "language": language,
        "labels": list(LABELS),
        "training_answers": len(texts),
        "cross_validated_accuracy": round(accuracy, 4),
        "regularisation": c,
        "last_clause_weight": weight,
        "signals": list(SIGNALS),
        "terms": list(terms),
        "idf": [round(float(value), DIGITS) for value in idf],
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
