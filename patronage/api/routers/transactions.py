"""Purchases and returns from POS and shops, one by one or up to 1,000 at a time.

The external id is the idempotency key: the same transaction again is answered 200 with the first result and
changes nothing (the order's unique key decides, so parallel duplicates earn once); the same external id
for a different member, type or amount is refused with 409.
"""

# No `from __future__ import annotations` here: ninja reads the annotations at import time.

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status
from pydantic import ValidationError

from patronage.api.auth import acting_user, require_scope
from patronage.api.errors import application_problem, validation_problem
from patronage.api.schemas.common import PROBLEM_STATUSES, Problem
from patronage.api.schemas.transactions import BulkIn, BulkItemOut, BulkOut, TransactionIn, TransactionOut
from patronage.core.errors import ApplicationError
from patronage.loyalty import selectors, services
from patronage.loyalty.models import Program
from patronage.loyalty.selectors import integration
from patronage.loyalty.services import BulkOutcome, TransactionInput

router = Router(tags=["loyalty"])

WRITE = require_scope("loyalty:write")


@router.post(
    "/transactions",
    response={200: TransactionOut, 201: TransactionOut, PROBLEM_STATUSES: Problem},
    auth=WRITE,
)
def record_transaction(request: HttpRequest, payload: TransactionIn) -> Status[TransactionOut]:
    """Records a purchase (earning by the program's rules) or a return (taking back in proportion): 201.
    The same external_id again answers 200 with the original result."""
    program = selectors.program_get(code=payload.program)
    member = integration.member_resolve(ref=payload.member)
    result = services.transaction_record(
        program=program, data=payload.as_input(member=member), actor=acting_user(request)
    )
    return Status(201 if result.created else 200, TransactionOut.of(program, result))


@router.post("/transactions/bulk", response={200: BulkOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def record_transactions(request: HttpRequest, payload: BulkIn, explain: bool = False) -> BulkOut:
    """Up to 1,000 transactions, each with the outcome POST /transactions would give it: one that fails does
    not stop the others. Answers 200 with a result per item, in the order sent; each purchase's rule-by-rule
    evaluation only with explain=true (rendering a thousand of them costs more than booking them)."""
    parsed = [_parse(item) for item in payload.items]
    valid = [item for item in parsed if isinstance(item, TransactionIn)]
    programs = _programs({item.program for item in valid})
    members = integration.members_resolve(refs={item.member for item in valid})
    results: dict[int, BulkItemOut] = {
        index: _failed(index, item)
        for index, item in enumerate(parsed)
        if not isinstance(item, TransactionIn)
    }
    # Grouped by program, each group booked by the set-based bulk service (purchases written together).
    groups: dict[str, list[tuple[int, TransactionInput]]] = {}
    for index, item in enumerate(parsed):
        if not isinstance(item, TransactionIn):
            continue
        try:
            program = programs[item.program]
            if isinstance(program, ApplicationError):
                raise program
            member = members.get(item.member) or integration.member_resolve(ref=item.member)
        except ApplicationError as error:
            results[index] = _failed(index, application_problem(error))
            continue
        groups.setdefault(item.program, []).append((index, item.as_input(member=member)))
    actor = acting_user(request)
    for code, entries in groups.items():
        program = programs[code]
        assert isinstance(program, Program)
        outcomes = services.transactions_record_bulk(
            program=program, items=[data for _i, data in entries], actor=actor
        )
        for (index, _data), outcome in zip(entries, outcomes, strict=True):
            results[index] = _outcome(index, program, outcome, explain)
    ordered = [results[index] for index in range(len(parsed))]
    created = sum(1 for result in ordered if result.status == 201)
    replayed = sum(1 for result in ordered if result.status == 200)
    return BulkOut(
        results=ordered,
        count=len(ordered),
        created=created,
        replayed=replayed,
        failed=len(ordered) - created - replayed,
    )


def _parse(item: Any) -> TransactionIn | dict[str, Any]:
    try:
        return TransactionIn.model_validate(item)
    except ValidationError as invalid:
        return validation_problem(invalid.errors())


def _programs(codes: Iterable[str]) -> dict[str, Program | ApplicationError]:
    found: dict[str, Program | ApplicationError] = {}
    for code in codes:
        try:
            found[code] = selectors.program_get(code=code)
        except ApplicationError as error:
            found[code] = error
    return found


def _outcome(index: int, program: Program, outcome: BulkOutcome, explain: bool) -> BulkItemOut:
    if outcome.result is None:
        assert outcome.error is not None
        return _failed(index, application_problem(outcome.error))
    result = outcome.result
    return BulkItemOut(
        index=index,
        status=201 if result.created else 200,
        result=TransactionOut.of(program, result, explain=explain),
    )


def _failed(index: int, problem: dict[str, Any]) -> BulkItemOut:
    return BulkItemOut(index=index, status=problem["status"], error=Problem.model_validate(problem))
