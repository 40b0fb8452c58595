"""Themes of answers: TF-IDF, truncated SVD and k-means, found in each survey's own answers (decision 0026).

Nothing is fitted ahead of time. Each theme is named by its three top terms (highest mean TF-IDF inside
the theme against the rest), lists its members and its answers nearest the centre as examples, and keeps
its centroid as term weights: a later run over more answers has another vocabulary and another SVD, so
only terms can be compared across runs, and `themes_match` carries a person's names and merges over.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from patronage.feedback.text.tokens import CONTRAST, NEGATION, tokens_many

MAX_THEMES = 12
FEWEST_ANSWERS = 10  # below this, all answers form one theme: too few to split honestly
SVD_DIMENSIONS = 100
MINI_BATCH_ABOVE = 10_000
NAME_TERMS = 3
CENTROID_TERMS = 30
EXAMPLES = 3
MATCH_THRESHOLD = 0.5  # cosine of two centroids' term weights for "the same theme"


@dataclass(frozen=True)
class Theme:
    id: int
    name: str
    top_terms: tuple[str, ...]
    members: tuple[int, ...]  # indices of the answers passed in
    examples: tuple[int, ...]  # the members nearest the theme's centre, nearest first
    centroid: Mapping[str, float]  # the theme's strongest terms and their mean weight, unit length


@dataclass(frozen=True)
class ThemeSet:
    language: str
    themes: tuple[Theme, ...]
    assignments: tuple[int, ...]  # theme id of each answer; -1 where an answer has no usable words


def themes_find(texts: Sequence[str], language: str, *, k: int | None = None, seed: int = 0) -> ThemeSet:
    """Group answers in `language` into themes; `k` themes, or a number chosen from the count."""
    return themes_of_tokens(tokens_many(texts, language), language, k=k, seed=seed)


def themes_count(answers: int) -> int:
    """The classic rule of thumb k = sqrt(n / 2), at least 2 and at most MAX_THEMES."""
    return max(2, min(MAX_THEMES, round(math.sqrt(answers / 2))))


def themes_of_tokens(
    token_lists: Sequence[Sequence[str]], language: str, *, k: int | None = None, seed: int = 0
) -> ThemeSet:
    """As `themes_find`, for answers already tokenised."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = [[token for token in answer if token != CONTRAST] for answer in token_lists]
    usable = [index for index, answer in enumerate(words) if answer]
    if not usable:
        return ThemeSet(language=language, themes=(), assignments=(-1,) * len(words))
    # The analyser is ours: the answers come as tokens, and `_terms` adds their bigrams.
    vectoriser = TfidfVectorizer(
        analyzer=lambda answer: answer,
        sublinear_tf=True,
        min_df=2 if len(usable) >= FEWEST_ANSWERS else 1,
    )
    try:
        matrix = vectoriser.fit_transform([_terms(words[index]) for index in usable])
    except ValueError:  # no term in two answers: nothing shared to group by
        matrix = None
    if matrix is None or len(usable) < FEWEST_ANSWERS:
        labels = np.zeros(len(usable), dtype=int)
        matrix = matrix if matrix is not None else sparse.csr_matrix((len(usable), 0))
    else:
        labels = _clusters(matrix, k or themes_count(len(usable)), seed)
    terms = np.array(vectoriser.get_feature_names_out()) if matrix.shape[1] else np.array([], dtype=str)
    return _theme_set(language, len(words), usable, matrix, labels, terms)


def _terms(answer: Sequence[str]) -> list[str]:
    return list(answer) + [f"{first} {second}" for first, second in itertools.pairwise(answer)]


def _clusters(matrix: sparse.csr_matrix, k: int, seed: int) -> np.ndarray:
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    k = min(k, matrix.shape[0])
    dimensions = min(SVD_DIMENSIONS, matrix.shape[1] - 1, matrix.shape[0] - 1)
    points = matrix
    if dimensions >= 2:
        # Cosine geometry after the projection, as TF-IDF rows had before it.
        points = normalize(TruncatedSVD(dimensions, random_state=seed).fit_transform(matrix))
    if matrix.shape[0] > MINI_BATCH_ABOVE:
        clusterer = MiniBatchKMeans(k, random_state=seed, n_init=3, batch_size=4096)
    else:
        clusterer = KMeans(k, random_state=seed, n_init=4)
    labels: np.ndarray = clusterer.fit_predict(points)
    return labels


