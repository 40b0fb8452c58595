"""The digital member card's QR code as SVG. Pure: no database, no network.

The number on the card is the member's primary `card` identity: the business's own card, or the random
number issued when the file was opened (members.cards). Only stored numbers find a member.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import qrcode
import qrcode.constants
import qrcode.image.svg

_SVG_NS = "http://www.w3.org/2000/svg"
# A QR code needs a light quiet zone of four modules around it to be read reliably.
QUIET_ZONE = 4


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
