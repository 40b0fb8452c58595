"""A member's standing in the programs as the customer file shows it: the tier and balances on the
customer page, and the tier and points columns, sort keys and tier filter of the customer list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from patronage.loyalty.models import Account, Program, Tier
from patronage.members.models import Member


@dataclass(frozen=True)
class ProgramStanding:
    program: Program
    tier: Tier | None
    available: int  # active points: what the member can spend now
    pending: int  # earned, waiting for the return window to pass
    owed: int  # taken back for returns beyond the balance, netted against the next points


def member_standings(*, member: Member) -> list[ProgramStanding]:
    """The member's tier and balances in each program they are enrolled in, by program code; one query."""
    accounts = (
        Account.objects.filter(member=member).select_related("program", "tier").order_by("program__code")
    )
    return [
        ProgramStanding(
            program=account.program,
            tier=account.tier,
            available=account.active,
            pending=account.pending,
            owed=account.owed,
        )
        for account in accounts
    ]


def _account_value(program: Program, column: str, member_field: str = "pk") -> Subquery:
    # One probe per member row into the (program, member) unique index.
    return Subquery(Account.objects.filter(program=program, member=OuterRef(member_field)).values(column)[:1])


def tier_id_column(*, program: Program, member_field: str = "pk") -> Subquery:
    """Each member's tier in the program (its id), as a column of a query of members; NULL without one. In a
    query of other rows (survey responses), `member_field` is the path to their member's id."""
    return _account_value(program, "tier_id", member_field)


def tier_rank_column(*, program: Program) -> Subquery:
    """Each member's tier rank in the program, to sort a query of members by tier; NULL without a tier."""
    return _account_value(program, "tier__rank")


def points_available_column(*, program: Program) -> Subquery:
    """Each member's available (active) points in the program; NULL when not enrolled."""
    return _account_value(program, "active")


def tier_member_ids(*, tier: Tier) -> QuerySet[Account, Any]:
    """The ids of the members who hold the tier now, to filter a query of members by (`pk__in`)."""
    return Account.objects.filter(tier=tier).values("member_id")


def tiers_by_program() -> list[tuple[Program, list[Tier]]]:
    """Every program with its tiers by rank, programs by code: the choices of a tier picker; one query."""
    grouped: dict[int, tuple[Program, list[Tier]]] = {}
    for tier in Tier.objects.select_related("program").order_by("program__code", "rank"):
        grouped.setdefault(tier.program_id, (tier.program, []))[1].append(tier)
    return list(grouped.values())
