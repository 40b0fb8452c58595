from __future__ import annotations

from django.urls import reverse

from patronage.core.apikeys import apikey_authenticate
from patronage.core.models import ApiKey

from .conftest import page_text


def test_a_new_key_is_shown_once_then_only_its_prefix(client_as, admin):
    client = client_as(admin)
    response = client.post(
        reverse("console:apikey_create"), {"name": "Web shop", "scopes": ["members:read", "imports"]}
    )
    assert response.status_code == 200
    plain = response.context["plain"]
    assert plain in response.content.decode()
    assert "shown only this once" in page_text(response)
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert apikey_authenticate(plain=plain) is not None

    listing = client.get(reverse("console:apikeys")).content.decode()
    key = ApiKey.objects.get(name="Web shop")
    assert plain not in listing
    assert f"pat_{key.prefix}…" in listing
    assert "Web shop" in listing
    assert "members:read" in listing


def test_a_key_needs_a_name_and_a_scope(client_as, admin):
    response = client_as(admin).post(reverse("console:apikey_create"), {"name": "", "scopes": []})
    assert response.status_code == 400
    assert "This field is required" in page_text(response)
    assert not ApiKey.objects.exists()


def test_a_revoked_key_stops_working(client_as, admin):
    client = client_as(admin)
    plain = client.post(
        reverse("console:apikey_create"), {"name": "Old POS", "scopes": ["members:read"]}
    ).context["plain"]
    key = ApiKey.objects.get(name="Old POS")
    response = client.post(reverse("console:apikey_revoke", args=[key.pk]))
    assert response.url == reverse("console:apikeys")
    assert "was revoked" in page_text(client.get(response.url))
    assert apikey_authenticate(plain=plain) is None
