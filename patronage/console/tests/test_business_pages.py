"""Settings → Business: only administrators open it; saving it changes the name, clock, languages and
brand every page shows, and a refusal marks each bad field and changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from patronage.core.business import business
from patronage.core.models import Business, User

from .conftest import page_text

pytestmark = pytest.mark.django_db
URL = "/console/settings/business/"


def _form(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Hanbit & Sora Home",
        "time_zone": "Asia/Seoul",
        "languages": ["ko", "ja", "en"],
        "main_language": "ja",
        "colour": "#b4532a",
    }
    return values | changes


def _logo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (900, 300), "#b4532a").save(out, format="PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=")


def test_a_program_manager_may_not_open_it(client_as, manager: User) -> None:
    assert client_as(manager).get(URL).status_code == 403
    assert client_as(manager).post(URL, _form()).status_code == 403
    assert not Business.objects.exists()


def test_only_administrators_see_it_in_the_menu(client_as, admin: User, agent: User) -> None:
    assert f'href="{URL}"' in client_as(admin).get("/console/").content.decode()
    assert f'href="{URL}"' not in client_as(agent).get("/console/").content.decode()


def test_an_administrator_opens_it_with_every_zone_to_search(client_as, admin: User) -> None:
    response = client_as(admin).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="Asia/Seoul"></option>' in html
    assert 'type="color"' in html
    assert 'aria-current="page">Business</a>' in html


def test_saving_puts_the_main_language_first_and_scales_the_logo(client_as, admin: User) -> None:
    response = client_as(admin).post(URL, _form(logo=_logo()), follow=True)

    assert "The business's settings are saved." in page_text(response)
    row = Business.objects.get()
    assert row.languages == ["ja", "en", "ko"]  # the others in the order they stood (every language's)
    assert Image.open(io.BytesIO(bytes(row.logo or b""))).size == (512, 171)
    assert 'alt="Hanbit &amp; Sora Home"' in response.content.decode()  # the header shows the new logo


def test_every_bad_field_is_marked_at_once_and_nothing_changes(client_as, admin: User) -> None:
    svg = SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")
    response = client_as(admin).post(
        URL, _form(name="", time_zone="Mars/Olympus", languages=[], main_language="ko", logo=svg)
    )

    assert response.status_code == 400
    text = page_text(response)
    assert "the business needs a name" in text
    assert "'Mars/Olympus' is not a time zone we know" in text
    assert "choose at least one language" in text
    assert "the logo must be a PNG, JPEG or WebP image" in text
    assert not Business.objects.exists()


def test_the_main_language_must_be_ticked_too(client_as, admin: User) -> None:
    response = client_as(admin).post(URL, _form(languages=["ko"], main_language="en"))
    assert response.status_code == 400
    assert "Tick the main language among the languages too." in page_text(response)
    assert not Business.objects.exists()


def test_saving_again_keeps_the_order_of_the_languages(client_as, admin: User) -> None:
    client = client_as(admin)
    client.post(URL, _form(languages=["ko", "ja", "en"], main_language="ko"))
    Business.objects.filter(pk=1).update(languages=["ko", "ja", "en"])
    client.post(URL, _form(languages=["ko", "ja", "en"], main_language="ko", name="Renamed"))
    assert Business.objects.get().languages == ["ko", "ja", "en"]


def test_removing_the_logo(client_as, admin: User) -> None:
    client = client_as(admin)
    client.post(URL, _form(logo=_logo()))
    assert "Remove the logo" in page_text(client.get(URL))
    client.post(URL, _form(logo_remove="on"))
    assert not business().logo
    assert "/brand/logo.png" not in client.get(URL).content.decode()
