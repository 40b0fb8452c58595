"""Reads of the loyalty engine as one member sees them in the portal: only their own accounts, in words
a member understands, with zeros (never an error) in a program they have not earned in yet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.errors import NotFound
from patronage.loyalty.card import qr_svg
from patronage.loyalty.ledger_words import EntryWords
from patronage.loyalty.models import (
    Account,
    BenefitGrant,
    Bucket,
    EarnRule,
    LedgerEntry,
    Program,
    Redemption,
    Tier,
    TierBenefit,
)
from patronage.loyalty.selectors.accounts import (
    AccountSummary,
    account_find,
    account_summary,
    ledger_list,
    member_programs,
    program_get,
)
from patronage.loyalty.selectors.catalogue import RewardOffer, benefit_grants, reward_offers
from patronage.loyalty.selectors.ledger import ledger_lines
from patronage.loyalty.selectors.tiers import TierStatus, tier_list, tier_status
from patronage.members.cards import card_number_is_issued
from patronage.members.models import Member
from patronage.members.selectors import member_identities


@dataclass(frozen=True)
class ProgramPoints:
    """A member's standing in one program: balances, tier progress, and how to earn more."""

    program: Program
    summary: AccountSummary
    status: TierStatus | None  # None before the member's first points: no tier to show progress in
    tiers: list[Tier]
    earn_ways: list[EarnWay]

    @property
    def progress_percent(self) -> int | None:
        """How far the qualifying value is towards the next tier, for a progress bar."""
        status = self.status
        if status is None or status.next_tier is None or status.next_tier.threshold <= 0:
            return None
        share = status.value / status.next_tier.threshold * 100
        return int(max(Decimal(0), min(Decimal(100), share)))

    @property
    def sentences(self) -> list[str]:
        """ "X more to reach Gold", "Y needed by DATE to keep Gold", translated for the reader."""
        return [sentence.render(_) for sentence in self.status.sentences] if self.status else []

    @property
    def entry_tier(self) -> Tier | None:
        """The tier a new member's first points count towards, for the page of a member with no account."""
        open_tiers = [tier for tier in self.tiers if not tier.invitation_only]
        return open_tiers[0] if open_tiers else None


def member_points(*, member: Member, at: datetime | None = None) -> list[ProgramPoints]:
    """The member's points in each of their programs (zeros and the ways to earn where they have none)."""
    at = at or clock.now()
    return [
        _program_points(member=member, program=program, at=at) for program in member_programs(member=member)
    ]


def _program_points(*, member: Member, program: Program, at: datetime) -> ProgramPoints:
    account = account_find(program=program, member=member)
    return ProgramPoints(
        program=program,
        summary=account_summary(member=member, program=program),
        status=tier_status(account=account, at=at) if account is not None else None,
        tiers=list(tier_list(program=program)),
        earn_ways=earn_ways(program=program, at=at),
    )


@dataclass(frozen=True)
class EarnWay:
    """A way to earn points a member is told of: an earn rule by its name, with its dates when it has any."""

    name: str
    starts: datetime | None
    ends: datetime | None  # the first moment it no longer applies


def earn_ways(*, program: Program, at: datetime) -> list[EarnWay]:
    """The program's earn rules that apply now or later (a campaign announced ahead), in evaluation order."""
    rules = EarnRule.objects.filter(program=program, enabled=True).filter(
        Q(active_to__isnull=True) | Q(active_to__gt=at)
    )
    rows = rules.order_by("priority", "code").values_list("name", "active_from", "active_to")
    return [EarnWay(name, starts, ends) for name, starts, ends in rows]


def member_program_get(*, member: Member, code: str) -> Program:
    """One of the member's programs by code; any other code is not found."""
    program = next((p for p in member_programs(member=member) if p.code == code), None)
    if program is None:
        raise NotFound(_("program '%(code)s' does not exist") % {"code": code}, field="program")
    return program


def member_history(*, member: Member, program: Program) -> QuerySet[LedgerEntry]:
    """The member's own entries in the program, newest first."""
    return ledger_list(member=member, program=program)


@dataclass(frozen=True)
class HistoryLine:
    """One ledger entry as a member reads it."""

    entry: LedgerEntry
    what: EntryWords
    where: str  # the bucket, in the member's words: pending, available or owed


def history_lines(entries: Sequence[LedgerEntry]) -> list[HistoryLine]:
    """Describes each entry for a member: what happened and why, naming the purchase or reward it was for."""
    return [
        HistoryLine(line.entry, line.words, _bucket_words(line.entry.bucket))
        for line in ledger_lines(entries, for_member=True)
    ]


def _bucket_words(bucket: str) -> str:
    words = {Bucket.PENDING: _("pending"), Bucket.ACTIVE: _("available"), Bucket.OWED: _("owed")}
    return words.get(Bucket(bucket), bucket)


@dataclass(frozen=True)
class GrantLine:
    """A benefit granted to the member, with whether it can be used now."""

    grant: BenefitGrant
    state: str  # usable, used_up, expired, upcoming, withdrawn
    label: str


@dataclass(frozen=True)
class TierOffer:
    """What one tier of a program gives, marked against the member's own tier."""

    tier: Tier
    benefits: list[tuple[TierBenefit, bool]]  # each with whether it is exclusive to tiers above the member's
    is_current: bool
    is_higher: bool


