"""Many purchases at once (the bulk API): the same rules and the same rows as one at a time, written set
by set, so a batch of a thousand costs a few dozen statements instead of tens of thousands.

What makes it equal to recording the purchases one by one, in the order given:
- each member's purchases are evaluated in order, caps counting what the earlier ones in the batch gave;
- every member's account is locked (in id order) for the whole batch, as one purchase locks it;
- the rows are the same: order and lines, OrderPoints, an earn entry and its lot, timeline events, one
  `points.changed` event each with the balances after it, and tier upgrades at the end.
One difference is stated: tier multipliers use the tier a member held when the batch began.

Returns, repeated external ids and anything the set path cannot take (a concurrent delivery of one of
its purchases) go through `transaction_record` one at a time, so each item still gets its own result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patronage.commerce.models import Order, OrderKind, OrderLine
from patronage.core import clock
from patronage.core.errors import ApplicationError, ValidationFailed
from patronage.core.models import OutboxEvent, User
from patronage.core.sql import objects_insert, rows_update
from patronage.loyalty import rules
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
)
from patronage.loyalty.selectors import (
    earn_settings,
    evaluation_as_dict,
    program_rules,
    qualifying_values,
    tier_table,
)
from patronage.loyalty.services.points import owed_settle
from patronage.loyalty.services.tiers import tier_moves_book, tier_upgrade
from patronage.loyalty.services.transactions import (
    References,
    TransactionInput,
    TransactionResult,
    check_transaction,
    lines_build,
    order_build,
    order_timeline_event,
    points_timeline_event,
    purchase_of,
    transaction_record,
)
from patronage.members.models import TimelineEvent

MAX_BULK = 1000


@dataclass(frozen=True)
class BulkOutcome:
    result: TransactionResult | None = None
    error: ApplicationError | None = None


def transactions_record_bulk(
    *, program: Program, items: Sequence[TransactionInput], actor: User | None = None
) -> list[BulkOutcome]:
    """Records up to MAX_BULK transactions, each with its own outcome; a bad one does not stop the others."""
    if len(items) > MAX_BULK:
        raise ValidationFailed(_("at most %(max)d transactions at once") % {"max": MAX_BULK}, field="items")
    outcomes: list[BulkOutcome | None] = [None] * len(items)
    refs = References.of(items)
    together = _checked_new_purchases(program, items, refs, outcomes)
    if together:
        try:
            with transaction.atomic(durable=True):
                booked = _book(program, [items[i] for i in together], refs, actor)
        except IntegrityError:
            booked = []  # another delivery of one of them got there first: take them one by one
        for index, result in zip(together, booked, strict=False):
            outcomes[index] = BulkOutcome(result=result)
    for index, outcome in enumerate(outcomes):
        if outcome is None:
            try:
                outcomes[index] = BulkOutcome(
                    result=transaction_record(program=program, data=items[index], actor=actor)
                )
            except ApplicationError as refused:
                outcomes[index] = BulkOutcome(error=refused)
    return [outcome or BulkOutcome() for outcome in outcomes]


def _checked_new_purchases(
    program: Program, items: Sequence[TransactionInput], refs: References, outcomes: list[BulkOutcome | None]
) -> list[int]:
    """Indexes of the valid purchases not seen before, refusing the invalid items in `outcomes`."""
    candidates: dict[tuple[str, str], int] = {}
    repeated: set[tuple[str, str]] = set()
    for index, data in enumerate(items):
        try:
            check_transaction(program, data)
            refs.check(data)
        except ApplicationError as refused:
            outcomes[index] = BulkOutcome(error=refused)
            continue
        key = (data.source, data.external_id)
        # Returns, repeats and purchases paid with points take the one-by-one path.
        if data.kind != OrderKind.PURCHASE or key in candidates or data.redemption_code:
            repeated.add(key)
        else:
            candidates[key] = index
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, external_id in candidates:
        by_source[source].append(external_id)
    known = {
        (source, external_id)
        for source, ids in by_source.items()
        for external_id in Order.objects.filter(source=source, external_id__in=ids).values_list(
            "external_id", flat=True
        )
    }
    return sorted(index for key, index in candidates.items() if key not in known and key not in repeated)


def _book(
    program: Program, batch: list[TransactionInput], refs: References, actor: User | None
) -> list[TransactionResult]:
    orders = [order_build(program, data, None, refs) for data in batch]
    objects_insert(Order, orders)
    objects_insert(
        OrderLine,
        [line for order, data in zip(orders, batch, strict=True) for line in lines_build(order, data, refs)],
    )
    accounts = _accounts_locked(program, batch)
    evaluations = _evaluate(program, orders, batch, accounts)
    objects_insert(
        OrderPoints,
        [
            OrderPoints(
                order=order,
                account=accounts[data.member.pk],
                earned=evaluation.total,
                amount=data.amount,
                occurred_at=data.occurred_at,
                evaluation=evaluation_as_dict(evaluation),
            )
            for order, data, evaluation in zip(orders, batch, evaluations, strict=True)
        ],
    )
    earning = [(o, d, e) for o, d, e in zip(orders, batch, evaluations, strict=True) if e.total > 0]
    pending = program.pending_days > 0
    _ledger_write(program, earning, accounts, pending, actor)
    _timeline_and_outbox(program, orders, batch, evaluations, accounts, pending)
    results = []
    upgraded = _tiers_after(program, earning, accounts)
    for order, data, evaluation in zip(orders, batch, evaluations, strict=True):
        account = accounts[data.member.pk]
        results.append(
            TransactionResult(
                order,
                True,
                evaluation.total,
                evaluation_as_dict(evaluation),
                account.tier,
                account.pk in upgraded,
            )
        )
    return results


def _accounts_locked(program: Program, batch: list[TransactionInput]) -> dict[int, Account]:
    """Each member's account, opened where missing, locked in id order for the batch."""
    first_seen: dict[int, datetime] = {}
    for data in batch:
        first_seen[data.member.pk] = min(first_seen.get(data.member.pk, data.occurred_at), data.occurred_at)
    have = set(
        Account.objects.filter(program=program, member_id__in=first_seen).values_list("member_id", flat=True)
    )
    Account.objects.bulk_create(
        [
            Account(program=program, member_id=m, enrolled_at=at)
            for m, at in first_seen.items()
            if m not in have
        ],
        ignore_conflicts=True,
    )
    locked = (
        Account.objects.select_for_update(of=("self",))
        .select_related("program", "tier", "tier_floor", "member")
        .filter(program=program, member_id__in=first_seen)
        .order_by("pk")
    )
    return {account.member_id: account for account in locked}


