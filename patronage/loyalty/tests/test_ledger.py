from datetime import timedelta

import pytest
import time_machine

from patronage.core import clock
from patronage.core.errors import Conflict, InsufficientPoints, ValidationFailed
from patronage.loyalty.models import Account, EntryKind, LedgerEntry, ReturnPolicy
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import (
    pending_activate,
    points_adjust,
    points_expire,
    points_redeem,
    purchase_earn,
    redemption_cancel,
    return_clawback,
)

START = "2026-03-01 10:00:00+09:00"


def balances(account: Account) -> tuple[int, int, int]:
    account.refresh_from_db()
    return account.pending, account.active, account.owed


@pytest.fixture(autouse=True)
def _ledger_stays_true(db):
    yield
    assert ledger_verify() == []


@time_machine.travel(START, tick=False)
def test_purchase_points_are_pending_for_the_return_window_then_active(account, order_for):
    order = order_for("P-1", "50000")
    purchase_earn(
        account=account, order_id=order.pk, points=50, at=clock.now(), reason="1 point per 1,000 KRW"
    )
    assert balances(account) == (50, 0, 0)

    assert pending_activate(now=clock.now() + timedelta(days=13)) == 0
    assert pending_activate(now=clock.now() + timedelta(days=14)) == 1
    assert balances(account) == (0, 50, 0)


def test_a_purchase_sent_twice_earns_once(account, order_for):
    from django.db import IntegrityError

    order = order_for("P-1", "50000")
    purchase_earn(account=account, order_id=order.pk, points=50, at=clock.now(), reason="")
    with pytest.raises(IntegrityError):
        purchase_earn(account=account, order_id=order.pk, points=50, at=clock.now(), reason="")
    assert balances(account) == (50, 0, 0)


def test_redemption_never_overdraws_and_names_the_shortfall(account):
    points_adjust(account=account, points=100, reason="welcome gift", idempotency_key="a1", actor=None)
    with pytest.raises(InsufficientPoints):
        points_redeem(account=account, points=101, idempotency_key="r1", actor=None)
    assert balances(account) == (0, 100, 0)
    points_redeem(account=account, points=100, idempotency_key="r2", actor=None)
    assert balances(account) == (0, 0, 0)


def test_a_retried_redemption_returns_the_first_and_spends_once(account):
    points_adjust(account=account, points=100, reason="gift", idempotency_key="a1", actor=None)
    first = points_redeem(account=account, points=30, idempotency_key="same", actor=None)
    again = points_redeem(account=account, points=30, idempotency_key="same", actor=None)
    assert again == first
    assert balances(account) == (0, 70, 0)
    with pytest.raises(Conflict):
        points_redeem(account=account, points=31, idempotency_key="same", actor=None)


def test_the_earliest_expiring_points_are_spent_first(account, program):
    program.expiry_policy = "days_after_earning"
    program.expiry_days = 365
    program.save()
    with time_machine.travel(START, tick=False):
        points_adjust(account=account, points=40, reason="old", idempotency_key="old", actor=None)
    with time_machine.travel("2026-06-01 10:00:00+09:00", tick=False):
        points_adjust(account=account, points=40, reason="new", idempotency_key="new", actor=None)
        redemption = points_redeem(account=account, points=50, idempotency_key="r", actor=None)
    spent = LedgerEntry.objects.get(cause_type="redemption", cause_id=str(redemption.pk))
    drawn = sorted(
        (a.lot.earned_by.reason, a.points) for a in spent.allocations.select_related("lot__earned_by")
    )
    assert drawn == [("new", 10), ("old", 40)]

    expired = points_expire(now=clock.now().replace(year=2027, month=3, day=2))
    assert expired == 0  # the old lot was used up; the new one expires in June 2027
    assert points_expire(now=clock.now().replace(year=2027, month=6, day=2)) == 30
    assert balances(account) == (0, 0, 0)


def test_cancelling_a_redemption_refunds_it_once(account):
    points_adjust(account=account, points=100, reason="gift", idempotency_key="a1", actor=None)
    redemption = points_redeem(account=account, points=60, idempotency_key="r", actor=None)
    redemption_cancel(redemption=redemption, actor=None)
    redemption_cancel(redemption=redemption, actor=None)
    assert balances(account) == (0, 100, 0)
    assert LedgerEntry.objects.filter(kind=EntryKind.REDEEM_CANCEL).count() == 1


def test_adjustments_need_a_reason_and_removals_stay_within_the_balance(account):
    with pytest.raises(ValidationFailed) as error:
        points_adjust(account=account, points=10, reason=" ", idempotency_key="x", actor=None)
    assert error.value.field == "reason"
    with pytest.raises(InsufficientPoints):
        points_adjust(account=account, points=-1, reason="oops", idempotency_key="y", actor=None)
    assert balances(account) == (0, 0, 0)


