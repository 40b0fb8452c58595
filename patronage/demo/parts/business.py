"""The demo business's settings: its name, its clock and languages, its colour and a simple logo.

Saved through the settings service, as an administrator would on Settings → Business, before anything
else, so every page of the demo carries the brand.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from patronage.core.business_services import business_update
from patronage.demo.world import Part, World

# A Korean-Japanese home-goods retailer with two brands, Hanbit Living and Sora Kitchen.
NAME = "Hanbit & Sora Home"
# The programmes' clock (the stores in Tokyo share Seoul's UTC+9).
TIME_ZONE = "Asia/Seoul"
# The members' languages: Korean first (most members), then Japanese and English.
LANGUAGES = ["ko", "ja", "en"]
COLOUR = "#b4532a"  # terracotta; white text reads on it
LOGO_SIDE = 128


def business_save(world: World) -> None:
    """Saves the demo business's settings (the system acting: no staff member is signed in)."""
    business_update(
        actor=None,
        name=NAME,
        time_zone=TIME_ZONE,
        languages=LANGUAGES,
        colour=COLOUR,
        logo=logo_draw(NAME[0], COLOUR),
        logo_remove=False,
    )
    world.lines.append(f"Business: {NAME}, {TIME_ZONE}, languages {', '.join(LANGUAGES)}")


def logo_draw(initial: str, colour: str) -> bytes:
    """A rounded square in the brand colour with the initial in white, as a PNG."""
    image = Image.new("RGBA", (LOGO_SIDE, LOGO_SIDE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, LOGO_SIDE - 1, LOGO_SIDE - 1), radius=LOGO_SIDE // 5, fill=colour)
    font = ImageFont.load_default(size=LOGO_SIDE * 5 // 8)
    centre = (LOGO_SIDE / 2, LOGO_SIDE / 2)
    draw.text(centre, initial, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


PART = Part("business", before=business_save)
