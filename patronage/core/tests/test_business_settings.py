"""The business's settings: the service that checks and saves them, the brand files every page links
(the logo and the colours), and the sign-in pages that carry the name and the logo."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from PIL import Image

from patronage.core.brand import accent_ink
from patronage.core.business import business, business_name
from patronage.core.business_services import business_update
from patronage.core.errors import ValidationFailed
from patronage.core.models import AuditEntry, Business, User

pytestmark = pytest.mark.django_db

SAVED_AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def _png(width: int = 64, height: int = 64, colour: str = "#b4532a", format: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format=format)
    return out.getvalue()


def _settings(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Hanbit & Sora Home",
        "time_zone": "Asia/Seoul",
        "languages": ["ko", "ja", "en"],
        "colour": "#B4532A",
        "logo": None,
        "logo_remove": False,
    }
    return values | changes


def _save(actor: User | None = None, **changes: Any) -> Business:
    return business_update(actor=actor, **_settings(**changes))


def _problems(refused: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {problem["field"]: problem["message"] for problem in refused.value.errors}


# --- the service ----------------------------------------------------------------------------------


def test_saving_writes_the_one_row_audits_it_and_every_page_reads_it_at_once(admin: User) -> None:
    assert business_name() == "Patronage"  # read before the change: the memo must not keep it
    with time_machine.travel(SAVED_AT, tick=False):
        _save(admin, logo=_png())

    row = Business.objects.get()
    assert (row.pk, row.name, row.time_zone, row.colour) == (1, "Hanbit & Sora Home", "Asia/Seoul", "#b4532a")
    assert row.languages == ["ko", "ja", "en"]
    assert row.updated_at == SAVED_AT
    assert row.logo_type == "image/png"
    assert business_name() == "Hanbit & Sora Home"
    entry = AuditEntry.objects.get(action="business.updated")
    assert entry.actor == admin
    assert entry.detail["fields"] == ["colour", "languages", "logo", "name", "time_zone"]
    assert entry.detail["changes"]["name"] == ["", "Hanbit & Sora Home"]


def test_it_names_every_bad_field_at_once_and_changes_nothing(admin: User) -> None:
    _save(admin, name="Before")
    with pytest.raises(ValidationFailed) as refused:
        _save(
            admin,
            name="",
            time_zone="Mars/Olympus",
            languages=["ko", "ko", "xx"],
            colour="red",
            logo=b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        )

    problems = _problems(refused)
    assert set(problems) == {"name", "time_zone", "languages", "colour", "logo"}
    assert problems["time_zone"] == "'Mars/Olympus' is not a time zone we know"
    assert "'xx' is not one of the languages offered" in problems["languages"]
    assert problems["colour"] == "the colour must be written #rrggbb, such as #2f5bd3"
    assert Business.objects.get().name == "Before"
    assert AuditEntry.objects.filter(action="business.updated").count() == 1


@pytest.mark.parametrize(
    ("languages", "message"),
    [([], "choose at least one language"), (["en", "en"], "each language may be chosen once")],
)
def test_it_refuses_no_language_and_a_language_twice(languages: list[str], message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _save(languages=languages)
    assert _problems(refused) == {"languages": message}


def test_it_refuses_a_name_longer_than_the_row_holds_or_holding_a_nul() -> None:
    with pytest.raises(ValidationFailed) as refused:
        _save(name="x" * 101)
    assert _problems(refused) == {"name": "the name is longer than 100 characters"}
    with pytest.raises(ValidationFailed) as refused:
        _save(name="Hanbit\x00")
    assert "NUL" in _problems(refused)["name"]


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "the logo must be a PNG, JPEG or WebP image"),
        (b"just some text in a file named logo.png", "the logo must be a PNG, JPEG or WebP image"),
        (_png(format="GIF"), "the logo must be a PNG, JPEG or WebP image"),
        (_png()[:60], "the logo file is damaged: it could not be read as an image"),
    ],
    ids=["svg", "text named png", "gif", "truncated png"],
)
def test_it_refuses_what_is_not_a_png_jpeg_or_webp_image(logo: bytes, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _save(logo=logo)
    assert _problems(refused) == {"logo": message}
    assert not Business.objects.exists()


def test_it_refuses_a_logo_over_256_kib() -> None:
    noise = Image.effect_noise((400, 400), 120).convert("RGB")
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert out.tell() > 256 * 1024
    with pytest.raises(ValidationFailed) as refused:
        _save(logo=out.getvalue())
    assert _problems(refused) == {"logo": "the logo is larger than 256 KiB"}


def test_it_refuses_a_small_file_claiming_a_huge_picture() -> None:
    huge = _png(6000, 6000, "#ffffff")  # one colour: a few KiB for 36 million pixels
    assert len(huge) < 256 * 1024
    with pytest.raises(ValidationFailed) as refused:
        _save(logo=huge)
    assert _problems(refused) == {"logo": "the logo has more than 25 million pixels"}


def test_a_big_logo_is_scaled_to_512_pixels_and_stored_as_png_without_its_metadata() -> None:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    Image.new("RGB", (2000, 1000), "#224466").save(out, format="JPEG", exif=exif, quality=80)

    row = _save(logo=out.getvalue())

    stored = Image.open(io.BytesIO(bytes(row.logo or b"")))
    assert stored.format == "PNG"
    assert stored.size == (512, 256)
    assert not stored.getexif()
    assert "exif" not in stored.info


def test_a_webp_logo_keeps_its_transparency() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (40, 40), (255, 0, 0, 0)).save(out, format="WEBP", lossless=True)
    row = _save(logo=out.getvalue())
    stored = Image.open(io.BytesIO(bytes(row.logo or b"")))
    assert stored.mode == "RGBA"
    pixel = stored.getpixel((0, 0))
    assert isinstance(pixel, tuple)
    assert pixel[3] == 0


def test_no_new_logo_keeps_the_logo_and_remove_takes_it_away() -> None:
    _save(logo=_png())
    assert _save(name="Renamed").logo
    removed = _save(logo_remove=True)
    assert removed.logo is None
    assert removed.logo_type == ""


# --- the brand files ---------------------------------------------------------------------------------


def test_the_logo_is_served_without_signing_in_with_its_type_etag_and_cache_headers() -> None:
    with time_machine.travel(SAVED_AT, tick=False):
        _save(logo=_png())

    response = Client().get("/brand/logo.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in response["Cache-Control"]
    assert Image.open(io.BytesIO(response.content)).size == (64, 64)
    again = Client().get("/brand/logo.png", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_the_logo_address_with_the_current_version_is_kept_a_year() -> None:
    _save(logo=_png())
    version = business().updated_at
    assert version is not None
    response = Client().get(f"/brand/logo.png?v={int(version.timestamp())}{version.microsecond:06d}")
    assert "immutable" in response["Cache-Control"]


def test_a_new_save_changes_the_etag() -> None:
    with time_machine.travel(SAVED_AT, tick=False):
        _save(logo=_png())
    first = Client().get("/brand/logo.png")["ETag"]
    with time_machine.travel(datetime(2025, 3, 2, tzinfo=UTC), tick=False):
        _save(logo=_png(colour="#000000"))
    assert Client().get("/brand/logo.png", headers={"If-None-Match": first}).status_code == 200


def test_no_logo_is_not_found() -> None:
    assert Client().get("/brand/logo.png").status_code == 404
    _save(logo=_png())
    _save(logo_remove=True)
    assert Client().get("/brand/logo.png").status_code == 404


def test_the_colours_stylesheet_carries_the_colour_and_readable_ink() -> None:
    default = Client().get("/brand/colours.css")
    assert default.status_code == 200
    assert default["Content-Type"] == "text/css; charset=utf-8"
    assert default.content.decode() == ":root { --accent: #2f5bd3; --accent-ink: #fff; }\n"

    _save(colour="#FFD400")  # a yellow: white on it is unreadable
    css = Client().get("/brand/colours.css").content.decode()
    assert css == ":root { --accent: #ffd400; --accent-ink: #111; }\n"


def test_a_colour_written_past_the_service_never_reaches_the_stylesheet() -> None:
    Business.objects.create(pk=1, colour="red;}")
    assert "--accent: #2f5bd3;" in Client().get("/brand/colours.css").content.decode()


@pytest.mark.parametrize(
    ("colour", "ink"),
    [("#000000", "#fff"), ("#ffffff", "#111"), ("#2f5bd3", "#fff"), ("#ffd400", "#111"), ("#b4532a", "#fff")],
)
def test_the_ink_is_the_one_with_the_better_wcag_contrast(colour: str, ink: str) -> None:
    assert accent_ink(colour) == ink


# --- the sign-in pages and headers -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/console/login/", "/portal/login/"])
def test_sign_in_pages_show_the_business_name_logo_and_colours(url: str) -> None:
    _save(logo=_png())
    version = business().updated_at
    assert version is not None

    html = Client().get(url).content.decode()

    assert 'alt="Hanbit &amp; Sora Home"' in html
    assert '<img src="/brand/logo.png?v=' in html
    assert "<span>Hanbit &amp; Sora Home</span>" in html
    assert "Patronage" not in html
    site, colours = html.index("patronage/site.css"), html.index('href="/brand/colours.css?v=')
    assert site < colours


@pytest.mark.parametrize("url", ["/console/login/", "/portal/login/"])
def test_sign_in_pages_without_a_logo_show_the_name_only(url: str) -> None:
    _save()
    html = Client().get(url).content.decode()
    assert "/brand/logo.png" not in html
    assert "Hanbit &amp; Sora Home" in html


def test_the_portal_welcomes_visitors_in_the_business_name() -> None:
    _save()
    html = Client().get("/portal/").content.decode()
    assert "Welcome to Hanbit &amp; Sora Home" in html
