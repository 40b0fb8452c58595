"""What the parts of the demo share: the generated world they write, and the shape of a part.

A part is one domain app's share of the demo business (patronage/demo/parts/). Its steps receive the
one `World`: the settings of the load, the simulation's model, the ids of the reference rows, the rows
written so far, the truth document and the summary being built.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection

from patronage.core.sql import TableWriter
from patronage.demo.model import DAY, Model, Period
from patronage.demo.simulate import Chunk
from patronage.demo.truth import Tally

_HMS = [f" {h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


class SqlTimes:
    """Epoch seconds as the text each database takes for a DateTimeField: SQLite keeps naive UTC
    text (what Django writes), PostgreSQL gets an explicit UTC offset. -1 becomes NULL."""

    def __init__(self) -> None:
        self.suffix = "" if connection.vendor == "sqlite" else "+00:00"

    def __call__(self, epoch: np.ndarray) -> list[str | None]:
        if not epoch.size:
            return []
        days, seconds = np.divmod(epoch, DAY)
        first = int(days.min())
        dates = np.datetime_as_string(np.arange(first, int(days.max()) + 1).astype("datetime64[D]")).tolist()
        suffix = self.suffix
        text: list[str | None] = [
            dates[d] + _HMS[s] + suffix
            for d, s in zip((days - first).tolist(), seconds.tolist(), strict=True)
        ]
        for missing in np.flatnonzero(epoch < 0).tolist():
            text[missing] = None
        return text


def _no_ids() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class CareRefs:
    """The service desk the history's cases are written for (patronage/demo/parts/care.py)."""

    category: dict[str, int]  # by English name
    root_cause: dict[str, int]  # by English name
    team: int
    agent: int | None  # the demo's service agent, who handled the history
    policy: int | None  # the default SLA policy


@dataclass
class Refs:
    """Database ids of the reference rows, indexed like the catalogue's tuples; each part fills its own."""

    brand: np.ndarray = field(default_factory=_no_ids)
    channel: np.ndarray = field(default_factory=_no_ids)
    store: np.ndarray = field(default_factory=_no_ids)
    category: np.ndarray = field(default_factory=_no_ids)
    product: np.ndarray = field(default_factory=_no_ids)
    tag: dict[str, int] = field(default_factory=dict)
    care: CareRefs | None = None


@dataclass(frozen=True)
class ChunkIds:
    """Primary keys chosen for the chunk's rows that other rows point at."""

    member: np.ndarray  # per customer
    order: np.ndarray  # per purchase
    returned: np.ndarray  # per return
    problem: np.ndarray  # per problem


@dataclass(frozen=True)
class Context:
    """What the rows of one chunk are built from, beside the chunk itself."""

    refs: Refs
    ids: ChunkIds
    times: SqlTimes
    now: str
    end_epoch: int
    portal_user_id: int | None  # the user linked to member number 0


@dataclass(frozen=True)
class Login:
    username: str
    role: str  # the name of the standard group the login was given
    password: str


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


@dataclass
class World:
    """The demo business being written: what every part reads, and where each adds its share."""

    members: int
    seed: int
    period: Period
    password: str  # the one generated password of every demo login
    progress: bool = True
    model: Model = field(default_factory=Model)
    refs: Refs = field(default_factory=Refs)
    writer: TableWriter = field(default_factory=TableWriter)  # counts the rows per model label
    tally: Tally = field(default_factory=Tally)  # what the simulation produced, for the truth document
    truth: dict[str, Any] = field(default_factory=dict)  # sections the parts add to the truth document
    top_spenders: TopSpenders = field(init=False)
    logins: list[Login] = field(default_factory=list)  # staff logins created, for demo-logins.json
    portal_user_id: int | None = None
    portal_password: str | None = None  # None when the portal's username was taken before the demo
    lines: list[str] = field(default_factory=list)  # what the parts add to the printed summary

    def __post_init__(self) -> None:
        self.top_spenders = TopSpenders(size=min(500, max(10, self.members // 100)))

    @property
    def counts(self) -> Counter[str]:
        return self.writer.counts


Step = Callable[[World], None]
ChunkStep = Callable[[World, Chunk, Context], None]


@dataclass(frozen=True)
class Part:
    """One domain's share of the demo: each step is optional.

    `before` runs once before the members (reference data, logins); `per_chunk` runs for each chunk of
    simulated members, inside the chunk's transaction, after the earlier parts wrote theirs; `after`
    runs once when every member is written (history booked through the services, jobs queued).
    """

    name: str  # what `demo_load(leave_out=...)` names
    before: Step | None = None
    per_chunk: ChunkStep | None = None
    after: Step | None = None
