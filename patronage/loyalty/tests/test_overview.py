"""A program's overview counts the program's calendar: a small program lived through a year, hand-counted.

The Hanbit Club (Asia/Seoul, 1 point per 1,000 KRW, points expire 60 days after they are earned, a point
is worth 2 KRW) on 20 November 2026, 10:00 in Seoul:
- Bob bought for 50,000 on 30 November 2025 (before the last 12 months) and never again; his 50 points
  expired on 1 February 2026.
- Alice bought for 100,000 on 1 December 2025 at 08:00 in Seoul, still 30 November in UTC: 100 points,
  expired on 1 February. She bought for 200,000 on 10 March (200 points), redeemed 120 on the 15th,
  returned 50,000 of it on the 20th (50 points taken back); the last 30 expired on 10 May. She bought
  for 30,000 on 19 November: 30 points, expiring on 18 January 2027.
- Carol bought for 40,000 on 1 October: 40 points, expiring on 30 November.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from patronage.commerce.models import Order
from patronage.core import clock
from patronage.loyalty.models import Account, Program
from patronage.loyalty.report_periods import ReportPeriod
from patronage.loyalty.selectors import ledger_verify, points_liability
from patronage.loyalty.selectors.overview import program_overview
from patronage.loyalty.services import (
    TransactionInput,
    earn_rule_save,
    points_expire,
    points_redeem,
    program_save,
    tier_save,
    transaction_record,
)
from patronage.members.models import Member
from patronage.members.services import IdentityInput, member_create

NOW = datetime.fromisoformat("2026-11-20 10:00:00+09:00")


def _at(moment: str) -> datetime:
    return datetime.fromisoformat(f"{moment}+09:00")


def _customer(name: str) -> Member:
    email = f"{name.lower()}@example.com"
    return member_create(actor=None, identities=[IdentityInput("email", email)], profile={"name": name})


def _order(program: Program, member: Member, moment: str, amount: str, external_id: str, **more: str):
    with time_machine.travel(_at(moment), tick=False):
        return transaction_record(
            program=program,
            data=TransactionInput(
                kind=more.get("kind", "purchase"),
                external_id=external_id,
                member=member,
                amount=Decimal(amount),
                currency="KRW",
                occurred_at=clock.now(),
                original_external_id=more.get("original"),
            ),
        )


@pytest.fixture
def club(db, alice: Member, bob: Member) -> Program:
    with time_machine.travel(_at("2025-11-01 09:00:00"), tick=False):
        return _club_make(alice, bob)


def _club_make(alice: Member, bob: Member) -> Program:
    program = program_save(
        code="hanbit",
        values={
            "name": "Hanbit Club",
            "currency": "KRW",
            "time_zone": "Asia/Seoul",
            "pending_days": 0,
            "point_value": Decimal(2),
            "expiry_policy": "days_after_earning",
            "expiry_days": 60,
        },
        actor=None,
    )
    earn_rule_save(
        program=program,
        code="base",
        name="1 point per 1,000 KRW",
        kind="spend",
        params={"points": 1, "per": "1000"},
        priority=10,
        actor=None,
    )
    for code, rank, threshold in (("member", 0, 45), ("silver", 1, 150), ("gold", 2, 1000)):
        tier_save(
            program=program, code=code, name=code.title(), rank=rank, threshold=Decimal(threshold), actor=None
        )
    carol = _customer("Carol")
    _order(program, bob, "2025-11-30 20:00:00", "50000", "bob-1")
    _order(program, alice, "2025-12-01 08:00:00", "100000", "alice-1")
    points_expire(now=_at("2026-02-01 12:00:00"))
    _order(program, alice, "2026-03-10 12:00:00", "200000", "alice-2")
    with time_machine.travel(_at("2026-03-15 12:00:00"), tick=False):
        account = Account.objects.get(program=program, member=alice)
        points_redeem(account=account, points=120, idempotency_key="mug", actor=None)
    _order(
        program, alice, "2026-03-20 12:00:00", "50000", "alice-2-return", kind="return", original="alice-2"
    )
    points_expire(now=_at("2026-05-10 12:00:00"))
    _order(program, carol, "2026-10-01 12:00:00", "40000", "carol-1")
    _order(program, alice, "2026-11-19 12:00:00", "30000", "alice-3")
    # Orders the program does not count: another currency, and a customer who never joined.
    Order.objects.create(
        member=alice, external_id="yen", occurred_at=_at("2026-06-01 12:00:00"), currency="JPY", amount=9000
    )
    Order.objects.create(
        member=_customer("Dave"),
        external_id="dave",
        occurred_at=_at("2026-06-01 12:00:00"),
        currency="KRW",
        amount=Decimal(70000),
    )
    assert ledger_verify() == []
    return program


def test_the_last_twelve_months_count_members_points_liability_and_purchases(club):
    overview = program_overview(program=club, period=ReportPeriod.MONTHS_12, now=NOW)

    assert (overview.span.first_day, overview.span.last_day) == (date(2025, 12, 1), date(2026, 11, 20))
    assert (overview.members.total, overview.members.joined, overview.members.active) == (3, 2, 2)
    assert [(row.tier.code if row.tier else None, row.members) for row in overview.tiers] == [
        (None, 1),
        ("member", 1),
        ("silver", 1),
        ("gold", 0),
    ]
    liability = overview.liability
    assert (liability.earned, liability.redeemed, liability.expired, liability.returned) == (
        370,
        120,
        180,
        50,
    )
    assert overview.redemption_rate == pytest.approx(120 / 370)
    assert (liability.outstanding, liability.value) == (70, Decimal("140.00"))
    assert [(soon.days, soon.points, soon.value) for soon in overview.expiring] == [
        (30, 40, Decimal("80.00")),
        (90, 70, Decimal("140.00")),
    ]
    bought = overview.purchasing
    assert (bought.purchases, bought.buyers, bought.repeat_buyers, bought.repeat_rate) == (4, 2, 1, 0.5)
    assert (bought.spent, bought.refunded, bought.revenue) == (
        Decimal(370000),
        Decimal(50000),
        Decimal(320000),
    )


def test_points_fall_in_the_month_of_the_programs_calendar(club):
    overview = program_overview(program=club, period=ReportPeriod.MONTHS_12, now=NOW)

    moved = {row.month: (row.earned, row.redeemed, row.expired) for row in overview.months}
    assert list(moved) == [date(2025, 12, 1)] + [date(2026, month, 1) for month in range(1, 12)]
    assert moved == {
        date(2025, 12, 1): (100, 0, 0),  # Alice's 08:00 in Seoul on the 1st: still November in UTC
        date(2026, 1, 1): (0, 0, 0),
        date(2026, 2, 1): (0, 0, 150),
        date(2026, 3, 1): (200, 120, 0),
        date(2026, 4, 1): (0, 0, 0),
        date(2026, 5, 1): (0, 0, 30),
        **{date(2026, month, 1): (0, 0, 0) for month in range(6, 10)},
        date(2026, 10, 1): (40, 0, 0),
        date(2026, 11, 1): (30, 0, 0),
    }
    # The months add up to the liability report the API serves for the same days.
    assert overview.liability == points_liability(
        program=club, start=overview.span.start, end=overview.span.end
    )


def test_a_shorter_period_counts_only_its_days(club):
    last_30 = program_overview(program=club, period=ReportPeriod.DAYS_30, now=NOW)
    this_year = program_overview(program=club, period=ReportPeriod.THIS_YEAR, now=NOW)

    assert (last_30.span.first_day, [row.month for row in last_30.months]) == (
        date(2026, 10, 22),
        [date(2026, 10, 1), date(2026, 11, 1)],
    )
    assert (last_30.members.joined, last_30.members.active, last_30.liability.earned) == (0, 1, 30)
    assert (last_30.purchasing.buyers, last_30.purchasing.repeat_rate) == (1, 0.0)
    assert last_30.liability.outstanding == 70  # what is owed now does not depend on the period
    assert (this_year.liability.earned, this_year.members.joined) == (270, 1)


def test_a_program_without_activity_has_no_rates(db):
    quiet = program_save(code="quiet", values={"name": "Quiet", "currency": "EUR"}, actor=None)

    overview = program_overview(program=quiet, period=ReportPeriod.DAYS_90, now=NOW)

    assert overview.members.total == 0
    assert overview.redemption_rate is None
    assert overview.purchasing.repeat_rate is None
    assert overview.tiers == []
    assert len(overview.months) == 4  # 23 August to 20 November (UTC) touches four months
    assert all(row.earned == row.redeemed == row.expired == 0 for row in overview.months)
