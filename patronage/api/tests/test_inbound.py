"""POST /api/v1/inbound/email: a raw message handed over by a mail server; only `inbound:write` keys and
administrators may."""

from __future__ import annotations

import pytest
from django.test import Client

from patronage.messages.models import InboundEmail
from patronage.messages.tests.test_inbound import PDF, mail

pytestmark = pytest.mark.django_db
URL = "/api/v1/inbound/email"


def _post(client: Client, raw: bytes):
    return client.post(URL, data=raw, content_type="message/rfc822")


def test_a_message_is_stored_and_answered_with_its_member(api_client, alice):
    response = _post(api_client("inbound:write"), mail(attachments=[("receipt.pdf", "application/pdf", PDF)]))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["member_id"] == alice.pk
    assert body["attachments"] == 1
    assert body["already_stored"] is False
    assert InboundEmail.objects.get().pk == body["id"]


def test_the_same_message_again_answers_the_stored_one(api_client):
    client = api_client("inbound:write")
    first = _post(client, mail()).json()
    again = _post(client, mail()).json()

    assert again["id"] == first["id"]
    assert again["already_stored"] is True
    assert InboundEmail.objects.count() == 1


def test_a_message_over_the_limit_gets_413_and_is_not_stored(api_client, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 2000
    response = _post(api_client("inbound:write"), mail(text="x" * 3000))

    assert response.status_code == 413
    assert "INBOUND_EMAIL_MAX_BYTES" in response.json()["detail"]
    assert not InboundEmail.objects.exists()


def test_a_message_larger_than_the_json_bodies_limit_is_accepted_within_its_own(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post(api_client("inbound:write"), mail(text="x" * 3000))

    assert response.status_code == 201, response.content


def test_something_that_is_not_an_e_mail_gets_422_naming_the_problem(api_client):
    response = _post(api_client("inbound:write"), b'{"hello": "world"}')

    assert response.status_code == 422
    assert "no From header" in response.json()["detail"]
    assert not InboundEmail.objects.exists()


def test_a_forbidden_attachment_gets_422_naming_it(api_client):
    response = _post(
        api_client("inbound:write"), mail(attachments=[("x.exe", "application/x-msdownload", b"MZ")])
    )

    assert response.status_code == 422
    assert "x.exe" in response.json()["detail"]


def test_without_credentials_401_and_without_the_scope_403(api_client):
    assert _post(Client(), mail()).status_code == 401
    assert _post(api_client("webhooks:manage"), mail()).status_code == 403
    assert not InboundEmail.objects.exists()


def test_an_administrator_may_and_an_agent_may_not(admin, agent):
    def session(user):
        client = Client(enforce_csrf_checks=False)
        client.force_login(user)
        return client

    assert _post(session(agent), mail()).status_code == 403
    assert _post(session(admin), mail()).status_code == 201
