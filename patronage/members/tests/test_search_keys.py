"""The keys the customer search finds people by (members.search_keys): pure, no database."""

from __future__ import annotations

import hypothesis
import pytest
from hypothesis import strategies as st

from patronage.demo import catalogue as cat
from patronage.members import search_keys as keys


def finds(name: str, query: str) -> bool:
    return keys.name_matches(keys.name_latin(name), keys.name_query(query))


# Hangul, syllable by syllable


@pytest.mark.parametrize(
    ("syllable", "latin"),
    [("김", "gim"), ("박", "bak"), ("최", "choe"), ("정", "jeong"), ("류", "ryu"), ("이", "i"),
     ("닭", "dak"), ("값", "gap"), ("꽃", "kkot"), ("쉐", "swe"), ("의", "ui"), ("힣", "hit")],
)  # fmt: skip
def test_hangul_syllables_are_romanised_as_in_names(syllable, latin):
    assert keys.hangul_syllable(syllable) == latin


def test_every_hangul_syllable_has_a_lower_case_ascii_romanisation():
    for code in range(0xAC00, 0xD7A4):
        latin = keys.hangul_syllable(chr(code))
        assert latin.isascii(), hex(code)
        assert latin.isalpha(), hex(code)
        assert latin.islower(), hex(code)


# Korean names


@pytest.mark.parametrize(
    "query", ["Kim", "Gim", "Minji", "Kim Minji", "kim min ji", "Min-ji Kim", "KIMMINJI", "minji gim"]
)
def test_a_hangul_name_is_found_by_its_romanisations(query):
    assert finds("김민지", query)


@pytest.mark.parametrize(
    ("name", "spellings"),
    [
        ("김민지", ["Kim", "Gim"]),
        ("이서연", ["Lee", "Yi", "Rhee", "I", "Lee Seoyeon", "Seo-yeon Lee"]),
        ("박지호", ["Park", "Bak", "Pak", "Park Ji-ho"]),
        ("최현우", ["Choi", "Choe", "Choi Hyunwoo", "Choe Hyeonu"]),
        ("정성민", ["Jung", "Jeong", "Chung", "Jung Sungmin", "Jeong Seongmin"]),
        ("남궁민수", ["Namgung", "Namkung Minsu"]),
        ("김 민지", ["Kim Minji"]),
    ],
)
def test_common_korean_surname_spellings_find_the_name(name, spellings):
    for spelling in spellings:
        assert finds(name, spelling), spelling


@pytest.mark.parametrize(
    ("name", "query"),
    [("김민지", "Lee"), ("이서연", "Kim"), ("박지호", "Choi"), ("최현우", "Park"), ("김민지", "Minjun"),
     ("김민지", "Jiho"), ("정성민", "Sato"), ("이서연", "Seoyeon Kim")],
)  # fmt: skip
def test_a_romanised_query_does_not_find_someone_else(name, query):
    assert not finds(name, query)


KOREAN_NAMES = [(family, given) for family in cat.KO_FAMILY for given in cat.KO_GIVEN]


def test_every_demo_korean_name_is_found_by_the_spelling_its_owner_gives():
    for family, given in KOREAN_NAMES:
        name = family.native + given.native
        for query in (
            family.latin,
            given.latin,
            f"{family.latin} {given.latin}",
            f"{given.latin} {family.latin}",
        ):
            assert finds(name, query), (name, query)


# Japanese names


@pytest.mark.parametrize(
    ("name", "query"),
    [("佐藤陽翔", "Sato"), ("佐藤陽翔", "Satou"), ("佐藤 陽翔", "sato"), ("すずき はなこ", "Suzuki Hanako"),
     ("すずき はなこ", "Hanako"), ("ゆうき", "Yuki"), ("ゆうき", "Yuuki"), ("ナカムラ ケンタ", "Nakamura Kenta"),
     ("大野", "Ono"), ("大野", "Oono")],
)  # fmt: skip
def test_kana_and_kanji_are_found_by_their_romaji(name, query):
    assert finds(name, query)


def test_every_demo_japanese_family_name_is_found_by_its_romaji():
    for family in cat.JA_FAMILY:
        for given in cat.JA_GIVEN:
            assert finds(f"{family.native}{given.native}", family.latin), (family.native, given.native)


