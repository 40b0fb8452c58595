# ruff: noqa: RUF001 -- Chinese and Japanese are written with full-width commas and question marks.
"""Sentiment of answers from the shipped models: clear answers in each language, the last clause after
"but" counting, the held-out sample's accuracy, and the shipped files' format."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from patronage.feedback.text.sentiment import LABELS, WEIGHTS_FOLDER, sentiment_of, with_polarity
from patronage.feedback.text.tokens import NEGATION

SAMPLES = Path(__file__).resolve().parent.parent / "text_samples"

CLEAR = {
    "en": [
        ("Wonderful shop, friendly people and quick delivery, thank you!", "positive"),
        ("Terrible service, the order was broken and nobody answered my emails.", "negative"),
        ("Do you open on Sundays?", "neutral"),
    ],
    "ko": [
        ("직원분들이 친절하고 배송도 빨라서 정말 만족해요!", "positive"),
        ("물건이 깨져서 왔는데 고객센터는 답도 없어요. 최악이에요.", "negative"),
        ("일요일에도 문 여나요?", "neutral"),
    ],
    "ja": [
        ("スタッフが親切で、配達も早くて大満足です！", "positive"),
        ("商品が壊れていたのに、問い合わせても返事がありません。最悪です。", "negative"),
        ("日曜日は営業していますか？", "neutral"),
    ],
    "zh": [
        ("店员很热情，发货也快，非常满意！", "positive"),
        ("东西是坏的，客服也不回复，太差了。", "negative"),
        ("周日营业吗？", "neutral"),
    ],
}

# Accuracy on the second held-out sample as measured on 2026-12-06 (decision 0026), rounded down: the goal
# of issue 15 is 0.80, reached in English, Korean and Chinese, missed by one answer in Japanese (0.796);
# these floors keep what was reached.
ACCURACY_FLOORS = {"en": 0.88, "ko": 0.90, "ja": 0.79, "zh": 0.85}


@pytest.mark.parametrize("language", sorted(CLEAR))
def test_clear_answers_get_their_sentiment(language):
    answers = CLEAR[language]
    found = sentiment_of([text for text, _label in answers], language)
    assert [sentiment.label for sentiment in found] == [label for _text, label in answers]
    assert found[0].score > 0.3 > -0.3 > found[1].score


def test_the_clause_after_but_decides():
    found = sentiment_of(
        ["Lovely staff and a nice store, but the refund took six weeks and I am angry."], "en"
    )
    assert found[0].label == "negative"


def test_a_negated_feeling_is_turned_around():
    assert with_polarity(["price", NEGATION, "good"], "en") == ["price", NEGATION, "good", "<neg>"]


def test_no_answers_give_no_sentiments():
    assert sentiment_of([], "ja") == []


@pytest.mark.parametrize("language", sorted(ACCURACY_FLOORS))
def test_held_out_accuracy_stays_at_its_measured_floor(language):
    with (SAMPLES / f"{language}.csv").open(encoding="utf-8", newline="") as opened:
        rows = list(csv.DictReader(opened))
    found = sentiment_of([row["text"] for row in rows], language)
    right = sum(sentiment.label == row["sentiment"] for sentiment, row in zip(found, rows, strict=True))
    assert right / len(rows) >= ACCURACY_FLOORS[language]


@pytest.mark.parametrize("language", sorted(ACCURACY_FLOORS))
def test_the_shipped_weights_are_plain_json_of_terms_and_coefficients(language):
    path = WEIGHTS_FOLDER / f"{language}.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["labels"] == list(LABELS)
    columns = len(stored["terms"]) + len(stored["signals"]) + len(stored["characters"])
    assert all(len(stored["coefficients"][label]) == columns for label in LABELS)
    assert len(stored["characters"]) == len(stored["character_idf"])
    assert path.stat().st_size < 1_200_000