def _theme_set(
    language: str,
    total: int,
    usable: list[int],
    matrix: sparse.csr_matrix,
    labels: np.ndarray,
    terms: np.ndarray,
) -> ThemeSet:
    assignments = [-1] * total
    themes: list[Theme] = []
    # Biggest first, so that theme 0 is what most answers are about.
    for theme_id, cluster in enumerate(sorted(set(labels.tolist()), key=lambda c: (-(labels == c).sum(), c))):
        inside = labels == cluster
        members = tuple(usable[row] for row in np.flatnonzero(inside))
        for member in members:
            assignments[member] = theme_id
        mean_inside = np.asarray(matrix[inside].mean(axis=0)).ravel()
        mean_outside = (
            np.asarray(matrix[~inside].mean(axis=0)).ravel()
            if (~inside).any()
            else np.zeros_like(mean_inside)
        )
        top_terms = _name_terms(terms, mean_inside - mean_outside)
        themes.append(
            Theme(
                id=theme_id,
                name=" · ".join(top_terms),
                top_terms=top_terms,
                members=members,
                examples=_nearest(matrix, inside, mean_inside, usable),
                centroid=_centroid(terms, mean_inside),
            )
        )
    return ThemeSet(language=language, themes=tuple(themes), assignments=tuple(assignments))


def _name_terms(terms: np.ndarray, lead: np.ndarray) -> tuple[str, ...]:
    """The terms that most set the theme apart, skipping the negation marker and a term already covered
    by a chosen bigram or unigram ("late" after "delivery late")."""
    chosen: list[str] = []
    for column in np.argsort(-lead, kind="stable"):
        if lead[column] <= 0 or len(chosen) == NAME_TERMS:
            break
        term = str(terms[column])
        words = set(term.split(" "))
        if NEGATION in words:  # a marker, not a word a person reads in a name
            continue
        if any(words <= set(other.split(" ")) or set(other.split(" ")) <= words for other in chosen):
            continue
        chosen.append(term)
    return tuple(chosen)


def _nearest(
    matrix: sparse.csr_matrix, inside: np.ndarray, centre: np.ndarray, usable: list[int]
) -> tuple[int, ...]:
    rows = np.flatnonzero(inside)
    similarity = matrix[rows] @ centre if matrix.shape[1] else np.zeros(len(rows))
    order = np.argsort(-np.asarray(similarity).ravel(), kind="stable")[:EXAMPLES]
    return tuple(usable[rows[position]] for position in order)


def _centroid(terms: np.ndarray, mean_inside: np.ndarray) -> dict[str, float]:
    strongest = [
        column
        for column in np.argsort(-mean_inside, kind="stable")[:CENTROID_TERMS]
        if mean_inside[column] > 0
    ]
    norm = math.sqrt(sum(float(mean_inside[column]) ** 2 for column in strongest)) or 1.0
    return {str(terms[column]): round(float(mean_inside[column]) / norm, 6) for column in strongest}


def themes_match(
    old_centroids: Mapping[int, Mapping[str, float]],
    new_centroids: Mapping[int, Mapping[str, float]],
    *,
    threshold: float = MATCH_THRESHOLD,
) -> dict[int, int]:
    """New theme id -> the old (named) theme it continues: the most similar by the cosine of their term
    weights, if at least `threshold`. Several new themes may continue one old theme: that is how a
    person's merge holds when a rerun splits the merged answers again. New themes below it stay new."""
    matched: dict[int, int] = {}
    for new_id, new in new_centroids.items():
        scored = [(_cosine(old, new), old_id) for old_id, old in old_centroids.items()]
        similarity, old_id = max(scored, key=lambda pair: (pair[0], -pair[1]), default=(0.0, -1))
        if similarity >= threshold:
            matched[new_id] = old_id
    return matched


def _cosine(first: Mapping[str, float], second: Mapping[str, float]) -> float:
    dot = sum(weight * second.get(term, 0.0) for term, weight in first.items())
    norms = math.sqrt(sum(w * w for w in first.values())) * math.sqrt(sum(w * w for w in second.values()))
    return dot / norms if norms else 0.0
