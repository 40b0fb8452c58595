"""An administrator's path through Settings → Business in Chromium: name the business, pick its clock,
languages and colour, upload a logo; then the sign-in pages carry the brand."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from patronage.conftest import console_sign_in
from patronage.core.models import Business
from patronage.demo.parts.business import logo_draw

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_brands_the_business_and_the_sign_in_pages_show_it(
    browser_page, screenshot, admin, tmp_path: Path
):
    logo = tmp_path / "logo.png"
    logo.write_bytes(logo_draw("H", "#b4532a"))
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, admin)

    page.click("nav a:has-text('Business')")
    page.wait_for_url("**/console/settings/business/")
    page.fill("#id_name", "Hanbit & Sora Home")
    page.fill("#id_time_zone", "Asia/Seoul")
    for language in ("Korean", "Japanese", "English"):
        page.check(f"#id_languages label:has-text('{language}') input")
    page.uncheck("#id_languages label:has-text('Simplified Chinese') input")
    page.select_option("#id_main_language", "ko")
    # A colour input takes its value from the picker; filling sends the same input event a pick does.
    page.fill("#id_colour", "#b4532a")
    page.set_input_files("#id_logo", str(logo))
    assert page.inner_text("[data-preview-name]") == "Hanbit & Sora Home"
    assert (
        page.eval_on_selector("[data-preview-swatch]", "el => getComputedStyle(el).color")
        == "rgb(255, 255, 255)"
    )
    page.click("main button:has-text('Save settings')")
    page.wait_for_selector("text=The business's settings are saved.")

    row = Business.objects.get()
    assert (row.name, row.time_zone, row.languages, row.colour) == (
        "Hanbit & Sora Home",
        "Asia/Seoul",
        ["ko", "en", "ja"],  # the main language first, then the others in the order they stood
        "#b4532a",
    )
    header = page.locator("header a.brand")
    assert "Hanbit & Sora Home" in header.inner_text()
    assert header.locator("img").get_attribute("alt") == "Hanbit & Sora Home"
    button = page.locator("main button.primary")
    # The brand's colour comes with the page's styles: waited for, not read the moment the page is there.
    expect(button).to_have_css("background-color", "rgb(180, 83, 42)")
    screenshot(page, "business-settings")

    page.click("header button:has-text('Log out')")
    page.wait_for_url("**/console/login/")
    brand = page.locator(".signin-brand")
    assert brand.inner_text() == "Hanbit & Sora Home"
    assert brand.locator("img").evaluate("img => img.complete && img.naturalWidth") == 128
    screenshot(page, "branded-sign-in")

    page.goto("/portal/login/")
    assert page.locator(".signin-brand").inner_text() == "Hanbit & Sora Home"
    logo_shown = page.locator(".signin-brand img").evaluate("img => img.naturalWidth")
    assert logo_shown == Image.open(io.BytesIO(bytes(row.logo or b""))).width