def _evaluate(
    program: Program, orders: list[Order], batch: list[TransactionInput], accounts: dict[int, Account]
) -> list[rules.Evaluation]:
    rule_set = program_rules(program=program)
    settings = earn_settings(program=program)
    tz = ZoneInfo(program.time_zone)
    capped = [rule for rule in rule_set if rule.cap_points is not None and rule.cap_period is not None]
    stored: dict[tuple[int, str, str], CapUsage] = {}
    if capped:
        rows = CapUsage.objects.filter(
            account__in=list(accounts.values()), rule_code__in=[rule.code for rule in capped]
        )
        stored = {(row.account_id, row.rule_code, row.period_key): row for row in rows}
    used: dict[tuple[int, str, str], int] = {key: row.points for key, row in stored.items()}
    evaluations = []
    for order, data in zip(orders, batch, strict=True):
        account = accounts[data.member.pk]
        periods = {
            rule.code: rules.cap_period_key(rule.cap_period, data.occurred_at, tz)
            for rule in capped
            if rule.cap_period
        }
        context = rules.MemberContext(
            tier=account.tier.code if account.tier else None,
            earned_in_period={
                (code, key): used.get((account.pk, code, key), 0) for code, key in periods.items()
            },
        )
        evaluation = rules.evaluate_purchase(purchase_of(program, order, data), rule_set, settings, context)
        for contribution in evaluation.contributions:
            if contribution.rule_code in periods and contribution.points > 0:
                key = (account.pk, contribution.rule_code, periods[contribution.rule_code])
                used[key] = used.get(key, 0) + contribution.points
        evaluations.append(evaluation)
    _caps_save(stored, used)
    return evaluations


