"""Writes the demo business into the database: reference data, staff, then members chunk by chunk.

Members are simulated and written CHUNK_SIZE at a time, each chunk in its own transaction, so memory
stays bounded at a million members; the numbers drawn depend only on the seed and the member numbers.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from tqdm import tqdm

from patronage.commerce import models as commerce
from patronage.core import clock
from patronage.core.demo import catalogue as cat
from patronage.core.demo import member_rows, order_rows, timeline_rows
from patronage.core.demo.loyalty import LoyaltyReport, demo_loyalty
from patronage.core.demo.model import Model, Period
from patronage.core.demo.simulate import Chunk, simulate_chunk
from patronage.core.demo.truth import CUSTOMERS_FILE, CustomerTruthFile, Tally, truth_document, truth_write
from patronage.core.demo.writer import ChunkIds, Context, Refs, SqlTimes, TableWriter
from patronage.core.errors import Conflict
from patronage.core.models import User
from patronage.core.roles import Role
from patronage.core.services import staff_create
from patronage.members.models import Consent, ConsentEvent, Identity, Member, Tag, TimelineEvent

CHUNK_SIZE = 20_000
BUSINESS_TIME_ZONE = ZoneInfo("Asia/Seoul")  # Seoul and Tokyo share UTC+9
ACCOUNT_MANAGER = "accounts"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    password: str


@dataclass
class DemoReport:
    members: int
    counts: dict[str, int]
    seconds: float
    staff: list[Login]
    portal_email: str
    truth_path: Path
    logins_path: Path
    loyalty: LoyaltyReport | None = None


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
    loyalty: bool = True,
) -> DemoReport:
    """Builds the demo business into an empty customer file; raises Conflict when members exist."""
    if Member.objects.exists():
        raise Conflict("the database already holds members; the demo loads only into an empty customer file")
    started = time.perf_counter()
    password = secrets.token_urlsafe(9)
    staff = _staff(password)
    portal_user = _portal_user(password)
    model = Model()
    written = _members_write(
        members=members,
        seed=seed,
        model=model,
        period=period,
        portal_user_id=portal_user.pk if portal_user else None,
        customers_path=truth_path.with_name(CUSTOMERS_FILE),
        progress=progress,
    )
    _assign_account_manager(written.top.member_ids())
    _reset_sequences([Member, commerce.Order, commerce.OrderProblem])
    programs = demo_loyalty(period=period, members=members, progress=progress) if loyalty else None
    written.writer.counts.update(programs.counts if programs else {})
    written.writer.counts.update(_catalogue_counts())
    written.writer.counts["core.User"] += len(staff) + (1 if portal_user else 0)
    counts = dict(sorted(written.writer.counts.items()))
    document = truth_document(
        seed=seed, members=members, period=period, model=model, tally=written.tally, counts=counts
    )
    truth_write(truth_path, document)
    _logins_write(logins_path, staff, password if portal_user else None)
    return DemoReport(
        members=members,
        counts=counts,
        seconds=time.perf_counter() - started,
        staff=staff,
        portal_email=cat.PORTAL_MEMBER_EMAIL,
        truth_path=truth_path,
        logins_path=logins_path,
        loyalty=programs,
    )


@dataclass
class _Written:
    writer: TableWriter
    tally: Tally
    top: TopSpenders


def _members_write(
    *,
    members: int,
    seed: int,
    model: Model,
    period: Period,
    portal_user_id: int | None,
    customers_path: Path,
    progress: bool,
) -> _Written:
    """Simulates and writes the members CHUNK_SIZE at a time, one transaction each."""
    refs = _reference_data()
    written = _Written(TableWriter(), Tally(), TopSpenders(size=min(500, max(10, members // 100))))
    _tune_sqlite()
    ids = _IdSequence()
    times, now = SqlTimes(), _now_text()
    with (
        CustomerTruthFile(customers_path) as customer_truth,
        tqdm(total=members, unit="members", file=sys.stderr, disable=not progress, desc="demo") as bar,
    ):
        for first in range(0, members, CHUNK_SIZE):
            chunk = simulate_chunk(model, period, min(CHUNK_SIZE, members - first), first, seed)
            context = Context(refs, ids.take(chunk), times, now, period.end_epoch, portal_user_id)
            with transaction.atomic():
                write_chunk(written.writer, chunk, context)
            customer_truth.write(context.ids.member, chunk)
            written.tally.add(chunk, model, period)
            written.top.add(context.ids.member, member_rows.spend_per_customer(chunk)[0])
            bar.update(chunk.customers.size)
    return written


def write_chunk(writer: TableWriter, chunk: Chunk, context: Context) -> None:
    """Writes one simulated chunk: members and their file, then orders and what hangs off them."""
    writer.insert(Member, member_rows.MEMBER_FIELDS, member_rows.member_rows(chunk, context))
    writer.insert(Identity, member_rows.IDENTITY_FIELDS, member_rows.identity_rows(chunk, context))
    writer.insert(Consent, member_rows.CONSENT_FIELDS, member_rows.consent_rows(chunk, context))
    writer.insert(
        ConsentEvent, member_rows.CONSENT_EVENT_FIELDS, member_rows.consent_event_rows(chunk, context)
    )
    writer.insert(Member.tags.through, ("member", "tag"), member_rows.tag_rows(chunk, context))
    writer.insert(commerce.Order, order_rows.ORDER_FIELDS, order_rows.purchase_rows(chunk, context))
    writer.insert(commerce.Order, order_rows.ORDER_FIELDS, order_rows.return_rows(chunk, context))
    writer.insert(commerce.OrderLine, order_rows.LINE_FIELDS, order_rows.line_rows(chunk, context))
    writer.insert(commerce.OrderLine, order_rows.LINE_FIELDS, order_rows.return_line_rows(chunk, context))
    writer.insert(commerce.OrderProblem, order_rows.PROBLEM_FIELDS, order_rows.problem_rows(chunk, context))
    for events in (
        timeline_rows.joined_rows,
        timeline_rows.purchase_event_rows,
        timeline_rows.return_event_rows,
        timeline_rows.problem_event_rows,
    ):
        writer.insert(TimelineEvent, timeline_rows.TIMELINE_FIELDS, events(chunk, context))


def _staff(password: str) -> list[Login]:
    """One staff user per role, all with the one generated password; existing usernames are left alone."""
    created = []
    for username, role in cat.STAFF:
        if not User.objects.filter(username=username).exists():
            staff_create(username=username, password=password, role=role, email=f"{username}@example.com")
            created.append(Login(username=username, role=role, password=password))
    return created


def _portal_user(password: str) -> User | None:
    """The member login for the portal, linked to member number 0; None when that username is taken."""
    email = cat.PORTAL_MEMBER_EMAIL
    if User.objects.filter(username=email).exists():
        return None
    return User.objects.create_user(username=email, email=email, password=password, role=Role.MEMBER)


def _reference_data() -> Refs:
    """Brands, channels, stores, categories, products and tags; created or updated by their codes."""
    with transaction.atomic():
        brands = [
            commerce.Brand.objects.update_or_create(code=b.code, defaults={"name": b.name})[0]
            for b in cat.BRANDS
        ]
        channels = [
            commerce.Channel.objects.update_or_create(code=c.code, defaults={"name": c.name, "kind": c.kind})[
                0
            ]
            for c in cat.CHANNELS
        ]
        store_channel = channels[[c.code for c in cat.CHANNELS].index(cat.STORE_CHANNEL)]
        stores = [
            commerce.Store.objects.update_or_create(
                code=s.code,
                defaults={"name": s.name, "channel": store_channel, "city": s.city, "time_zone": s.time_zone},
            )[0]
            for s in cat.STORES
        ]
        categories = [
            commerce.Category.objects.update_or_create(code=c.code, defaults={"name": c.name})[0]
            for c in cat.CATEGORIES
        ]
        by_code = {b.code: b for b in brands} | {c.code: c for c in categories}
        products = [_product(p, by_code) for p in cat.PRODUCTS]
        tags = {name: Tag.objects.get_or_create(name=name)[0].pk for name in cat.TAGS}
    return Refs(
        brand=_pks(brands),
        channel=_pks(channels),
        store=_pks(stores),
        category=_pks(categories),
        product=_pks(products),
        tag=tags,
    )


def _catalogue_counts() -> dict[str, int]:
    return {
        "commerce.Brand": len(cat.BRANDS),
        "commerce.Channel": len(cat.CHANNELS),
        "commerce.Store": len(cat.STORES),
        "commerce.Category": len(cat.CATEGORIES),
        "commerce.Product": len(cat.PRODUCTS),
        "members.Tag": len(cat.TAGS),
    }


def _product(product: cat.Product, by_code: Mapping[str, models.Model]) -> commerce.Product:
    return commerce.Product.objects.update_or_create(
        sku=product.sku,
        defaults={
            "name": product.name,
            "brand": by_code[product.brand],
            "category": by_code[product.category],
            "list_price": product.price,
            "currency": cat.CURRENCY,
        },
    )[0]


def _pks(rows: Sequence[models.Model]) -> np.ndarray:
    return np.array([row.pk for row in rows], dtype=np.int64)


class _IdSequence:
    """Primary keys chosen here, so rows can point at each other without reading ids back."""

    def __init__(self) -> None:
        self.member = _next_id(Member)
        self.order = _next_id(commerce.Order)
        self.problem = _next_id(commerce.OrderProblem)

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


class TopSpenders:
    """The members who spent most, kept across chunks (ties go to the lower id, so it is deterministic)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.ids = np.zeros(0, dtype=np.int64)
        self.spend = np.zeros(0)

    def add(self, ids: np.ndarray, spend: np.ndarray) -> None:
        all_ids, all_spend = np.concatenate([self.ids, ids]), np.concatenate([self.spend, spend])
        best = np.lexsort((all_ids, -all_spend))[: self.size]
        self.ids, self.spend = all_ids[best], all_spend[best]

    def member_ids(self) -> list[int]:
        return self.ids.tolist()


def _assign_account_manager(member_ids: list[int]) -> None:
    """The demo's account manager looks after the customers who spent most."""
    manager = User.objects.filter(role=Role.ACCOUNT_MANAGER, username=ACCOUNT_MANAGER).first()
    if manager is not None:
        Member.objects.filter(pk__in=member_ids).update(account_manager=manager)


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
