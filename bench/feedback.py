"""Benchmark: themes and sentiment of free-text answers (issue 15, decision 0026), on the held-out sample.

    .venv/bin/python bench/feedback.py [--answers 100000]

Needs the optional extra `patronage[text]` (the tokenisers). Works in a throwaway data folder
(PATRONAGE_VAR_DIR), where jieba keeps its cache; touches no database.

Agreement, per language, on `patronage/feedback/text_samples/<language>.csv` (labelled by people, never
used to fit or tune the method): sentiment accuracy against the labels, its macro-F1 with a 95 % interval
(bootstrap over rows), the confusion matrix; theme purity (each found theme counted as its majority
labelled theme, weighted by size) at the number of themes the method chooses, and, so that purity cannot
be bought with many small themes, purity and normalised mutual information at k = 8 (the sample's own
number of themes).

Speed: ANSWERS answers, a mix of the four languages in equal quarters (each language's sample repeated),
through tokens -> themes -> sentiment, one language after another as a survey's answers would be, timed
from the first tokeniser's load to the last score. Goal: < 60 s for 100,000 on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "patronage" / "feedback" / "text_samples"
LANGUAGES = ("en", "ko", "ja", "zh")
MIX = {"en": 0.25, "ko": 0.25, "ja": 0.25, "zh": 0.25}
ACCURACY_GOAL = 0.80
SECONDS_GOAL = 60.0
SAMPLE_THEMES = 8
BOOTSTRAP_ROUNDS = 1000


def _sample(language: str) -> list[dict[str, str]]:
    with (SAMPLES / f"{language}.csv").open(encoding="utf-8", newline="") as opened:
        return list(csv.DictReader(opened))


def _purity(found: list[int], labelled: list[str]) -> float:
    by_theme: dict[int, Counter[str]] = {}
    for theme, label in zip(found, labelled, strict=True):
        by_theme.setdefault(theme, Counter())[label] += 1
    return sum(counts.most_common(1)[0][1] for counts in by_theme.values()) / len(labelled)


def _macro_f1_interval(truth: list[str], predicted: list[str]) -> tuple[float, float, float]:
    """Macro-F1 of the sample, and the 2.5 and 97.5 percentiles of it over rows drawn with replacement."""
    from sklearn.metrics import f1_score

    generator = random.Random(0)
    rows = range(len(truth))
    rounds = []
    for _ in range(BOOTSTRAP_ROUNDS):
        drawn = [generator.choice(rows) for _ in rows]
        rounds.append(f1_score([truth[i] for i in drawn], [predicted[i] for i in drawn], average="macro"))
    rounds.sort()
    whole = f1_score(truth, predicted, average="macro")
    return whole, rounds[int(0.025 * BOOTSTRAP_ROUNDS)], rounds[int(0.975 * BOOTSTRAP_ROUNDS) - 1]


@dataclass(frozen=True)
class Agreement:
    answers: int
    accuracy: float
    macro_f1: tuple[float, float, float]  # the whole sample's, then its 95 % interval
    confusion: dict[tuple[str, str], int]  # (labelled, predicted) -> answers
    themes: int
    purity: float
    purity_8: float
    nmi_8: float
    names: list[str]


def _agreement(language: str) -> Agreement:
    from sklearn.metrics import normalized_mutual_info_score

    from patronage.feedback.text.sentiment import LABELS, sentiment_of_tokens
    from patronage.feedback.text.themes import themes_of_tokens
    from patronage.feedback.text.tokens import tokens_many

    rows = _sample(language)
    texts = [row["text"] for row in rows]
    token_lists = tokens_many(texts, language)
    truth = [row["sentiment"] for row in rows]
    predicted = [sentiment.label for sentiment in sentiment_of_tokens(texts, token_lists, language)]
    pairs = Counter(zip(truth, predicted, strict=True))
    labelled_themes = [row["theme"] for row in rows]
    chosen = themes_of_tokens(token_lists, language)
    at_eight = themes_of_tokens(token_lists, language, k=SAMPLE_THEMES)
    return Agreement(
        answers=len(rows),
        accuracy=sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(rows),
        macro_f1=_macro_f1_interval(truth, predicted),
        confusion={(t, p): pairs[(t, p)] for t in LABELS for p in LABELS},
        themes=len(chosen.themes),
        purity=_purity(list(chosen.assignments), labelled_themes),
        purity_8=_purity(list(at_eight.assignments), labelled_themes),
        nmi_8=float(normalized_mutual_info_score(labelled_themes, list(at_eight.assignments))),
        names=[theme.name for theme in chosen.themes],
    )


def _agreement_table(results: dict[str, Agreement]) -> None:
    from patronage.feedback.text.sentiment import LABELS

    print(
        f"\n{'language':9} {'answers':>7} {'accuracy':>9} {'macro-F1 (95 %)':>20} {'themes':>7} {'purity':>7}"
        f" {'purity@8':>9} {'NMI@8':>6}"
    )
    for language, result in results.items():
        f1, low, high = result.macro_f1
        print(
            f"{language:9} {result.answers:>7} {result.accuracy:9.3f} {f1:8.3f} ({low:.3f}-{high:.3f}) "
            f"{result.themes:>7} {result.purity:7.3f} {result.purity_8:9.3f} {result.nmi_8:6.3f}"
        )
    print("\nconfusion (rows: labelled, columns: predicted " + " / ".join(LABELS) + ")")
    for language, result in results.items():
        cells = "   ".join(
            f"{truth[:3]}: " + " ".join(f"{result.confusion[(truth, predicted)]:3}" for predicted in LABELS)
            for truth in LABELS
        )
        print(f"{language:9} {cells}")
    print("\ntheme names (largest first)")
    for language, result in results.items():
        print(f"{language:9} " + " | ".join(result.names))


def _answers_mixed(total: int) -> dict[str, list[str]]:
    mixed = {}
    for language, share in MIX.items():
        texts = [row["text"] for row in _sample(language)]
        count = round(total * share)
        mixed[language] = [texts[number % len(texts)] for number in range(count)]
    return mixed


def _through(answers: dict[str, list[str]]) -> dict[str, float]:
    """Seconds per language through tokens -> themes -> sentiment, loads included."""
    from patronage.feedback.text.sentiment import sentiment_of_tokens
    from patronage.feedback.text.themes import themes_of_tokens
    from patronage.feedback.text.tokens import tokens_many

    seconds = {}
    for language, texts in answers.items():
        started = time.perf_counter()
        token_lists = tokens_many(texts, language)
        themes_of_tokens(token_lists, language)
        sentiment_of_tokens(texts, token_lists, language)
        seconds[language] = time.perf_counter() - started
    return seconds


def run(answers: int) -> None:
    results = {language: _agreement(language) for language in LANGUAGES}
    _agreement_table(results)

    load_before = os.getloadavg()
    seconds = _through(_answers_mixed(answers))
    load_after = os.getloadavg()
    total = sum(seconds.values())
    mix = ", ".join(f"{language} {share:.0%}" for language, share in MIX.items())
    print(f"\n{answers:,} answers ({mix}; each language's sample repeated): tokens -> themes -> sentiment")
    for language, spent in seconds.items():
        print(f"  {language}: {spent:6.2f} s")
    print(f"  all: {total:6.2f} s, load {load_before[0]:.2f} -> {load_after[0]:.2f}, {os.cpu_count()} cores")

    print(
        f"\ngoals: sentiment accuracy >= {ACCURACY_GOAL} per language; {answers:,} answers < {SECONDS_GOAL:.0f} s"
    )
    for language, result in results.items():
        print(f"sentiment_accuracy_{language}={result.accuracy:.3f}")
    for language, result in results.items():
        print(f"theme_purity_{language}={result.purity:.3f}")
    print(f"text_seconds_100k={total * 100_000 / answers:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--answers", type=int, default=100_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="patronage-bench-feedback-") as folder:
        # jieba's cache goes to the project's data folder; here a throwaway one.
        os.environ["PATRONAGE_VAR_DIR"] = folder
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        run(options.answers)


if __name__ == "__main__":
    main()
