"""The digital member card: the number shown, who a number names at the till, and its QR code."""

import xml.etree.ElementTree as ET

import pytest

from patronage.core.errors import NotFound
from patronage.loyalty.card import qr_svg
from patronage.loyalty.selectors.integration import member_resolve
from patronage.loyalty.selectors.membership import member_card
from patronage.members.cards import card_number_is_issued, luhn_digit
from patronage.members.services import IdentityInput, identity_add, member_create

SVG = "{http://www.w3.org/2000/svg}"


def test_a_member_with_the_businesss_card_shows_that_card(alice):
    card = member_card(member=alice)

    assert card.number == "CARD-0001"
    assert card.issued is False
    assert "CARD-0001" in card.qr


def test_a_member_without_one_shows_the_number_issued_to_them(db):
    carol = member_create(actor=None, identities=[IdentityInput("email", "carol@example.com")])

    card = member_card(member=carol)

    assert card_number_is_issued(card.number)
    assert card.issued is True
    assert member_resolve(ref=card.number) == carol


def test_a_second_card_finds_the_member_but_the_primary_one_is_shown(alice):
    identity_add(member=alice, actor=None, kind="card", value="CARD-0099")

    assert member_card(member=alice).number == "CARD-0001"
    assert member_resolve(ref="card-0099") == alice


def test_numbers_next_to_a_members_number_name_nobody_at_the_till(db):
    carol = member_create(actor=None, identities=[IdentityInput("email", "carol@example.com")])
    number = member_card(member=carol).number
    digits = number[1:-1]
    for step in (-10, -1, 1, 10):
        near = f"{int(digits) + step:0{len(digits)}d}"
        for guess in (f"P{near}{number[-1]}", f"P{near}{luhn_digit(near)}"):
            if guess == number:
                continue
            with pytest.raises(NotFound):
                member_resolve(ref=guess)


def test_a_number_made_from_the_member_id_names_nobody(db):
    carol = member_create(actor=None, identities=[IdentityInput("email", "carol@example.com")])
    digits = f"{carol.pk:08d}"

    with pytest.raises(NotFound):
        member_resolve(ref=f"P{digits}{luhn_digit(digits)}")


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
