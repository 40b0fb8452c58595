"""The demo's history of complaints as cases, written in bulk as care's services would have written them.

Each problem a customer reported (demo.baskets: `reported` set) is a complaint case:

- filed at the report, on the channel the customer used (a store purchase's problem mostly in the store or
  by phone, an online one mostly by the web form or e-mail, a recall notice answered by phone, form or
  e-mail), in the customer's language, about the order and its first item (the recalled one for a recall);
- acknowledged at once, then answered by the agent (the first response) after a drawn stretch of office
  hours, shorter for complaints that ended well (RESPONSE_HOURS);
- when the planted complaint was resolved: resolved and closed at the planted resolution (a first
  response not given by then is given with it), followed up within hours and rated by the customer, 4 or
  5 when the planted outcome is satisfied and 1 to 3 when it is not; when it was never resolved: the
  agent's first answer asks the customer for details and the case waits for them ever since, its
  resolution clock paused.

Its SLA legs (first response, resolution, follow-up) carry the due times care.sla computes on the default
policy's calendar and, when met late, the breach (at the due time) and the lateness in business seconds
that care.legs stamps; a breach is marked escalated at once, as the sweep would have done then. Its
entries and the member's timeline events are the services': created, acknowledged, the reply, each status
change, a breach, the follow-up and the rating. Nothing is sent: no message, no webhook.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from patronage.care import sla
from patronage.care.legs import calendar_of
from patronage.care.models import Case, CaseEntry, CasePause, SlaLeg, SlaPolicy
from patronage.core.business import business_zone
from patronage.core.sql import TableWriter, ids_reserve
from patronage.demo import baskets as bk
from patronage.demo import catalogue as cat
from patronage.demo.model import DAY, HOUR
from patronage.demo.parts.care_words import (
    ASKING_REPLY,
    DESCRIPTIONS,
    FIRST_REPLY,
    LANGUAGES,
    SUMMARIES,
)
from patronage.demo.parts.commerce import external_ids
from patronage.demo.parts.members import NAMES, _name_index
from patronage.demo.people import KOREAN
from patronage.demo.simulate import Chunk
from patronage.demo.world import CareRefs, Context
from patronage.members.models import TimelineEvent

# How the complaint ended, for the first response's speed: satisfied and resolved within 24 hours,
# satisfied later, resolved but not satisfied, never resolved.
QUICK, SLOW, UNSATISFIED, UNRESOLVED = 0, 1, 2, 3
OUTCOMES = ("satisfied_quick", "satisfied_slow", "resolved_unsatisfied", "unresolved")
# Median office hours to the first response per outcome; log-normal with RESPONSE_SPREAD.
RESPONSE_HOURS = (0.75, 1.5, 3.0, 5.0)
RESPONSE_SPREAD = 0.8
# Channels (care.models.CaseChannel) and their shares: for a store purchase, an online one, a recall.
CHANNELS = (
    (("store", "phone", "email", "web_form"), (0.40, 0.35, 0.15, 0.10)),
    (("web_form", "email", "phone", "portal"), (0.40, 0.30, 0.25, 0.05)),
    (("phone", "web_form", "email"), (0.40, 0.30, 0.30)),
)
RATINGS_SATISFIED = ((4, 5), (0.35, 0.65))
RATINGS_UNSATISFIED = ((1, 2, 3), (0.30, 0.40, 0.30))
DAMAGED_SHARE = 0.5  # of faults in online orders: broken on the way, not made badly
MAJOR_DEFECT_SHARE = 0.15
# Root causes by category, with their shares (English names, care_words.NAMES).
CAUSES: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "late": (("Courier handling", "Warehouse packing", "System error"), (0.6, 0.2, 0.2)),
    "back_order": (("System error", "Warehouse packing"), (0.5, 0.5)),
    "Damaged": (("Courier handling", "Warehouse packing"), (0.5, 0.5)),
    "Quality": (("Supplier defect",), (1.0,)),
    "Delivery": (("Warehouse packing", "System error"), (0.8, 0.2)),
}

CASE_FIELDS = (
    "id", "reference", "type", "channel", "status", "status_before_wait", "summary", "description",
    "language", "member", "contact_name", "contact_email", "contact_phone", "category", "severity",
    "product", "order", "store", "root_cause", "tags", "assignee", "team", "policy", "external_id",
    "solution", "promise", "follow_up_sent_at", "satisfaction", "satisfaction_comment", "satisfaction_at",
    "access_token", "created_at", "updated_at", "first_response_at", "resolved_at", "closed_at",
)  # fmt: skip
LEG_FIELDS = (
    "case", "kind", "started_at", "target_seconds", "due_at", "met_at", "breached_at", "late_seconds",
    "warned_percent", "escalated_at",
)  # fmt: skip
ENTRY_FIELDS = ("case", "kind", "at", "actor", "body", "public", "data")
PAUSE_FIELDS = ("case", "started_at")
TIMELINE_FIELDS = (
    "member", "kind", "occurred_at", "summary", "data", "source_type", "source_id", "actor", "created_at",
)  # fmt: skip


@dataclass
class Complaints:
    """One row per reported problem of the chunk: what the case is written from (epoch seconds, -1: none)."""

    member: np.ndarray
    order: np.ndarray  # Order id
    order_number: list[str]
    name: list[str]
    language: np.ndarray  # index into LANGUAGES
    kind: np.ndarray  # index into baskets.PROBLEM_KINDS
    product: np.ndarray  # index into catalogue.PRODUCTS
    store: np.ndarray  # index into catalogue.STORES, -1 for none
    channel: list[str]
    category: list[str]  # English names
    root_cause: list[str]  # "" while not resolved
    severity: list[str]
    outcome: np.ndarray  # QUICK .. UNRESOLVED
    filed: np.ndarray
    response: np.ndarray  # office seconds from filing to the first response
    resolved: np.ndarray
    follow_up: np.ndarray
    rated: np.ndarray
    rating: np.ndarray  # -1 when not rated


def complaints_plan(chunk: Chunk, context: Context, seed: int) -> Complaints:
    """What each reported problem's case says and when things happened on it. Pure numpy; the numbers drawn
    depend only on the seed and the chunk's member numbers."""
    problems, purchases, people = chunk.baskets.problems, chunk.purchases, chunk.people
    rows = np.flatnonzero(problems.reported >= 0)
    n = rows.size
    rng = np.random.default_rng([seed, int(people.index[0]) if people.size else 0, 0xCA5E])
    orders = problems.order[rows]
    customer = purchases.customer[orders]
    kind = problems.kind[rows]
    recall = kind == bk.RECALL
    lines = chunk.baskets.lines
    product = np.where(recall, bk.RECALLED_PRODUCT, lines.product[np.searchsorted(lines.order, orders)])
    store = chunk.baskets.orders.store[orders]
    filed, resolved = problems.reported[rows], problems.resolved[rows]
    closed = resolved >= 0
    satisfied = problems.satisfied[rows] == 1
    outcome = np.where(
        ~closed,
        UNRESOLVED,
        np.where(~satisfied, UNSATISFIED, np.where(resolved - filed <= 24 * HOUR, QUICK, SLOW)),
    )
    response = np.asarray(RESPONSE_HOURS)[outcome] * np.exp(RESPONSE_SPREAD * rng.standard_normal(n))
    follow_up = np.where(closed, resolved + rng.uniform(600, 4 * HOUR, n).astype(np.int64), -1)
    rated = np.where(closed, follow_up + rng.uniform(HOUR, 2 * DAY, n).astype(np.int64), -1)
    last = context.end_epoch - 1  # the history ends before the period does
    follow_up = np.where(closed, np.minimum(follow_up, np.maximum(resolved, last - 1)), -1)
    rated = np.where(closed, np.clip(rated, follow_up, np.maximum(follow_up, last)), -1)
    table = np.where(recall, 2, np.where(store >= 0, 0, 1))
    category = _categories(kind, store, rng)
    order_ids = context.ids.order[orders]
    return Complaints(
        member=context.ids.member[customer],
        order=order_ids,
        order_number=external_ids(chunk.baskets.orders.channel[orders], order_ids),
        name=[NAMES[i] for i in _name_index(chunk)[customer].tolist()],
        language=np.where(people.english[customer], 2, np.where(people.origin[customer] == KOREAN, 0, 1)),
        kind=kind,
        product=product,
        store=store,
        channel=_drawn(table, CHANNELS, rng),
        category=category,
        root_cause=[
            c if ok else "" for c, ok in zip(_causes(kind, category, rng), closed.tolist(), strict=True)
        ],
        severity=_severities(kind, rng),
        outcome=outcome,
        filed=filed,
        response=np.maximum(60, response * HOUR).astype(np.int64),
        resolved=resolved,
        follow_up=follow_up,
        rated=rated,
        rating=_ratings(closed, satisfied, rng),
    )


