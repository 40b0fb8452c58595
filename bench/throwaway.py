"""A folder and a database of a benchmark's own, so that a run never touches anyone's data."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable


def run_on_throwaway_database(
    *, name: str, postgres: str | None, setup: Callable[[str, str | None], None], run: Callable[[], None]
) -> None:
    """Runs `setup(var_dir, database_url)` then `run()` in a temporary folder: on SQLite inside it, or on a
    database made for the run on the PostgreSQL server `postgres` (a URL without a database name) and
    dropped after it, whatever happens."""
    with tempfile.TemporaryDirectory(prefix=f"patronage-bench-{name}-") as var_dir:
        if not postgres:
            setup(var_dir, None)
            run()
            return
        import psycopg

        database = f"patronage_bench_{name}_{os.getpid()}"
        server = postgres.rstrip("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        try:
            setup(var_dir, f"{server}/{database}")
            run()
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
