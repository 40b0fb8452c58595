"""Benchmark: survey responses through the API, and themes and sentiment of free-text answers on the held-out
sample (issue 15, decision 0026).

    .venv/bin/python bench/feedback.py [--answers 100000] [--responses 300] [--postgres postgres://postgres@127.0.0.1:5432]

Needs the optional extra `patronage[text]` (the tokenisers). Works in a throwaway data folder
(PATRONAGE_VAR_DIR), where jieba keeps its cache, and a throwaway database (the intake part).

Agreement, per language, on `patronage/feedback/text_samples/<language>.csv` (labelled by people, never
used to fit or tune the method): sentiment accuracy against the labels, its macro-F1 with a 95 % interval
(bootstrap over rows), the confusion matrix; theme purity (each found theme counted as its majority
labelled theme, weighted by size) at the number of themes the method chooses, and, so that purity cannot
be bought with many small themes, purity and normalised mutual information at k = 8 (the sample's own
number of themes).

Speed: ANSWERS answers, a mix of the four languages in equal quarters (each language's sample repeated),
through tokens -> themes -> sentiment, one language after another as a survey's answers would be, timed
from the first tokeniser's load to the last score. Goal: < 60 s for 100,000 on 2 cores.

Intake, first: RESPONSES responses through `POST /api/v1/surveys/{id}/responses` (in-process, the whole
Django stack: middleware, API key, Ninja, as bench/care.py), each a member's answers to a five-question
survey (NPS, a branch for detractors, CSAT, a choice, free text) with a detractor rule; one answer in ten is
a detractor, whose follow-up case is filed in the same request. The anchor is `GET /healthz` in the same
run: response_intake_vs_healthz = intake rate / healthz rate (goal >= 0.3). On SQLite in a throwaway
folder, or with --postgres URL on a database made for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from throwaway import run_on_throwaway_database  # noqa: E402  (bench/ is the script's folder)

SAMPLES = ROOT / "patronage" / "feedback" / "text_samples"
LANGUAGES = ("en", "ko", "ja", "zh")
MIX = {"en": 0.25, "ko": 0.25, "ja": 0.25, "zh": 0.25}
ACCURACY_GOAL = 0.80
SECONDS_GOAL = 60.0
SAMPLE_THEMES = 8
INTAKE_GOAL = 0.3
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


def _intake(responses: int) -> float:
    """Responses through the API per second, against GET /healthz; returns the ratio."""
    from django.core.management import call_command
    from django.test import Client

    from patronage.core.apikeys import apikey_create
    from patronage.members.models import IdentityKind
    from patronage.members.services import IdentityInput, member_create

    call_command("migrate", verbosity=0)
    members = [
        member_create(
            actor=None,
            identities=[IdentityInput(IdentityKind.EMAIL, f"bench{number}@example.com")],
            profile={"name": f"Bench {number}"},
            consents={},
            consent_method="api",
            source="api",
        ).pk
        for number in range(50)
    ]
    _key, plain = apikey_create(name="bench", scopes=["surveys:write", "surveys:read"], actor=None)
    api = Client(headers={"Authorization": f"Bearer {plain}"})
    health = Client()
    built = api.post(
        "/api/v1/surveys",
        {
            "title": "How was your visit?",
            "open": True,
            "questions": [
                {"type": "nps", "key": "nps", "text": "Would you recommend us?", "required": True},
                {
                    "type": "text",
                    "key": "why",
                    "text": "What went wrong?",
                    "shown_when": {"question": "nps", "at_most": 6},
                },
                {"type": "csat", "key": "csat", "text": "How were the staff?"},
                {
                    "type": "single_choice",
                    "key": "visit",
                    "text": "What did you come for?",
                    "choices": [{"id": "buy", "text": "To buy"}, {"id": "look", "text": "To look around"}],
                },
                {"type": "text", "key": "more", "text": "Anything else?"},
            ],
        },
        content_type="application/json",
    )
    assert built.status_code == 201, built.content
    survey = built.json()["id"]
    assert (
        api.post(
            f"/api/v1/surveys/{survey}/rules", {"kind": "detractor"}, content_type="application/json"
        ).status_code
        == 201
    )
    scores = (10, 9, 9, 8, 7, 10, 9, 3, 8, 10)  # one detractor in ten

    def answer(number: int) -> None:
        score = scores[number % len(scores)]
        body = {
            "member": members[number % len(members)],
            "answers": [
                {"question": "nps", "value": score},
                {
                    "question": "why" if score <= 6 else "more",
                    "value": f"The queue at the till, visit {number}",
                },
                {"question": "csat", "value": 4},
                {"question": "visit", "value": "buy"},
            ],
        }
        response = api.post(f"/api/v1/surveys/{survey}/responses", body, content_type="application/json")
        assert response.status_code == 201, response.content

    def healthz(_number: int) -> None:
        assert health.get("/healthz").status_code == 200

    healthz(0)
    answer(-1)  # warm: the survey's questions, the policy and calendar of the follow-up cases
    rounds = [(_rate(healthz, responses), _rate(answer, responses)) for _ in range(3)]
    health_rate = statistics.median(r[0] for r in rounds)
    intake_rate = statistics.median(r[1] for r in rounds)
    print(f"GET /healthz (anchor)                  {health_rate:8.1f} /s")
    print(
        f"POST /api/v1/surveys/{{id}}/responses    {intake_rate:8.1f} /s  ({1000 / intake_rate:.1f} ms each)"
    )
    return intake_rate / health_rate


def _rate(call: Callable[[int], None], count: int) -> float:
    started = time.perf_counter()
    for number in range(count):
        call(number)
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--responses", type=int, default=300)
    parser.add_argument(
        "--postgres", help="server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432"
    )
    options = parser.parse_args()

    def both() -> None:
        ratio = _intake(options.responses)
        # jieba's cache goes to the project's data folder: the throwaway one of this run.
        run(options.answers)
        print(f"response_intake_vs_healthz={ratio:.2f} (goal >= {INTAKE_GOAL})")

    run_on_throwaway_database(name="feedback", postgres=options.postgres, run=both)


if __name__ == "__main__":
    main()
