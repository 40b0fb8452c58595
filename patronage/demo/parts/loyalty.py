"""The loyalty part of the demo: its programmes, and its members' recent points, booked by the real engine.

One program per brand is set up through the loyalty services: tiers, earn rules, benefits that are not
discounts, and a rewards catalogue. The programs started REPLAY_DAYS before the period's end: the
purchases and returns since then are replayed day by day, oldest first, through the same functions a
POS transaction goes through (services.backfill.orders_earn: the orders are already in the customer
file), with sign-up and birthday events on their days, and the periodic jobs (activation of pending
points, expiry, tier reviews) run at the end of each day. So the ledger, lots, tiers and tier history
are the engine's own, and `patronage ledger verify` holds.

The engine books an order in about 12 ms on SQLite (some 35 queries: rules, caps, lots, tier, timeline,
outbox, message; Django's building of the queries costs four times their running), so the window is a
quarter, which keeps `make run`'s 3,000 members under a minute and its first run under two; above
FULL_REPLAY_LIMIT members only a sample of SAMPLE_MEMBERS (the first members, the portal member among
them, and the top spenders) gets its history, so a million members still load in minutes.
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Q
from tqdm import tqdm

from patronage.commerce.models import Brand, Order, OrderKind
from patronage.core import clock
from patronage.core.models import OutboxEvent, User
from patronage.demo import catalogue as cat
from patronage.demo.model import Period
from patronage.demo.parts.loyalty_names import in_languages
from patronage.demo.world import Part, World
from patronage.loyalty import models as loyalty
from patronage.loyalty import services
from patronage.loyalty.models import Account, Program, Tier
from patronage.loyalty.services.backfill import orders_earn
from patronage.members.models import Member, TimelineEvent

REPLAY_DAYS = 92  # the programs started a quarter before the period's end
BIRTHDAY_DAYS = 61  # the birthday rule is newer: the last two months' birthdays earned
FULL_REPLAY_LIMIT = 5_000  # members; above it only a sample's history is replayed
SAMPLE_MEMBERS = 3_000
PROGRAM_MANAGER = "manager"  # the demo's program manager sets the programs up
ACCOUNT_MANAGER = "accounts"  # and the account manager invites the top spenders to VIP
PORTAL_GIFT_POINTS = 3_000  # enough for a few rewards, so the portal's catalogue can be tried
PORTAL_TIER = "silver"
BIRTHDAY_HOUR = 9  # the birthday points arrive in the morning, in Seoul or Tokyo
BUSINESS_TIME_ZONE = ZoneInfo("Asia/Seoul")  # the demo's days (Seoul and Tokyo share UTC+9)


class TierSpec(NamedTuple):
    code: str
    name: str
    threshold: int  # points earned in the calendar year
    invitation_only: bool
    description: str


class BenefitSpec(NamedTuple):
    code: str
    kind: str  # loyalty.models.BenefitKind
    name: str
    description: str
    validity_days: int
    per_tier: dict[str, tuple[int, str]]  # tier code -> (quantity, period)


class RewardSpec(NamedTuple):
    code: str
    name: str
    description: str
    points: int
    stock: int | None
    per_member_limit: int | None = None
    min_tier: str | None = None


class ProgramSpec(NamedTuple):
    brand: str
    code: str
    name: str
    expiry: dict[str, Any]  # expiry_policy, expiry_days
    pending_days: int  # the return window during which new points wait
    return_policy: str
    bonus_category: str  # the category whose lines earn extra
    bonus_name: str
    benefits: tuple[BenefitSpec, ...]
    rewards: tuple[RewardSpec, ...]


# Points basis, calendar year: one point per 100 KRW spent (VAT excluded) is about 1% back, so a member
# of median spend (about 100,000 KRW a year per brand) earns some 1,000 points; Silver is the top quarter,
# Gold the top 5 to 10%, VIP the top 1%, and by invitation.
TIERS = (
    TierSpec("member", "Member", 0, False, "Every member, from the first purchase."),
    TierSpec("silver", "Silver", 2_000, False, "2,000 points earned in a calendar year."),
    TierSpec("gold", "Gold", 6_000, False, "6,000 points earned in a calendar year."),
    TierSpec("vip", "VIP", 15_000, True, "By invitation, with 15,000 points earned in a calendar year."),
)
TIER_MULTIPLIERS = {"silver": "1.2", "gold": "1.5", "vip": "2"}

_YEAR, _ONCE = loyalty.BenefitPeriod.YEAR.value, loyalty.BenefitPeriod.ONCE.value

PROGRAMS = (
    ProgramSpec(
        brand="hanbit",
        code="hanbit",
        name="Hanbit Living Club",
        expiry={"expiry_policy": loyalty.ExpiryPolicy.DAYS_AFTER_EARNING, "expiry_days": 365},
        pending_days=14,
        return_policy=loyalty.ReturnPolicy.WITHIN_BALANCE,
        bonus_category="bedding",
        bonus_name="Sleep well: 2 extra points per 100 KRW on bedding",
        benefits=(
            BenefitSpec(
                "sleep-trial",
                loyalty.BenefitKind.TRIAL,
                "30-night sleep trial",
                "Try a new pillow or duvet at home for 30 nights before it goes on sale.",
                60,
                {"gold": (1, _YEAR), "vip": (2, _YEAR)},
            ),
            BenefitSpec(
                "delivery-upgrade",
                loyalty.BenefitKind.UPGRADE,
                "Delivery upgrade with assembly",
                "Same-day delivery and assembly of furniture, at the standard delivery's price.",
                365,
                {"silver": (2, _YEAR), "gold": (4, _YEAR), "vip": (8, _YEAR)},
            ),
            BenefitSpec(
                "advisor-line",
                loyalty.BenefitKind.HOTLINE,
                "Priority line to the home advisers",
                "A direct number answered first by the home advisers, seven days a week.",
                365,
                {"gold": (1, _ONCE), "vip": (1, _ONCE)},
            ),
            BenefitSpec(
                "styling-evening",
                loyalty.BenefitKind.EVENT_SEAT,
                "Seat at the seasonal styling evening",
                "An evening at the Gangnam or Shibuya store with the new collection's designers.",
                180,
                {"gold": (1, _YEAR), "vip": (2, _YEAR)},
            ),
            BenefitSpec(
                "sofa-trade-in",
                loyalty.BenefitKind.TRADE_IN,
                "Trade-in credit for an old sofa or mattress",
                "We collect the old one and credit its value on the new one.",
                365,
                {"vip": (1, _YEAR)},
            ),
        ),
        rewards=(
            RewardSpec("tea-towels", "Linen tea towels (2)", "Stonewashed linen.", 1_000, 600),
            RewardSpec(
                "scented-candle", "Scented candle", "Hinoki and yuzu.", 2_000, 400, per_member_limit=2
            ),
            RewardSpec("bath-mat", "Diatomite bath mat", "Dries in a minute.", 3_000, 200),
            RewardSpec("pillow", "Memory-foam pillow", "Our best-selling pillow.", 5_000, 100),
            RewardSpec(
                "styling-visit",
                "Home styling visit (1 hour)",
                "A Hanbit stylist visits and plans a room with you.",
                8_000,
                40,
                min_tier="gold",
            ),
        ),
    ),
    ProgramSpec(
        brand="sora",
        code="sora",
        name="Sora Kitchen Circle",
        expiry={"expiry_policy": loyalty.ExpiryPolicy.INACTIVITY, "expiry_days": 540},
        pending_days=0,  # points at once; a return takes them back from the balance, or they are owed
        return_policy=loyalty.ReturnPolicy.ALLOW_NEGATIVE,
        bonus_category="small-appliances",
        bonus_name="Appliance week-in week-out: 1 extra point per 100 KRW on small appliances",
        benefits=(
            BenefitSpec(
                "appliance-trial",
                loyalty.BenefitKind.TRIAL,
                "Try a new appliance at home",
                "Two weeks with a new appliance before it reaches the shelves.",
                60,
                {"gold": (1, _YEAR), "vip": (2, _YEAR)},
            ),
            BenefitSpec(
                "engraving-upgrade",
                loyalty.BenefitKind.UPGRADE,
                "Free engraving and gift-wrap",
                "Names engraved on knives and cookware, and gift-wrapped, at no charge.",
                365,
                {"silver": (2, _YEAR), "gold": (4, _YEAR), "vip": (8, _YEAR)},
            ),
            BenefitSpec(
                "chef-line",
                loyalty.BenefitKind.HOTLINE,
                "Priority line to the kitchen experts",
                "A direct number answered first by Sora's kitchen experts.",
                365,
                {"gold": (1, _ONCE), "vip": (1, _ONCE)},
            ),
            BenefitSpec(
                "cooking-class",
                loyalty.BenefitKind.EVENT_SEAT,
                "Seat at a chef's cooking class",
                "A Saturday class with a guest chef at the Gangnam or Umeda store.",
                180,
                {"gold": (1, _YEAR), "vip": (2, _YEAR)},
            ),
            BenefitSpec(
                "cookware-trade-in",
                loyalty.BenefitKind.TRADE_IN,
                "Trade-in credit for old cookware",
                "Bring back an old pan or pot, get credit on a new one; we recycle the old.",
                365,
                {"vip": (1, _YEAR)},
            ),
        ),
        rewards=(
            RewardSpec(
                "knife-sharpening",
                "Knife sharpening",
                "Two knives sharpened on the whetstone, in store.",
                1_000,
                None,
                per_member_limit=4,
            ),
            RewardSpec("chopsticks", "Lacquer chopsticks (5 pairs)", "Made in Wajima.", 1_800, 300),
            RewardSpec("mugs", "Ceramic mugs (pair)", "Glazed stoneware.", 2_200, 250, per_member_limit=1),
            RewardSpec("steamer", "Bamboo steamer set", "Two tiers and a lid.", 3_200, 120),
            RewardSpec(
                "chef-table",
                "Chef's table dinner for two",
                "Dinner cooked in front of you at the Gangnam store's kitchen studio.",
                7_000,
                30,
                min_tier="gold",
            ),
        ),
    ),
)

# Rows the loyalty step adds, counted per model for the summary and the truth file.
COUNTED: tuple[type[models.Model], ...] = (
    loyalty.Program,
    loyalty.Tier,
    loyalty.EarnRule,
    loyalty.Benefit,
    loyalty.TierBenefit,
    loyalty.Reward,
    loyalty.Account,
    loyalty.LedgerEntry,
    loyalty.Lot,
    loyalty.Allocation,
    loyalty.OrderPoints,
    loyalty.CapUsage,
    loyalty.TierChange,
    loyalty.BenefitGrant,
    TimelineEvent,
    OutboxEvent,
)


@dataclass
class LoyaltyReport:
    programs: list[str]
    members: int  # members in the customer file
    replayed: int  # members whose orders were replayed
    since: datetime
    purchases: int = 0
    returns: int = 0
    events: int = 0
    tiers: dict[str, int] = field(default_factory=dict)  # accounts per tier name
    counts: dict[str, int] = field(default_factory=dict)  # rows added per model label
    seconds: float = 0.0

    @property
    def sampled(self) -> bool:
        return self.replayed < self.members


def demo_loyalty(*, period: Period, members: int, progress: bool = True) -> LoyaltyReport:
    """Sets up one program per brand and replays the last REPLAY_DAYS of orders through the engine."""
    started = time.perf_counter()
    before = _counts()
    manager = User.objects.filter(username=PROGRAM_MANAGER).first()
    programs = [_program_setup(spec, period, manager) for spec in PROGRAMS]
    since = period.end - timedelta(days=REPLAY_DAYS)
    # The story: the programs were launched when the replayed orders begin, so their pages, and a till
    # sending a purchase from before then, see the date a real business would.
    Program.objects.filter(pk__in=[program.pk for program in programs]).update(created_at=since)
    for program in programs:
        program.created_at = since
    sample = Member.objects.filter(_sample(members))
    report = LoyaltyReport([p.code for p in programs], members, sample.count(), since)
    _replay(programs, since, period.end, sample, report, progress)
    _invite_top_spenders(programs)
    _portal_member_gift(programs, manager)
    _jobs(max(clock.now(), period.end))
    report.tiers = _tier_counts(programs)
    report.counts = {label: n for label, n in (_counts() - before).items() if n > 0}
    report.seconds = time.perf_counter() - started
    return report


# --- the programs ---------------------------------------------------------------------------------


def _names(name: str, description: str) -> dict[str, Any]:
    """A name and description as the services take them: the main language's text and the others'."""
    main_name, name_translations = in_languages(name)
    main_description, description_translations = in_languages(description)
    return {
        "name": main_name,
        "name_translations": name_translations,
        "description": main_description,
        "description_translations": description_translations,
    }


def _program_setup(spec: ProgramSpec, period: Period, actor: User | None) -> Program:
    name, name_translations = in_languages(spec.name)
    program = services.program_save(
        code=spec.code,
        values={
            "name": name,
            "name_translations": name_translations,
            "currency": cat.CURRENCY,
            "time_zone": "Asia/Seoul",
            "enrolment": loyalty.Enrolment.FIRST_PURCHASE,
            "point_value": Decimal("1"),  # one point is worth 1 KRW off a reward
            "pending_days": spec.pending_days,
            "rounding": loyalty.Rounding.DOWN,
            "exclude_tax": True,
            "exclude_shipping": True,
            "return_policy": spec.return_policy,
            "tier_basis": loyalty.TierBasis.POINTS,
            "tier_window": loyalty.TierWindow.CALENDAR_YEAR,
            "tier_downgrade": loyalty.TierDowngrade.ONE_LEVEL,
            "tier_grace_days": 30,
            "brand": Brand.objects.get(code=spec.brand),
            **spec.expiry,
        },
        actor=actor,
    )
    tiers = {
        t.code: services.tier_save(
            program=program,
            code=t.code,
            rank=rank,
            threshold=Decimal(t.threshold),
            invitation_only=t.invitation_only,
            actor=actor,
            **_names(t.name, t.description),
        )
        for rank, t in enumerate(TIERS, start=1)
    }
    _earn_rules(program, spec, period, actor)
    _benefits(program, spec, tiers, actor)
    for reward in spec.rewards:
        services.reward_save(
            program=program,
            code=reward.code,
            **_names(reward.name, reward.description),
            points_price=reward.points,
            stock=reward.stock,
            per_member_limit=reward.per_member_limit,
            min_tier=tiers[reward.min_tier] if reward.min_tier else None,
            actor=actor,
        )
    return program


def _earn_rules(program: Program, spec: ProgramSpec, period: Period, actor: User | None) -> None:
    """Priorities state the order: the rates first, then the multipliers of what they gave."""
    start, end = _campaign_window(period)
    rules: list[dict[str, Any]] = [
        {
            "code": "base",
            "name": "1 point per 100 KRW spent, VAT excluded",
            "kind": "spend",
            "params": {"points": 1, "per": "100"},
            "priority": 10,
        },
        {
            "code": f"{spec.bonus_category}-bonus",
            "name": spec.bonus_name,
            "kind": "category",
            "params": {
                "categories": [spec.bonus_category],
                "points": 2 if spec.brand == "hanbit" else 1,
                "per": "100",
            },
            "priority": 20,
            "cap_points": 3_000,
            "cap_period": "month",
        },
        {
            "code": "app-orders",
            "name": "Orders in the app earn 1.5 times",
            "kind": "channel",
            "params": {"channels": ["app"], "multiplier": "1.5"},
            "priority": 30,
        },
        {
            "code": "tier-multiplier",
            "name": "Silver 1.2x, Gold 1.5x, VIP 2x",
            "kind": "tier_multiplier",
            "params": {"tiers": TIER_MULTIPLIERS},
            "priority": 40,
        },
        {
            "code": "double-points",
            "name": "Double points for the season's campaign, from 30,000 KRW",
            "kind": "campaign",
            "params": {"multiplier": "2", "min_spend": "30000"},
            "priority": 50,
            "active_from": start,
            "active_to": end,
            "cap_points": 5_000,
            "cap_period": "year",
        },
        {
            "code": "welcome",
            "name": "300 points to welcome a new member",
            "kind": "event",
            "params": {"event": "signup", "points": 300},
            "priority": 10,
        },
        {
            "code": "birthday",
            "name": "500 points on the member's birthday",
            "kind": "event",
            "params": {"event": "birthday", "points": 500},
            "priority": 10,
            "active_from": period.end - timedelta(days=BIRTHDAY_DAYS),
        },
    ]
    for rule in rules:
        services.earn_rule_save(program=program, actor=actor, **rule)


def _campaign_window(period: Period) -> tuple[datetime, datetime]:
    """The catalogue's seasonal campaign that started last before the period's end (it may still run)."""
    tz = period.end.tzinfo
    starts = [
        (datetime(year, c.month, c.day, tzinfo=tz), c.days)
        for year in (period.end.year - 1, period.end.year)
        for c in cat.CAMPAIGNS
    ]
    start, days = max((s, d) for s, d in starts if s < period.end)
    return start, start + timedelta(days=days)


def _benefits(program: Program, spec: ProgramSpec, tiers: dict[str, Tier], actor: User | None) -> None:
    for benefit in spec.benefits:
        saved = services.benefit_save(
            program=program,
            code=benefit.code,
            **_names(benefit.name, benefit.description),
            kind=benefit.kind,
            validity_days=benefit.validity_days,
            actor=actor,
        )
        for tier_code, (quantity, period) in benefit.per_tier.items():
            services.tier_benefit_set(
                tier=tiers[tier_code], benefit=saved, quantity=quantity, period=period, actor=actor
            )


# --- the members' year ----------------------------------------------------------------------------


def _sample(members: int) -> Q:
    """Whose orders are replayed: everyone, or above FULL_REPLAY_LIMIT the first members and the top spenders."""
    if members <= FULL_REPLAY_LIMIT:
        return Q()
    nth = Member.objects.order_by("pk").values_list("pk", flat=True)[SAMPLE_MEMBERS - 1 : SAMPLE_MEMBERS]
    return Q(pk__lte=nth[0] if nth else 0) | Q(account_manager__username=ACCOUNT_MANAGER)


def _replay(
    programs: list[Program],
    since: datetime,
    end: datetime,
    sample: models.QuerySet[Member],
    report: LoyaltyReport,
    progress: bool,
) -> None:
    """Day by day: each program's orders of the day, the day's sign-ups and birthdays, then the jobs."""
    orders = Order.objects.filter(occurred_at__gte=since, occurred_at__lt=end)
    if report.sampled:
        orders = orders.filter(member__in=sample)
    signups = _signups(orders, programs)
    birthdays = _birthdays(max(since, end - timedelta(days=BIRTHDAY_DAYS)), end, sample)
    days = (end - since).days
    with tqdm(
        total=orders.count(), unit="orders", file=sys.stderr, disable=not progress, desc="loyalty"
    ) as bar:
        for day_start in (since + timedelta(days=n) for n in range(days)):
            day_end = min(day_start + timedelta(days=1), end)
            day_orders = orders.filter(occurred_at__gte=day_start, occurred_at__lt=day_end)
            for program in programs:
                booked = orders_earn(program=program, orders=day_orders.filter(brand=program.brand))
                report.purchases += booked.purchases
                report.returns += booked.returns
                bar.update(booked.purchases + booked.returns + booked.skipped + len(booked.refused))
            report.events += _events(signups.pop(day_start.date(), []), "signup")
            report.events += _birthday_events(programs, birthdays.pop(day_start.date(), []))
            _jobs(day_end)


class _Event(NamedTuple):
    program: Program
    member_id: int
    at: datetime


def _signups(orders: models.QuerySet[Order], programs: list[Program]) -> dict[date, list[_Event]]:
    """Members who joined in the window, in the program of the brand they first bought (the join is that purchase)."""
    by_brand = {p.brand_id: p for p in programs}
    first = orders.filter(kind=OrderKind.PURCHASE, occurred_at=F("member__joined_at")).values_list(
        "member_id", "brand_id", "occurred_at"
    )
    days: dict[date, list[_Event]] = defaultdict(list)
    seen: set[int] = set()
    for member_id, brand_id, at in first.order_by("occurred_at", "pk"):
        if member_id in seen or brand_id not in by_brand:
            continue
        seen.add(member_id)
        days[at.astimezone(BUSINESS_TIME_ZONE).date()].append(_Event(by_brand[brand_id], member_id, at))
    return days


def _birthdays(
    since: datetime, end: datetime, sample: models.QuerySet[Member]
) -> dict[date, list[tuple[int, datetime]]]:
    """Each sampled member's birthday in the window, at BIRTHDAY_HOUR in the business's time zone."""
    members = sample.filter(birth_date__isnull=False)
    days: dict[date, list[tuple[int, datetime]]] = defaultdict(list)
    for member_id, born in members.values_list("pk", "birth_date").iterator(chunk_size=5000):
        if born is None:
            continue
        for year in range(since.year, end.year + 1):
            day = _birthday_in(born, year)
            at = datetime(day.year, day.month, day.day, BIRTHDAY_HOUR, tzinfo=BUSINESS_TIME_ZONE)
            if since <= at < end:
                days[day].append((member_id, at))
    return days


def _birthday_in(born: date, year: int) -> date:
    try:
        return born.replace(year=year)
    except ValueError:  # 29 February, in a year that has none
        return date(year, 2, 28)


def _events(events: list[_Event], name: str) -> int:
    members = Member.objects.in_bulk([e.member_id for e in events])
    for event in events:
        services.event_earn(
            program=event.program,
            member=members[event.member_id],
            event=name,
            idempotency_key=f"demo:{name}:{event.member_id}:{event.at:%Y}",
            at=event.at,
        )
    return len(events)


def _birthday_events(programs: list[Program], birthdays: list[tuple[int, datetime]]) -> int:
    """Birthday points in every program the member already belongs to."""
    if not birthdays:
        return 0
    at_of = dict(birthdays)
    accounts = Account.objects.filter(member_id__in=list(at_of), program__in=programs)
    return _events(
        [_Event(a.program, a.member_id, at_of[a.member_id]) for a in accounts.select_related("program")],
        "birthday",
    )


def _jobs(now: datetime) -> None:
    """The periodic jobs, run to completion as of `now`: activation, expiry, tier reviews."""
    for job in (services.pending_activate, services.points_expire, services.tiers_review):
        while job(now=now):
            pass


# --- the finishing touches ------------------------------------------------------------------------


def _invite_top_spenders(programs: list[Program]) -> None:
    """The account manager invites the customers they look after to VIP; those who qualify move up."""
    inviter = User.objects.filter(username=ACCOUNT_MANAGER).first()
    accounts = Account.objects.filter(
        program__in=programs, member__account_manager__username=ACCOUNT_MANAGER
    ).select_related("program")
    vip = {t.program_id: t for t in Tier.objects.filter(program__in=programs, invitation_only=True)}
    for account in accounts.order_by("pk"):
        services.tier_invite(account=account, tier=vip[account.program_id], actor=inviter)


def _portal_member_gift(programs: list[Program], actor: User | None) -> None:
    """The portal's demo member gets points to spend and Silver, so a newcomer sees the portal at work."""
    member = Member.objects.filter(user__username=cat.PORTAL_MEMBER_EMAIL).first()
    if member is None:
        return
    silver = {t.program_id: t for t in Tier.objects.filter(program__in=programs, code=PORTAL_TIER)}
    for program in programs:
        account = services.account_open(program=program, member=member)
        services.points_adjust(
            account=account,
            points=PORTAL_GIFT_POINTS,
            reason="Welcome gift of the demo: points to try the rewards catalogue",
            idempotency_key=f"demo:portal-gift:{member.pk}",
            actor=actor,
        )
        if account.tier_floor_id is None:
            services.tier_floor_set(
                account=account,
                tier=silver[program.pk],
                actor=actor,
                reason="Demo member: Silver given by hand, to show a tier and its benefits",
            )


