"""The cast of actors every access test draws on: two members, staff in several groups, scoped API keys."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from patronage.core.apikeys import apikey_create
from patronage.core.models import User
from patronage.core.roles import Role
from patronage.core.services import staff_create
from patronage.loyalty.models import Program
from patronage.members.models import ConsentMethod, Member
from patronage.members.services import IdentityInput, member_create

STAFF_PASSWORD = "correct-horse-battery-9"
MEMBER_PASSWORD = "member-secret-pass-7"
# When the test programs were set up: before any purchase a test books (a purchase from before its program
# existed is refused unless sent as historical).
PROGRAMS_LAUNCHED = datetime(2000, 1, 1, tzinfo=UTC)


def program_launched(program: Program) -> Program:
    """The program as if set up at PROGRAMS_LAUNCHED, long before the purchases the tests book."""
    Program.objects.filter(pk=program.pk).update(created_at=PROGRAMS_LAUNCHED)
    program.refresh_from_db()
    return program


def _staff(username: str, *roles: Role) -> User:
    return staff_create(
        username=username, password=STAFF_PASSWORD, groups=roles, email=f"{username}@example.com"
    )


def _member(name: str, email: str, card: str, city: str) -> Member:
    user = User.objects.create_user(username=email, email=email, password=MEMBER_PASSWORD)
    return member_create(
        actor=None,
        identities=[IdentityInput("email", email), IdentityInput("card", card)],
        profile={"name": name, "city": city},
        consents={"email_marketing": True},
        consent_method=ConsentMethod.PORTAL,
        source="portal",
        user=user,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The cast of actors has passwords; the production hasher's deliberate slowness only slows tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def business_set(**fields: Any) -> None:
    """Saves the business's settings (its clock, languages, name) as an administrator would, for a test."""
    from patronage.core.business import business_forget
    from patronage.core.models import Business

    Business.objects.update_or_create(pk=1, defaults=fields)
    business_forget()


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request the test client sends activates its language in this thread (Django's LocaleMiddleware
    never deactivates it): the next test must start in the default language, not the last page's."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _business_fresh() -> Iterator[None]:
    """The business's settings are kept a few seconds per process; a test must not read another's."""
    from patronage.core.business import business_forget

    business_forget()
    yield
    business_forget()


@pytest.fixture(autouse=True)
def _webhooks_to_local_receivers(settings: Any) -> None:
    """Tests receive webhooks on 127.0.0.1; the refusal of private addresses is tested by turning it back on."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture(autouse=True)
def _private_cache(settings: Any) -> None:
    """Each test gets its own empty cache, not the shared folder a running product uses."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def admin(db: None) -> User:
    return _staff("ada_admin", Role.ADMIN)


@pytest.fixture
def agent(db: None) -> User:
    return _staff("sam_agent", Role.SERVICE_AGENT)


@pytest.fixture
def analyst(db: None) -> User:
    return _staff("ana_analyst", Role.ANALYST)


@pytest.fixture
def manager(db: None) -> User:
    return _staff("pam_manager", Role.PROGRAM_MANAGER)


@pytest.fixture
def lead(db: None) -> User:
    return _staff("sol_lead", Role.SERVICE_LEAD)


@pytest.fixture
def lead_analyst(db: None) -> User:
    """A service lead who is also an analyst: two groups, the rights of both."""
    return _staff("lee_lead", Role.SERVICE_LEAD, Role.ANALYST)


@pytest.fixture
def alice(db: None) -> Member:
    return _member("Alice Kim", "alice@example.com", "CARD-0001", "Seoul")


@pytest.fixture
def bob(db: None) -> Member:
    return _member("Bob Tanaka", "bob@example.com", "CARD-0002", "Osaka")


@pytest.fixture
def celery_eager() -> Iterator[None]:
    """Celery runs each task at once, in the test's own thread, instead of sending it to the broker."""
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


@pytest.fixture
def client_as() -> Callable[[User], Client]:
    """A test client logged in as the given user."""

    def login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_client() -> Callable[..., Client]:
    """A test client that sends a fresh API key with the given scopes."""

    def with_scopes(*scopes: str) -> Client:
        _key, plain = apikey_create(name="test integration", scopes=list(scopes), actor=None)
        return Client(headers={"Authorization": f"Bearer {plain}"})

    return with_scopes


CHROMIUM = Path("/usr/bin/chromium")
# Keeps Chromium off the network: without these it floods a closed network with refused connections.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The guides' pictures are refreshed on purpose (PATRONAGE_SCREENSHOTS=1); ordinary runs write under var/.
_ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = _ROOT / ("docs" if os.environ.get("PATRONAGE_SCREENSHOTS") == "1" else "var") / "screenshots"


@pytest.fixture
def browser_page(live_server: Any) -> Iterator[Any]:
    """A Playwright page in Debian's Chromium, pointed at the live test server."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (make test installs it)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 860})
        # Whatever the Content-Security-Policy refused (an inline script, a <style> element, a file from
        # elsewhere) is a page that works in no browser that enforces it: Chromium says so on the console.
        refused: list[str] = []
        context.on(
            "console",
            lambda message: (
                refused.append(f"{message.location.get('url', '')}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # Under Playwright's sync API the test body runs in its own context, with its own database
            # connection: close it, or PostgreSQL refuses to drop the test database at the end.
            connections.close_all()
        if refused:
            pytest.fail("The Content-Security-Policy refused:\n" + "\n".join(refused))


def console_sign_in(page: Any, user: User) -> None:
    """Signs a staff user in on the console's sign-in page the browser is showing, as a person would."""
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("main button:has-text('Sign in')")
    page.wait_for_url("**/console/")


@pytest.fixture
def screenshot() -> Callable[[Any, str], None]:
    """Saves a screenshot of the page as NAME.png for the user guides."""

    def save(page: Any, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)

    return save