def _drawn(
    table: np.ndarray,
    choices: tuple[tuple[tuple[str, ...], tuple[float, ...]], ...],
    rng: np.random.Generator,
) -> list[str]:
    """For each row, one of its table's choices with the table's shares."""
    draw = rng.random(table.size)
    bounds = [np.cumsum(shares) for _names, shares in choices]
    picked = []
    for row, u in zip(table.tolist(), draw.tolist(), strict=True):
        names = choices[row][0]
        picked.append(names[min(int(np.searchsorted(bounds[row], u, side="right")), len(names) - 1)])
    return picked


def _categories(kind: np.ndarray, store: np.ndarray, rng: np.random.Generator) -> list[str]:
    damaged = (store < 0) & (rng.random(kind.size) < DAMAGED_SHARE)
    by_kind = ("Late delivery", "Late delivery", "Quality", "Delivery", "Quality")
    return [
        "Damaged" if k == bk.DEFECT and broke else by_kind[k]
        for k, broke in zip(kind.tolist(), damaged.tolist(), strict=True)
    ]


def _causes(kind: np.ndarray, category: list[str], rng: np.random.Generator) -> list[str]:
    groups = list(CAUSES)
    group = [
        "back_order" if k == bk.PROBLEM_KINDS.index("back_order") else "late" if c == "Late delivery" else c
        for k, c in zip(kind.tolist(), category, strict=True)
    ]
    return _drawn(np.array([groups.index(g) for g in group], dtype=np.int64), tuple(CAUSES.values()), rng)


