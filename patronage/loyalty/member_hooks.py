"""How the customer file's merge and export reach loyalty accounts."""

from typing import Any

from django.db.models import F

from patronage.loyalty.models import (
    Account,
    BenefitGrant,
    CapUsage,
    Enrolment,
    LedgerEntry,
    Lot,
    OrderPoints,
    Program,
    Redemption,
    TierChange,
)
from patronage.loyalty.services.events import event_book
from patronage.members import hooks
from patronage.members.models import Member


@hooks.on_merge
def accounts_follow_merge(duplicate: Member, survivor: Member) -> None:
    """Each account moves to the survivor; where both have one in a program, its whole ledger joins the survivor's."""
    for account in (
        Account.objects.select_for_update(of=("self",))
        .select_related("tier", "tier_floor")
        .filter(member=duplicate)
        .order_by("pk")
    ):
        kept = (
            Account.objects.select_for_update(of=("self",))
            .select_related("tier", "tier_floor")
            .filter(program_id=account.program_id, member=survivor)
            .first()
        )
        if kept is None:
            Account.objects.filter(pk=account.pk).update(member=survivor)
            continue
        # Every entry, lot and redemption is kept, under the surviving account, with the caches summed.
        for model in (LedgerEntry, Lot, Redemption, OrderPoints, TierChange, BenefitGrant):
            model.objects.filter(account=account).update(account=kept)
        _cap_usage_join(account, kept)
        _better_tier_kept(account, kept)
        Account.objects.filter(pk=kept.pk).update(
            pending=F("pending") + account.pending,
            active=F("active") + account.active,
            owed=F("owed") + account.owed,
        )
        Account.objects.filter(pk=account.pk).update(pending=0, active=0, owed=0)


def _cap_usage_join(duplicate: Account, kept: Account) -> None:
    # What capped rules gave both files in a period counts once toward the cap of the one member they are.
    for usage in CapUsage.objects.filter(account=duplicate):
        joined, _created = CapUsage.objects.get_or_create(
            account=kept, rule_code=usage.rule_code, period_key=usage.period_key
        )
        CapUsage.objects.filter(pk=joined.pk).update(points=F("points") + usage.points)
    CapUsage.objects.filter(account=duplicate).delete()


def _better_tier_kept(duplicate: Account, kept: Account) -> None:
    """The merged member keeps the higher of the two tiers and of the two floors, and both invitations."""
    changed = []
    for field in ("tier", "tier_floor"):
        theirs, ours = getattr(duplicate, field), getattr(kept, field)
        if theirs is not None and (ours is None or theirs.rank > ours.rank):
            setattr(kept, field, theirs)
            changed.append(field)
    if changed and "tier" in changed:
        kept.tier_since, kept.tier_review_at = duplicate.tier_since, duplicate.tier_review_at
        changed += ["tier_since", "tier_review_at"]
    invited = sorted(set(kept.invited_tiers) | set(duplicate.invited_tiers))
    if invited != sorted(kept.invited_tiers):
        kept.invited_tiers = invited
        changed.append("invited_tiers")
    if changed:
        kept.save(update_fields=changed)


@hooks.export_section("loyalty")
def loyalty_export(member: Member) -> list[dict[str, Any]]:
    return [
        {
            "program": account.program.code,
            "pending": account.pending,
            "active": account.active,
            "owed": account.owed,
            "tier": account.tier.code if account.tier else None,
            "redemptions": [
                {"code": r.code, "points": r.points, "status": r.status, "at": r.created_at.isoformat()}
                for r in account.redemptions.order_by("created_at", "pk")
            ],
            "benefits": [
                {
                    "benefit": g.benefit.code,
                    "quantity": g.quantity,
                    "used": g.used,
                    "valid_to": g.valid_to.isoformat(),
                }
                for g in account.benefit_grants.select_related("benefit").order_by("valid_from", "pk")
            ],
            "entries": [
                {
                    "kind": e.kind,
                    "bucket": e.bucket,
                    "points": e.points,
                    "at": e.effective_at.isoformat(),
                    "reason": e.reason,
                }
                for e in account.entries.order_by("effective_at", "pk")
            ],
        }
        for account in Account.objects.filter(member=member)
        .select_related("program", "tier")
        .order_by("program__code")
    ]


@hooks.on_signup
def enrol_on_signup(member: Member) -> None:
    """Programs that enrol on sign-up open the member's account there, with what the signup event earns."""
    for program in Program.objects.filter(active=True, enrolment=Enrolment.SIGNUP).order_by("pk"):
        event_book(
            program=program,
            member=member,
            event="signup",
            idempotency_key=f"signup:{member.pk}",
            at=member.joined_at,
            actor=None,
        )
