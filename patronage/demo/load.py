"""Writes the demo business into the database: each part's reference data and logins, then the members
chunk by chunk, then what each part books once every member is there (patronage/demo/parts/).

Members are simulated and written CHUNK_SIZE at a time, each chunk in its own transaction, so memory
stays bounded at a million members; the numbers drawn depend only on the seed and the member numbers.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from tqdm import tqdm

from patronage.commerce.models import Order, OrderProblem
from patronage.core import clock
from patronage.core.errors import Conflict
from patronage.demo import catalogue as cat
from patronage.demo.model import Period
from patronage.demo.parts import PARTS
from patronage.demo.simulate import Chunk, simulate_chunk
from patronage.demo.truth import CUSTOMERS_FILE, CustomerTruthFile, truth_document, truth_write
from patronage.demo.world import ChunkIds, ChunkStep, Context, Login, Part, SqlTimes, World
from patronage.members.models import Member

CHUNK_SIZE = 20_000
BUSINESS_TIME_ZONE = ZoneInfo("Asia/Seoul")  # Seoul and Tokyo share UTC+9


@dataclass
class DemoReport:
    members: int
    counts: dict[str, int]
    seconds: float
    staff: list[Login]
    portal_email: str
    truth_path: Path
    logins_path: Path
    lines: list[str]  # what the parts add to the summary (the loyalty programmes, the analyses queued)


def demo_period(start: date, years: int) -> Period:
    """From the start's midnight in Seoul to the same date `years` later (28 February for 29 February)."""
    end = (
        start.replace(year=start.year + years)
        if (start.month, start.day) != (2, 29)
        else date(start.year + years, 2, 28)
    )
    return Period(start=_midnight(start), end=_midnight(end))


def default_start(today: date, years: int) -> date:
    """The start that makes the period end today."""
    return (
        today.replace(year=today.year - years)
        if (today.month, today.day) != (2, 29)
        else date(today.year - years, 2, 28)
    )


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=BUSINESS_TIME_ZONE)


def demo_load(
    *,
    members: int,
    seed: int,
    period: Period,
    truth_path: Path,
    logins_path: Path,
    progress: bool = True,
    leave_out: Collection[str] = (),
) -> DemoReport:
    """Builds the demo business into an empty customer file, without the parts named in `leave_out`;
    raises Conflict when members exist."""
    if Member.objects.exists():
        raise Conflict("the database already holds members; the demo loads only into an empty customer file")
    started = time.perf_counter()
    parts = _parts(leave_out)
    world = World(members=members, seed=seed, period=period, password=_password(), progress=progress)
    _parts_run(parts, world, truth_path)
    counts = dict(sorted(world.counts.items()))
    document = truth_document(
        seed=seed,
        members=members,
        period=period,
        model=world.model,
        tally=world.tally,
        counts=counts,
        parts=world.truth,
    )
    truth_write(truth_path, document)
    _logins_write(logins_path, world.logins, world.portal_password)
    return DemoReport(
        members=members,
        counts=counts,
        seconds=time.perf_counter() - started,
        staff=world.logins,
        portal_email=cat.PORTAL_MEMBER_EMAIL,
        truth_path=truth_path,
        logins_path=logins_path,
        lines=world.lines,
    )


def _parts(leave_out: Collection[str]) -> list[Part]:
    unknown = set(leave_out) - {part.name for part in PARTS}
    if unknown:
        raise ValueError(f"the demo has no part named {', '.join(sorted(unknown))}")
    return [part for part in PARTS if part.name not in leave_out]


def _parts_run(parts: list[Part], world: World, truth_path: Path) -> None:
    """Each part's step before the members, then theirs for every chunk, then theirs after."""
    for part in parts:
        if part.before is not None:
            part.before(world)
    _members_write(world, [part.per_chunk for part in parts if part.per_chunk is not None], truth_path)
    _reset_sequences([Member, Order, OrderProblem])
    for part in parts:
        if part.after is not None:
            part.after(world)


def _members_write(world: World, steps: list[ChunkStep], truth_path: Path) -> None:
    """Simulates the members CHUNK_SIZE at a time; every part writes its share of a chunk in one transaction."""
    _tune_sqlite()
    ids = _IdSequence()
    times, now = SqlTimes(), _now_text()
    members = world.members
    with (
        CustomerTruthFile(truth_path.with_name(CUSTOMERS_FILE)) as customer_truth,
        tqdm(total=members, unit="members", file=sys.stderr, disable=not world.progress, desc="demo") as bar,
    ):
        for first in range(0, members, CHUNK_SIZE):
            chunk = simulate_chunk(
                world.model, world.period, min(CHUNK_SIZE, members - first), first, world.seed
            )
            context = Context(
                world.refs, ids.take(chunk), times, now, world.period.end_epoch, world.portal_user_id
            )
            with transaction.atomic():
                for step in steps:
                    step(world, chunk, context)
            customer_truth.write(context.ids.member, chunk)
            world.tally.add(chunk, world.model, world.period)
            world.top_spenders.add(context.ids.member, chunk.spend_per_customer()[0])
            bar.update(chunk.customers.size)


class _IdSequence:
    """Primary keys chosen here, so rows can point at each other without reading ids back."""

    def __init__(self) -> None:
        self.member = _next_id(Member)
        self.order = _next_id(Order)
        self.problem = _next_id(OrderProblem)

    def take(self, chunk: Chunk) -> ChunkIds:
        purchases, returns = chunk.purchases.size, chunk.baskets.returns.original.size
        problems = chunk.baskets.problems.order.size
        ids = ChunkIds(
            member=self.member + chunk.people.index - int(chunk.people.index[0]),
            order=np.arange(self.order, self.order + purchases),
            returned=np.arange(self.order + purchases, self.order + purchases + returns),
            problem=np.arange(self.problem, self.problem + problems),
        )
        self.member += chunk.customers.size
        self.order += purchases + returns
        self.problem += problems
        return ids


def _next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    """PostgreSQL's id sequences must move past the ids chosen here; SQLite follows by itself."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)


def _tune_sqlite() -> None:
    """A larger page cache for this connection: the indexes of the big tables stay in memory."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MiB


def _now_text() -> str:
    return SqlTimes()(np.array([int(clock.now().timestamp())]))[0] or ""


def _password() -> str:
    """The one password of every demo login: 16 random characters. Twelve sometimes held seven of the
    eight letters of 'accounts', which Django's similarity check refuses (quick_ratio 0.7)."""
    return secrets.token_urlsafe(12)


def _logins_write(path: Path, staff: list[Login], password: str | None) -> None:
    """demo-logins.json, readable by its owner only: it holds passwords. The member's password is
    null when a user named member@example.com existed before the demo (its password is not ours)."""
    document = {
        "staff": [{"username": s.username, "role": s.role, "password": s.password} for s in staff],
        "member": {"email": cat.PORTAL_MEMBER_EMAIL, "password": password},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(document, file, indent=2)
        file.write("\n")
    path.chmod(0o600)