def _severities(kind: np.ndarray, rng: np.random.Generator) -> list[str]:
    major = (kind == bk.RECALL) | ((kind == bk.DEFECT) & (rng.random(kind.size) < MAJOR_DEFECT_SHARE))
    return ["major" if m else "minor" for m in major.tolist()]


def _ratings(closed: np.ndarray, satisfied: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    happy = rng.choice(RATINGS_SATISFIED[0], size=closed.size, p=RATINGS_SATISFIED[1])
    unhappy = rng.choice(RATINGS_UNSATISFIED[0], size=closed.size, p=RATINGS_UNSATISFIED[1])
    return np.where(closed, np.where(satisfied, happy, unhappy), -1)


# --- the clocks -----------------------------------------------------------------------------------

LEGS = ("first_response", "resolution", "follow_up")


@dataclass
class Clocks:
    """Per case (epoch seconds, -1: none): the first response, and per leg of LEGS its due time, breach
    and lateness in office seconds."""

    responded: np.ndarray
    targets: tuple[int | None, ...]  # per leg, office seconds; None: the policy measures none
    due: np.ndarray  # (leg, case)
    breached: np.ndarray
    late: np.ndarray


def clocks_run(
    plan: Complaints, calendar: sla.Calendar, targets: tuple[int | None, ...], last: int
) -> Clocks:
    """The first responses (within office hours) and each leg's due time and breach, as care.legs would
    stamp them: a leg met after its due time breached at it, late by the office time between."""
    n = plan.filed.size
    responded = np.empty(n, dtype=np.int64)
    due = np.full((len(LEGS), n), -1, dtype=np.int64)
    breached = np.full((len(LEGS), n), -1, dtype=np.int64)
    late = np.full((len(LEGS), n), -1, dtype=np.int64)
    rows = zip(
        plan.filed.tolist(),
        plan.response.tolist(),
        plan.resolved.tolist(),
        plan.follow_up.tolist(),
        strict=True,
    )
    for i, (filed, response, resolved, follow_up) in enumerate(rows):
        start = _at(filed)
        answer = _epoch(sla.due(calendar, start, response))
        # A first response not given by the resolution is given with it; none after the history's end.
        answer = min(answer, resolved) if resolved >= 0 else max(filed, min(answer, last))
        responded[i] = answer
        stretches = ((filed, answer), (filed, resolved), (resolved, follow_up))
        for leg, ((began, met), target) in enumerate(zip(stretches, targets, strict=True)):
            if target is None or began < 0:
                continue
            when = sla.due(calendar, _at(began), target)
            due[leg, i] = _epoch(when)
            if met > due[leg, i]:
                breached[leg, i] = due[leg, i]
                late[leg, i] = sla.between(calendar, when, _at(met))
            elif met < 0 and answer > due[leg, i]:
                breached[leg, i] = due[leg, i]  # the sweep saw it breach before the case began to wait
    return Clocks(responded=responded, targets=targets, due=due, breached=breached, late=late)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


# --- the rows -------------------------------------------------------------------------------------


def cases_write(
    *, writer: TableWriter, chunk: Chunk, context: Context, refs: CareRefs, seed: int
) -> Counter[str]:
    """Writes the chunk's complaints as cases; returns how many were written, closed, left waiting, late,
    and by channel and rating."""
    plan = complaints_plan(chunk, context, seed)
    n = plan.filed.size
    if n == 0:
        return Counter()
    policy = (
        SlaPolicy.objects.select_related("calendar").filter(pk=refs.policy).first()
        if refs.policy is not None
        else None
    )
    targets = tuple(getattr(policy, f"{leg}_seconds") if policy else None for leg in LEGS)
    calendar = calendar_of(policy)
    clocks = clocks_run(plan, calendar, targets, context.end_epoch - 1)
    rows = _Rows(plan, clocks, context, refs, ids_reserve(Case, n), calendar)
    writer.insert(Case, CASE_FIELDS, rows.cases())
    writer.insert(SlaLeg, LEG_FIELDS, rows.legs())
    writer.insert(CaseEntry, ENTRY_FIELDS, rows.entries())
    writer.insert(CasePause, PAUSE_FIELDS, rows.pauses())
    writer.insert(TimelineEvent, TIMELINE_FIELDS, rows.timeline())
    closed = int((plan.resolved >= 0).sum())
    tally = Counter(
        cases=n,
        closed=closed,
        waiting=n - closed,
        first_response_late=int((clocks.breached[0] >= 0).sum()),
        resolution_late=int((clocks.breached[1] >= 0).sum()),
    )
    tally.update(f"channel_{c}" for c in plan.channel)
    tally.update(f"rating_{r}" for r in plan.rating[plan.rating > 0].tolist())
    return tally


class _Rows:
    """The chunk's cases as rows in the writer's field orders: times converted once per column."""

    def __init__(
        self,
        plan: Complaints,
        clocks: Clocks,
        context: Context,
        refs: CareRefs,
        ids: list[int],
        calendar: sla.Calendar,
    ) -> None:
        self.plan, self.clocks, self.refs, self.ids = plan, clocks, refs, ids
        self.calendar, self.now = calendar, context.now
        times = context.times
        self.filed, self.responded = times(plan.filed), times(clocks.responded)
        self.resolved, self.follow_up, self.rated = (
            times(plan.resolved),
            times(plan.follow_up),
            times(plan.rated),
        )
        self.closed = (plan.resolved >= 0).tolist()
        zone = business_zone()
        self.references = [
            f"C-{_at(filed).astimezone(zone).year}-{case_id:06d}"
            for filed, case_id in zip(plan.filed.tolist(), ids, strict=True)
        ]
        products = [cat.PRODUCTS[p].name for p in plan.product.tolist()]
        languages, kinds = plan.language.tolist(), plan.kind.tolist()
        self.summaries = [
            f"{SUMMARIES[k][lang]}: {name}" for k, lang, name in zip(kinds, languages, products, strict=True)
        ]
        self.descriptions = [
            DESCRIPTIONS[k][lang].format(order=number, product=name)
            for k, lang, number, name in zip(kinds, languages, plan.order_number, products, strict=True)
        ]
        self.product_ids = context.refs.product[plan.product].tolist()
        self.store_ids = [None if s < 0 else int(context.refs.store[s]) for s in plan.store.tolist()]
        self.logged_by = [refs.agent if c in ("phone", "store") else None for c in plan.channel]
        self.times = times
        # Per leg of LEGS, when it began and when it was met (-1: not).
        self.began = (plan.filed, plan.filed, plan.resolved)
        self.met = (clocks.responded, plan.resolved, plan.follow_up)

    def cases(self) -> Iterator[tuple[Any, ...]]:
        plan, refs = self.plan, self.refs
        for i, case_id in enumerate(self.ids):
            closed = self.closed[i]
            row = {
                "id": case_id,
                "reference": self.references[i],
                "type": "complaint",
                "channel": plan.channel[i],
                "status": "closed" if closed else "waiting",
                "status_before_wait": "" if closed else "listening",
                "summary": self.summaries[i],
                "description": self.descriptions[i],
                "language": LANGUAGES[int(plan.language[i])],
                "member": int(plan.member[i]),
                "contact_name": plan.name[i],
                "contact_email": "",
                "contact_phone": "",
                "category": refs.category[plan.category[i]],
                "severity": plan.severity[i],
                "product": self.product_ids[i],
                "order": int(plan.order[i]),
                "store": self.store_ids[i],
                "root_cause": refs.root_cause.get(plan.root_cause[i]),
                "tags": "[]",
                "assignee": refs.agent,
                "team": refs.team,
                "policy": refs.policy,
                "external_id": "",
                "solution": "",
                "promise": "",
                "follow_up_sent_at": self.follow_up[i],
                "satisfaction": int(plan.rating[i]) if closed else None,
                "satisfaction_comment": "",
                "satisfaction_at": self.rated[i],
                "access_token": secrets.token_urlsafe(24),
                "created_at": self.filed[i],
                "updated_at": self.rated[i] if closed else self.responded[i],
                "first_response_at": self.responded[i],
                "resolved_at": self.resolved[i],
                "closed_at": self.resolved[i],
            }
            yield tuple(row[name] for name in CASE_FIELDS)

    def legs(self) -> Iterator[tuple[Any, ...]]:
        clocks, began, met = self.clocks, self.began, self.met
        for leg, kind in enumerate(LEGS):
            target = clocks.targets[leg]
            if target is None:
                continue
            rows = np.flatnonzero(began[leg] >= 0)
            # A leg still running on a waiting case has no due time: its clock is paused.
            due = np.where(met[leg][rows] >= 0, clocks.due[leg, rows], -1)
            columns = zip(
                [self.ids[i] for i in rows.tolist()],
                self.times(began[leg][rows]),
                self.times(due),
                self.times(met[leg][rows]),
                self.times(clocks.breached[leg, rows]),
                clocks.late[leg, rows].tolist(),
                strict=True,
            )
            for case_id, started, due_at, met_at, breached, late in columns:
                # A breach is escalated at once: the sweep would have told the agent then.
                yield (
                    case_id,
                    kind,
                    started,
                    target,
                    due_at,
                    met_at,
                    breached,
                    None if late < 0 else late,
                    0,
                    breached,
                )

    def entries(self) -> Iterator[tuple[Any, ...]]:
        plan, agent = self.plan, self.refs.agent
        for i, case_id in enumerate(self.ids):
            language, closed = int(plan.language[i]), self.closed[i]
            reply = (FIRST_REPLY if closed else ASKING_REPLY)[language]
            yield (
                case_id,
                "created",
                self.filed[i],
                self.logged_by[i],
                self.descriptions[i],
                True,
                _json(channel=plan.channel[i]),
            )
            yield case_id, "acknowledged", self.filed[i], None, "", True, "{}"
            yield case_id, "reply_out", self.responded[i], agent, reply, True, "{}"
            for at, change in _status_changes(self.responded[i], self.resolved[i], closed):
                yield case_id, "status", at, agent, "", False, json.dumps(change)
            for leg, kind in enumerate(LEGS):
                due = int(self.clocks.breached[leg, i])
                if due >= 0:
                    moment = self.times(np.array([due]))[0]
                    data = _json(leg=kind, due_at=self._iso(due, met=self.met[leg][i] >= 0))
                    yield case_id, "breached", moment, None, "", False, data
            if closed:
                yield case_id, "follow_up", self.follow_up[i], None, "", True, "{}"
                rating = _json(rating=int(plan.rating[i]))
                yield case_id, "rated", self.rated[i], None, "", True, rating

    def pauses(self) -> Iterator[tuple[Any, ...]]:
        """The waiting cases' pause, from the agent's question on."""
        for i, case_id in enumerate(self.ids):
            if not self.closed[i]:
                yield case_id, self.responded[i]

    def timeline(self) -> Iterator[tuple[Any, ...]]:
        plan, agent, now = self.plan, self.refs.agent, self.now
        for i, case_id in enumerate(self.ids):
            member, reference, closed = int(plan.member[i]), self.references[i], self.closed[i]
            opened = _json(reference=reference, type="complaint", channel=plan.channel[i])
            yield (
                member, "case_opened", self.filed[i], self.summaries[i], opened, "care.case", str(case_id),
                self.logged_by[i], now,
            )  # fmt: skip
            for at, change in _status_changes(self.responded[i], self.resolved[i], closed):
                summary = f"{reference}: {change['from']} → {change['to']}"
                data = _json(reference=reference, **change)
                yield member, "case_status", at, summary, data, "", "", agent, now
            if closed:
                rating = _json(reference=reference, rating=int(plan.rating[i]))
                yield member, "case_rated", self.rated[i], "", rating, "", "", None, now

    def _iso(self, epoch: int, *, met: bool) -> str:
        """A due time as written into a breach's entry: in the calendar's zone when the leg was met late
        (care.legs), in UTC when the sweep stamped it, as read back from the database."""
        return _at(epoch).astimezone(self.calendar.timezone if met else UTC).isoformat()


def _json(**data: Any) -> str:
    return json.dumps(data)


def _status_changes(
    reply_at: str | None, resolved: str | None, closed: bool
) -> Iterator[tuple[str | None, dict[str, str]]]:
    """The moves of a case of the history: listening at the first response, then resolved and closed at
    once, or waiting for the customer's answer to the agent's question."""
    yield reply_at, {"from": "acknowledged", "to": "listening"}
    if closed:
        yield resolved, {"from": "listening", "to": "resolved"}
        yield resolved, {"from": "resolved", "to": "closed"}
    else:
        yield reply_at, {"from": "listening", "to": "waiting"}


def truth_notes() -> dict[str, Any]:
    """How the history's cases were drawn, for the truth document."""
    return {
        "complaint": "every problem with reported_at in the simulation is a care.Case of type complaint, filed "
        "at that time; OrderProblem keeps the problem only (reported_at, resolved_at, customer_satisfied empty)",
        "first_response_office_hours_median": dict(zip(OUTCOMES, RESPONSE_HOURS, strict=True)),
        "first_response_spread": f"log-normal, sigma {RESPONSE_SPREAD}; met within office hours of the "
        "default policy's calendar; at the resolution when that comes first",
        "resolved": "resolved and closed at the planted resolution; rated 4-5 when satisfied, 1-3 when not",
        "unresolved": "status waiting (the agent asked for details; the customer never answered)",
        "resolved_to_satisfaction": "resolved or closed, and rated 4 or 5 (or not rated)",
    }
