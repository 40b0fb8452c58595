"""A name in the reader's language: the reader's own text when there is one, else the main language's,
never a blank (decision 0021)."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import translation

from patronage.core.names import (
    in_reader_language,
    language_name,
    text_in_language,
    translations_clean,
    translations_merge,
)

GOLD = {"ko": "골드", "ja": "ゴールド", "zh-hans": "金卡"}


def test_a_reader_gets_the_name_in_their_language():
    assert text_in_language("Gold", GOLD, "ja") == "ゴールド"
    assert text_in_language("Gold", GOLD, "zh-hans") == "金卡"


def test_the_language_is_matched_whatever_its_spelling_or_region():
    assert text_in_language("Gold", GOLD, "zh-Hans") == "金卡"
    assert text_in_language("Gold", GOLD, "zh_Hans") == "金卡"
    assert text_in_language("Gold", GOLD, "ja-JP") == "ゴールド"
    assert text_in_language("Gold", GOLD, "ko-kr") == "골드"


def test_a_missing_or_empty_translation_falls_back_to_the_main_language():
    assert text_in_language("Gold", {"ko": "골드"}, "ja") == "Gold"
    assert text_in_language("Gold", {"ja": "  "}, "ja") == "Gold"
    assert text_in_language("Gold", {"ja": None}, "ja") == "Gold"
    assert text_in_language("Gold", {}, "ja") == "Gold"
    assert text_in_language("Gold", None, "ja") == "Gold"
    assert text_in_language("Gold", GOLD, None) == "Gold"


def test_the_active_language_chooses_an_objects_name():
    tier = SimpleNamespace(name="Gold", name_translations=GOLD, description="", description_translations={})
    with translation.override("ja"):
        assert in_reader_language(tier, "name") == "ゴールド"
        assert in_reader_language(tier, "description") == ""
    with translation.override("en"):
        assert in_reader_language(tier, "name") == "Gold"
    assert in_reader_language(None, "name") == ""


def test_languages_are_named_in_their_own_words():
    assert language_name("ko") == "한국어"
    assert language_name("ja") == "日本語"
    assert language_name("xx") == "xx"


def test_cleaning_names_every_bad_translation_at_once():
    kept, problems = translations_clean(
        {"ko": " 골드 ", "fr": "Or", "ja": "x" * 101, "zh-hans": 5},
        field="name_translations",
        languages=["en", "ko", "ja", "zh-hans"],
        max_length=100,
    )
    assert kept == {"ko": "골드"}
    assert [field for field, _message in problems] == [
        "name_translations.fr",
        "name_translations.ja",
        "name_translations.zh-hans",
    ]


def test_merging_keeps_languages_not_given_and_removes_emptied_ones():
    stored = {"ko": "골드", "ja": "ゴールド"}
    assert translations_merge(stored, {"ja": "", "zh-hans": "金卡"}, main_language="en") == {
        "ko": "골드",
        "zh-hans": "金卡",
    }


def test_the_main_languages_text_is_the_plain_field_never_a_translation():
    assert translations_merge({"ko": "골드"}, {"en": "Gold", "ja": "ゴールド"}, main_language="en") == {
        "ko": "골드",
        "ja": "ゴールド",
    }
    # A business that made Korean its main language: the Korean text is now `name`.
    assert translations_merge({"ko": "골드", "en": "Gold"}, {}, main_language="ko") == {"en": "Gold"}
