"""Themes of answers: TF-IDF of their topic words and non-negative matrix factorisation, found in each
survey's own answers (decision 0026).

Nothing is fitted ahead of time. An answer's topic words are its tokens less feeling words (`polarity`)
and generic ones (`topic_words`): a theme is what answers are about, not how they feel. NMF splits the
answers' TF-IDF into k parts of co-occurring words; each answer belongs to its strongest part. Each theme
is named by its three top terms (highest mean TF-IDF inside the theme against the rest), lists its members
and its answers nearest the centre as examples, and keeps its centroid as term weights: a later run over
more answers has another vocabulary, so only terms can be compared across runs, and `themes_match`
carries a person's names and merges over.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from patronage.feedback.text.polarity import NEGATIVE_WORDS, POSITIVE_WORDS
from patronage.feedback.text.tokens import CONTRAST, NEGATION, tokens_many
from patronage.feedback.text.topic_words import GENERIC_WORDS

MAX_THEMES = 12
FEWEST_ANSWERS = 10  # below this, all answers form one theme: too few to split honestly
# Above this many answers the parts are found in a random sample of them, and every answer joins the part
# its words weigh most in: fitting is the cost that grows, and a sample this size shows the same parts.
FIT_SAMPLE = 4_000
NMF_ITERATIONS = 400
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

    words = [_topic_words(answer, language) for answer in token_lists]
    usable = [index for index, answer in enumerate(words) if answer]
    if not usable:
        return ThemeSet(language=language, themes=(), assignments=(-1,) * len(words))
    # The analyser is ours: the answers come as tokens. Unigrams only: in answers a sentence long, bigrams
    # repeat what the unigrams say and thin the counts the factorisation rests on.
    vectoriser = TfidfVectorizer(
        analyzer=lambda answer: answer,
        sublinear_tf=True,
        min_df=2 if len(usable) >= FEWEST_ANSWERS else 1,
    )
    try:
        matrix = vectoriser.fit_transform([words[index] for index in usable])
    except ValueError:  # no term in two answers: nothing shared to group by
        matrix = None
    if matrix is None or len(usable) < FEWEST_ANSWERS:
        labels = np.zeros(len(usable), dtype=int)
        matrix = matrix if matrix is not None else sparse.csr_matrix((len(usable), 0))
    else:
        labels = _clusters(matrix, k or themes_count(len(usable)), seed)
    terms = np.array(vectoriser.get_feature_names_out()) if matrix.shape[1] else np.array([], dtype=str)
    return _theme_set(language, len(words), usable, matrix, labels, terms)


def _topic_words(answer: Sequence[str], language: str) -> list[str]:
    """The tokens that tell what an answer is about: no markers, feelings or generic words."""
    skipped = POSITIVE_WORDS[language] | NEGATIVE_WORDS[language] | GENERIC_WORDS[language]
    return [
        token
        for token in answer
        if token not in (NEGATION, CONTRAST) and token not in skipped and not token.startswith("<")
    ]


def _clusters(matrix: sparse.csr_matrix, k: int, seed: int) -> np.ndarray:
    from sklearn.decomposition import NMF
    from sklearn.preprocessing import normalize

    k = min(k, matrix.shape[0], matrix.shape[1])
    if k < 2:
        return np.zeros(matrix.shape[0], dtype=int)
    factoriser = NMF(k, init="nndsvda", random_state=seed, max_iter=NMF_ITERATIONS)
    if matrix.shape[0] <= FIT_SAMPLE:
        labels: np.ndarray = factoriser.fit_transform(matrix).argmax(axis=1)
        return labels
    sample = np.random.default_rng(seed).choice(matrix.shape[0], FIT_SAMPLE, replace=False)
    factoriser.fit(matrix[np.sort(sample)])
    labels = np.asarray((matrix @ normalize(factoriser.components_).T).argmax(axis=1)).ravel()
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
    """The terms that most set the theme apart."""
    chosen: list[str] = []
    for column in np.argsort(-lead, kind="stable"):
        if lead[column] <= 0 or len(chosen) == NAME_TERMS:
            break
        chosen.append(str(terms[column]))
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
