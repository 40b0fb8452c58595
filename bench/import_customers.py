"""Benchmark: `patronage import customers` on N generated rows, against a plain insert of the same rows.

    .venv/bin/python bench/import_customers.py --rows 200000
    .venv/bin/python bench/import_customers.py --rows 1000000 --postgres postgres://postgres@127.0.0.1:5432

Everything happens in a throwaway place: a temporary folder holds the CSV, PATRONAGE_VAR_DIR and (by
default) the SQLite database; with --postgres a database named patronage_bench_<pid> is created on that
server and dropped at the end. The user's own data is never touched.

The anchor is the time to read the same CSV and insert its rows into a bare table of text columns in
the same database (executemany in one transaction on SQLite, COPY on PostgreSQL): the least any import
must do. The last line is import_vs_raw_insert = import seconds / anchor seconds.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "customer_id",
    "email",
    "phone",
    "name",
    "birth_date",
    "city",
    "postal_code",
    "tags",
    "consent_email_marketing",
    "joined_at",
]
FAMILY = [
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Sato",
    "Suzuki",
    "Takahashi",
    "Wang",
    "Li",
    "Smith",
    "Garcia",
]
GIVEN = ["Minji", "Jun", "Seoyeon", "Haruto", "Yui", "Wei", "Fang", "Olivia", "Noah", "Mia", "Lucas", "Emma"]
CITIES = ["Seoul", "Busan", "Incheon", "Daegu", "Tokyo", "Osaka", "Shanghai", "Singapore", "London", "Madrid"]
TAGS = ["", "", "", "vip", "newsletter", "vip|newsletter", "wholesale"]
CONSENTS = ["yes", "no", ""]


def rows_generate(count: int, seed: int) -> Iterator[list[str]]:
    rng = random.Random(seed)
    born = date(1950, 1, 1)
    joined = date(2015, 1, 1)
    for number in range(1, count + 1):
        yield [
            f"C{number:08d}",
            f"customer{number}@example.com",
            f"010{number:08d}",
            f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
            (born + timedelta(days=rng.randrange(20_000))).isoformat(),
            rng.choice(CITIES),
            f"{rng.randrange(10_000, 99_999)}",
            rng.choice(TAGS),
            rng.choice(CONSENTS),
            (joined + timedelta(days=rng.randrange(3_500))).isoformat(),
        ]


def csv_write(path: Path, count: int, seed: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows_generate(count, seed))


def csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        yield from reader


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    import psycopg

    name = f"patronage_bench_{os.getpid()}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server_url}/{name}"
    finally:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def patronage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "patronage.cli", *args], env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def raw_insert_seconds(database_url: str, path: Path) -> float:
    """Reads the CSV and inserts its rows into a bare table of text columns: the anchor."""
    columns = ", ".join(f"{name} text" for name in HEADER)
    started = time.perf_counter()
    if database_url.startswith("sqlite"):
        lite = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        with lite:
            lite.execute(f"CREATE TABLE bench_raw ({columns})")
            placeholders = ", ".join("?" for _ in HEADER)
            lite.executemany(f"INSERT INTO bench_raw VALUES ({placeholders})", csv_rows(path))
        lite.close()
    else:
        import psycopg

        with psycopg.connect(database_url) as connection, connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE bench_raw ({columns})")
            with cursor.copy(f"COPY bench_raw ({', '.join(HEADER)}) FROM STDIN") as copy:
                for row in csv_rows(path):
                    copy.write_row(row)
    return time.perf_counter() - started


def bench(rows: int, seed: int, postgres: str | None, reimport: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="patronage-bench-") as folder:
        work = Path(folder)
        csv_path = work / "customers.csv"
        csv_write(csv_path, rows, seed)
        with postgres_database(postgres) if postgres else nullcontext_sqlite(work) as database_url:
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "PATRONAGE_VAR_DIR": str(work / "var"),
                "MEDIA_ROOT": str(work / "media"),
                "CELERY_BROKER_URL": "memory://",
                "LOG_LEVEL": "WARNING",
            }
            patronage(env, "migrate", "--noinput", "--verbosity", "0")
            seconds = patronage(env, "import", "customers", str(csv_path))
            again = patronage(env, "import", "customers", str(csv_path)) if reimport else None
            anchor = raw_insert_seconds(database_url, csv_path)
        report(rows, "postgresql" if postgres else "sqlite", seconds, again, anchor)


@contextmanager
def nullcontext_sqlite(work: Path) -> Iterator[str]:
    yield f"sqlite:///{work / 'bench.sqlite3'}"


def report(rows: int, database: str, seconds: float, again: float | None, anchor: float) -> None:
    print(f"{'database':<12}{'rows':>10}{'seconds':>10}{'rows/s':>10}")
    print(f"{database:<12}{rows:>10}{seconds:>10.1f}{rows / seconds:>10.0f}  import (new customers)")
    if again is not None:
        print(f"{database:<12}{rows:>10}{again:>10.1f}{rows / again:>10.0f}  import again (all unchanged)")
    print(f"{database:<12}{rows:>10}{anchor:>10.1f}{rows / anchor:>10.0f}  raw insert into a bare table")
    print(f"import_vs_raw_insert={seconds / anchor:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres", help="server URL without database, e.g. postgres://postgres@127.0.0.1:5432"
    )
    parser.add_argument("--reimport", action="store_true", help="also time importing the same file again")
    args = parser.parse_args()
    bench(args.rows, args.seed, args.postgres, args.reimport)


if __name__ == "__main__":
    main()
