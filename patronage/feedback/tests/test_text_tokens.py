# ruff: noqa: RUF001 -- Chinese and Japanese are written with full-width commas and question marks.
"""The tokenisers of the text method: lemma tokens per language, negation kept, jieba's cache in our folder."""

from __future__ import annotations

import sys

import pytest

from patronage.feedback.text import tokens as tokens_module
from patronage.feedback.text.tokens import (
    CONTRAST,
    NEGATION,
    TextMethodMissing,
    language_of,
    tokens,
    tokens_many,
)


def test_language_is_read_from_the_script():
    assert [language_of(text) for text in ("Great shop", "배송이 빨라요", "配達が早い", "快递很快", "")] == [
        "en",
        "ko",
        "ja",
        "zh",
        "en",
    ]


def test_english_keeps_words_and_negation_and_drops_function_words():
    assert tokens("The courier didn't ring, but the parcel was fine", "en") == [
        "courier",
        NEGATION,
        "ring",
        CONTRAST,
        "parcel",
        "fine",
    ]


def test_korean_gives_lemmas_of_content_words_and_keeps_negation():
    assert tokens("배송이 너무 늦었지만 직원은 친절했어요", "ko") == [
        "배송",
        "너무",
        "늦다",
        CONTRAST,
        "직원",
        "친절",
    ]
    assert tokens("포인트가 안 쌓였어요", "ko") == ["포인트", NEGATION, "쌓이다"]


def test_japanese_gives_dictionary_forms_and_keeps_negation():
    assert tokens("配達が遅くて、箱も潰れていました", "ja") == ["配達", "遅い", "箱", "潰れる"]
    assert tokens("ポイントが貯まらない", "ja") == ["ポイント", "貯まる", NEGATION]


def test_chinese_gives_words_and_keeps_negation(tmp_path):
    assert tokens("快递太慢了，但是客服态度很好", "zh", cache_folder=tmp_path) == [
        "快递",
        "太慢",
        CONTRAST,
        "客服",
        "态度",
        "很",
        "好",
    ]
    assert NEGATION in tokens("积分没有到账", "zh", cache_folder=tmp_path)


def test_jieba_keeps_its_cache_in_the_folder_given(tmp_path):
    tokens("质量不错", "zh", cache_folder=tmp_path)
    assert (tmp_path / "jieba.cache").exists()


def test_emoji_are_tokens_in_every_language():
    assert tokens("좋아요 👍🏻", "ko")[-1] == "👍"


def test_a_batch_gives_one_list_per_answer_in_order():
    assert tokens_many(["", "가격이 싸요", "직원 친절"], "ko") == [[], ["가격", "싸다"], ["직원", "친절"]]


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="fr"):
        tokens("Très bien", "fr")


def test_a_missing_tokeniser_raises_an_error_callers_can_catch(monkeypatch):
    monkeypatch.setitem(sys.modules, "sudachipy", None)  # import fails as if not installed
    tokens_module._sudachi.cache_clear()
    try:
        with pytest.raises(TextMethodMissing, match=r"patronage\[text\]"):
            tokens("配達が早い", "ja")
    finally:
        tokens_module._sudachi.cache_clear()
