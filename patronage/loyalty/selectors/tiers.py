"""Reads of tiers: the program's table and policy as pure values, a member's qualifying value, and the
status a member sees ("X more to reach Gold", "Y needed by DATE to keep Gold")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.errors import NotFound
from patronage.loyalty import tiers as rules
from patronage.loyalty.explanation import Explanation
from patronage.loyalty.models import Account, EntryKind, LedgerEntry, OrderPoints, Program, Tier, TierChange
from patronage.loyalty.program_cache import program_cached

# A window that ends at a review counts up to the instant before it: the calendar year reviewed on
# 1 January is the year that just ended, not the one that starts.
_JUST_BEFORE = timedelta(microseconds=1)


def tier_list(*, program: Program) -> QuerySet[Tier]:
    return Tier.objects.filter(program=program).order_by("rank")


def tier_get(*, program: Program, code: str) -> Tier:
    tier = Tier.objects.filter(program=program, code=code).first()
    if tier is None:
        raise NotFound(_("tier '%(code)s' does not exist in this program") % {"code": code}, field="tier")
    return tier


def tier_of(tier: Tier, *, for_reader: bool = False) -> rules.Tier:
    """The tier for the pure rules; `for_reader` names it in the reader's language, for sentences shown
    now (never for what is stored or kept between requests)."""
    name = tier.reader_name if for_reader else tier.name
    return rules.Tier(tier.code, name, tier.rank, tier.threshold, tier.invitation_only)


def tier_table(*, program: Program) -> dict[str, Tier]:
    """The program's tiers by code (kept per revision: the same Tier objects until the program changes)."""

    def load() -> dict[str, Tier]:
        return {tier.code: tier for tier in tier_list(program=program)}

    return dict(program_cached("tiers", program.pk, program.revision, load))


def tier_policy(*, program: Program) -> rules.TierPolicy:
    return rules.TierPolicy(
        basis=rules.TierBasis(program.tier_basis),
        window=rules.TierWindow(program.tier_window),
        window_days=program.tier_window_days,
        downgrade=rules.Downgrade(program.tier_downgrade),
        grace_days=program.tier_grace_days,
    )


def local_time(program: Program, at: datetime) -> datetime:
    """`at` on the program's clock: its windows and review dates are the program's calendar."""
    return at.astimezone(ZoneInfo(program.time_zone))


def qualifying_value(*, account: Account, as_of: datetime, before_review: bool = False) -> Decimal:
    """The value the tier rules compare with thresholds, counted over the window that ends at `as_of`."""
    program = account.program
    end = as_of - _JUST_BEFORE if before_review else as_of
    start = rules.window_start(tier_policy(program=program), local_time(program, end), account.enrolled_at)
    purchases = OrderPoints.objects.filter(account=account, occurred_at__lte=end)
    entries = LedgerEntry.objects.filter(account=account, kind=EntryKind.EARN, effective_at__lte=end)
    if start is not None:
        purchases = purchases.filter(occurred_at__gte=start)
        entries = entries.filter(effective_at__gte=start)
    match rules.TierBasis(program.tier_basis):
        case rules.TierBasis.SPEND:
            spent = purchases.aggregate(total=Sum(F("amount") - F("returned")))["total"]
            return Decimal(spent or 0)
        case rules.TierBasis.VISITS:
            # A purchase returned in full was not a visit that counts.
            counted = purchases.aggregate(visits=Count("pk", filter=Q(returned__lt=F("amount"))))["visits"]
            return Decimal(counted)
    earned = entries.aggregate(total=Sum("points"))["total"] or 0
    clawed = purchases.aggregate(total=Sum("clawed"))["total"] or 0
    return Decimal(earned - clawed)


def qualifying_values(*, program: Program, accounts: list[Account], as_of: datetime) -> dict[int, Decimal]:
    """qualifying_value for many accounts of one program at once, by account id (a few grouped queries)."""
    policy = tier_policy(program=program)
    if policy.window == rules.TierWindow.ANNIVERSARY:
        # Each member's window starts on their own anniversary: no shared bounds to group by.
        return {a.pk: qualifying_value(account=a, as_of=as_of) for a in accounts}
    start = rules.window_start(policy, local_time(program, as_of), as_of)
    ids = [a.pk for a in accounts]
    purchases = OrderPoints.objects.filter(account_id__in=ids, occurred_at__lte=as_of)
    entries = LedgerEntry.objects.filter(account_id__in=ids, kind=EntryKind.EARN, effective_at__lte=as_of)
    if start is not None:
        purchases = purchases.filter(occurred_at__gte=start)
        entries = entries.filter(effective_at__gte=start)
    by_account = purchases.values("account_id")
    values: dict[int, Decimal] = dict.fromkeys(ids, Decimal(0))
    match rules.TierBasis(program.tier_basis):
        case rules.TierBasis.SPEND:
            for row in by_account.annotate(total=Sum(F("amount") - F("returned"))):
                values[row["account_id"]] = Decimal(row["total"] or 0)
        case rules.TierBasis.VISITS:
            for row in by_account.annotate(visits=Count("pk", filter=Q(returned__lt=F("amount")))):
                values[row["account_id"]] = Decimal(row["visits"])
        case rules.TierBasis.POINTS:
            for row in entries.values("account_id").annotate(total=Sum("points")):
                values[row["account_id"]] += row["total"] or 0
            for row in by_account.annotate(total=Sum("clawed")):
                values[row["account_id"]] -= row["total"] or 0
    return values


@dataclass(frozen=True)
class TierStatus:
    tier: Tier | None
    floor: Tier | None
    value: Decimal
    basis: str
    next_tier: Tier | None
    needed_for_next: Decimal | None
    keep_needed: Decimal | None
    review_at: datetime | None
    sentences: tuple[Explanation, ...]


def tier_status(*, account: Account, at: datetime | None = None) -> TierStatus:
    """The member's tier, the value so far in the window, and what the next tier or keeping this one needs."""
    at = at or clock.now()
    program = account.program
    table = tier_table(program=program)
    pure = tuple(tier_of(tier, for_reader=True) for tier in table.values())
    current = tier_of(account.tier, for_reader=True) if account.tier else None
    policy = tier_policy(program=program)
    value = qualifying_value(account=account, as_of=at)
    progress = rules.progress(
        current,
        value,
        pure,
        policy,
        local_time(program, account.tier_review_at) if account.tier_review_at else None,
        invited=frozenset(account.invited_tiers),
    )
    return TierStatus(
        tier=account.tier,
        floor=account.tier_floor,
        value=value,
        basis=program.tier_basis,
        next_tier=table[progress.next_tier.code] if progress.next_tier else None,
        needed_for_next=progress.needed_for_next,
        keep_needed=progress.keep_needed,
        review_at=account.tier_review_at,
        sentences=rules.progress_explanations(progress, current, policy.basis),
    )


def tier_history(*, account: Account) -> QuerySet[TierChange]:
    return (
        TierChange.objects.filter(account=account)
        .select_related("from_tier", "to_tier")
        .order_by("-at", "-id")
    )
