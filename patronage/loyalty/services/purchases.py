"""New purchases booked set by set: one purchase (POST /transactions) or a thousand (the bulk form) cost
the same handful of statements, because the rows of every table are written together (core.sql.rows_write).

What makes a set equal to recording its purchases one by one, in the order given:
- each member's purchases are evaluated in order, caps counting what the earlier ones in the set gave;
- every member's account is locked (in id order) for the whole set, as one purchase locks it;
- the rows are the same: order and lines, OrderPoints, an earn entry and its lot, timeline events, one
  `points.changed` event each with the balances after it, and tier upgrades at the end.
One difference is stated: tier multipliers use the tier a member held when the set began.

Returns are booked one at a time by services.transactions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, models
from django.utils.translation import gettext as _

from patronage.commerce.models import Order, OrderLine
from patronage.core import clock
from patronage.core.errors import Conflict, NotFound
from patronage.core.models import OutboxEvent, User
from patronage.core.sql import Insert, Update, ids_reserve_many, rows_write
from patronage.loyalty import hooks, rules
from patronage.loyalty import timeline_kinds as kinds
from patronage.loyalty.expiry import expiry_date
from patronage.loyalty.models import (
    Account,
    Bucket,
    CapUsage,
    EntryKind,
    LedgerEntry,
    Lot,
    OrderPoints,
    Program,
    Redemption,
)
from patronage.loyalty.selectors import (
    earn_settings,
    evaluation_as_dict,
    program_rules,
    qualifying_values,
    tier_table,
)
from patronage.loyalty.services.orders import (
    References,
    TransactionInput,
    TransactionResult,
    lines_fields,
    order_fields,
    order_timeline_fields,
    points_timeline_fields,
    purchase_of,
)
from patronage.loyalty.services.points import owed_settle
from patronage.loyalty.services.tiers import tier_moves_book, tier_upgrade
from patronage.members.models import TimelineEvent


def purchases_book(
    *,
    program: Program,
    batch: Sequence[TransactionInput],
    refs: References,
    actor: User | None,
    recorded: Sequence[Order] | None = None,
) -> list[TransactionResult]:
    """Records new purchases and what they earn (in the caller's durable transaction), results in order.

    The purchases are checked (check_transaction, refs.check) and unknown to the caller; one recorded
    meanwhile fails the whole set with IntegrityError on the order's unique key. `recorded`: the
    purchases' orders are already in the customer file, with their timeline (the backfill), and only
    their points are booked.
    """
    accounts = _accounts_locked(program, batch)
    paid_with = [_paid_with(accounts[data.member.pk], data.redemption_code) for data in batch]
    channels = [channel.code if (channel := refs.channel_of(data)) else None for data in batch]
    evaluations, caps = _evaluate(program, batch, channels, accounts)
    earning = sum(1 for evaluation in evaluations if evaluation.total > 0)
    new = len(batch) if recorded is None else 0
    ids = ids_reserve_many(
        {
            Order: new,
            OrderLine: sum(len(data.lines) for data in batch) if new else 0,
            OrderPoints: len(batch),
            LedgerEntry: earning,
            Lot: earning,
            TimelineEvent: new + earning,
            OutboxEvent: earning,
            CapUsage: len(caps.new),
        }
    )
    rows = _Rows(program, accounts, actor, ids)
    orders = rows.add_orders(batch, refs) if recorded is None else list(recorded)
    explained = [evaluation_as_dict(evaluation) for evaluation in evaluations]
    rows.add_points(batch, orders, explained, paid_with, order_events=recorded is None)
    rows.add_caps(caps)
    rows_write(rows.inserts, rows.updates)
    _owed_settle(program, rows.latest, accounts)
    upgraded = _tiers_after(program, batch, evaluations, accounts)
    return [
        TransactionResult(
            order,
            True,
            evaluation.total,
            explanation,
            (account := accounts[data.member.pk]).tier,
            account.pk in upgraded,
        )
        for order, data, evaluation, explanation in zip(orders, batch, evaluations, explained, strict=True)
    ]


def _paid_with(account: Account, code: str | None) -> int | None:
    """The id of the member's redemption that paid for this purchase, if any; one redemption pays one
    purchase."""
    if not code:
        return None
    redemption = Redemption.objects.filter(code=code.strip().upper(), account=account).first()
    if redemption is None:
        raise NotFound(
            _("the member has no redemption with the code '%(code)s'") % {"code": code},
            field="redemption_code",
        )
    if redemption.status == Redemption.Status.CANCELLED:
        raise Conflict(_("redemption '%(code)s' was cancelled") % {"code": code}, field="redemption_code")
    if OrderPoints.objects.filter(redemption=redemption).exists():
        raise Conflict(
            _("redemption '%(code)s' already paid for another purchase") % {"code": code},
            field="redemption_code",
        )
    return redemption.pk


def _accounts_locked(program: Program, batch: Sequence[TransactionInput]) -> dict[int, Account]:
    """Each member's account by member id, opened where missing, locked in id order for the set."""
    first_seen: dict[int, datetime] = {}
    for data in batch:
        first_seen[data.member.pk] = min(first_seen.get(data.member.pk, data.occurred_at), data.occurred_at)
    accounts = _locked(program, list(first_seen))
    missing = sorted(member for member in first_seen if member not in accounts)
    if missing:
        # A concurrent first purchase may open one of them first: ignore_conflicts, then read them all.
        # In member order, so that two sets opening the same accounts wait for each other, never deadlock.
        Account.objects.bulk_create(
            [Account(program=program, member_id=m, enrolled_at=first_seen[m]) for m in missing],
            ignore_conflicts=True,
        )
        accounts.update(_locked(program, missing))
    tiers = {tier.pk: tier for tier in tier_table(program=program).values()}
    for account in accounts.values():
        account.program = program
        account.tier = tiers.get(account.tier_id) if account.tier_id else None
        account.tier_floor = tiers.get(account.tier_floor_id) if account.tier_floor_id else None
    return accounts


def _locked(program: Program, member_ids: list[int]) -> dict[int, Account]:
    # Written out: the ORM's compiling of this one query cost more than a whole set of one's writes.
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in Account._meta.concrete_fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    found = Account.objects.raw(
        f"SELECT {columns} FROM {quote(Account._meta.db_table)} WHERE program_id = %s"
        f" AND member_id IN ({', '.join(['%s'] * len(member_ids))}) ORDER BY id{lock}",
        [program.pk, *member_ids],
    )
    return {account.member_id: account for account in found}


@dataclass
class _Caps:
    """What capped rules gave in the set: additions to stored usage rows, and new rows."""

    added: dict[int, int]  # usage row id -> points
    new: dict[tuple[int, str, str], int]  # (account id, rule code, period) -> points


def _segments_of(
    rule_set: Sequence[rules.Rule], accounts: dict[int, Account]
) -> Mapping[int, frozenset[str]]:
    """The segments of the set's members, read only when a rule asks: most programs have no segment rule."""
    if not any(rule.kind == rules.RuleKind.SEGMENT for rule in rule_set):
        return {}
    return hooks.member_segments(list(accounts))


def _evaluate(
    program: Program,
    batch: Sequence[TransactionInput],
    channels: list[str | None],
    accounts: dict[int, Account],
) -> tuple[list[rules.Evaluation], _Caps]:
    rule_set = program_rules(program=program)
    settings = earn_settings(program=program)
    tz = ZoneInfo(program.time_zone)
    capped = [rule for rule in rule_set if rule.cap_points is not None and rule.cap_period is not None]
    stored: dict[tuple[int, str, str], tuple[int, int]] = {}
    if capped:
        # Only the periods the set falls in: the rows of earlier periods only grow in number.
        current = {
            rules.cap_period_key(rule.cap_period, data.occurred_at, tz)
            for rule in capped
            if rule.cap_period
            for data in batch
        }
        rows = CapUsage.objects.filter(
            account_id__in=[account.pk for account in accounts.values()],
            rule_code__in=[rule.code for rule in capped],
            period_key__in=current,
        ).values_list("account_id", "rule_code", "period_key", "pk", "points")
        stored = {(account, code, period): (pk, points) for account, code, period, pk, points in rows}
    used = {key: points for key, (_pk, points) in stored.items()}
    given: dict[tuple[int, str, str], int] = defaultdict(int)
    segments = _segments_of(rule_set, accounts)
    evaluations = []
    for data, channel in zip(batch, channels, strict=True):
        account = accounts[data.member.pk]
        periods = {
            rule.code: rules.cap_period_key(rule.cap_period, data.occurred_at, tz)
            for rule in capped
            if rule.cap_period
        }
        context = rules.MemberContext(
            tier=account.tier.code if account.tier else None,
            segments=segments.get(data.member.pk, frozenset()),
            earned_in_period={
                (code, key): used.get((account.pk, code, key), 0) for code, key in periods.items()
            },
        )
        evaluation = rules.evaluate_purchase(purchase_of(program, data, channel), rule_set, settings, context)
        for contribution in evaluation.contributions:
            if contribution.rule_code in periods and contribution.points > 0:
                key = (account.pk, contribution.rule_code, periods[contribution.rule_code])
                used[key] = used.get(key, 0) + contribution.points
                given[key] += contribution.points
        evaluations.append(evaluation)
    caps = _Caps(
        added={stored[key][0]: points for key, points in given.items() if key in stored},
        new={key: points for key, points in given.items() if key not in stored},
    )
    return evaluations, caps


class _Rows:
    """The rows a set writes, table by table, for one rows_write; each takes the next reserved id."""

    def __init__(
        self,
        program: Program,
        accounts: dict[int, Account],
        actor: User | None,
        ids: dict[type[models.Model], list[int]],
    ) -> None:
        self.program, self.accounts = program, accounts
        self.actor_id = actor.pk if actor else None
        self.ids = {model: iter(keys) for model, keys in ids.items()}
        self.inserts: list[Insert] = []
        self.updates: list[Update] = []
        self.latest: dict[int, tuple[datetime, int]] = {}  # account id -> its last earning: time, order id

    def _id(self, model: type[models.Model]) -> int:
        return next(self.ids[model])

    def add_orders(self, batch: Sequence[TransactionInput], refs: References) -> list[Order]:
        """The new orders and their lines; the orders, as the results give them back."""
        order_rows = [
            {"id": self._id(Order), **order_fields(self.program, data, None, refs)} for data in batch
        ]
        lines = [
            {"id": self._id(OrderLine), **line}
            for row, data in zip(order_rows, batch, strict=True)
            for line in lines_fields(row["id"], data, refs)
        ]
        self.inserts += [(Order, order_rows), (OrderLine, lines)]
        return [Order(**row) for row in order_rows]

    def add_points(
        self,
        batch: Sequence[TransactionInput],
        orders: list[Order],
        explained: list[dict[str, Any]],
        paid_with: list[int | None],
        *,
        order_events: bool,
    ) -> None:
        """What each purchase earned, and for those that earned: the entry, its lot, the timeline, the
        outbox and the balances."""
        program = self.program
        pending = program.pending_days > 0
        bucket = Bucket.PENDING if pending else Bucket.ACTIVE
        column = "pending" if pending else "active"
        balance = {
            a.pk: {"active": a.active, "pending": a.pending, "owed": a.owed} for a in self.accounts.values()
        }
        points_rows: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        lots: list[dict[str, Any]] = []
        outbox: list[dict[str, Any]] = []
        timeline: list[dict[str, Any]] = []
        for order, data, explanation, redemption_id in zip(orders, batch, explained, paid_with, strict=True):
            member_id = data.member.pk
            account_id = self.accounts[member_id].pk
            points, at = explanation["total"], data.occurred_at
            points_rows.append(
                {
                    "id": self._id(OrderPoints),
                    "order_id": order.pk,
                    "account_id": account_id,
                    "earned": points,
                    "amount": data.amount,
                    "occurred_at": at,
                    "evaluation": explanation,
                    "redemption_id": redemption_id,
                }
            )
            if order_events:
                timeline.append(
                    {
                        "id": self._id(TimelineEvent),
                        "member_id": member_id,
                        **order_timeline_fields(program, order),
                    }
                )
            if points <= 0:
                continue
            entry_id = self._id(LedgerEntry)
            entries.append(
                {
                    "id": entry_id,
                    "account_id": account_id,
                    "kind": EntryKind.EARN,
                    "bucket": bucket,
                    "points": points,
                    "cause_type": "order",
                    "cause_id": str(order.pk),
                    "actor_id": self.actor_id,
                    "reason": f"purchase {data.external_id}",
                    "reverses_id": None,
                    "effective_at": at,
                    "idempotency_key": f"earn:{program.pk}:order:{order.pk}",
                }
            )
            lots.append(
                {
                    "id": self._id(Lot),
                    "account_id": account_id,
                    "earned_by_id": entry_id,
                    "order_id": order.pk,
                    "points": points,
                    "remaining": points,
                    "is_pending": pending,
                    "available_at": at + timedelta(days=program.pending_days) if pending else at,
                    "expires_at": expiry_date(program, at),
                }
            )
            timeline.append(
                {
                    "id": self._id(TimelineEvent),
                    "member_id": member_id,
                    **points_timeline_fields(kinds.POINTS_EARNED.code, program, order, points),
                }
            )
            now = balance[account_id]
            now[column] += points
            outbox.append(
                {
                    "id": self._id(OutboxEvent),
                    "topic": "points.changed",
                    "key": f"points.changed:{program.pk}:order:{order.pk}",
                    "created_at": at,
                    "delivered_at": None,
                    "payload": {
                        "member": member_id,
                        "program": program.code,
                        "change": points,
                        "kind": "earn",
                        "cause": f"order:{order.pk}",
                        **now,
                        "at": at.isoformat(),
                    },
                }
            )
            self.latest[account_id] = (at, order.pk)
        self.inserts += [
            (OrderPoints, points_rows),
            (LedgerEntry, entries),
            (Lot, lots),
            (TimelineEvent, timeline),
            (OutboxEvent, outbox),
        ]
        gained = {
            pk: balance[pk][column] - getattr(account, column)
            for account in self.accounts.values()
            if (pk := account.pk) in self.latest
        }
        self.updates.append(
            (
                Account,
                [
                    (pk, {column: points, "last_activity_at": self.latest[pk][0]})
                    for pk, points in gained.items()
                ],
                frozenset({column}),
            )
        )

    def add_caps(self, caps: _Caps) -> None:
        self.inserts.append(
            (
                CapUsage,
                [
                    {
                        "id": self._id(CapUsage),
                        "account_id": account_id,
                        "rule_code": code,
                        "period_key": period,
                        "points": points,
                    }
                    for (account_id, code, period), points in caps.new.items()
                ],
            )
        )
        self.updates.append(
            (CapUsage, [(pk, {"points": points}) for pk, points in caps.added.items()], frozenset({"points"}))
        )


def _owed_settle(
    program: Program, latest: dict[int, tuple[datetime, int]], accounts: dict[int, Account]
) -> None:
    """Active points just earned first pay back what the member owes (rare: after returns beyond the balance)."""
    if program.pending_days > 0:
        return
    for account in accounts.values():
        if account.pk in latest and account.owed > 0:
            at, order_id = latest[account.pk]
            owed_settle(account=account, at=at, key=f"earn:{program.pk}:order:{order_id}:settle")


def _tiers_after(
    program: Program,
    batch: Sequence[TransactionInput],
    evaluations: list[rules.Evaluation],
    accounts: dict[int, Account],
) -> set[int]:
    """Moves up the members whose earnings reached a higher tier; the account ids that moved."""
    latest: dict[int, datetime] = {}
    for data, evaluation in zip(batch, evaluations, strict=True):
        if evaluation.total > 0:
            latest[data.member.pk] = max(latest.get(data.member.pk, data.occurred_at), data.occurred_at)
    table = tier_table(program=program) if latest else {}
    if not table:
        return set()
    touched = [accounts[member_id] for member_id in latest]
    values = qualifying_values(
        program=program, accounts=touched, as_of=max(max(latest.values()), clock.now())
    )
    moves = [
        move
        for account in touched
        if (
            move := tier_upgrade(
                account=account, value=values[account.pk], table=table, at=latest[account.member_id]
            )
        )
    ]
    tier_moves_book(moves=moves)
    return {move.account.pk for move in moves}
