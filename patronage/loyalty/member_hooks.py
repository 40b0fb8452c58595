"""How the customer file's merge and export reach loyalty accounts."""

from typing import Any

from django.db.models import F

from patronage.loyalty.models import Account, LedgerEntry, Lot, Redemption
from patronage.members import hooks
from patronage.members.models import Member


@hooks.on_merge
def accounts_follow_merge(duplicate: Member, survivor: Member) -> None:
    """Each account moves to the survivor; where both have one in a program, its whole ledger joins the survivor's."""
    for account in Account.objects.select_for_update().filter(member=duplicate).order_by("pk"):
        kept = (
            Account.objects.select_for_update().filter(program_id=account.program_id, member=survivor).first()
        )
        if kept is None:
            Account.objects.filter(pk=account.pk).update(member=survivor)
            continue
        # Every entry, lot and redemption is kept, under the surviving account, with the caches summed.
        LedgerEntry.objects.filter(account=account).update(account=kept)
        Lot.objects.filter(account=account).update(account=kept)
        Redemption.objects.filter(account=account).update(account=kept)
        Account.objects.filter(pk=kept.pk).update(
            pending=F("pending") + account.pending,
            active=F("active") + account.active,
            owed=F("owed") + account.owed,
        )
        Account.objects.filter(pk=account.pk).update(pending=0, active=0, owed=0)


@hooks.export_section("loyalty")
def loyalty_export(member: Member) -> list[dict[str, Any]]:
    return [
        {
            "program": account.program.code,
            "pending": account.pending,
            "active": account.active,
            "owed": account.owed,
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
        .select_related("program")
        .order_by("program__code")
    ]
