"""Benchmark: purchases ingested through the HTTP API on PostgreSQL, one per request and in bulk, against
PostgreSQL's own pgbench in the same run.

    .venv/bin/python bench/ingest.py --quick          # within 10 minutes
    .venv/bin/python bench/ingest.py --members 20000 --events 20000 --bulk-events 200000

A throwaway database patronage_bench_ingest_<pid> is created on the server (--postgres, default
postgres://postgres@127.0.0.1:5432), migrated, and given a program with a few earn rules, N members and
an API key, all through the services. The product's WSGI app is then served as in production
(`patronage serve --no-worker`, DEBUG off: waitress, one process per CPU on PostgreSQL) in a subprocess
on 127.0.0.1, and C client threads, each with its own keep-alive HTTP connection, send:

0. GET /healthz (one SELECT through the whole stack), the floor any endpoint of this stack stands on;
1. purchases one per request (POST /api/v1/transactions): events/s, p50 and p99 latency;
2. purchases in batches of 1,000 (POST /api/v1/transactions/bulk): events/s.

The anchor is pgbench's built-in tpcb-like script with the same clients (-c C -j C) for a fixed time, on a
second throwaway database initialised with pgbench -i. Every loop is bounded by a count and a deadline;
all traffic stays on 127.0.0.1; both databases are dropped at the end. The last two lines are
single_event_ratio_to_pgbench = single-event events/s / pgbench tps, and bulk_events_per_second.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
PROGRAM = "bench"
BULK_SIZE = 1000
SERVER_START_SECONDS = 60
REQUEST_TIMEOUT = 60
WARM_UP_PER_CLIENT = 10
SKUS = (("KT-1", "kitchen", "45000"), ("BD-2", "bedding", "129000"), ("LT-3", "lighting", "29000"))


@dataclass(frozen=True)
class Plan:
    members: int
    clients: int
    events: int  # single-event requests
    bulk_events: int  # in batches of BULK_SIZE
    bulk_clients: int
    pgbench_seconds: int
    phase_seconds: int  # a phase stops at its count or at this deadline, whichever comes first


QUICK = Plan(
    members=2_000,
    clients=4,
    events=3_000,
    bulk_events=40_000,
    bulk_clients=2,
    pgbench_seconds=30,
    phase_seconds=150,
)
FULL = Plan(
    members=10_000,
    clients=4,
    events=20_000,
    bulk_events=200_000,
    bulk_clients=2,
    pgbench_seconds=60,
    phase_seconds=600,
)


# --- setting up, through the services ------------------------------------------------------------


def _setup_database(database_url: str, var_dir: str, members: int) -> tuple[str, list[int]]:
    """Migrates the throwaway database and creates the program, the members and an API key."""
    os.environ["PATRONAGE_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from patronage.commerce.models import Channel
    from patronage.core.apikeys import apikey_create
    from patronage.loyalty import services
    from patronage.members.services import member_create
    from patronage.members.services.profile import IdentityInput

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    Channel.objects.get_or_create(
        code="app", defaults={"name": "Mobile app", "kind": "app"}
    )  # reference data
    program = services.program_save(
        code=PROGRAM, values={"name": "Benchmark club", "currency": "KRW", "pending_days": 14}, actor=None
    )
    rules: list[dict[str, Any]] = [
        {"code": "base", "kind": "spend", "params": {"points": 1, "per": "100"}, "priority": 10},
        {
            "code": "kitchen",
            "kind": "category",
            "params": {"categories": ["kitchen"], "points": 1, "per": "100"},
            "priority": 20,
            "cap_points": 5000,
            "cap_period": "month",
        },
        {
            "code": "app",
            "kind": "channel",
            "params": {"channels": ["app"], "multiplier": "1.5"},
            "priority": 30,
        },
    ]
    for rule in rules:
        services.earn_rule_save(program=program, name=rule["code"], actor=None, **rule)
    member_ids = [
        member_create(
            actor=None,
            identities=[IdentityInput(kind="email", value=f"bench{n}@example.com")],
            profile={"name": f"Bench member {n}"},
        ).pk
        for n in range(members)
    ]
    _key, plain = apikey_create(name="bench", scopes=["loyalty:read", "loyalty:write"], actor=None)
    connections.close_all()
    print(
        f"set up: migrated, program, {members:,} members and an API key in {time.perf_counter() - started:.1f} s"
    )
    return plain, member_ids


def _ledger_check(expected_orders: int) -> str:
    from django.db import connections

    from patronage.loyalty.models import OrderPoints
    from patronage.loyalty.selectors import ledger_verify

    problems = ledger_verify()
    booked = OrderPoints.objects.count()
    connections.close_all()
    verdict = "ledger verified" if not problems else f"{len(problems)} ledger discrepancies"
    return f"{verdict}; {booked:,} purchases booked, {expected_orders:,} answered as created"


# --- the server ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def _server(database_url: str, var_dir: str, threads: int) -> Iterator[int]:
    """The product's WSGI app served by `patronage serve`, in a subprocess; yields its port once /healthz answers."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PATRONAGE_VAR_DIR": var_dir,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, str(ROOT / "manage.py"), "serve", "--no-worker"]
    command += ["--host", HOST, "--port", str(port), "--threads", str(threads)]
    log = Path(var_dir) / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        _wait_healthy(port, process, log)
        yield port
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def _wait_healthy(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at start:\n{log.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"the server did not answer /healthz within {SERVER_START_SECONDS} s")


# --- the clients -----------------------------------------------------------------------------------


class _Client:
    """One keep-alive connection; reconnects once if the server closed it."""

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)

    def post(self, path: str, body: dict[str, Any] | None) -> tuple[int, bytes]:
        """POSTs `body`, or GETs `path` when there is none."""
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):
            try:
                self.connection.request("POST" if data else "GET", path, body=data, headers=self.headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _purchase(number: int, member_ids: list[int], prefix: str, at: datetime) -> dict[str, Any]:
    """A purchase of one or two lines, different for each number, by a member chosen round-robin."""
    lines = [SKUS[number % 3]] + ([SKUS[(number + 1) % 3]] if number % 2 else [])
    amount = sum(int(price) for _sku, _category, price in lines)
    return {
        "program": PROGRAM,
        "type": "purchase",
        "external_id": f"{prefix}-{number:09d}",
        "member": member_ids[number % len(member_ids)],
        "amount": str(amount),
        "tax": str(round(amount / 11)),
        "currency": "KRW",
        "occurred_at": at.isoformat(),
        "channel": "app" if number % 5 == 0 else None,
        "lines": [
            {"sku": sku, "category": category, "quantity": "1", "unit_price": price}
            for sku, category, price in lines
        ],
    }


@dataclass
class _Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_number: int = 0
    latencies: list[float] = field(default_factory=list)
    events: int = 0
    failures: dict[int, int] = field(default_factory=dict)
    sample_failure: str = ""

    def take(self, limit: int) -> int | None:
        with self.lock:
            if self.next_number >= limit:
                return None
            self.next_number += 1
            return self.next_number - 1

    def record(self, status: int, seconds: float, booked: int, sent: int, body: bytes) -> None:
        """`booked` of the `sent` events were recorded; the others count as refused, by status."""
        with self.lock:
            self.latencies.append(seconds)
            self.events += booked
            if booked < sent:
                self.failures[status] = self.failures.get(status, 0) + sent - booked
                self.sample_failure = self.sample_failure or body[:300].decode(errors="replace")


def _phase(
    clients: int,
    port: int,
    key: str,
    count: int,
    deadline_seconds: float,
    request: Callable[[int], tuple[str, dict[str, Any] | None, int]],
    booked: Callable[[int, bytes], int],
) -> tuple[_Tally, float]:
    """Sends `count` requests from `clients` threads (each request number once), until done or the deadline."""
    tally = _Tally()
    deadline = time.monotonic() + deadline_seconds

    def work() -> None:
        client = _Client(port, key)
        while time.monotonic() < deadline and (number := tally.take(count)) is not None:
            path, body, sent = request(number)
            started = time.perf_counter()
            status, answer = client.post(path, body)
            tally.record(status, time.perf_counter() - started, booked(status, answer), sent, answer)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(work) for _ in range(clients)]:
            future.result()
    return tally, time.perf_counter() - started