def _caps_save(stored: dict[tuple[int, str, str], CapUsage], used: dict[tuple[int, str, str], int]) -> None:
    """Writes what capped rules gave in the batch: changed rows in one update, new ones in one insert."""
    changed = [row for key, row in stored.items() if used[key] != row.points]
    for row in changed:
        row.points = used[(row.account_id, row.rule_code, row.period_key)]
    CapUsage.objects.bulk_update(changed, ["points"])
    CapUsage.objects.bulk_create(
        CapUsage(account_id=account_id, rule_code=code, period_key=period, points=points)
        for (account_id, code, period), points in used.items()
        if (account_id, code, period) not in stored
    )


def _ledger_write(
    program: Program,
    earning: list[tuple[Order, TransactionInput, rules.Evaluation]],
    accounts: dict[int, Account],
    pending: bool,
    actor: User | None,
) -> None:
    if not earning:
        return
    bucket = Bucket.PENDING if pending else Bucket.ACTIVE
    entries = [
        LedgerEntry(
            account=accounts[data.member.pk],
            kind=EntryKind.EARN,
            bucket=bucket,
            points=evaluation.total,
            cause_type="order",
            cause_id=str(order.pk),
            actor=actor,
            reason=f"purchase {data.external_id}",
            effective_at=data.occurred_at,
            idempotency_key=f"earn:{program.pk}:order:{order.pk}",
        )
        for order, data, evaluation in earning
    ]
    objects_insert(LedgerEntry, entries)
    objects_insert(
        Lot,
        [
            Lot(
                account=entry.account,
                earned_by=entry,
                order=order,
                points=entry.points,
                remaining=entry.points,
                is_pending=pending,
                available_at=data.occurred_at + timedelta(days=program.pending_days)
                if pending
                else data.occurred_at,
                expires_at=expiry_date(program, data.occurred_at),
            )
            for entry, (order, data, _evaluation) in zip(entries, earning, strict=True)
        ],
    )
    gained: dict[int, int] = defaultdict(int)
    latest: dict[int, datetime] = {}
    for entry, (_order, data, _evaluation) in zip(entries, earning, strict=True):
        gained[entry.account.pk] += entry.points
        latest[entry.account.pk] = data.occurred_at
    column = "pending" if pending else "active"
    rows_update(
        Account,
        ((pk, {column: points, "last_activity_at": latest[pk]}) for pk, points in gained.items()),
        added=frozenset({column}),
    )
    if not pending:
        for account in accounts.values():
            if account.pk in gained and account.owed > 0:
                owed_settle(
                    account=account,
                    at=latest[account.pk],
                    key=f"earn:{program.pk}:bulk:{account.pk}:{latest[account.pk].isoformat()}:settle",
                )


def _timeline_and_outbox(
    program: Program,
    orders: list[Order],
    batch: list[TransactionInput],
    evaluations: list[rules.Evaluation],
    accounts: dict[int, Account],
    pending: bool,
) -> None:
    events: list[TimelineEvent] = []
    outbox: list[OutboxEvent] = []
    balance = {a.pk: {"active": a.active, "pending": a.pending, "owed": a.owed} for a in accounts.values()}
    for order, data, evaluation in zip(orders, batch, evaluations, strict=True):
        events.append(order_timeline_event(program, data.member, order))
        if evaluation.total <= 0:
            continue
        account = accounts[data.member.pk]
        events.append(
            points_timeline_event(kinds.POINTS_EARNED.code, program, data.member, order, evaluation.total)
        )
        now = balance[account.pk]
        now["pending" if pending else "active"] += evaluation.total
        outbox.append(
            OutboxEvent(
                topic="points.changed",
                key=f"points.changed:{program.pk}:order:{order.pk}",
                created_at=data.occurred_at,
                payload={
                    "member": data.member.pk,
                    "program": program.code,
                    "change": evaluation.total,
                    "kind": "earn",
                    "cause": f"order:{order.pk}",
                    **now,
                    "at": data.occurred_at.isoformat(),
                },
            )
        )
    objects_insert(TimelineEvent, events)
    objects_insert(OutboxEvent, outbox)


def _tiers_after(
    program: Program,
    earning: list[tuple[Order, TransactionInput, rules.Evaluation]],
    accounts: dict[int, Account],
) -> set[int]:
    table = tier_table(program=program) if earning else {}
    if not table:
        return set()
    latest: dict[int, datetime] = {}
    for _order, data, _evaluation in earning:
        latest[data.member.pk] = max(latest.get(data.member.pk, data.occurred_at), data.occurred_at)
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
