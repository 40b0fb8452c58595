"""Benchmark: compliance of a service standard over 10 million measurements, and measurements taken in bulk
(issue 14).

    .venv/bin/python bench/standards.py [--measurements 10000000] [--ingest 100000] [--postgres postgres://postgres@127.0.0.1:5432]

On PostgreSQL only (a database made for the run and dropped after it): the figures are the database's work.

Compliance: MEASUREMENTS measurements of one standard ("rings", lower is better) by 200 employees in 20
teams at 50 stores over 52 weeks, written by generate_series (the fill is not timed), then
`standards.selectors.standard_compliance` by week and employee (and by week and team, store, none, and over
all time), each the median of 5 runs, and a standard's console page over its
last 12 weeks. The anchor, in the same run: a bare SQL GROUP BY of the same rows by
week and employee with count and percentile_cont for the median and the 90th percentile, the floor any
compliance figure stands on. compliance_vs_bare_sql = ours / bare (goal <= 1.5).

Ingestion: INGEST measurements through `measurements_add` in batches of 10,000 (each with an external id,
so each batch looks up the known ids first), then the same batches again (all unchanged), then through
`POST /api/v1/standards/{id}/measurements` in-process (the whole Django stack) in batches of 5,000. The floors
printed beside them: `SELECT 1` round trips per second and pgbench's select-only script for 5 seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pg import fast_fill, pgbench_select_only, select_one_rate  # noqa: E402  (bench/ is the script's folder)
from throwaway import run_on_throwaway_database  # noqa: E402

EMPLOYEES, TEAMS, STORES, WEEKS = 200, 20, 50, 52
GOAL = 1.5
START = datetime(2025, 12, 1, tzinfo=UTC)
BATCH = 10_000
API_BATCH = 5_000


def _median_seconds(work: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _people() -> tuple[list[int], list[int], list[int]]:
    from patronage.care.models import Team
    from patronage.commerce.models import Channel, Store
    from patronage.core.models import AccountKind, User

    users = User.objects.bulk_create(
        [
            User(username=f"agent{n:03d}", kind=AccountKind.STAFF, email=f"agent{n:03d}@example.com")
            for n in range(EMPLOYEES)
        ]
    )
    teams = Team.objects.bulk_create([Team(name=f"Team {n:02d}") for n in range(TEAMS)])
    channel = Channel.objects.create(code="stores", name="Stores")
    stores = Store.objects.bulk_create(
        [Store(code=f"s{n:02d}", name=f"Store {n:02d}", channel=channel) for n in range(STORES)]
    )
    return [u.pk for u in users], [t.pk for t in teams], [s.pk for s in stores]


def _fill(standard_id: int, count: int, users: list[int], teams: list[int], stores: list[int]) -> float:
    """Writes `count` measurements in SQL: employee n is in team n mod 20, stores drawn at random."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor, fast_fill(cursor, ["standards_measurement"]):
        cursor.execute(
            """
            INSERT INTO standards_measurement (standard_id, value, at, employee_id, team_id, store_id, external_id, created_at)
            SELECT %s, floor(random() * random() * 7)::float,
                   %s::timestamptz + (g::float / %s) * interval '364 days',
                   (%s::bigint[])[1 + g %% %s], (%s::bigint[])[1 + (g %% %s) %% %s],
                   (%s::bigint[])[1 + floor(random() * %s)::int], '', now()
            FROM generate_series(0, %s - 1) AS g
            """,
            [standard_id, START, count, users, EMPLOYEES, teams, EMPLOYEES, TEAMS, stores, STORES, count],
        )
    return time.perf_counter() - began


