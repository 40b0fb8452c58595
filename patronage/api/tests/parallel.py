"""Many copies of one piece of work at once, on real threads, for the concurrency tests on PostgreSQL.

Each thread has its own database connection, so no more than CONNECTIONS copies talk to the server at a
time: PostgreSQL's default allows 100 connections in all, and two test workers (and colleagues) share it.
All copies are released together by a barrier, and the whole run is bounded by DEADLINE seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier, BoundedSemaphore
from typing import TypeVar

import pytest
from django.db import connection

T = TypeVar("T")

CONNECTIONS = 40
DEADLINE = 180.0


def in_parallel(work: Callable[[int], T], times: int, *, connections: int = CONNECTIONS) -> list[T]:
    """work(0) ... work(times - 1), started together on `times` threads; their results in that order."""
    start = Barrier(times, timeout=DEADLINE)
    slots = BoundedSemaphore(min(times, connections))

    def run(index: int) -> T:
        start.wait()
        with slots:
            try:
                return work(index)
            finally:
                connection.close()

    pool = ThreadPoolExecutor(max_workers=times)
    try:
        return list(pool.map(run, range(times), timeout=DEADLINE))
    finally:
        # A run past its deadline fails the test instead of waiting on it for ever.
        pool.shutdown(wait=False, cancel_futures=True)


def skip_without_server_database() -> None:
    """Concurrency is tested on PostgreSQL: SQLite serialises every write, so there is no race to see."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")