@dataclass(frozen=True)
class ProgramBenefits:
    program: Program
    tier: Tier | None
    grants: list[GrantLine] = field(default_factory=list)
    tiers: list[TierOffer] = field(default_factory=list)


def member_benefits(*, member: Member, at: datetime | None = None) -> list[ProgramBenefits]:
    """Per program: the member's granted benefits, and what each tier offers (marked against theirs)."""
    at = at or clock.now()
    found = []
    for program in member_programs(member=member):
        account = Account.objects.filter(program=program, member=member).select_related("tier").first()
        tier = account.tier if account is not None else None
        grants = list(benefit_grants(account=account)) if account is not None else []
        found.append(
            ProgramBenefits(
                program=program,
                tier=tier,
                grants=[_grant_line(grant, at) for grant in grants],
                tiers=_tier_offers(program=program, tier=tier),
            )
        )
    return found


def _grant_line(grant: BenefitGrant, at: datetime) -> GrantLine:
    if grant.revoked_at is not None:
        return GrantLine(grant, "withdrawn", _("withdrawn"))
    if grant.valid_to <= at:
        return GrantLine(grant, "expired", _("expired"))
    if grant.valid_from > at:
        return GrantLine(grant, "upcoming", _("not yet valid"))
    if grant.remaining <= 0:
        return GrantLine(grant, "used_up", _("used up"))
    return GrantLine(grant, "usable", _("ready to use"))


def _tier_offers(*, program: Program, tier: Tier | None) -> list[TierOffer]:
    benefits = (
        TierBenefit.objects.filter(benefit__active=True).select_related("benefit").order_by("benefit__name")
    )
    tiers = tier_list(program=program).prefetch_related(Prefetch("tier_benefits", queryset=benefits))
    mine = {tb.benefit_id for tb in tier.tier_benefits.all()} if tier is not None else set()
    rank = tier.rank if tier is not None else None
    offers = []
    for each in tiers:
        higher = rank is None or each.rank > rank
        offers.append(
            TierOffer(
                tier=each,
                benefits=[(tb, higher and tb.benefit_id not in mine) for tb in each.tier_benefits.all()],
                is_current=tier is not None and each.pk == tier.pk,
                is_higher=higher,
            )
        )
    return offers


@dataclass(frozen=True)
class ProgramRewards:
    program: Program
    summary: AccountSummary
    offers: list[RewardOffer]


def member_rewards(*, member: Member) -> list[ProgramRewards]:
    """Per program: the member's balance and the catalogue, each reward with what stands in its way."""
    found = []
    for program in member_programs(member=member):
        account = account_find(program=program, member=member)
        found.append(
            ProgramRewards(
                program=program,
                summary=account_summary(member=member, program=program),
                offers=reward_offers(account=account, program=program),
            )
        )
    return found


@dataclass(frozen=True)
class MemberOffer:
    program: Program
    account: Account | None
    summary: AccountSummary
    offer: RewardOffer

    @property
    def balance_after(self) -> int:
        return self.summary.balance - self.offer.reward.points_price


def member_offer(*, member: Member, program_code: str, reward_code: str) -> MemberOffer:
    """One reward of the catalogue as this member sees it; rewards no longer offered are not found."""
    program = program_get(code=program_code, include_inactive=False)
    account = account_find(program=program, member=member)
    offer = next(
        (o for o in reward_offers(account=account, program=program) if o.reward.code == reward_code), None
    )
    if offer is None:
        raise NotFound(
            _("reward '%(code)s' does not exist in this program") % {"code": reward_code}, field="reward"
        )
    return MemberOffer(program, account, account_summary(member=member, program=program), offer)


def member_redemptions(*, member: Member) -> QuerySet[Redemption]:
    """The member's own redemptions, newest first."""
    return (
        Redemption.objects.filter(account__member=member)
        .select_related("reward", "account__program")
        .order_by("-created_at", "-id")
    )


def member_redemption_get(*, member: Member, code: str) -> Redemption:
    """One of the member's own redemptions by its code; another member's code is simply not found."""
    redemption = member_redemptions(member=member).filter(code=code.strip().upper()).first()
    if redemption is None:
        raise NotFound(_("redemption '%(code)s' does not exist") % {"code": code}, field="code")
    return redemption


@dataclass(frozen=True)
class MemberCard:
    name: str
    number: str  # empty: the member holds no card number (staff removed it)
    issued: bool  # a number issued here, not a card of the business's own
    qr: str  # an inline <svg> element; empty without a number
    tiers: list[tuple[Program, Tier | None]]
    joined_at: datetime


def member_card(*, member: Member) -> MemberCard:
    """The member's digital card: number (their primary card identity), its QR code, tiers."""
    number = member_identities(member=member).get("card_number", "")
    accounts = {
        account.program_id: account.tier
        for account in Account.objects.filter(member=member).select_related("tier")
    }
    return MemberCard(
        name=member.name,
        number=number,
        issued=card_number_is_issued(number),
        qr=qr_svg(number, label=_("QR code of card number %(number)s") % {"number": number})
        if number
        else "",
        tiers=[(program, accounts.get(program.pk)) for program in member_programs(member=member)],
        joined_at=member.joined_at,
    )