def _bare(standard_id: int) -> list[tuple[object, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('week', at AT TIME ZONE 'UTC')::date, employee_id, count(*), "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY value), percentile_cont(0.9) WITHIN GROUP (ORDER BY value) "
            "FROM standards_measurement WHERE standard_id = %s GROUP BY 1, 2",
            [standard_id],
        )
        return cursor.fetchall()


def _compliance(measurements: int) -> float:
    from patronage.conftest import business_set
    from patronage.standards.selectors import standard_compliance
    from patronage.standards.services import StandardInput, standard_create
    from patronage.standards.standard_page import standard_page

    business_set(time_zone="UTC")
    users, teams, stores = _people()
    standard = standard_create(
        data=StandardInput(
            code="phone-rings",
            name="Phone answered within 2 rings",
            unit="rings",
            direction="lower",
            target=2,
            minimum=4,
        ),
        actor=None,
    )
    fill = _fill(standard.pk, measurements, users, teams, stores)
    print(f"filled {measurements:,} measurements in {fill:.1f} s (not timed below)")
    bare = _median_seconds(lambda: _bare(standard.pk))
    ours = _median_seconds(lambda: standard_compliance(standard=standard, period="week", group="employee"))
    rows = standard_compliance(standard=standard, period="week", group="employee")
    assert len(rows) == len(_bare(standard.pk)), "ours and the bare query disagree on the groups"
    print(f"bare GROUP BY week, employee (anchor)   {bare:7.2f} s  ({len(rows):,} rows)")
    print(f"compliance by week and employee         {ours:7.2f} s")
    for period, group in (("week", "team"), ("week", "store"), ("week", "none"), ("all", "employee")):
        seconds = _median_seconds(
            lambda p=period, g=group: standard_compliance(standard=standard, period=p, group=g)
        )
        print(f"compliance by {period} and {group:<9}           {seconds:7.2f} s")
    last_day = (START + timedelta(days=363)).date()
    page = _median_seconds(lambda: standard_page(standard=standard, period="week", count=12, today=last_day))
    print(f"a standard's page, last 12 weeks        {page:7.2f} s")
    return ours / bare


def _ingest(count: int) -> None:
    from django.test import Client

    from patronage.core.apikeys import apikey_create
    from patronage.standards.models import Measurement, Standard
    from patronage.standards.services import MeasurementInput, measurements_add

    standard = Standard.objects.get(code="phone-rings")
    names = [f"agent{n:03d}" for n in range(EMPLOYEES)]

    def batch(first: int, size: int) -> list[MeasurementInput]:
        return [
            MeasurementInput(
                value=float(n % 6),
                at=START + timedelta(minutes=n),
                employee=names[n % EMPLOYEES],
                team=f"Team {n % TEAMS:02d}",
                store=f"s{n % STORES:02d}",
                external_id=f"call-{n}",
            )
            for n in range(first, first + size)
        ]

    batches = [batch(first, BATCH) for first in range(0, count, BATCH)]
    began = time.perf_counter()
    created = sum(measurements_add(standard=standard, items=items, actor=None).created for items in batches)
    fresh = time.perf_counter() - began
    began = time.perf_counter()
    unchanged = sum(
        measurements_add(standard=standard, items=items, actor=None).unchanged for items in batches
    )
    again = time.perf_counter() - began
    assert created == unchanged == count
    print(
        f"measurements_add, batches of {BATCH:,}: {count / fresh:10,.0f} /s new, {count / again:10,.0f} /s all unchanged"
    )

    _key, plain = apikey_create(name="bench", scopes=["standards:write"], actor=None)
    api = Client(headers={"Authorization": f"Bearer {plain}"})
    bodies = [
        json.dumps(
            {
                "items": [
                    {
                        "value": i.value,
                        "at": i.at.isoformat(),
                        "employee": i.employee,
                        "team": i.team,
                        "store": i.store,
                        "external_id": f"api-{i.external_id}",
                    }
                    for i in items
                ]
            }
        )
        for first in range(0, count, API_BATCH)
        for items in [batch(first, API_BATCH)]
    ]
    began = time.perf_counter()
    for body in bodies:
        response = api.post(
            f"/api/v1/standards/{standard.pk}/measurements", body, content_type="application/json"
        )
        assert response.status_code == 201, response.content[:300]
    through_api = time.perf_counter() - began
    print(f"POST .../measurements, batches of {API_BATCH:,}: {count / through_api:10,.0f} /s")
    assert Measurement.objects.filter(standard=standard).exclude(external_id="").count() == 2 * count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measurements", type=int, default=10_000_000)
    parser.add_argument("--ingest", type=int, default=100_000)
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")

    def run() -> None:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        ratio = _compliance(args.measurements)
        _ingest(args.ingest)
        print(
            f"floors: SELECT 1 {select_one_rate():,.0f} /s; {pgbench_select_only(args.postgres.rstrip('/'))}"
        )
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
        print(f"compliance_vs_bare_sql={ratio:.2f} (goal <= {GOAL})")

    run_on_throwaway_database(name="standards", postgres=args.postgres, run=run)


if __name__ == "__main__":
    main()