def test_a_return_while_pending_takes_back_pending_points(account, order_for):
    purchase = order_for("P-1", "50000")
    purchase_earn(account=account, order_id=purchase.pk, points=50, at=clock.now(), reason="")
    returned = order_for("R-1", "20000", original=purchase)
    return_clawback(
        account=account, purchase_order_id=purchase.pk, return_order_id=returned.pk, points=20, at=clock.now()
    )
    assert balances(account) == (30, 0, 0)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (ReturnPolicy.PENDING_ONLY, (0, 10, 0)),  # the spent points are gone; nothing is taken
        (ReturnPolicy.WITHIN_BALANCE, (0, 0, 0)),  # what is left is taken
        (ReturnPolicy.ALLOW_NEGATIVE, (0, 0, 40)),  # the rest is owed, netted against future points
    ],
)
def test_buy_earn_redeem_return_is_handled_by_the_return_policy(
    account, program, order_for, policy, expected
):
    program.return_policy = policy
    program.pending_days = 0
    program.save()
    purchase = order_for("P-1", "50000")
    purchase_earn(account=account, order_id=purchase.pk, points=50, at=clock.now(), reason="")
    points_redeem(account=account, points=40, idempotency_key="r", actor=None)
    returned = order_for("R-1", "50000", original=purchase)
    return_clawback(
        account=account, purchase_order_id=purchase.pk, return_order_id=returned.pk, points=50, at=clock.now()
    )
    assert balances(account) == expected


def test_owed_points_are_settled_from_the_next_points(account, program, order_for):
    program.return_policy = ReturnPolicy.ALLOW_NEGATIVE
    program.pending_days = 0
    program.save()
    purchase = order_for("P-1", "50000")
    purchase_earn(account=account, order_id=purchase.pk, points=50, at=clock.now(), reason="")
    points_redeem(account=account, points=50, idempotency_key="r", actor=None)
    returned = order_for("R-1", "50000", original=purchase)
    return_clawback(
        account=account, purchase_order_id=purchase.pk, return_order_id=returned.pk, points=50, at=clock.now()
    )
    assert balances(account) == (0, 0, 50)
    points_adjust(account=account, points=80, reason="goodwill", idempotency_key="g", actor=None)
    assert balances(account) == (0, 30, 0)


def test_ledger_verify_reports_a_cache_that_drifted(account):
    points_adjust(account=account, points=10, reason="gift", idempotency_key="a1", actor=None)
    Account.objects.filter(pk=account.pk).update(active=11)
    assert [d.what for d in ledger_verify()] == ["active vs entries", "active vs lots"]
    Account.objects.filter(pk=account.pk).update(active=10)


def test_merging_two_files_joins_their_accounts_and_keeps_every_entry(account, program, bob, admin):
    from patronage.loyalty.services import account_open
    from patronage.members.services import member_merge

    points_adjust(account=account, points=10, reason="alice", idempotency_key="a", actor=None)
    bobs = account_open(program=program, member=bob)
    points_adjust(account=bobs, points=25, reason="bob", idempotency_key="b", actor=None)

    member_merge(survivor=account.member, duplicate=bob, actor=admin)

    assert balances(account) == (0, 35, 0)
    assert LedgerEntry.objects.filter(account=account).count() == 2


def test_the_periodic_jobs_are_scheduled_and_run(account, order_for, settings):
    from patronage.loyalty.tasks import pending_activate_task, points_expire_task

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"loyalty.pending_activate", "loyalty.points_expire"} <= scheduled
    order = order_for("P-1", "50000")
    purchase_earn(
        account=account, order_id=order.pk, points=5, at=clock.now() - timedelta(days=20), reason=""
    )
    assert pending_activate_task.apply().get() == 1
    assert points_expire_task.apply().get() == 0
    assert balances(account) == (0, 5, 0)


def test_an_agent_may_adjust_only_within_the_limit_of_the_role(account, agent, manager):
    from patronage.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        points_adjust(account=account, points=5000, reason="goodwill", idempotency_key="big", actor=agent)
    assert not LedgerEntry.objects.filter(account=account).exists()
    points_adjust(account=account, points=1000, reason="goodwill", idempotency_key="ok", actor=agent)
    points_adjust(account=account, points=5000, reason="campaign fix", idempotency_key="mgr", actor=manager)
    account.refresh_from_db()
    assert account.active == 6000


def test_the_programs_ceiling_bounds_integrations_and_staff_without_the_unlimited_permission(
    account, lead, manager
):
    from patronage.core.errors import ValidationFailed
    from patronage.loyalty.services import program_save

    program_save(code=account.program.code, values={"adjustment_ceiling": 3000}, actor=None)
    account.refresh_from_db()
    for actor in (None, lead):
        with pytest.raises(ValidationFailed) as refused:
            points_adjust(account=account, points=-3001, reason="fix", idempotency_key="x", actor=actor)
        assert refused.value.field == "points"
        assert "at most 3,000 points" in refused.value.message
    points_adjust(account=account, points=3001, reason="migration", idempotency_key="m", actor=manager)
    account.refresh_from_db()
    assert account.active == 3001
