"""`patronage webhooks`: an endpoint registered from the shell, and the listener an integrator tries
deliveries with, receiving a real signed delivery and refusing a forged one."""

from __future__ import annotations

import io
import socket
import threading
import urllib.error
import urllib.request

import pytest
from django.core.management import call_command

from patronage.core.outbox import outbox_publish
from patronage.messages.models import WebhookEndpoint
from patronage.messages.webhook_services import webhooks_pump

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _add(url: str) -> str:
    out = io.StringIO()
    call_command(
        "webhooks", "add", "--url", url, "--topics", "points.changed", stdout=out, stderr=io.StringIO()
    )
    return out.getvalue().strip().splitlines()[-1]


def _listening(port: int, secret: str, count: int) -> tuple[threading.Thread, io.StringIO]:
    out = io.StringIO()
    thread = threading.Thread(
        target=call_command,
        args=("webhooks", "listen", "--secret", secret, "--port", str(port), "--count", str(count)),
        kwargs={"stdout": out, "stderr": io.StringIO()},
        daemon=True,
    )
    thread.start()
    for _attempt in range(100):  # until the listener accepts connections
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        threading.Event().wait(0.02)
    return thread, out


def test_add_prints_the_secret_once_and_list_never_shows_it():
    secret = _add("http://127.0.0.1:9/hooks")
    assert secret.startswith("whsec_")
    listing = io.StringIO()
    call_command("webhooks", "list", stdout=listing)
    assert "http://127.0.0.1:9/hooks  [points.changed]  enabled" in listing.getvalue()
    assert secret not in listing.getvalue()
    assert WebhookEndpoint.objects.count() == 1


def test_the_listener_verifies_a_real_delivery_and_prints_it():
    port = _free_port()
    secret = _add(f"http://127.0.0.1:{port}/")
    thread, out = _listening(port, secret, count=1)
    outbox_publish(topic="points.changed", payload={"member": 7, "change": 37}, key="listen:1")

    webhooks_pump()
    thread.join(timeout=10)

    assert not thread.is_alive()
    assert "points.changed" in out.getvalue()
    assert out.getvalue().startswith("verified msg_")
    assert '"change": 37' in out.getvalue()


def test_the_listener_refuses_a_delivery_it_cannot_verify():
    port = _free_port()
    secret = _add(f"http://127.0.0.1:{port}/")
    thread, out = _listening(port, secret, count=1)
    forged = urllib.request.Request(
        f"http://127.0.0.1:{port}/",
        data=b'{"type": "points.changed", "data": {}}',
        headers={"webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "v1,Zm9yZ2Vk"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=5)
    assert refused.value.code == 401
    assert out.getvalue().startswith("refused msg_1")

    outbox_publish(topic="points.changed", payload={"member": 7, "change": 1}, key="listen:2")
    webhooks_pump()  # a real one ends the listener's count
    thread.join(timeout=10)
    assert not thread.is_alive()
