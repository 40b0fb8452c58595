"""What erasure does to loyalty's tables (the members.erasure registry): points, tiers and benefits stay,
so that balances and liability stay true; the free text staff and integrations typed loses the person."""

from __future__ import annotations

from patronage.loyalty.models import (
    Account,
    BenefitGrant,
    BenefitUse,
    LedgerEntry,
    OrderPoints,
    Redemption,
    TierChange,
)
from patronage.members.erasure import PersonalTable, Scrub, Subject, no_personal_data, personal_data


def _members(subject: Subject) -> dict[str, tuple[int, ...]]:
    return {"account__member_id__in": subject.member_ids}


personal_data(
    PersonalTable(
        "loyalty.Account",
        rows=lambda subject: Account.objects.filter(member_id__in=subject.member_ids),
        fields={"invited_tiers": Scrub.KEEP},
        why="the balances and tier stay for the totals; invitations are tier codes",
    )
)
personal_data(
    PersonalTable(
        "loyalty.LedgerEntry",
        rows=lambda subject: LedgerEntry.objects.filter(**_members(subject)),
        fields={
            "kind": Scrub.KEEP,
            "bucket": Scrub.KEEP,
            "cause_type": Scrub.KEEP,
            "cause_id": Scrub.REDACT,
            "reason": Scrub.REDACT,
            "idempotency_key": Scrub.REKEY,
        },
        why="entries are append-only and stay; a reason typed by staff or a key sent by an integration "
        "can name the person",
    )
)
personal_data(
    PersonalTable(
        "loyalty.Redemption",
        rows=lambda subject: Redemption.objects.filter(**_members(subject)),
        fields={
            "code": Scrub.KEEP,
            "status": Scrub.KEEP,
            "idempotency_key": Scrub.REKEY,
            "details": Scrub.REDACT,
        },
        why="a redemption's details (e.g. where to deliver) can name the person",
    )
)
personal_data(
    PersonalTable(
        "loyalty.TierChange",
        rows=lambda subject: TierChange.objects.filter(**_members(subject)),
        fields={"decision": Scrub.KEEP, "reason": Scrub.REDACT},
        why="a tier given by hand keeps the reason staff typed",
    )
)
personal_data(
    PersonalTable(
        "loyalty.BenefitGrant",
        rows=lambda subject: BenefitGrant.objects.filter(**_members(subject)),
        fields={"source": Scrub.KEEP, "idempotency_key": Scrub.REKEY, "reason": Scrub.REDACT},
        why="a benefit given by hand keeps the reason staff typed",
    )
)
personal_data(
    PersonalTable(
        "loyalty.BenefitUse",
        rows=lambda subject: BenefitUse.objects.filter(grant__account__member_id__in=subject.member_ids),
        fields={"note": Scrub.REDACT, "idempotency_key": Scrub.REKEY},
        why="a use's note is typed at the desk",
    )
)
personal_data(
    PersonalTable(
        "loyalty.OrderPoints",
        rows=lambda subject: OrderPoints.objects.filter(**_members(subject)),
        fields={"evaluation": Scrub.KEEP},
        why="which earn rules gave how many points: rule codes and numbers",
    )
)

no_personal_data("loyalty.CapUsage", "points per capped rule and period: codes and numbers")
no_personal_data("loyalty.Program", "the programme's set-up")
no_personal_data("loyalty.Tier", "the programme's set-up")
no_personal_data("loyalty.EarnRule", "the programme's set-up")
no_personal_data("loyalty.Benefit", "the programme's set-up")
no_personal_data("loyalty.TierBenefit", "the programme's set-up")
no_personal_data("loyalty.Reward", "the rewards catalogue")
