"""Step 4, value-added compensation: given at once within the giver's limit, else waiting for a lead.

Each compensation is worth an amount of money, whatever its kind (points, a benefit, a voucher, a
replacement, a refund), so one limit per role covers them all. A person's limit is the highest of their
groups' (care.CompensationLimit). Points and benefits are booked by the loyalty engine with the case as
their cause, in the same transaction as the compensation row, whose unique key makes a retry book
nothing more.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from patronage.care import timeline_kinds as kinds
from patronage.care.flows import case_transition
from patronage.care.models import (
    Case,
    CaseEntry,
    CaseStatus,
    Compensation,
    CompensationKind,
    CompensationLimit,
    CompensationStatus,
    EntryKind,
)
from patronage.care.notify import case_event
from patronage.core import clock
from patronage.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from patronage.core.models import User
from patronage.core.words import money_words
from patronage.loyalty.models import Benefit, Program
from patronage.loyalty.services import account_open, points_goodwill
from patronage.loyalty.services.benefits import benefit_goodwill
from patronage.loyalty.services.ledger import Cause
from patronage.members.services import timeline_record

APPROVE = "care.lead_cases"
MAX_VALUE = Decimal("100000000")


@dataclass(frozen=True)
class CompensationInput:
    kind: str
    value: str | Decimal
    idempotency_key: str
    points: int | None = None
    program_id: int | None = None
    benefit_id: int | None = None
    reference: str = ""
    note: str = ""
    ask_approval: bool = False  # over the limit: wait for a lead rather than refuse


@dataclass(frozen=True)
class CompensationResult:
    compensation: Compensation
    created: bool


def limit_of(user: User | None) -> Decimal:
    """The most value `user` may give without a lead's approval; a superuser has no limit, nobody none."""
    if user is None:
        return Decimal(0)
    if user.is_superuser:
        return MAX_VALUE
    found = CompensationLimit.objects.filter(group__user=user).aggregate(top=Max("value"))["top"]
    return found if found is not None else Decimal(0)


def compensation_give(*, case: Case, data: CompensationInput, actor: User | None) -> CompensationResult:
    """Gives compensation on the case, or records it as awaiting a lead's approval when it is over the
    actor's limit and they asked for that; over the limit without asking is refused, naming the limit."""
    key = data.idempotency_key.strip()
    if not key or len(key) > 150:
        raise ValidationFailed(_("give an idempotency key of 1 to 150 characters"), field="idempotency_key")
    if existing := Compensation.objects.filter(idempotency_key=f"care:{key}").first():
        return CompensationResult(_same(existing, case=case), created=False)
    value = _value(data.value)
    program, benefit = _checked(case, data)
    limit = limit_of(actor)
    over = value > limit
    if over and not data.ask_approval:
        raise PermissionDenied(
            _("%(value)s is over your compensation limit of %(limit)s: ask a lead to approve it")
            % {"value": _money(value), "limit": _money(limit)},
            field="value",
        )
    now = clock.now()
    try:
        with transaction.atomic(durable=True):
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("member", "policy")
                .get(pk=case.pk)
            )
            if not case.is_open:
                raise Conflict(_("compensation is given on an open case"), field="case")
            compensation = Compensation.objects.create(
                case=case,
                kind=data.kind,
                status=CompensationStatus.AWAITING_APPROVAL if over else CompensationStatus.GRANTED,
                value=value,
                currency=settings.PATRONAGE_DEFAULT_CURRENCY,
                points=data.points if data.kind == CompensationKind.POINTS else None,
                program=program,
                benefit=benefit,
                reference=data.reference.strip(),
                note=data.note.strip(),
                idempotency_key=f"care:{key}",
                requested_by=actor,
                created_at=now,
            )
            if not over:
                _book(compensation, actor=actor, decided_by=None)
            CaseEntry.objects.create(
                case=case,
                kind=EntryKind.COMPENSATION,
                at=now,
                actor=actor,
                body=compensation.note,
                data={"compensation": compensation.pk, "status": compensation.status},
            )
            case_event(
                case,
                topic="case.updated",
                key=f"compensation:{compensation.pk}",
                at=now,
                change={"compensation": compensation.status},
            )
    except IntegrityError:
        existing = Compensation.objects.filter(idempotency_key=f"care:{key}").first()
        if existing is None:
            raise
        return CompensationResult(_same(existing, case=case), created=False)
    return CompensationResult(compensation, created=True)


def compensation_decide(*, compensation: Compensation, approve: bool, actor: User) -> Compensation:
    """A lead approves (the value is booked now) or declines a compensation that waited for them."""
    if not actor.has_staff_perm(APPROVE):
        raise PermissionDenied(_("only a lead may approve compensation"), field="compensation")
    now = clock.now()
    with transaction.atomic(durable=True):
        compensation = (
            Compensation.objects.select_for_update(of=("self",))
            .select_related("case__member")
            .get(pk=compensation.pk)
        )
        if compensation.status != CompensationStatus.AWAITING_APPROVAL:
            raise Conflict(_("this compensation was already decided"), field="compensation")
        limit = limit_of(actor)
        if approve and compensation.value > limit:
            raise PermissionDenied(
                _("%(value)s is over your own limit of %(limit)s")
                % {"value": _money(compensation.value), "limit": _money(limit)},
                field="value",
            )
        compensation.decided_by, compensation.decided_at = actor, now
        if approve:
            _book(compensation, actor=compensation.requested_by, decided_by=actor)
        else:
            compensation.status = CompensationStatus.DECLINED
            compensation.save(update_fields=["status", "decided_by", "decided_at"])
        case = compensation.case
        CaseEntry.objects.create(
            case=case,
            kind=EntryKind.COMPENSATION,
            at=now,
            actor=actor,
            data={"compensation": compensation.pk, "status": compensation.status},
        )
        case_event(
            case,
            topic="case.updated",
            key=f"compensation:{compensation.pk}:{compensation.status}",
            at=now,
            change={"compensation": compensation.status},
        )
    return compensation


