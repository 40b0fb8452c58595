"""Finding a person's values in what people typed, in the spellings they type them (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from patronage.members.redact import ERASED, Redactor, Traits

ALICE = Traits(
    names=("Alice Kim",),
    emails=("alice.k@example.com",),
    phones=("01012345678",),
    cards=("CARD-0001",),
    external_ids=("C-000123", "42"),
    addresses=("12 Teheran-ro",),
    postal_codes=("06236",),
    birth_dates=(date(1990, 4, 1),),
)


@pytest.mark.parametrize(
    "typed",
    [
        "010-1234-5678",
        "010 1234 5678",
        "01012345678",
        "(010) 1234-5678",
        "+82 10-1234-5678",
        "+82 (0)10 1234 5678",
        "1012345678",
    ],
)
def test_a_phone_is_found_however_it_was_typed(typed):
    assert Redactor(ALICE).text(f"call {typed} after six") == f"call {ERASED} after six"


def test_an_international_number_is_found_in_its_national_form_too():
    redactor = Redactor(Traits(phones=("+821012345678",)))

    assert redactor.text("010-1234-5678 / +82 10 1234 5678 / 821012345678") == " / ".join([ERASED] * 3)


def test_a_longer_number_that_contains_the_phone_is_left_alone():
    assert Redactor(ALICE).text("order 9901012345678123") == "order 9901012345678123"


@pytest.mark.parametrize(
    "typed",
    ["1990-04-01", "1990/4/1", "01.04.1990", "04/01/1990", "19900401", "900401", "90.04.01",
     "1990년 4월 1일", "1990年4月1日", "April 1, 1990", "1st April 1990", "1 Apr 1990"],
)  # fmt: skip
def test_a_birth_date_is_found_in_the_usual_formats(typed):
    assert Redactor(ALICE).text(f"born {typed}.") == f"born {ERASED}."


def test_names_emails_cards_and_ids_are_found_in_any_case_and_spacing():
    text = "ALICE KIM (Alice.K@Example.com), card card 0001, id C-000123, 12  Teheran-ro 06236"

    assert Redactor(ALICE).text(text) == f"{ERASED} ({ERASED}), card {ERASED}, id {ERASED}, {ERASED} {ERASED}"


def test_a_name_part_is_found_alone_and_a_short_one_only_as_a_word():
    redactor = Redactor(ALICE)

    assert redactor.text("Alice called; Kim too") == f"{ERASED} called; {ERASED} too"
    assert (
        redactor.text("Kimchi for Alicek") == f"Kimchi for {ERASED}k"
    )  # "Alice" is long enough to stand out
    assert redactor.text("order 142, 42 points") == f"order 142, {ERASED} points"


def test_a_korean_name_is_found_with_the_particles_written_onto_it():
    redactor = Redactor(Traits(names=("김민지",)))

    assert redactor.text("김민지님께 전화, 김민지의 주소") == f"{ERASED}님께 전화, {ERASED}의 주소"


def test_rows_that_only_may_mention_the_person_are_searched_for_identifying_values_only():
    mentions = Redactor(ALICE, identifying_only=True)

    text = "Kim at 06236, born 1990-04-01, alice.k; Alice Kim <alice.k@example.com> 010-1234-5678"
    assert mentions.text(text) == f"Kim at 06236, born 1990-04-01, alice.k; {ERASED} <{ERASED}> {ERASED}"
    assert ALICE.identifying() == sorted(
        ["Alice Kim", "alice.k@example.com", "01012345678", "CARD-0001", "C-000123", "12 Teheran-ro"]
    )


def test_json_keeps_its_shape_and_loses_the_values_in_keys_strings_and_numbers():
    data = {"to": "Alice Kim", "Alice Kim": [1012345678, 5, True, None, 1.5, {"mail": "alice.k@example.com"}]}

    assert Redactor(ALICE).json(data) == {
        "to": ERASED,
        ERASED: [ERASED, 5, True, None, 1.5, {"mail": ERASED}],
    }


def test_a_unique_key_that_names_the_person_becomes_a_digest_and_stays_unique():
    redactor = Redactor(ALICE)

    one, two = redactor.key("signup:alice.k@example.com"), redactor.key("retry:alice.k@example.com")
    assert one is not None
    assert one.startswith("erased:")
    assert one != two
    assert "alice" not in one
    assert redactor.key("order:77") == "order:77"
    assert redactor.key(None) is None
    assert len(redactor.key("x" * 10 + "alice.k@example.com", limit=64) or "") == 64


def test_text_is_cut_to_the_column_after_a_short_value_became_longer():
    redactor = Redactor(Traits(names=("Bo Li",)))

    assert redactor.text("Bo Li " * 10, limit=20) == f"{ERASED} {ERASED} {ERASED}"[:20]


def test_nothing_known_changes_nothing():
    redactor = Redactor(Traits(names=("", "  "), phones=("12",), cards=("--",)))

    assert redactor.text("any text at all") == "any text at all"
    assert not redactor.mentions("any text at all")
