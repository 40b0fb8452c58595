"""What the PostgreSQL benchmarks share: filling big tables fast, and the floors printed beside their figures."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


@contextmanager
def fast_fill(cursor: Any, tables: Sequence[str]) -> Iterator[None]:
    """Writing rows the bench knows are right into `tables`: foreign-key triggers skipped (this session only,
    on the run's own database) and the indexes that back no constraint built once after the fill, which is
    minutes faster than keeping them up row by row; the tables end with the indexes the migrations made."""
    cursor.execute("SET session_replication_role = replica")
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid::regclass::text = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def select_one_rate(seconds: float = 2.0) -> float:
    """`SELECT 1` round trips per second over Django's connection."""
    from django.db import connection

    done, deadline = 0, time.perf_counter() + seconds
    with connection.cursor() as cursor:
        while time.perf_counter() < deadline:
            cursor.execute("SELECT 1")
            cursor.fetchone()
            done += 1
    return done / seconds


def pgbench_select_only(server: str, seconds: int = 5) -> str:
    """pgbench's select-only script (2 clients) against the run's database, or why it did not run."""
    if shutil.which("pgbench") is None:
        return "pgbench not installed"
    from django.db import connection

    url = f"{server}/{connection.settings_dict['NAME']}"
    subprocess.run(["pgbench", "-i", "-q", "-s", "1", url], check=True, capture_output=True)
    ran = subprocess.run(
        ["pgbench", "-S", "-T", str(seconds), "-c", "2", "-j", "2", url], capture_output=True, text=True
    )
    tps = [line for line in ran.stdout.splitlines() if line.startswith("tps")]
    return tps[0] if tps else ran.stderr.strip()[-200:]