def _book(compensation: Compensation, *, actor: User | None, decided_by: User | None) -> None:
    """Gives the value now: points on the ledger or a benefit, with the case as cause; a voucher gets its
    code. Moves the case to step 4 when it stood at the solution."""
    case = compensation.case
    now = clock.now()
    reason = _("Goodwill for %(reference)s") % {"reference": case.reference}
    cause = Cause("case", case.reference)
    if compensation.kind in (CompensationKind.POINTS, CompensationKind.BENEFIT):
        assert case.member is not None
        assert compensation.program is not None
        account = account_open(program=compensation.program, member=case.member, at=now)
        if compensation.kind == CompensationKind.POINTS:
            assert compensation.points is not None
            compensation.ledger_entry = points_goodwill(
                account=account,
                points=compensation.points,
                cause=cause,
                key=compensation.idempotency_key,
                reason=reason,
                actor=actor,
                at=now,
            )
        else:
            assert compensation.benefit is not None
            compensation.benefit_grant = benefit_goodwill(
                account=account,
                benefit=compensation.benefit,
                key=compensation.idempotency_key,
                reason=reason,
                actor=actor,
                at=now,
            )
    elif compensation.kind == CompensationKind.VOUCHER and not compensation.voucher_code:
        compensation.voucher_code = "GW-" + secrets.token_hex(5).upper()
    compensation.status = CompensationStatus.GRANTED
    compensation.save()
    if case.member_id is not None:
        timeline_record(
            member=case.member,  # type: ignore[arg-type]
            kind=kinds.CASE_COMPENSATED.code,
            occurred_at=now,
            summary=reason,
            data={
                "reference": case.reference,
                "kind": compensation.kind,
                "value": str(compensation.value),
                "currency": compensation.currency,
            },
            actor=decided_by or actor,
        )
    if case.status == CaseStatus.PROPOSED:
        case_transition(case=case, to=CaseStatus.COMPENSATED, actor=decided_by or actor, at=now)


def _value(raw: str | Decimal) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationFailed(
            _("'%(value)s' is not an amount of money") % {"value": raw}, field="value"
        ) from None
    if not value.is_finite() or value <= 0 or value >= MAX_VALUE or value != round(value, 2):
        raise ValidationFailed(_("give an amount above zero, with at most two decimals"), field="value")
    return value


def _checked(case: Case, data: CompensationInput) -> tuple[Program | None, Benefit | None]:
    if data.kind not in CompensationKind.values:
        raise ValidationFailed(
            _("choose one of: %(choices)s") % {"choices": ", ".join(CompensationKind.values)}, field="kind"
        )
    if len(data.reference) > 100:
        raise ValidationFailed(_("at most %(max)d characters") % {"max": 100}, field="reference")
    if len(data.note) > 500:
        raise ValidationFailed(_("at most %(max)d characters") % {"max": 500}, field="note")
    if data.kind not in (CompensationKind.POINTS, CompensationKind.BENEFIT):
        return None, None
    if data.kind == CompensationKind.POINTS:
        if not isinstance(data.points, int) or isinstance(data.points, bool) or data.points <= 0:
            raise ValidationFailed(_("points must be a positive whole number"), field="points")
        program = Program.objects.filter(pk=data.program_id).first() if data.program_id else _only_program()
        if program is None and data.program_id:
            raise NotFound(_("no program with id %(id)s") % {"id": data.program_id}, field="program")
        if program is None:
            raise ValidationFailed(_("choose the program the points go to"), field="program")
        _member_or_conflict(case)
        return program, None
    if not data.benefit_id:
        raise ValidationFailed(_("choose the benefit to give"), field="benefit")
    benefit = Benefit.objects.select_related("program").filter(pk=data.benefit_id).first()
    if benefit is None:
        raise NotFound(_("no benefit with id %(id)s") % {"id": data.benefit_id}, field="benefit")
    _member_or_conflict(case)
    return benefit.program, benefit


def _member_or_conflict(case: Case) -> None:
    """Points and benefits are booked in the customer's file: a case not matched to one cannot take them."""
    if case.member_id is None:
        raise Conflict(
            _("points and benefits need the customer's file: match the case to a member first"), field="kind"
        )


def _only_program() -> Program | None:
    programs = list(Program.objects.all()[:2])
    return programs[0] if len(programs) == 1 else None


def _same(existing: Compensation, *, case: Case) -> Compensation:
    if existing.case_id != case.pk:
        raise Conflict(
            _("this idempotency key was already used for a different request"), field="idempotency_key"
        )
    return existing


def _money(value: Decimal) -> str:
    return money_words(value, settings.PATRONAGE_DEFAULT_CURRENCY)
