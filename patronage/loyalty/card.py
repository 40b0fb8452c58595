"""The digital member card: its number and its QR code as SVG. Pure: no database, no network.

The number on the card is the member's primary `card` identity, the one a till already recognises.
A member who has no card yet (signed up in the portal, say) still gets a card at once: its number is
derived from the member id, because
- it is stable: the same member always shows the same number, on every device, with nothing stored;
- it needs no write on a page view (a GET that registered a card identity would change state);
- it can be resolved without a look-up table: `member_id_of_card` reads the id back, so an integration
  (or the API's member resolution) can accept it next to real card numbers;
- its shape cannot be mistaken for a business's own cards: "P" and digits only, with a Luhn check digit
  that catches a mistyped digit or two swapped neighbours at a till;
- it passes the card-number rules (4 to 40 letters, digits or dashes), so staff can later register it as
  the member's card identity unchanged.
A card number is an identifier, not a secret: holding one grants nothing (the member id is in every URL
of the console and the API already), so deriving it from the id exposes nothing new.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import qrcode
import qrcode.constants
import qrcode.image.svg

DERIVED_PREFIX = "P"
DERIVED_DIGITS = 8  # the id, zero-padded to at least this many digits, then one check digit
_DERIVED = re.compile(rf"^{DERIVED_PREFIX}(\d{{{DERIVED_DIGITS},}})(\d)$")
_SVG_NS = "http://www.w3.org/2000/svg"
# A QR code needs a light quiet zone of four modules around it to be read reliably.
QUIET_ZONE = 4


def luhn_digit(digits: str) -> str:
    """The Luhn check digit for a string of digits (the one payment cards use)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: every second digit from the right, starting next to the check digit
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str((10 - total % 10) % 10)


def derived_card_number(member_id: int) -> str:
    """The card number of a member without a card identity: P, the zero-padded id and a check digit."""
    if member_id <= 0:
        raise ValueError("a member id is a positive whole number")
    digits = f"{member_id:0{DERIVED_DIGITS}d}"
    return f"{DERIVED_PREFIX}{digits}{luhn_digit(digits)}"


def member_id_of_card(number: str) -> int | None:
    """The member id a derived card number stands for; None for any other number or a wrong check digit."""
    match = _DERIVED.match(number.strip().upper())
    if match is None or luhn_digit(match.group(1)) != match.group(2):
        return None
    member_id = int(match.group(1))
    return member_id or None


def card_number(*, member_id: int, card_identity: str | None) -> tuple[str, bool]:
    """The number to show on the card, and whether it was derived (the member has no card identity)."""
    if card_identity:
        return card_identity, False
    return derived_card_number(member_id), True


def qr_svg(data: str, *, label: str = "") -> str:
    """A QR code for `data` as an inline <svg> element that scales to its box.

    Black modules on a white square, whatever the page's colours, so a scanner reads it in dark mode too;
    `label` becomes the image's accessible name.
    """
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=QUIET_ZONE,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(data)
    code.make(fit=True)
    size = code.modules_count + 2 * QUIET_ZONE
    root = ET.fromstring(code.make_image().to_string(encoding="unicode"))
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("viewBox", f"0 0 {size} {size}")
    root.set("role", "img")
    root.set("shape-rendering", "crispEdges")
    background = ET.Element(f"{{{_SVG_NS}}}rect", {"width": str(size), "height": str(size), "fill": "#fff"})
    root.insert(0, background)
    for path in root.iter(f"{{{_SVG_NS}}}path"):
        path.set("fill", "#000")
        path.attrib.pop("id", None)  # the same id on every code: not unique on a page with two
    if label:
        title = ET.Element(f"{{{_SVG_NS}}}title")
        title.text = label
        root.insert(0, title)
    ET.register_namespace("", _SVG_NS)
    return ET.tostring(root, encoding="unicode")
