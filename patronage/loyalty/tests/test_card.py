"""The digital member card: its number and its QR code (pure functions, no database)."""

import xml.etree.ElementTree as ET

import pytest

from patronage.loyalty.card import (
    card_number,
    derived_card_number,
    luhn_digit,
    member_id_of_card,
    qr_svg,
)
from patronage.members import normalise

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("digits", "check"), [("7992739871", "3"), ("4539148803436467"[:-1], "7"), ("0", "0")]
)
def test_the_check_digit_is_luhns(digits, check):
    assert luhn_digit(digits) == check


def test_a_member_with_a_card_shows_that_card():
    assert card_number(member_id=7, card_identity="CARD-0001") == ("CARD-0001", False)


def test_a_member_without_a_card_gets_a_number_derived_from_their_id():
    number, derived = card_number(member_id=42, card_identity=None)

    assert derived is True
    assert number == derived_card_number(42) == "P000000422"
    assert card_number(member_id=42, card_identity="") == (number, True)  # the same number every time


@pytest.mark.parametrize("member_id", [1, 42, 99_999_999, 123_456_789_012])
def test_a_derived_number_reads_back_to_its_member(member_id):
    assert member_id_of_card(derived_card_number(member_id)) == member_id


def test_derived_numbers_of_different_members_differ():
    numbers = {derived_card_number(member_id) for member_id in range(1, 2000)}

    assert len(numbers) == 1999


@pytest.mark.parametrize(
    "number",
    [
        "P000000423",  # wrong check digit
        "P000000242",  # two digits swapped
        "CARD-0001",  # a business's own card
        "P00000422",  # too short
        "X000000422",
        "P000000000" + luhn_digit("00000000"),  # member 0 does not exist
    ],
)
def test_other_numbers_are_not_read_as_a_member(number):
    assert member_id_of_card(number) is None


def test_a_derived_number_is_lower_case_and_space_tolerant_when_read_back():
    assert member_id_of_card(" p000000422 ") == 42


def test_a_derived_number_is_a_valid_card_identity():
    number = derived_card_number(42)

    assert normalise.card(number) == number


def test_a_member_id_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        derived_card_number(0)


def test_the_qr_code_is_an_svg_that_scales_and_names_the_number():
    svg = qr_svg("CARD-0001", label="QR code of card number CARD-0001")

    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert "width" not in root.attrib  # sized by the page, so it fits a phone
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "QR code of card number CARD-0001"
    assert "CARD-0001" in svg
    _x, _y, width, height = (int(v) for v in root.get("viewBox").split())
    assert width == height >= 21 + 8  # version 1 is 21 modules, plus a quiet zone of 4 on each side
    background = root.find(f"{SVG}rect")
    assert background.get("fill") == "#fff"
    (path,) = root.findall(f"{SVG}path")
    assert path.get("fill") == "#000"
    assert path.get("d").startswith("M4,4")  # the first finder pattern starts after the quiet zone
    assert "id" not in path.attrib


def test_the_qr_code_has_no_xml_declaration_so_it_can_be_inlined():
    assert qr_svg("P000000422").startswith("<svg")


def test_the_same_number_always_gives_the_same_code():
    assert qr_svg("P000000422") == qr_svg("P000000422")
    assert qr_svg("P000000422") != qr_svg("P000000430")


def test_a_longer_number_gets_a_larger_code():
    small = ET.fromstring(qr_svg("P1"))
    large = ET.fromstring(qr_svg("P" + "1234567890" * 8))

    assert int(large.get("viewBox").split()[2]) > int(small.get("viewBox").split()[2])


def test_a_label_is_escaped():
    root = ET.fromstring(qr_svg("X", label="<b>&"))

    assert root.find(f"{SVG}title").text == "<b>&"