def test_a_kana_query_finds_a_kanji_name_read_the_same():
    assert finds("佐藤陽翔", "さとう")


def test_a_name_in_han_characters_is_found_as_chinese_too():
    assert finds("王伟", "Wang Wei")
    assert finds("王伟", "Wang")


# Other scripts and Latin names


@pytest.mark.parametrize(
    ("name", "query"),
    [("José García", "jose garcia"), ("Jean-Pierre Müller", "Jean Pierre"), ("Jean-Pierre Müller", "Pierre"),
     ("Иван Петров", "Ivan Petrov"), ("Alice Kim", "Kim Alice"), ("Kim Min-jun", "kim minjun")],
)  # fmt: skip
def test_other_scripts_and_accents_are_found_in_plain_letters(name, query):
    assert finds(name, query)


def test_an_empty_name_has_no_key_and_an_empty_query_no_reading():
    assert keys.name_latin("") == keys.name_latin("  ") == ""
    assert keys.name_query(" - ") == []


def test_a_very_long_name_is_cut_at_whole_words():
    key = keys.name_latin(" ".join(["Bartholomew"] * 100))
    assert len(key) <= keys.NAME_LATIN_LENGTH
    assert key.startswith(" ")
    assert key.endswith(" ")


@hypothesis.given(st.text(max_size=200))
def test_any_name_gives_an_ascii_key_that_fits_its_column(name):
    key = keys.name_latin(name)
    assert key.isascii()
    assert len(key) <= keys.NAME_LATIN_LENGTH
    assert key == "" or (key.startswith(" ") and key.endswith(" "))


@hypothesis.given(st.from_regex(r"[A-Za-z][A-Za-z\- ]{0,40}", fullmatch=True))
def test_a_latin_name_is_found_by_itself(name):
    assert finds(name, name)


# Cards, e-mail fragments, phones


@pytest.mark.parametrize(
    ("query", "compact"),
    [("HL-0123456789", "HL0123456789"), ("hl 0123 456789", "HL0123456789"), ("p4071936285516", "P4071936285516"),
     ("\uff28\uff2c-0123456789", "HL0123456789")],
)  # fmt: skip
def test_card_numbers_are_compared_without_separators_in_upper_case(query, compact):
    assert keys.card_query(query) == compact


@pytest.mark.parametrize("query", ["Kim", "abc", "a@b.com-1234", "12", "김민지 1234"])
def test_names_addresses_and_scraps_are_not_card_numbers(query):
    assert keys.card_query(query) is None


@pytest.mark.parametrize(
    ("query", "fragment"),
    [("minji.kim", "minji.kim"), (" Hanbit.CO.kr ", "hanbit.co.kr"), ("kim88@", "kim88@"), ("abc", "abc")],
)
def test_a_part_of_an_address_is_searched_in_lower_case(query, fragment):
    assert keys.email_fragment(query) == fragment


@pytest.mark.parametrize("query", ["ab", "kim minji", "김민지", ""])
def test_short_or_spaced_queries_are_not_address_fragments(query):
    assert keys.email_fragment(query) is None


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("090-1234-5678", "+819012345678"),  # a Japanese mobile, typed nationally, in a Korean business
        ("09012345678", "+819012345678"),
        ("+81 90 1234 5678", "+819012345678"),
        ("0081-90-1234-5678", "+819012345678"),
        ("010-1234-5678", "+821012345678"),
        ("(010) 1234 5678", "+821012345678"),
        ("01012345678", "01012345678"),  # the old stored form, for numbers a migration left in it
    ],
)
def test_a_number_in_any_form_is_looked_for_in_e164(query, stored):
    assert stored in keys.phone_query(query, "KR")


def test_a_number_with_its_country_is_looked_for_in_that_country_only():
    assert keys.phone_query("+81 90 1234 5678", "KR") == {"+819012345678"}


@pytest.mark.parametrize(
    "query", ["Kim", "12345", "1" * 17, "card-0001", "alice@example.com", "P4071936285516"]
)
def test_what_is_not_a_number_is_not_looked_for_as_one(query):
    assert keys.phone_query(query, "KR") == set()


def test_phone_e164_refuses_what_cannot_be_a_number():
    assert keys.phone_e164("+1", "KR") is None
    assert keys.phone_e164("1234567890123456", "KR") is None
