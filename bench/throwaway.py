"""A folder and a database of a benchmark's own, so that a run never touches anyone's data."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable


def _django_setup(var_dir: str, database_url: str | None) -> None:
    os.environ["PATRONAGE_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["LOG_LEVEL"] = "WARNING"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def run_on_throwaway_database(*, name: str, postgres: str | None, run: Callable[[], None]) -> None:
    """Sets Django up in a temporary folder and calls `run()`: on SQLite inside the folder, or on a
    database made for the run on the PostgreSQL server `postgres` (a URL without a database name) and
    dropped after it, whatever happens."""
    with tempfile.TemporaryDirectory(prefix=f"patronage-bench-{name}-") as var_dir:
        if not postgres:
            _django_setup(var_dir, None)
            run()
            return
        import psycopg

        database = f"patronage_bench_{name}_{os.getpid()}"
        server = postgres.rstrip("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        try:
            _django_setup(var_dir, f"{server}/{database}")
            run()
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
