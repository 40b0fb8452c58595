"""The production settings pass Django's deploy check, and every page carries its Content-Security-Policy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
POLICY = "Content-Security-Policy"


def _deploy_check(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy` in a fresh process, since the settings read the environment when imported."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PATRONAGE_", "SECURE_", "DJANGO_")) and key not in {"DEBUG", "SECRET_KEY"}
    }
    env.update(PATRONAGE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", **environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_production_settings_pass_the_deploy_check(tmp_path):
    result = _deploy_check(
        tmp_path,
        SECRET_KEY="k7Qp2-vXw9_ZsT4mLr8yNc3Hb6Jd1Fg5Ae0Ui7Oo2Pq9Rs4Tt6Vv8Ww1Xx3Yy5Zz7",
        DEBUG="false",
        ALLOWED_HOSTS="loyalty.example.com",
        PATRONAGE_HTTPS="true",
        PATRONAGE_PROXY_COUNT="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_the_deploy_check_asks_for_it(tmp_path):
    """The local default (`make run` on plain http) is not a production setting, and the check says so."""
    result = _deploy_check(tmp_path, DEBUG="false", ALLOWED_HOSTS="loyalty.example.com")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr
    assert "SECURE_HSTS_SECONDS" in result.stderr


@pytest.mark.django_db  # every page reads the business's clock
def test_the_default_run_serves_plain_http(client, settings):
    assert not settings.SECURE_SSL_REDIRECT
    response = client.get(reverse("console:login"))
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response


def test_the_health_check_answers_over_plain_http_when_https_is_required(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("console:login")).status_code == 301
    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.parametrize(
    "url", ["/console/login/", "/portal/login/", "/portal/", "/api/v1/docs"], ids=lambda url: url
)
def test_pages_carry_the_content_security_policy(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    # The directives come in no fixed order (django-csp keeps them in a set): compare them one by one.
    directives = {directive.strip() for directive in response[POLICY].split(";")}
    assert "default-src 'self'" in directives
    assert "script-src 'self'" in directives  # no 'unsafe-inline', no 'unsafe-eval', no other origin
    assert "style-src-elem 'self'" in directives
    assert "frame-ancestors 'none'" in directives


def test_signed_in_pages_carry_it_too(client_as, agent, alice):
    assert POLICY in client_as(agent).get(reverse("console:home"))
    assert POLICY in client_as(alice.user).get(reverse("portal:home"))


def test_no_page_template_carries_inline_script():
    """Inline script and on...= handlers would be refused by the policy: behaviour lives in static files."""
    offenders = []
    for template in ROOT.glob("patronage/*/templates/**/*.html"):
        html = template.read_text()
        for line_number, line in enumerate(html.splitlines(), 1):
            inline_script = "<script" in line and " src=" not in line and "json" not in line
            if inline_script or _has_event_handler(line):
                offenders.append(f"{template.relative_to(ROOT)}:{line_number}: {line.strip()}")
    assert offenders == []


def _has_event_handler(line: str) -> bool:
    return re.search(r"\son[a-z]+\s*=", line) is not None


def test_the_api_guide_page_uses_no_other_origin(db):
    page = Client().get("/api/v1/docs").content.decode()
    assert "cdn." not in page
    assert "https://" not in page
