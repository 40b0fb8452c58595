"""Two workers, two analysts at once: on PostgreSQL with real threads (SQLite serialises every write)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier, Lock
from typing import Any

import pytest
from django.db import connection

from patronage.analytics import compute as compute_module
from patronage.analytics.compute import Computed
from patronage.analytics.models import AnalysisRun, RunStatus
from patronage.analytics.services import analysis_execute, analysis_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 6


@pytest.fixture(autouse=True)
def _needs_a_server_database() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises every write)")


def _in_parallel(work: Callable[[int], Any], times: int = PARALLEL) -> list[Any]:
    start = Barrier(times)

    def run(index: int) -> Any:
        start.wait()
        try:
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(run, range(times)))


def test_parallel_requests_queue_one_run():
    runs = _in_parallel(lambda i: analysis_request(kind="whatif", params={}, actor=None, enqueue=None))

    assert len({run.pk for run in runs}) == 1
    assert AnalysisRun.objects.filter(kind="whatif").count() == 1


def test_parallel_deliveries_of_one_run_compute_it_once(monkeypatch):
    calls: list[int] = []
    guard = Lock()

    def counted(*args: Any) -> Computed:
        with guard:
            calls.append(1)
        return Computed(result={"ok": True})

    monkeypatch.setitem(compute_module.COMPUTE, "whatif", counted)
    run = analysis_request(kind="whatif", params={}, actor=None, enqueue=None)

    _in_parallel(lambda i: analysis_execute(run_id=run.pk))

    assert len(calls) == 1
    assert AnalysisRun.objects.get(pk=run.pk).status == RunStatus.DONE
