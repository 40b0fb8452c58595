"""Loyalty for integrations: programs and their catalogue, a member's account, ledger, redemptions, events,
benefits and tier history. Each endpoint parses, checks the scope, and calls one service or selector.

Purchases and returns are in routers/transactions.py.
"""

# No `from __future__ import annotations` here: ninja reads `Query[...]` parameters at import time.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.loyalty import (
    AccountOut,
    AdjustmentIn,
    BenefitFilters,
    BenefitGrantOut,
    BenefitUseIn,
    BenefitUseOut,
    EvaluationOut,
    EventIn,
    EventOut,
    LedgerEntryOut,
    LiabilityFilters,
    LiabilityOut,
    NamesOut,
    ProgramDetailOut,
    ProgramFilter,
    ProgramNamesIn,
    ProgramOut,
    RedemptionCancelIn,
    RedemptionIn,
    RedemptionOut,
    RewardFilters,
    RewardOut,
    TierChangeOut,
    TranslationsIn,
)
from patronage.api.schemas.transactions import SimulationIn
from patronage.core.errors import Conflict
from patronage.loyalty import selectors, services
from patronage.loyalty.models import BenefitGrant, LedgerEntry, Program, Redemption, TierChange
from patronage.loyalty.selectors import integration
from patronage.members.models import Member
from patronage.members.selectors import member_get

router = Router(tags=["loyalty"])

READ = require_scope("loyalty:read")
WRITE = require_scope("loyalty:write")
CONFIGURE = require_scope("loyalty:configure")

DIFFERENT_REQUEST = "this idempotency key was already used for a different request"


def _program(code: str) -> Program:
    return selectors.program_get(code=code)


def _member(member_id: int) -> Member:
    return member_get(member_id=member_id)


# ---- programs ----------------------------------------------------------------------------------------