def _tier_counts(programs: list[Program]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    # By code: the stored names are in the business's main language, the summary's in English.
    for code in Account.objects.filter(program__in=programs, tier__isnull=False).values_list(
        "tier__code", flat=True
    ):
        counts[code] += 1
    return {t.name: counts[t.code] for t in TIERS if counts[t.code]}


def _counts() -> Counter[str]:
    return Counter({model._meta.label: model._default_manager.count() for model in COUNTED})


def summary_lines(report: LoyaltyReport) -> Iterator[str]:
    """What the demo command prints about the loyalty step."""
    who = (
        f"{report.replayed:,} members"
        if not report.sampled
        else f"a sample of {report.replayed:,} of the {report.members:,} members (the others have no points yet)"
    )
    yield (
        f"Loyalty: {len(report.programs)} programs ({', '.join(report.programs)}); orders since "
        f"{report.since:%Y-%m-%d} of {who} booked by the engine in {report.seconds:.1f} s: "
        f"{report.purchases:,} purchases, {report.returns:,} returns, {report.events:,} sign-up and birthday events"
    )
    if report.tiers:
        yield "  tiers: " + ", ".join(f"{name} {n:,}" for name, n in report.tiers.items())


def history_book(world: World) -> None:
    """The part's one step, once every member and order is written."""
    report = demo_loyalty(period=world.period, members=world.members, progress=world.progress)
    world.counts.update(report.counts)
    world.lines.extend(summary_lines(report))


PART = Part("loyalty", after=history_book)
