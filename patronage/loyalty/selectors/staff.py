"""Reads the staff console's loyalty pages need beyond the public selectors: a member's redemptions,
and the rules of a program as staff see them (disabled ones included)."""

from __future__ import annotations

from django.db.models import QuerySet

from patronage.loyalty.models import Account, EarnRule, Program, Redemption


def redemption_list(*, account: Account) -> QuerySet[Redemption]:
    """The account's redemptions, newest first, with their rewards."""
    return Redemption.objects.filter(account=account).select_related("reward").order_by("-created_at", "-id")


def earn_rule_list(*, program: Program) -> QuerySet[EarnRule]:
    """Every earn rule of the program, disabled ones too, in the order the evaluator takes them."""
    return EarnRule.objects.filter(program=program).order_by("priority", "code")


def earn_rule_get(*, program: Program, code: str) -> EarnRule | None:
    return EarnRule.objects.filter(program=program, code=code).first()


def program_all() -> QuerySet[Program]:
    """Every program, closed ones too, by code: the set-up list staff work from."""
    return Program.objects.order_by("-active", "code")
