"""The business's brand as pages draw it: the logo made safe to serve, and the ink that reads on its colour.

Pure: no database. The settings service calls `logo_clean` before it stores a logo; the stylesheet view
calls `accent_ink` for the text on buttons and the current menu item.
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from patronage.core.inputs import Refusal

LOGO_MAX_BYTES = 256 * 1024
LOGO_MAX_SIDE = 512
# A 256 KiB file of one colour can claim 30,000 by 30,000 pixels and take gigabytes to decode: a logo
# never needs more than this many before it is scaled down.
LOGO_MAX_PIXELS = 25_000_000
# PNG, JPEG and WebP only. SVG is refused on purpose: it may carry script, which runs when someone
# opens the logo's address directly.
LOGO_FORMATS = ("PNG", "JPEG", "WEBP")
LOGO_TYPE = "image/png"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
INK_LIGHT = "#fff"
INK_DARK = "#111"


def logo_clean(data: bytes) -> bytes | Refusal:
    """The uploaded logo as a PNG at most LOGO_MAX_SIDE pixels on its longest side, with no metadata
    (a camera's EXIF may hold where a photo was taken); or a Refusal saying why it cannot be a logo."""
    if len(data) > LOGO_MAX_BYTES:
        return Refusal(gettext_noop("the logo is larger than %(size)d KiB"), {"size": LOGO_MAX_BYTES // 1024})
    try:
        with Image.open(io.BytesIO(data), formats=LOGO_FORMATS) as probe:
            if probe.width * probe.height > LOGO_MAX_PIXELS:
                return _too_many_pixels()
            probe.verify()  # checks the file's structure; the image must be opened again to be read
        with Image.open(io.BytesIO(data), formats=LOGO_FORMATS) as image:
            image.load()
            return _png(image)
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return Refusal(gettext_noop("the logo must be a PNG, JPEG or WebP image"))
    except (OSError, SyntaxError, ValueError):  # what Pillow raises for a truncated or damaged file
        return Refusal(gettext_noop("the logo file is damaged: it could not be read as an image"))


def _too_many_pixels() -> Refusal:
    return Refusal(
        gettext_noop("the logo has more than %(pixels)d million pixels"),
        {"pixels": LOGO_MAX_PIXELS // 1_000_000},
    )


def _png(image: Image.Image) -> bytes:
    """Re-encodes from the pixels alone, so nothing of the upload but its picture is served."""
    upright = ImageOps.exif_transpose(image)  # a phone's photo stands the way it was taken
    keeps_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    pixels = upright.convert("RGBA" if keeps_alpha else "RGB")
    side = LOGO_MAX_SIDE
    while True:
        scaled = pixels.copy()
        scaled.thumbnail((side, side), Image.Resampling.LANCZOS)
        scaled.info = {}  # no ICC profile, EXIF or text chunks carried over
        out = io.BytesIO()
        scaled.save(out, format="PNG", optimize=True)
        # A detailed photo can be larger as a PNG than the JPEG it came from: a smaller one still reads
        # as a logo in a header 2 rem high, and keeps the stored logo within the model's bound.
        if out.tell() <= LOGO_MAX_BYTES or side <= 64:
            return out.getvalue()
        side //= 2


def colour_refusal(value: str) -> Refusal | None:
    if not COLOUR.fullmatch(value):
        return Refusal(gettext_noop("the colour must be written #rrggbb, such as #2f5bd3"))
    return None


def accent_ink(colour: str) -> str:
    """White or near-black, whichever has the higher WCAG 2 contrast ratio on `colour` (#rrggbb)."""
    background = _luminance(colour)
    light, dark = _luminance("#ffffff"), _luminance("#111111")
    return INK_LIGHT if _contrast(light, background) >= _contrast(background, dark) else INK_DARK


def _contrast(lighter: float, darker: float) -> float:
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""

    def linear(channel: str) -> float:
        value = int(channel, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(colour[index : index + 2]) for index in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
