"""The liability report adds up to the ledger: outstanding points, their value, and a period's movements."""

from datetime import datetime, timedelta
from decimal import Decimal

import time_machine

from patronage.loyalty.selectors import points_liability
from patronage.loyalty.services import points_adjust, points_expire, points_redeem, redemption_cancel

START = datetime.fromisoformat("2026-11-01 00:00:00+09:00")


def test_the_report_shows_what_is_outstanding_and_what_moved(program, account):
    program.point_value = Decimal("5")
    program.expiry_policy = "days_after_earning"
    program.expiry_days = 10
    program.save()
    with time_machine.travel(START + timedelta(days=1), tick=False):
        points_adjust(account=account, points=1000, reason="gift", idempotency_key="g", actor=None)
        kept = points_redeem(account=account, points=300, idempotency_key="r1", actor=None)
        cancelled = points_redeem(account=account, points=100, idempotency_key="r2", actor=None)
        redemption_cancel(redemption=cancelled, actor=None)
    with time_machine.travel(START + timedelta(days=15), tick=False):
        points_adjust(account=account, points=200, reason="apology", idempotency_key="a", actor=None)
    points_expire(now=START + timedelta(days=20))

    report = points_liability(program=program, start=START, end=START + timedelta(days=30))

    assert kept.points == 300
    assert (report.adjusted, report.redeemed, report.expired) == (1200, 300, 700)
    assert report.outstanding == 200
    assert report.value == Decimal("1000.00")
    before = points_liability(program=program, start=START - timedelta(days=30), end=START)
    assert (before.earned, before.redeemed, before.expired) == (0, 0, 0)
