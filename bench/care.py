"""Benchmark: cases filed per second through the API, against GET /healthz in the same run; and the SLA
sweep over 100,000 open cases.

    .venv/bin/python bench/care.py [--cases 300] [--open 100000] [--postgres postgres://postgres@127.0.0.1:5432]

A throwaway folder holds the SQLite database; with --postgres URL a database patronage_bench_care_<pid> is
made on that server and dropped at the end. Requests go through the whole Django stack in-process (the
test client: middleware, API key, Ninja), without a network, so the numbers are the server's own work.

1. Intake: POST /api/v1/cases, each a complaint of a member with its acknowledgement queued and its SLA
   legs computed on the default policy's office-hours calendar. The anchor is GET /healthz (one SELECT 1)
   in the same run: case_intake_vs_healthz = intake rate / healthz rate (goal >= 0.25).
2. Sweep: OPEN open cases with their two legs are written in bulk, their due times spread over the next
   weeks; then one sweep pass is timed when nothing is due (what every 30-second run costs), and one when
   BREACHING of them come due at once (stamping, escalating: the work a morning after a holiday brings).
   Goal: the quiet pass < 2 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from throwaway import run_on_throwaway_database  # noqa: E402  (bench/ is the script's folder)

INTAKE_FLOOR = 0.25
SWEEP_GOAL_SECONDS = 2.0
BREACHING = 1_000
BATCH = 5_000


def _rate(call: Callable[[int], None], count: int) -> float:
    started = time.perf_counter()
    for number in range(count):
        call(number)
    return count / (time.perf_counter() - started)


def _intake(cases: int) -> None:
    from django.test import Client

    from patronage.core.apikeys import apikey_create
    from patronage.members.models import IdentityKind
    from patronage.members.services import IdentityInput, member_create

    member = member_create(
        actor=None,
        identities=[IdentityInput(IdentityKind.EMAIL, "bench@example.com")],
        profile={"name": "Bench Kim"},
        consents={},
        consent_method="api",
        source="api",
    )
    _key, plain = apikey_create(name="bench", scopes=["care:write", "care:read"], actor=None)
    api = Client(headers={"Authorization": f"Bearer {plain}"})
    health = Client()

    def file(number: int) -> None:
        body = {
            "type": "complaint",
            "channel": "chat",
            "summary": f"Broken lamp {number}",
            "member": member.pk,
        }
        response = api.post("/api/v1/cases", body, content_type="application/json")
        assert response.status_code == 201, response.content

    def healthz(_number: int) -> None:
        assert health.get("/healthz").status_code == 200

    healthz(0)
    file(-1)  # warm: the policy, the calendar, the templates
    rounds = [(_rate(healthz, cases), _rate(file, cases)) for _ in range(3)]
    health_rate = statistics.median(r[0] for r in rounds)
    intake_rate = statistics.median(r[1] for r in rounds)
    print(f"GET /healthz (anchor)        {health_rate:8.1f} /s")
    print(f"POST /api/v1/cases           {intake_rate:8.1f} /s  ({1000 / intake_rate:.1f} ms each)")
    ratio = intake_rate / health_rate
    print(f"case_intake_vs_healthz={ratio:.2f} (goal >= {INTAKE_FLOOR})")


def _open_cases(count: int) -> None:
    """`count` open cases with a first-response and a resolution leg each, due over the next weeks."""
    from django.db import transaction

    from patronage.care.models import Case, CaseChannel, CaseStatus, LegKind, SlaLeg, SlaPolicy
    from patronage.core import clock

    now = clock.now()
    policy = SlaPolicy.objects.get(is_default=True)
    start = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for first in range(0, count, BATCH):
        numbers = range(start + first, start + min(first + BATCH, count))
        with transaction.atomic():
            cases = Case.objects.bulk_create(
                [
                    Case(
                        pk=number,
                        reference=f"C-2026-{number:06d}",
                        channel=CaseChannel.API,
                        status=CaseStatus.LISTENING,
                        summary="Bench",
                        contact_email="bench@example.com",
                        policy=policy,
                        access_token=f"bench-{number}",
                        created_at=now,
                        updated_at=now,
                    )
                    for number in numbers
                ]
            )
            SlaLeg.objects.bulk_create(
                [
                    SlaLeg(
                        case=case,
                        kind=kind,
                        started_at=now,
                        target_seconds=3600,
                        due_at=now + timedelta(hours=1 + case.pk % 500, minutes=offset),
                    )
                    for case in cases
                    for kind, offset in ((LegKind.FIRST_RESPONSE, 0), (LegKind.RESOLUTION, 30))
                ]
            )


def _sweep(open_cases: int) -> None:
    from django.db import connection

    from patronage.care.models import SlaLeg
    from patronage.care.sweep import sla_sweep

    started = time.perf_counter()
    _open_cases(open_cases)
    print(f"\n{open_cases:,} open cases written in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    quiet = []
    for _ in range(5):
        started = time.perf_counter()
        report = sla_sweep()
        quiet.append(time.perf_counter() - started)
        assert report.breached == report.escalated == report.warned == 0
    print(
        f"sweep, nothing due            {statistics.median(quiet) * 1000:8.1f} ms (goal < {SWEEP_GOAL_SECONDS} s)"
    )
    due = list(SlaLeg.objects.order_by("due_at").values_list("due_at", flat=True)[BREACHING - 1 : BREACHING])
    started = time.perf_counter()
    total = 0
    while (report := sla_sweep(now=due[0])).breached + report.escalated:
        total += report.breached
    busy = time.perf_counter() - started
    print(
        f"sweep, {total:,} legs breaching   {busy:8.2f} s ({busy / max(total, 1) * 1000:.1f} ms a leg, escalation included)"
    )
    print(f"sla_sweep_quiet_seconds={statistics.median(quiet):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=300, help="cases filed per intake round")
    parser.add_argument("--open", type=int, default=100_000, help="open cases for the sweep")
    parser.add_argument("--postgres", help="server URL without a database name")
    args = parser.parse_args()
    print(f"load {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")

    def run() -> None:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        _intake(args.cases)
        _sweep(args.open)

    run_on_throwaway_database(name="care", postgres=args.postgres, run=run)


if __name__ == "__main__":
    main()
