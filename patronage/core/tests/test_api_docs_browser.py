"""The API guide (Swagger UI, served from our own static files) works under the Content-Security-Policy."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_guide_renders_and_opens_an_operation(browser_page):
    page = browser_page
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Patronage" in page.inner_text(".swagger-ui .info .title")

    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body")
