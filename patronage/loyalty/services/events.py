"""One-off events that earn points by the program's event rules: sign-up, birthday, referral, a survey
answered, or a custom event an integration sends. Each event earns once per idempotency key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import User
from patronage.loyalty import rules
from patronage.loyalty import timeline_kinds as kinds
from patronage.loyalty.models import Account, EntryKind, LedgerEntry, Program
from patronage.loyalty.rules_params import rule_params_check
from patronage.loyalty.selectors import evaluation_as_dict, member_context, program_rules
from patronage.loyalty.services import notify
from patronage.loyalty.services.caps import caps_use
from patronage.loyalty.services.ledger import Cause
from patronage.loyalty.services.points import account_open, lots_earn
from patronage.loyalty.services.tiers import tier_after_activity
from patronage.members.models import Member
from patronage.members.services import timeline_record


@dataclass(frozen=True)
class EventResult:
    points: int
    created: bool
    evaluation: dict[str, Any]


def event_earn(
    *,
    program: Program,
    member: Member,
    event: str,
    idempotency_key: str,
    at: datetime | None = None,
    actor: User | None = None,
) -> EventResult:
    """Books what the event earns under the program's event rules; the same key again changes nothing."""
    if rule_params_check("event", {"event": event, "points": 1}):
        raise ValidationFailed(
            _("event must be signup, birthday, referral, survey_answered or custom:<name>"), field="event"
        )
    at = at or clock.now()
    key = f"event:{program.pk}:{idempotency_key}"
    # Only a fast path for a retry after the first request; a racing copy is told by the write (or, for an
    # event that earns nothing, under the account's lock: see event_book).
    if existing := LedgerEntry.objects.filter(idempotency_key=key).select_related("account").first():
        return _same_event(existing, member=member, event=event)
    try:
        with transaction.atomic(durable=True):
            return event_book(
                program=program,
                member=member,
                event=event,
                idempotency_key=idempotency_key,
                at=at,
                actor=actor,
            )
    except IntegrityError:
        # A copy racing the first request: the unique key refused it once the first had committed.
        first = LedgerEntry.objects.select_related("account").filter(idempotency_key=key).first()
        if first is None:
            raise
        return _same_event(first, member=member, event=event)


def _same_event(entry: LedgerEntry, *, member: Member, event: str) -> EventResult:
    # Keys are unique per program, not per member: another member's key (or another event) is a different
    # request, which must be refused rather than answered as if it had earned.
    if entry.account.member_id != member.pk or entry.reason != event:
        raise Conflict(
            _("this idempotency key was already used for a different request"), field="idempotency_key"
        )
    return EventResult(entry.points, False, {})


def event_book(
    *, program: Program, member: Member, event: str, idempotency_key: str, at: datetime, actor: User | None
) -> EventResult:
    """event_earn's work, inside the caller's transaction (sign-up enrolment runs it in the sign-up's)."""
    key = f"event:{program.pk}:{idempotency_key}"
    account = account_open(program=program, member=member, at=at)
    account = (
        Account.objects.select_for_update(of=("self",))
        .select_related("program", "tier", "member")
        .get(pk=account.pk)
    )
    rule_set = program_rules(program=program)
    evaluation = rules.evaluate_event(
        event,
        at,
        rule_set,
        member_context(account=account, rule_set=rule_set, at=at),
        time_zone=ZoneInfo(program.time_zone),
    )
    caps_use(account=account, rule_set=rule_set, evaluation=evaluation, at=at)
    if evaluation.total <= 0:
        # Nothing to write, so no key to collide on. A copy of this request that won the race may be why
        # (it used the cap): the account's lock, held by that copy until it committed, makes its entry
        # visible here, and it is the answer.
        first = LedgerEntry.objects.select_related("account").filter(idempotency_key=key).first()
        if first is not None:
            return _same_event(first, member=member, event=event)
        return EventResult(0, True, evaluation_as_dict(evaluation))
    lots_earn(
        account=account,
        points=evaluation.total,
        cause=Cause("event", idempotency_key[:64]),
        key=key,
        at=at,
        actor=actor,
        reason=event,
        pending=False,
        kind=EntryKind.EARN,
    )
    timeline_record(
        member=member,
        kind=kinds.POINTS_EARNED.code,
        occurred_at=at,
        summary=f"+{evaluation.total} {event} ({program.name})",
        data={"program": program.code, "points": evaluation.total, "event": event},
    )
    notify.points_changed(account=account, change=evaluation.total, kind="earn", cause=key, at=at)
    tier_after_activity(account=account, at=at)
    return EventResult(evaluation.total, True, evaluation_as_dict(evaluation))
