"""Reads of the loyalty ledger."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, Sum

from patronage.loyalty.models import Account, Bucket, Lot


@dataclass(frozen=True)
class Discrepancy:
    account_id: int
    what: str
    cached: int
    actual: int


def ledger_verify() -> list[Discrepancy]:
    """Every account whose cached buckets differ from the sums of its entries or of its lots (none, if all is well)."""
    accounts = Account.objects.annotate(
        entries_pending=Sum("entries__points", filter=Q(entries__bucket=Bucket.PENDING), default=0),
        entries_active=Sum("entries__points", filter=Q(entries__bucket=Bucket.ACTIVE), default=0),
        entries_owed=Sum("entries__points", filter=Q(entries__bucket=Bucket.OWED), default=0),
    ).order_by("pk")
    lots = {
        (row["account_id"], row["is_pending"]): row["total"]
        for row in Lot.objects.values("account_id", "is_pending").annotate(total=Sum("remaining"))
    }
    found = []
    for account in accounts.iterator(chunk_size=2000):
        checks = [
            ("pending vs entries", account.pending, account.entries_pending),
            ("active vs entries", account.active, account.entries_active),
            ("owed vs entries", account.owed, account.entries_owed),
            ("pending vs lots", account.pending, lots.get((account.pk, True), 0)),
            ("active vs lots", account.active, lots.get((account.pk, False), 0)),
        ]
        found += [
            Discrepancy(account.pk, what, cached, actual)
            for what, cached, actual in checks
            if cached != actual
        ]
    return found