def _answered(status: int, _answer: bytes) -> int:
    return 1 if status == 200 else 0


def _created_one(status: int, _answer: bytes) -> int:
    return 1 if status == 201 else 0


def _created_in_bulk(status: int, answer: bytes) -> int:
    return int(json.loads(answer).get("created", 0)) if status == 200 else 0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else 0.0


# --- pgbench ---------------------------------------------------------------------------------------


def _pgbench_binary() -> str:
    found = shutil.which("pgbench")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), reverse=True)
    if not candidates:
        raise SystemExit("pgbench not found: install postgresql-contrib or the postgresql client")
    return str(candidates[0])


def _pgbench(server: _Server, database: str, clients: int, seconds: int) -> float:
    """pgbench's tpcb-like script with `clients` clients and threads for `seconds`: its tps."""
    binary = _pgbench_binary()
    connection = ["-h", server.host, "-p", str(server.port), "-U", server.user]
    scale = max(10, clients)  # at least one branch per client, or they queue on one row
    env = {**os.environ, **({"PGPASSWORD": server.password} if server.password else {})}
    subprocess.run(
        [binary, *connection, "-i", "-q", "-s", str(scale), database],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    run = subprocess.run(
        [binary, *connection, "-c", str(clients), "-j", str(clients), "-T", str(seconds), database],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", run.stdout)
    if match is None:
        raise SystemExit(f"could not read pgbench's tps from:\n{run.stdout}")
    return float(match.group(1))


# --- the run ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Server:
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def parse(cls, url: str) -> _Server:
        from urllib.parse import urlparse

        parsed = urlparse(url)
        if parsed.hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise SystemExit("the benchmark only talks to a PostgreSQL server on this machine (127.0.0.1)")
        return cls(
            parsed.hostname or HOST, parsed.port or 5432, parsed.username or "postgres", parsed.password or ""
        )

    def url(self, database: str) -> str:
        secret = f":{self.password}" if self.password else ""
        return f"postgres://{self.user}{secret}@{self.host}:{self.port}/{database}"


@contextmanager
def _throwaway_databases(server: _Server, names: list[str]) -> Iterator[None]:
    import psycopg

    with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(plan: Plan, server: _Server) -> None:
    ours, anchor = f"patronage_bench_ingest_{os.getpid()}", f"patronage_bench_pgbench_{os.getpid()}"
    with (
        tempfile.TemporaryDirectory(prefix="patronage-bench-ingest-") as var_dir,
        _throwaway_databases(server, [ours, anchor]),
    ):
        key, member_ids = _setup_database(server.url(ours), var_dir, plan.members)
        floor, single, bulk = _measure(plan, server.url(ours), var_dir, key, member_ids)
        print(_ledger_check(single.events + bulk.events + plan.clients * WARM_UP_PER_CLIENT))
        tps = _pgbench(server, anchor, plan.clients, plan.pgbench_seconds)
    _report(plan, floor, single, bulk, tps)


@dataclass(frozen=True)
class _Result:
    events: int
    seconds: float
    latencies: list[float]
    failures: dict[int, int]
    sample_failure: str

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def _measure(
    plan: Plan, database_url: str, var_dir: str, key: str, member_ids: list[int]
) -> tuple[_Result, _Result, _Result]:
    """The stack's floor (GET /healthz), then single purchases, then batches."""
    at = datetime.now(UTC) - timedelta(minutes=1)
    threads = max(plan.clients, plan.bulk_clients)
    with _server(database_url, var_dir, threads) as port:

        def warm(number: int) -> tuple[str, dict[str, Any] | None, int]:
            return "/api/v1/transactions", _purchase(number, member_ids, "warm", at), 1

        def health(_number: int) -> tuple[str, dict[str, Any] | None, int]:
            return "/healthz", None, 1

        def single(number: int) -> tuple[str, dict[str, Any] | None, int]:
            return "/api/v1/transactions", _purchase(number, member_ids, "one", at), 1

        # Warm-up, not measured: every thread's connection, the server's code paths and caches.
        _phase(plan.clients, port, key, plan.clients * WARM_UP_PER_CLIENT, 60, warm, _created_one)
        floor = _Result(
            *_measured(_phase(plan.clients, port, key, plan.events, plan.phase_seconds, health, _answered))
        )
        print(f"GET /healthz: {floor.events:,} in {floor.seconds:.1f} s")
        one = _Result(
            *_measured(_phase(plan.clients, port, key, plan.events, plan.phase_seconds, single, _created_one))
        )
        print(f"single events: {one.events:,} in {one.seconds:.1f} s")

        def batch(number: int) -> tuple[str, dict[str, Any] | None, int]:
            first = number * BULK_SIZE
            items = [_purchase(first + i, member_ids, "bulk", at) for i in range(BULK_SIZE)]
            return "/api/v1/transactions/bulk", {"items": items}, BULK_SIZE

        batches = max(1, plan.bulk_events // BULK_SIZE)
        bulk = _Result(
            *_measured(
                _phase(plan.bulk_clients, port, key, batches, plan.phase_seconds, batch, _created_in_bulk)
            )
        )
        print(f"bulk events: {bulk.events:,} in {bulk.seconds:.1f} s")
    return floor, one, bulk


def _measured(phase: tuple[_Tally, float]) -> tuple[int, float, list[float], dict[int, int], str]:
    tally, seconds = phase
    return tally.events, seconds, tally.latencies, tally.failures, tally.sample_failure


def _report(plan: Plan, floor: _Result, single: _Result, bulk: _Result, tps: float) -> None:
    p50, p99 = _percentile(single.latencies, 0.50), _percentile(single.latencies, 0.99)
    print(f"\n{'measure':44} {'clients':>7} {'events':>9} {'events/s':>10} {'p50 ms':>9} {'p99 ms':>9}")
    for label, clients, result in (
        ("GET /healthz (the stack's floor: one SELECT)", plan.clients, floor),
        ("POST /api/v1/transactions, one per request", plan.clients, single),
        ("POST /api/v1/transactions/bulk, 1,000 each", plan.bulk_clients, bulk),
    ):
        print(
            f"{label:44} {clients:7d} {result.events:9,d} {result.per_second:10.1f} "
            f"{_percentile(result.latencies, 0.50) * 1000:9.1f} {_percentile(result.latencies, 0.99) * 1000:9.1f}"
        )
    print(f"{'pgbench tpcb-like (tps), anchor':44} {plan.clients:7d} {'':>9} {tps:10.1f}")
    for label, result in (("healthz", floor), ("single", single), ("bulk", bulk)):
        if result.failures:
            print(f"{label}: refused {result.failures}; first answer: {result.sample_failure}")
    print(f"single events: p50 {p50 * 1000:.1f} ms, p99 {'under' if p99 < 0.050 else 'over'} 50 ms")
    print(f"the stack's floor: healthz_ratio_to_pgbench={floor.per_second / tps:.3f}")
    print(f"\nsingle_event_ratio_to_pgbench={single.per_second / tps:.3f}")
    print(f"bulk_events_per_second={bulk.per_second:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smaller run that finishes within 10 minutes")
    parser.add_argument("--members", type=int)
    parser.add_argument("--clients", type=int, help="concurrent clients, for our API and for pgbench")
    parser.add_argument("--events", type=int, help="purchases sent one per request")
    parser.add_argument("--bulk-events", type=int, help="purchases sent in batches of 1,000")
    parser.add_argument("--bulk-clients", type=int)
    parser.add_argument("--pgbench-seconds", type=int)
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="server URL without a database name (on this machine)",
    )
    options = parser.parse_args()
    base = QUICK if options.quick else FULL
    plan = Plan(
        members=options.members or base.members,
        clients=options.clients or base.clients,
        events=options.events or base.events,
        bulk_events=options.bulk_events or base.bulk_events,
        bulk_clients=options.bulk_clients or base.bulk_clients,
        pgbench_seconds=options.pgbench_seconds or base.pgbench_seconds,
        phase_seconds=base.phase_seconds,
    )
    print(
        f"plan: {plan.members:,} members, {plan.clients} clients, {plan.events:,} single events, "
        f"{plan.bulk_events:,} bulk events ({plan.bulk_clients} clients), pgbench {plan.pgbench_seconds} s"
    )
    run(plan, _Server.parse(options.postgres))


if __name__ == "__main__":
    main()
