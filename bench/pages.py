"""Benchmark: console and API latency on a large customer file, against the cheapest request in the same run.

    .venv/bin/python bench/pages.py --members 100000

A throwaway folder holds the SQLite database (PATRONAGE_VAR_DIR), filled with the demo business;
with --postgres URL a database patronage_bench_pages_<pid> is created on that server and dropped at
the end. Requests go through Django's full stack in this process (middleware, sessions, templates,
queries), without a network in between, so the numbers are the server's own work.

The anchor is GET /healthz (one `SELECT 1`) measured in the same run: each page prints its median and
95th percentile, and its median as a multiple of the anchor's. The last line is
slowest_page_vs_healthz = the largest of those multiples.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from throwaway import run_on_throwaway_database  # noqa: E402  (bench/ is the script's folder)


def _timed(request: Callable[[], int], repeats: int) -> list[float]:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        status = request()
        seconds.append(time.perf_counter() - started)
        if status != 200:
            raise SystemExit(f"a benchmarked request answered {status}")
    return seconds


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def run(members: int, repeats: int) -> None:
    from django.core.management import call_command
    from django.test import Client

    from patronage.analytics.services import analysis_execute, analysis_request
    from patronage.core.apikeys import apikey_create
    from patronage.core.roles import Role
    from patronage.core.services import staff_create
    from patronage.loyalty.models import Program, Tier
    from patronage.members.models import Identity, Member

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("demo", members=members, seed=7, verbosity=0)
    print(f"demo business of {members:,} members loaded in {time.perf_counter() - started:.1f} s")
    # The demo leaves its analyses to a worker: compute the two whose scores the customer pages show.
    started = time.perf_counter()
    for kind in ("clv", "churn"):
        analysis_execute(run_id=analysis_request(kind=kind, actor=None, enqueue=None).pk)
    print(f"lifetime value and churn computed in {time.perf_counter() - started:.1f} s")

    staff = staff_create(username="bench", password="bench-pass-12345", groups=[Role.ADMIN])
    console = Client()
    console.force_login(staff)
    _key, plain = apikey_create(name="bench", scopes=["members:read"], actor=None)
    api = Client(headers={"Authorization": f"Bearer {plain}"})
    middle = Member.objects.order_by("pk")[members // 2]
    email = Identity.objects.filter(member=middle, kind="email").values_list("value", flat=True).first()
    name = middle.name.split()[0] if middle.name else "Kim"
    tier = Tier.objects.order_by("-rank").first()
    tier_filter = f"program={tier.program.code}&tier={tier.pk}" if tier else ""
    customers = "/console/customers/"
    program = Program.objects.order_by("pk").values_list("code", flat=True).first()

    requests: list[tuple[str, Callable[[], int]]] = [
        ("GET /healthz (anchor)", lambda: Client().get("/healthz").status_code),
        ("console dashboard", lambda: console.get("/console/").status_code),
        ("console customer list, page 1", lambda: console.get("/console/customers/").status_code),
        ("console customer list, page 200", lambda: console.get("/console/customers/?page=200").status_code),
        ("console list by points", lambda: console.get(f"{customers}?sort=-points").status_code),
        (
            "console list by last purchase",
            lambda: console.get(f"{customers}?sort=-last_purchase").status_code,
        ),
        ("console list by lifetime value", lambda: console.get(f"{customers}?sort=-clv").status_code),
        ("console list by churn risk", lambda: console.get(f"{customers}?sort=-churn").status_code),
        ("console list of one tier", lambda: console.get(f"{customers}?{tier_filter}").status_code),
        ("console list of one city", lambda: console.get(f"{customers}?city={middle.city}").status_code),
        ("console search by e-mail", lambda: console.get(f"/console/customers/?q={email}").status_code),
        ("console search by name", lambda: console.get(f"/console/customers/?q={name}").status_code),
        ("console customer page", lambda: console.get(f"/console/customers/{middle.pk}/").status_code),
        ("console duplicates", lambda: console.get("/console/customers/duplicates/").status_code),
        (
            "console program overview",
            lambda: console.get(f"/console/loyalty/{program}/overview/").status_code,
        ),
        ("API list members", lambda: api.get("/api/v1/members?limit=50").status_code),
        ("API search by e-mail", lambda: api.get(f"/api/v1/members?q={email}").status_code),
        ("API one member", lambda: api.get(f"/api/v1/members/{middle.pk}").status_code),
    ]
    for _label, request in requests:  # warm caches and connections once
        request()
    rows = [(label, _timed(request, repeats)) for label, request in requests]
    anchor = statistics.median(rows[0][1])
    print(f"\n{'request':38} {'median ms':>10} {'p95 ms':>10} {'x anchor':>9}")
    ratios = []
    for label, seconds in rows:
        median = statistics.median(seconds)
        ratio = median / anchor
        if not label.endswith("(anchor)"):
            ratios.append(ratio)
        print(f"{label:38} {median * 1000:10.1f} {_p95(seconds) * 1000:10.1f} {ratio:9.1f}")
    print(f"\nslowest_page_vs_healthz={max(ratios):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument(
        "--postgres", help="server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432"
    )
    options = parser.parse_args()
    run_on_throwaway_database(
        name="pages",
        postgres=options.postgres,
        run=lambda: run(options.members, options.repeats),
    )


if __name__ == "__main__":
    main()
