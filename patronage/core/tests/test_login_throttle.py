"""Login throttling, the same at both doors: the staff console and the member portal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from patronage.conftest import MEMBER_PASSWORD, STAFF_PASSWORD
from patronage.core.login_throttle import client_address

LOCKED = "Too many failed sign-in attempts"
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


@dataclass
class Door:
    """A login page and two accounts that may sign in there."""

    url: str
    username: str
    password: str
    other_username: str
    other_password: str

    def attempt(self, client: Client, username: str, password: str, address: str):
        return client.post(self.url, {"username": username, "password": password}, REMOTE_ADDR=address)

    def fail(self, client: Client, address: str = HOME, username: str | None = None):
        return self.attempt(client, username or self.username, "wrong-password", address)

    def sign_in(self, client: Client, address: str = HOME):
        return self.attempt(client, self.username, self.password, address)


@pytest.fixture(params=["console", "portal"])
def door(request, agent, admin, alice, bob) -> Door:
    if request.param == "console":
        return Door(reverse("console:login"), agent.username, STAFF_PASSWORD, admin.username, STAFF_PASSWORD)
    return Door(
        reverse("portal:login"), alice.user.username, MEMBER_PASSWORD, bob.user.username, MEMBER_PASSWORD
    )


def text(response) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_even_from_another_address(door):
    client = Client()
    for _ in range(4):
        response = door.fail(client)
        assert response.status_code == 200
        assert LOCKED not in text(response)

    fifth = door.fail(client)
    assert fifth.status_code == 429
    assert "Too many failed sign-in attempts. For your security, signing in is paused" in text(fifth)
    assert "please try again in 15 minutes." in text(fifth)
    assert fifth["Retry-After"] == str(15 * 60)

    elsewhere = Client()
    response = door.sign_in(elsewhere, address=ELSEWHERE)
    assert response.status_code == 429
    assert LOCKED in text(response)
    assert not signed_in(elsewhere)


def test_the_locked_page_is_our_own_login_page(door):
    client = Client()
    for _ in range(5):
        response = door.fail(client)
    assert response.status_code == 429
    assert 'name="password"' in response.content.decode()  # the form is still there, to try again later
    assert 'name="language"' in response.content.decode()  # with the site's header and language switch


def test_the_right_password_is_refused_while_the_account_is_locked(door):
    client = Client()
    for _ in range(5):
        door.fail(client)

    response = door.sign_in(client)

    assert response.status_code == 429
    assert LOCKED in text(response)
    assert not signed_in(client)


def test_failures_on_many_accounts_from_one_address_lock_that_address(door, settings):
    settings.PATRONAGE_LOGIN_FAILURES_PER_ADDRESS = 8
    client = Client()
    for number in range(7):
        response = door.fail(client, username=f"nobody{number}@example.com")
        assert response.status_code == 200

    eighth = door.fail(client, username="nobody7@example.com")
    assert eighth.status_code == 429
    assert LOCKED in text(eighth)
    # The address is locked for every account, the right password included...
    assert door.sign_in(client).status_code == 429
    assert not signed_in(client)
    # ...while the account itself, with no failures of its own, still signs in from elsewhere.
    elsewhere = Client()
    assert door.sign_in(elsewhere, address=ELSEWHERE).status_code == 302
    assert signed_in(elsewhere)


def test_an_address_may_fail_more_often_than_an_account(door):
    client = Client()
    for number in range(19):
        assert door.fail(client, username=f"nobody{number}@example.com").status_code == 200
    assert door.fail(client, username="nobody19@example.com").status_code == 429


def test_a_successful_login_before_the_limit_clears_the_failures(door):
    client = Client()
    for _ in range(4):
        door.fail(client)
    assert door.sign_in(client).status_code == 302

    again = Client()
    for _ in range(4):
        response = door.fail(again)
    assert response.status_code == 200
    assert LOCKED not in text(response)
    assert door.sign_in(again).status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_guesses_at_another(door):
    """Someone with an account of their own must not reset the count between guesses at someone else's."""
    guesser = Client()
    for _ in range(4):
        door.fail(guesser)
    assert door.attempt(guesser, door.other_username, door.other_password, HOME).status_code == 302

    assert door.fail(Client()).status_code == 429


def test_the_lockout_ends_after_the_cool_off(door):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        client = Client()
        for _ in range(5):
            door.fail(client)

        clock.shift(timedelta(minutes=14, seconds=30))
        response = door.sign_in(client)
        assert response.status_code == 429
        assert "please try again in 1 minute." in text(response)

        clock.shift(timedelta(seconds=31))
        assert door.sign_in(client).status_code == 302
        assert signed_in(client)


def test_the_wait_counts_from_the_failure_that_reached_the_limit(door):
    """Tries while locked are refused unchecked and do not push the end further away."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        client = Client()
        for _ in range(5):
            door.fail(client)
        clock.shift(timedelta(minutes=10))
        response = door.fail(client)
        assert "please try again in 5 minutes." in text(response)
        assert response["Retry-After"] == str(5 * 60)


def test_a_session_made_without_a_password_is_not_throttled(client_as, agent):
    for _ in range(5):
        Client().post(reverse("console:login"), {"username": agent.username, "password": "wrong"})
    # A session made without a password (tests, the sign-up) is not a login attempt.
    assert client_as(agent).get(reverse("console:home")).status_code == 200


def test_the_address_behind_proxies_is_the_one_the_outermost_proxy_saw(settings):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert client_address(spoofed) == "10.9.9.9"  # no proxy configured: the header is not believed

    settings.PATRONAGE_PROXY_COUNT = 1
    assert client_address(spoofed) == "203.0.113.7"
    settings.PATRONAGE_PROXY_COUNT = 2
    assert client_address(spoofed) == "1.1.1.1"
    settings.PATRONAGE_PROXY_COUNT = 3  # fewer entries than proxies: a request that bypassed them
    assert client_address(spoofed) == "10.9.9.9"
    settings.PATRONAGE_PROXY_COUNT = 1
    garbage = factory.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(garbage) == "10.9.9.9"


def test_member_emails_count_as_one_account_in_any_letter_case(alice):
    url = reverse("portal:login")
    client = Client()
    for variant in ["Alice@example.com", "ALICE@example.com", "alice@EXAMPLE.com", "aLiCe@example.com"]:
        client.post(url, {"username": variant, "password": "wrong"}, REMOTE_ADDR=HOME)
    response = client.post(url, {"username": "alice@example.com", "password": "wrong"}, REMOTE_ADDR=HOME)
    assert response.status_code == 429
