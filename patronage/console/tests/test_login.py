from __future__ import annotations

import pytest
from django.urls import reverse

from patronage.conftest import MEMBER_PASSWORD, STAFF_PASSWORD

from .conftest import page_text


def test_staff_sign_in_and_land_where_they_were_going(client, agent, alice):
    target = reverse("console:customer", args=[alice.pk])
    response = client.post(
        reverse("console:login") + f"?next={target}",
        {"username": agent.username, "password": STAFF_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response.url == target
    page = client.get(target)
    assert "Alice Kim" in page_text(page)
    assert "sam_agent · Service agent" in page_text(page)


def test_staff_without_a_destination_land_on_the_dashboard(client, agent):
    response = client.post(reverse("console:login"), {"username": agent.username, "password": STAFF_PASSWORD})
    assert response.url == reverse("console:home")


def test_a_member_account_is_refused_at_the_console_login(client, alice):
    response = client.post(
        reverse("console:login"), {"username": "alice@example.com", "password": MEMBER_PASSWORD}
    )
    assert response.status_code == 200
    assert "This is a member account" in page_text(response)
    assert client.get(reverse("console:home")).status_code == 302  # still signed out


def test_a_wrong_password_is_refused(client, agent):
    response = client.post(reverse("console:login"), {"username": agent.username, "password": "nope"})
    assert "correct username and password" in page_text(response)


def test_logout_is_a_post_and_signs_out(client_as, agent):
    client = client_as(agent)
    assert client.get(reverse("console:logout")).status_code == 405
    response = client.post(reverse("console:logout"))
    assert response.url == reverse("console:login")
    assert client.get(reverse("console:home")).status_code == 302


@pytest.mark.django_db  # every page reads the business's clock
def test_the_login_page_has_the_language_switch(client):
    response = client.get(reverse("console:login"))
    assert 'name="language"' in response.content.decode()


@pytest.mark.django_db  # every page reads the business's clock
def test_the_sign_in_pages_carry_the_business_name_not_the_servers_address(client, settings):
    settings.PATRONAGE_SITE_NAME = "Hanbit Living"
    for url in (reverse("console:login"), reverse("portal:login")):
        page = client.get(url).content.decode()
        assert "Hanbit Living" in page
        assert "testserver" not in page
