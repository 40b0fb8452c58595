"""Benchmark: webhook deliveries per second to a local receiver, against a bare POST loop in the same run.

    .venv/bin/python bench/webhooks.py [--deliveries 2000] [--postgres postgres://postgres@127.0.0.1:5432]

A throwaway folder holds the SQLite database (PATRONAGE_VAR_DIR); with --postgres URL a database
patronage_bench_webhooks_<pid> is created on that server and dropped at the end. A receiver on 127.0.0.1
answers every POST at once (200, a few bytes).

The anchor is a bare urllib3 POST loop to that receiver (one keep-alive connection, the same body size):
the most any sender could do. Then the engine sends as many events: fan-out, claim, sign, POST, record,
pumped in a loop. A first round of WARM_UP deliveries is not measured, and the database is analysed after
it (a running one keeps its statistics); then ROUNDS rounds of the bare loop and of the engine alternate,
and the ratio line compares their medians: webhook_deliveries_vs_bare_post = engine rate / bare rate (goal
>= 0.5, the floor). Last, events are published at 500 per second for a few seconds while the pump runs,
and the outbox lag (seconds from an event's creation to its delivery) is printed at p50 and p99.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from throwaway import run_on_throwaway_database  # noqa: E402  (bench/ is the script's folder)

FLOOR = 0.5
RATE = 500  # events per second for the lag
LAG_SECONDS = 4
ROUNDS = 3  # bare and engine rounds, alternated; the medians are compared
WARM_UP = 1000  # deliveries sent before measuring


def _events_publish(count: int, prefix: str) -> None:
    from django.db import transaction

    from patronage.core import clock
    from patronage.core.models import OutboxEvent

    now = clock.now()
    with transaction.atomic():
        OutboxEvent.objects.bulk_create(
            [
                OutboxEvent(
                    topic="points.changed",
                    payload={"member": number % 500, "program": "bench", "change": 10, "kind": "earn"},
                    key=f"{prefix}:{number}",
                    created_at=now,
                )
                for number in range(count)
            ],
            batch_size=500,
        )


def _bare_rate(url: str, count: int) -> float:
    import urllib3

    pool = urllib3.PoolManager(retries=False)
    body = b'{"type":"points.changed","timestamp":"2026-12-01T00:00:00+00:00","data":' + b"x" * 90 + b"}"
    started = time.perf_counter()
    for _ in range(count):
        response = pool.request("POST", url, body=body, headers={"Content-Type": "application/json"})
        assert response.status == 200
    return count / (time.perf_counter() - started)


def _pump_until_done(expected: int, deadline: float) -> None:
    from patronage.messages.models import DeliveryStatus, WebhookDelivery
    from patronage.messages.webhook_services import webhooks_pump

    delivered = WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED)
    sent = delivered.count()
    while time.perf_counter() < deadline:
        # The deliveries are counted only once the pump says it sent enough: a COUNT after every turn is
        # the benchmark's own work, growing with the table, not the engine's.
        sent += webhooks_pump(limit=200)
        if sent >= expected and delivered.count() >= expected:
            return
    raise SystemExit("the pump did not deliver every event in time")


def _engine_rate(count: int) -> float:
    from patronage.messages.models import DeliveryStatus, WebhookDelivery

    already = WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count()
    _events_publish(count, f"rate{already}")
    started = time.perf_counter()
    _pump_until_done(already + count, started + 120)
    return count / (time.perf_counter() - started)


def _warm(count: int) -> None:
    """A first round, unmeasured, with the statistics a running database keeps taken while its deliveries
    wait, as the measured rounds' will: on a fresh database PostgreSQL plans the claim as if the table were
    empty (it sorts every pending delivery instead of reading the oldest in order and stopping)."""
    from django.db import connection

    from patronage.messages.webhook_services import events_fan_out

    _events_publish(WARM_UP, "warm")
    events_fan_out()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _pump_until_done(WARM_UP, time.perf_counter() + 120)


def _lag(already: int) -> tuple[float, float, int]:
    from django.db import connection

    from patronage.core.outbox import outbox_publish
    from patronage.messages.models import DeliveryStatus, WebhookDelivery

    total = RATE * LAG_SECONDS
    done = threading.Event()

    def publish() -> None:
        try:
            started = time.perf_counter()
            for number in range(total):
                # Each event in its own transaction, at the pace of RATE per second.
                time.sleep(max(0.0, started + number / RATE - time.perf_counter()))
                outbox_publish(topic="points.changed", payload={"member": number % 500}, key=f"lag:{number}")
        finally:
            connection.close()
            done.set()

    publisher = threading.Thread(target=publish)
    publisher.start()
    _pump_until_done(already + total, time.perf_counter() + 90)
    publisher.join()
    lags = sorted(
        (delivered - created).total_seconds()
        for delivered, created in WebhookDelivery.objects.filter(
            status=DeliveryStatus.DELIVERED, event__key__startswith="lag:"
        ).values_list("delivered_at", "event__created_at")
        if delivered is not None
    )
    return statistics.median(lags), lags[max(0, round(0.99 * len(lags)) - 1)], len(lags)


def run(deliveries: int) -> None:
    from django.core.management import call_command

    from patronage.messages.tests.receiver import receiving
    from patronage.messages.webhook_services import endpoint_create

    call_command("migrate", verbosity=0)
    with receiving(answer=b"ok") as receiver:
        endpoint_create(actor=None, url=receiver.url, topics=["*"])
        _warm(deliveries)
        bares, engines = [], []
        for _round in range(ROUNDS):  # alternated, so that the machine's noise falls on both alike
            bares.append(_bare_rate(receiver.url, deliveries))
            receiver.receipts.clear()
            engines.append(_engine_rate(deliveries))
        bare, engine = statistics.median(bares), statistics.median(engines)
        p50, p99, lagged = _lag(WARM_UP + ROUNDS * deliveries)

    ratio = engine / bare
    print(f"\n{'sender':40} {'per second':>11} {'x anchor':>9}")
    print(f"{'bare urllib3 POST loop (anchor)':40} {bare:11.0f} {1.0:9.2f}")
    print(f"{'webhook engine (fan-out, sign, record)':40} {engine:11.0f} {ratio:9.2f}")
    print(
        f"\noutbox lag at {RATE} events/s for {LAG_SECONDS} s ({lagged} events): p50 {p50:.3f} s, p99 {p99:.3f} s"
    )
    print(f"floor: webhook_deliveries_vs_bare_post >= {FLOOR}")
    print(f"outbox_lag_p99_seconds={p99:.3f}")
    print(f"webhook_deliveries_vs_bare_post={ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument(
        "--postgres", help="server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432"
    )
    options = parser.parse_args()
    os.environ["WEBHOOKS_ALLOW_PRIVATE"] = "true"  # the receiver is on 127.0.0.1
    run_on_throwaway_database(name="webhooks", postgres=options.postgres, run=lambda: run(options.deliveries))


if __name__ == "__main__":
    main()
