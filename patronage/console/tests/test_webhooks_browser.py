"""An administrator's path through Settings → Webhooks in Chromium: add an endpoint and copy its secret,
shown once; open an endpoint the product disabled, read its deliveries, re-send one, replay a day, enable
it again. Takes the webhook guide's pictures."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from patronage.conftest import business_set, console_sign_in
from patronage.core import clock
from patronage.messages.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

from .webhook_setup import endpoint_with_deliveries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEOUL = ZoneInfo("Asia/Seoul")
NEW_RECEIVER = "https://shop.example.com/webhooks/patronage"


def test_an_administrator_adds_an_endpoint_and_looks_after_a_failing_one(browser_page, screenshot, admin):
    business_set(time_zone=str(SEOUL))
    failing, _secret = endpoint_with_deliveries(actor=admin)
    now = clock.now()
    WebhookEndpoint.objects.filter(pk=failing.pk).update(
        enabled=False, disabled_at=now, disabled_reason="failing", failing_since=now - timedelta(days=3)
    )
    page = browser_page
    page.goto("/console/login/")
    console_sign_in(page, admin)

    page.click("nav a:has-text('Webhooks')")
    page.wait_for_url("**/console/settings/webhooks/")
    assert "failed every delivery since" in page.inner_text("main .message.warning")
    page.fill("#id_url", NEW_RECEIVER)
    page.check("#id_topics label:has-text('points.changed') input")
    page.check("#id_topics label:has-text('tier.changed') input")
    page.fill("#id_description", "Web shop: points and tiers on the account page")
    screenshot(page, "console-webhooks")
    page.click("main button:has-text('Add endpoint')")

    page.wait_for_selector("#webhook-secret")
    secret = page.input_value("#webhook-secret")
    added = WebhookEndpoint.objects.get(url=NEW_RECEIVER)
    assert secret == added.secret
    assert added.topics == ["points.changed", "tier.changed"]
    page.focus("#webhook-secret")  # focusing selects it, ready to copy
    selected = "el => el.value.slice(el.selectionStart, el.selectionEnd)"
    assert page.eval_on_selector("#webhook-secret", selected) == secret
    screenshot(page, "console-webhook-secret")
    page.click("main a:has-text('Done')")
    page.wait_for_url(f"**/console/settings/webhooks/{added.pk}/")
    assert secret not in page.content()

    page.goto(f"/console/settings/webhooks/{failing.pk}/")
    assert "disabled because failing" in page.inner_text("main")
    assert "Service Unavailable" in page.inner_text("#deliveries")
    screenshot(page, "console-webhook-endpoint")
    failed = WebhookDelivery.objects.get(endpoint=failing, status=DeliveryStatus.FAILED)
    page.click(f"#delivery-{failed.pk} button:has-text('Re-send')")
    page.wait_for_selector("text=The delivery will be sent again in a moment.")
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.PENDING

    today = clock.now().astimezone(SEOUL).date()
    page.fill("#replay_start", f"{today - timedelta(days=1)}T00:00")
    page.fill("#replay_end", f"{today + timedelta(days=1)}T00:00")
    page.click("main button:has-text('Replay')")
    page.wait_for_selector("text=deliveries will be sent again in a moment.")
    assert set(WebhookDelivery.objects.filter(endpoint=failing).values_list("status", flat=True)) == {
        DeliveryStatus.PENDING
    }

    page.click("main button:has-text('Enable')")
    page.wait_for_selector("text=deliveries to it start again")
    failing.refresh_from_db()
    assert failing.enabled
    assert failing.failing_since is None
