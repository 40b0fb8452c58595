"""A real Celery worker, fed through the local Redis (or RabbitMQ), runs a periodic job against the database."""

import socket
import time
from datetime import timedelta

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

BROKERS = [("redis://127.0.0.1:6379/15", 6379), ("amqp://guest:guest@127.0.0.1:5672//", 5672)]


def _reachable_broker() -> str | None:
    for url, port in BROKERS:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            continue
        return url
    return None


@pytest.fixture
def broker_app() -> Celery:
    url = _reachable_broker()
    if url is None:
        pytest.skip("neither Redis (6379) nor RabbitMQ (5672) is reachable on 127.0.0.1")
    app = Celery("patronage-test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=url, task_always_eager=False, broker_transport_options={})
    app.autodiscover_tasks(["patronage.core"], force=True)
    return app


@pytest.mark.celery_broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_purges_expired_sessions(broker_app: Celery) -> None:
    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="x", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="current", session_data="x", expire_date=now + timedelta(days=1))

    with start_worker(broker_app, perform_ping_check=False, shutdown_timeout=10):
        broker_app.send_task("core.sessions_purge")
        deadline = time.monotonic() + 20
        while Session.objects.filter(session_key="expired").exists() and time.monotonic() < deadline:
            time.sleep(0.2)

    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]