@router.get("/programs", response={200: list[ProgramOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_programs(request: HttpRequest) -> QuerySet[Program]:
    """The programs members can earn in now, by code."""
    return selectors.program_list()


@router.get("/programs/{code}", response={200: ProgramDetailOut, PROBLEM_STATUSES: Problem}, auth=READ)
def get_program(request: HttpRequest, code: str) -> ProgramDetailOut:
    """One program, open or closed, with its settings and its tiers, lowest first."""
    program = _program(code)
    return ProgramDetailOut.of(program, list(selectors.tier_list(program=program)))


def _names_set(request: HttpRequest, item: Any, payload: ProgramNamesIn) -> NamesOut:
    changed = services.names_set(
        item=item,
        name_translations=payload.name_translations,
        description_translations=getattr(payload, "description_translations", None),
        actor=acting_user(request),
    )
    return NamesOut.of(changed)


@router.put("/programs/{code}/names", response={200: NamesOut, PROBLEM_STATUSES: Problem}, auth=CONFIGURE)
def set_program_names(request: HttpRequest, code: str, payload: ProgramNamesIn) -> NamesOut:
    """Writes the program's name in other languages (a program has no description)."""
    return _names_set(request, _program(code), payload)


@router.put(
    "/programs/{code}/tiers/{tier}/names",
    response={200: NamesOut, PROBLEM_STATUSES: Problem},
    auth=CONFIGURE,
)
def set_tier_names(request: HttpRequest, code: str, tier: str, payload: TranslationsIn) -> NamesOut:
    """Writes a tier's name and description in other languages."""
    return _names_set(request, selectors.tier_get(program=_program(code), code=tier), payload)


@router.put(
    "/programs/{code}/benefits/{benefit}/names",
    response={200: NamesOut, PROBLEM_STATUSES: Problem},
    auth=CONFIGURE,
)
def set_benefit_names(request: HttpRequest, code: str, benefit: str, payload: TranslationsIn) -> NamesOut:
    """Writes a benefit's name and description in other languages."""
    return _names_set(request, selectors.benefit_get(program=_program(code), code=benefit), payload)


@router.put(
    "/programs/{code}/rewards/{reward}/names",
    response={200: NamesOut, PROBLEM_STATUSES: Problem},
    auth=CONFIGURE,
)
def set_reward_names(request: HttpRequest, code: str, reward: str, payload: TranslationsIn) -> NamesOut:
    """Writes a reward's name and description in other languages."""
    return _names_set(request, selectors.reward_get(program=_program(code), code=reward), payload)


@router.get("/programs/{code}/liability", response={200: LiabilityOut, PROBLEM_STATUSES: Problem}, auth=READ)
def get_liability(request: HttpRequest, code: str, filters: Query[LiabilityFilters]) -> LiabilityOut:
    """The points liability: what is outstanding now and its value, and what moved in [start, end)."""
    report = selectors.points_liability(program=_program(code), start=filters.start, end=filters.end)
    return LiabilityOut.of(report)


@router.get("/programs/{code}/rewards", response={200: list[RewardOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_rewards(request: HttpRequest, code: str, filters: Query[RewardFilters]) -> list[RewardOut]:
    """The rewards catalogue, cheapest first; with ?member=ID, whether that member can redeem each and why not."""
    program = _program(code)
    if filters.member is None:
        return [RewardOut.of(reward) for reward in selectors.reward_list(program=program)]
    account = selectors.account_find(program=program, member=_member(filters.member))
    offers = selectors.reward_offers(account=account, program=program)
    return [RewardOut.of(offer.reward, offer.blocked_by) for offer in offers]


@router.post("/programs/{code}/simulate", response={200: EvaluationOut, PROBLEM_STATUSES: Problem}, auth=READ)
def simulate_purchase(request: HttpRequest, code: str, payload: SimulationIn) -> EvaluationOut | None:
    """What the purchase would earn, rule by rule with the reasons, and the rules skipped and why. Records nothing."""
    program = _program(code)
    member = integration.member_resolve(ref=payload.member) if payload.member is not None else None
    evaluation = integration.purchase_preview(program=program, member=member, purchase=payload.purchase())
    return EvaluationOut.of(selectors.evaluation_as_dict(evaluation))


# ---- a member's account ------------------------------------------------------------------------------


@router.get(
    "/members/{member_id}/accounts/{program}",
    response={200: AccountOut, PROBLEM_STATUSES: Problem},
    auth=READ,
)
def get_account(request: HttpRequest, member_id: PathId, program: str) -> AccountOut:
    """The member's balances, what expires when, what becomes available when, the tier and the progress."""
    view = integration.account_view(member=_member(member_id), program=_program(program))
    return AccountOut.of(view)


@router.get(
    "/members/{member_id}/ledger", response={200: list[LedgerEntryOut], PROBLEM_STATUSES: Problem}, auth=READ
)
@paginate(LimitOffset)
def list_ledger(
    request: HttpRequest, member_id: PathId, filters: Query[ProgramFilter]
) -> QuerySet[LedgerEntry]:
    """The member's ledger entries in the program, newest first, each with its cause."""
    return selectors.ledger_list(member=_member(member_id), program=_program(filters.program))


@router.post(
    "/members/{member_id}/adjustments",
    response={200: LedgerEntryOut, 201: LedgerEntryOut, PROBLEM_STATUSES: Problem},
    auth=WRITE,
)
def adjust_points(request: HttpRequest, member_id: PathId, payload: AdjustmentIn) -> Status[LedgerEntry]:
    """Adds or removes points by hand, with a reason (201); the same key again answers 200 and changes nothing."""
    member, program = _member(member_id), _program(payload.program)
    # Another member's key is refused before this member is given an account; whether this request made the
    # adjustment or repeats one is the service's answer, not this look.
    earlier = selectors.adjustment_find(program=program, idempotency_key=payload.idempotency_key)
    if earlier is not None and earlier.account.member_id != member.pk:
        raise Conflict(DIFFERENT_REQUEST, field="idempotency_key")
    # An adjustment past the program's ceiling, or a removal without points to remove, is refused without
    # giving the member an account.
    services.adjustment_check(program=program, points=payload.points, actor=acting_user(request))
    account = (
        services.account_open(program=program, member=member)
        if payload.points > 0
        else integration.account_to_spend(program=program, member=member, points=-payload.points)
    )
    result = services.points_adjust_once(
        account=account,
        points=payload.points,
        reason=payload.reason,
        idempotency_key=payload.idempotency_key,
        actor=acting_user(request),
    )
    return Status(201 if result.created else 200, result.entry)


# ---- redemptions -------------------------------------------------------------------------------------


def _with_relations(redemption: Redemption) -> Redemption:
    return Redemption.objects.select_related("account__program", "reward").get(pk=redemption.pk)


@router.post(
    "/members/{member_id}/redemptions",
    response={200: RedemptionOut, 201: RedemptionOut, PROBLEM_STATUSES: Problem},
    auth=WRITE,
)
def redeem_points(request: HttpRequest, member_id: PathId, payload: RedemptionIn) -> Status[Redemption]:
    """Spends points, or a reward's price (201); never overdraws (409 when the balance is short). The same key
    again answers 200 with the first redemption."""
    payload.check_one()
    member, program = _member(member_id), _program(payload.program)
    given_reward = "reward" in payload.model_fields_set
    reward = selectors.reward_get(program=program, code=payload.reward) if given_reward else None
    points = reward.points_price if reward is not None else payload.points
    # Another member's key is refused even when this member has no account; whether this request made the
    # redemption or repeats one is the service's answer, not this look.
    earlier = selectors.redemption_find(program=program, idempotency_key=payload.idempotency_key)
    if earlier is not None and earlier.account.member_id != member.pk:
        raise Conflict(DIFFERENT_REQUEST, field="idempotency_key")
    account = earlier.account if earlier is not None else None
    result = services.points_redeem_once(
        account=account or integration.account_to_spend(program=program, member=member, points=points),
        points=points,
        idempotency_key=payload.idempotency_key,
        actor=acting_user(request),
        reward=reward,
    )
    return Status(201 if result.created else 200, _with_relations(result.redemption))


@router.post(
    "/redemptions/{code}/cancel", response={200: RedemptionOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def cancel_redemption(
    request: HttpRequest, code: str, payload: RedemptionCancelIn | None = None
) -> Redemption:
    """Cancels a confirmed redemption and refunds its points (and its reward's stock); again changes nothing.
    The body, with a reason, is optional."""
    redemption = services.redemption_cancel(
        redemption=selectors.redemption_get(code=code),
        actor=acting_user(request),
        reason=payload.reason if payload is not None else "",
    )
    return _with_relations(redemption)


@router.post(
    "/redemptions/{code}/fulfil", response={200: RedemptionOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def fulfil_redemption(request: HttpRequest, code: str) -> Redemption:
    """Marks a redemption as handed over; again changes nothing; a cancelled one cannot be (409)."""
    redemption = services.redemption_fulfil(
        redemption=selectors.redemption_get(code=code), actor=acting_user(request)
    )
    return _with_relations(redemption)


# ---- events ------------------------------------------------------------------------------------------


@router.post(
    "/members/{member_id}/events",
    response={200: EventOut, 201: EventOut, PROBLEM_STATUSES: Problem},
    auth=WRITE,
)
def record_event(request: HttpRequest, member_id: PathId, payload: EventIn) -> Status[EventOut]:
    """A one-off event (sign-up, birthday, referral, survey answered, custom:<name>) earns by the program's
    event rules (201); the same key again answers 200 and earns nothing more."""
    member, program = _member(member_id), _program(payload.program)
    result = services.event_earn(
        program=program,
        member=member,
        event=payload.event,
        idempotency_key=payload.idempotency_key,
        at=payload.occurred_at,
        actor=acting_user(request),
    )
    body = EventOut(
        program=program.code,
        member=member.pk,
        event=payload.event,
        points=result.points,
        evaluation=EvaluationOut.of(result.evaluation),
    )
    return Status(201 if result.created else 200, body)


# ---- benefits ----------------------------------------------------------------------------------------


@router.get(
    "/members/{member_id}/benefits",
    response={200: list[BenefitGrantOut], PROBLEM_STATUSES: Problem},
    auth=READ,
)
@paginate(LimitOffset)
def list_benefits(
    request: HttpRequest, member_id: PathId, filters: Query[BenefitFilters]
) -> QuerySet[BenefitGrant]:
    """The member's benefit grants in the program, soonest-ending first, with the uses left."""
    account = selectors.account_find(program=_program(filters.program), member=_member(member_id))
    if account is None:
        return BenefitGrant.objects.none()
    return selectors.benefit_grants(account=account, usable_only=filters.usable)


@router.post(
    "/members/{member_id}/benefits/{grant_id}/uses",
    response={200: BenefitUseOut, 201: BenefitUseOut, PROBLEM_STATUSES: Problem},
    auth=WRITE,
)
def use_benefit(
    request: HttpRequest, member_id: PathId, grant_id: PathId, payload: BenefitUseIn
) -> Status[BenefitUseOut]:
    """Records one use of the member's benefit (201); the same key again answers 200. 409 when none is left."""
    grant = integration.benefit_grant_of(member=_member(member_id), grant_id=grant_id)
    result = services.benefit_use_once(
        grant=grant, note=payload.note, idempotency_key=payload.idempotency_key, actor=acting_user(request)
    )
    use = result.use
    grant.refresh_from_db(fields=["used"])
    body = BenefitUseOut(id=use.pk, grant_id=grant.pk, at=use.at, note=use.note, remaining=grant.remaining)
    return Status(201 if result.created else 200, body)


# ---- tiers -------------------------------------------------------------------------------------------


@router.get(
    "/members/{member_id}/tier-history",
    response={200: list[TierChangeOut], PROBLEM_STATUSES: Problem},
    auth=READ,
)
@paginate(LimitOffset)
def list_tier_history(
    request: HttpRequest, member_id: PathId, filters: Query[ProgramFilter]
) -> QuerySet[TierChange]:
    """Every move of the member's tier in the program, newest first, with why."""
    account = selectors.account_find(program=_program(filters.program), member=_member(member_id))
    return TierChange.objects.none() if account is None else selectors.tier_history(account=account)
