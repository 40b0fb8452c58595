"""Settings → Webhooks: an administrator adds an endpoint and sees its secret once, changes it, disables
and enables it, rotates its secret, deletes it, and follows, re-sends and replays its deliveries; nobody
without the right to manage webhooks opens any of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from patronage.conftest import business_set
from patronage.console.views.webhooks import DELIVERIES_PER_PAGE
from patronage.core import clock
from patronage.core.models import AuditEntry
from patronage.core.outbox import outbox_publish
from patronage.messages import webhook_services
from patronage.messages.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

from .conftest import page_text
from .webhook_setup import RECEIVER, endpoint_with_deliveries

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(admin):
    return endpoint_with_deliveries(actor=admin)[0]


def _pages(endpoint: WebhookEndpoint) -> list[tuple[str, str, dict]]:
    """(method, address, form) of every webhook page and action."""
    delivery = WebhookDelivery.objects.filter(endpoint=endpoint).first()
    assert delivery is not None
    at = endpoint.pk
    return [
        ("get", reverse("console:webhooks"), {}),
        ("post", reverse("console:webhook_create"), {"url": RECEIVER, "topics": ["*"]}),
        ("get", reverse("console:webhook", args=[at]), {}),
        ("post", reverse("console:webhook_edit", args=[at]), {"url": RECEIVER, "topics": ["*"]}),
        ("post", reverse("console:webhook_enable", args=[at]), {"enabled": "false"}),
        ("post", reverse("console:webhook_rotate", args=[at]), {}),
        ("get", reverse("console:webhook_delete", args=[at]), {}),
        ("post", reverse("console:webhook_resend", args=[at, delivery.pk]), {}),
        (
            "post",
            reverse("console:webhook_replay", args=[at]),
            {"start": "2026-01-01T00:00", "end": "2026-01-02T00:00"},
        ),
        ("post", reverse("console:webhook_delete", args=[at]), {}),  # last: it removes the endpoint
    ]


# ---- who may ----------------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_the_login(client, endpoint):
    for method, url, form in _pages(endpoint):
        response = getattr(client, method)(url, form)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("console:login")), url


def test_a_program_manager_may_not_open_any_of_it(client_as, manager, endpoint):
    client = client_as(manager)
    for method, url, form in _pages(endpoint):
        assert getattr(client, method)(url, form).status_code == 403, url
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).exists()
    assert "Webhooks" not in page_text(client.get(reverse("console:home")))


def test_an_administrator_may_do_all_of_it(client_as, admin, endpoint):
    client = client_as(admin)
    for method, url, form in _pages(endpoint):
        response = getattr(client, method)(url, form)
        assert response.status_code in (200, 302), f"{url}: {response.status_code}"
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_the_settings_navigation_lists_webhooks_for_an_administrator(client_as, admin):
    response = client_as(admin).get(reverse("console:webhooks"))
    assert 'href="/console/settings/webhooks/"' in response.content.decode()
    assert 'aria-current="page">Webhooks<' in response.content.decode()


def test_an_unknown_endpoint_is_404(client_as, admin):
    assert client_as(admin).get(reverse("console:webhook", args=[999])).status_code == 404


# ---- adding: the secret once ---------------------------------------------------------------------------


def test_a_new_endpoint_shows_its_secret_once_then_never(client_as, admin):
    client = client_as(admin)

    response = client.post(
        reverse("console:webhook_create"),
        {"url": RECEIVER, "topics": ["points.changed", "tier.changed"], "description": "POS"},
    )

    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("whsec_")
    assert secret in response.content.decode()
    assert "shown only this once" in page_text(response)
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.topics == ["points.changed", "tier.changed"]
    for url in (
        reverse("console:webhooks"),
        reverse("console:webhook", args=[endpoint.pk]),
        reverse("console:webhook_delete", args=[endpoint.pk]),
    ):
        assert secret not in client.get(url).content.decode(), url


def test_the_form_lists_every_topic_with_its_words_and_all_topics(client_as, admin):
    text = page_text(client_as(admin).get(reverse("console:webhooks")))
    assert "All topics, including those added later" in text
    assert "points.changed: A member's points changed" in text


def test_all_topics_with_others_ticked_is_all_topics(client_as, admin):
    client_as(admin).post(
        reverse("console:webhook_create"), {"url": RECEIVER, "topics": ["*", "tier.changed"]}
    )
    assert WebhookEndpoint.objects.get().topics == ["*"]


def test_every_problem_is_shown_at_once_on_its_field(client_as, admin, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = client_as(admin).post(
        reverse("console:webhook_create"), {"url": "ftp://127.0.0.1/x", "topics": []}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"url", "topics"}
    assert "only http:// and https://" in errors["url"][0]
    assert "choose at least one topic" in errors["topics"][0]
    assert not WebhookEndpoint.objects.exists()


# ---- an endpoint's page ----------------------------------------------------------------------------------


def test_the_endpoint_page_lists_its_deliveries_with_their_answers(client_as, admin, endpoint):
    text = page_text(client_as(admin).get(reverse("console:webhook", args=[endpoint.pk])))

    assert "Point of sale, all stores" in text
    assert "503" in text
    assert "Service Unavailable" in text
    assert "tier.changed" in text
    for status in ("delivered", "failed", "pending"):
        assert status in text


def test_deliveries_are_filtered_by_status(client_as, admin, endpoint):
    response = client_as(admin).get(reverse("console:webhook", args=[endpoint.pk]), {"status": "failed"})

    shown = list(response.context["page"])
    assert [delivery.status for delivery in shown] == [DeliveryStatus.FAILED]


def test_deliveries_are_paged(client_as, admin, endpoint):
    for number in range(DELIVERIES_PER_PAGE):
        outbox_publish(topic="points.changed", payload={"member": 1}, key=f"paging:{number}")
    webhook_services.events_fan_out()
    client = client_as(admin)

    first = client.get(reverse("console:webhook", args=[endpoint.pk]))
    second = client.get(reverse("console:webhook", args=[endpoint.pk]), {"page": 2})

    assert len(first.context["page"]) == DELIVERIES_PER_PAGE
    assert len(second.context["page"]) == 3
    assert "Page 2 of 2" in page_text(second)


def test_times_are_shown_in_the_readers_zone(client_as, admin, endpoint):
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, status=DeliveryStatus.FAILED)
    at = datetime(2026, 3, 1, 0, 30, tzinfo=ZoneInfo("UTC"))
    delivery.event.created_at = at
    delivery.event.save(update_fields=["created_at"])
    business_set(time_zone="Asia/Seoul")

    text = page_text(client_as(admin).get(reverse("console:webhook", args=[endpoint.pk])))

    assert "Mar 1, 2026, 9:30 AM" in text  # 00:30 UTC on the business's Seoul clock


def test_resending_a_delivered_delivery_queues_it_again(client_as, admin, endpoint):
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, status=DeliveryStatus.DELIVERED)

    response = client_as(admin).post(reverse("console:webhook_resend", args=[endpoint.pk, delivery.pk]))

    assert response.url == reverse("console:webhook", args=[endpoint.pk])
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert AuditEntry.objects.filter(action="webhook.resent").exists()


def test_a_replay_reads_the_range_on_the_business_clock(client_as, admin, endpoint):
    business_set(time_zone="Asia/Seoul")
    now = clock.now().astimezone(ZoneInfo("Asia/Seoul"))
    start = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    end = (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    WebhookDelivery.objects.filter(endpoint=endpoint).update(status=DeliveryStatus.DELIVERED)

    client = client_as(admin)
    response = client.post(
        reverse("console:webhook_replay", args=[endpoint.pk]), {"start": start, "end": end}
    )

    assert response.status_code == 302
    assert "3 deliveries will be sent again" in page_text(client.get(response.url))
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    entry = AuditEntry.objects.get(action="webhook.replayed")
    assert entry.detail["start"].endswith("+09:00")


def test_a_replay_that_ends_before_it_starts_is_refused_on_its_field(client_as, admin, endpoint):
    response = client_as(admin).post(
        reverse("console:webhook_replay", args=[endpoint.pk]),
        {"start": "2026-05-02T00:00", "end": "2026-05-01T00:00"},
    )

    assert response.status_code == 400
    assert response.context["replay"].errors["end"] == ["The end must come after the start."]


def test_settings_are_changed_with_every_problem_on_its_field(client_as, admin, endpoint):
    client = client_as(admin)
    bad = client.post(
        reverse("console:webhook_edit", args=[endpoint.pk]), {"url": "gopher://x", "topics": ["*"]}
    )
    assert bad.status_code == 400
    assert "url" in bad.context["form"].errors

    good = client.post(
        reverse("console:webhook_edit", args=[endpoint.pk]),
        {"url": RECEIVER + "/v2", "topics": ["tier.changed"], "description": "new till"},
    )

    assert good.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.topics, endpoint.description) == (
        RECEIVER + "/v2",
        ["tier.changed"],
        "new till",
    )


def test_disabling_and_enabling_say_who_disabled_it(client_as, admin, endpoint):
    client = client_as(admin)
    client.post(reverse("console:webhook_enable", args=[endpoint.pk]), {"enabled": "false"})
    assert "disabled by a person" in page_text(client.get(reverse("console:webhook", args=[endpoint.pk])))

    client.post(reverse("console:webhook_enable", args=[endpoint.pk]), {"enabled": "true"})
    endpoint.refresh_from_db()
    assert endpoint.enabled


def test_an_endpoint_the_product_disabled_is_announced_with_a_warning(client_as, admin, endpoint):
    now = clock.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        enabled=False, disabled_at=now, disabled_reason="failing", failing_since=now - timedelta(days=3)
    )
    client = client_as(admin)

    listing = page_text(client.get(reverse("console:webhooks")))
    page = page_text(client.get(reverse("console:webhook", args=[endpoint.pk])))

    assert f"The endpoint {RECEIVER} failed every delivery since" in listing
    assert "disabled because failing" in listing
    assert "This endpoint failed every delivery since" in page


def test_the_dashboard_warns_who_looks_after_webhooks_of_an_endpoint_switched_off(
    client_as, admin, manager, endpoint
):
    now = clock.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        enabled=False, disabled_at=now, disabled_reason="failing", failing_since=now - timedelta(days=3)
    )
    warning = f"The endpoint {RECEIVER} failed every delivery since"

    assert warning in page_text(client_as(admin).get(reverse("console:home")))
    assert warning not in page_text(client_as(manager).get(reverse("console:home")))


def test_rotating_shows_the_new_secret_once_and_the_old_ones_end(client_as, admin, endpoint):
    client = client_as(admin)
    old = endpoint.secret

    response = client.post(reverse("console:webhook_rotate", args=[endpoint.pk]))

    secret = response.context["secret"]
    assert secret != old
    assert secret in response.content.decode()
    text = page_text(response)
    assert "shown only this once" in text
    assert "signed with the old secret as well" in text
    page = client.get(reverse("console:webhook", args=[endpoint.pk])).content.decode()
    assert secret not in page
    assert old not in page
    assert "Old secret valid until" in page_text(client.get(reverse("console:webhook", args=[endpoint.pk])))


def test_deleting_asks_first_then_removes_it(client_as, admin, endpoint):
    client = client_as(admin)
    question = page_text(client.get(reverse("console:webhook_delete", args=[endpoint.pk])))
    assert f"Delete {RECEIVER} and its 3 deliveries?" in question

    response = client.post(reverse("console:webhook_delete", args=[endpoint.pk]))

    assert response.url == reverse("console:webhooks")
    assert not WebhookEndpoint.objects.exists()
    assert "was deleted" in page_text(client.get(response.url))


def test_the_audit_log_says_the_webhook_changes_in_words(client_as, admin, endpoint):
    client = client_as(admin)
    client.post(reverse("console:webhook_rotate", args=[endpoint.pk]))

    text = page_text(client.get(reverse("console:audit")))

    assert "registered the webhook endpoint" in text
    assert "rotated the webhook endpoint's signing secret" in text
    assert f"webhook endpoint {RECEIVER}" in text
