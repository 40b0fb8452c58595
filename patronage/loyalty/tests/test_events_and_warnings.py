"""One-off events earn by the program's event rules; members are warned before points expire; inactivity expires."""

from datetime import datetime, timedelta

import pytest
import time_machine

from patronage.core.errors import ValidationFailed
from patronage.core.models import OutboxEvent
from patronage.loyalty.models import ExpiryPolicy
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import (
    earn_rule_save,
    event_earn,
    expiry_warnings_send,
    points_adjust,
    points_expire_inactive,
)
from patronage.members.models import TimelineEvent

NOW = datetime.fromisoformat("2026-11-20 12:00:00+09:00")


@pytest.fixture(autouse=True)
def _ledger_stays_true(db):
    yield
    assert ledger_verify() == []


@time_machine.travel(NOW, tick=False)
def test_a_referral_earns_its_rule_once_per_key(program, alice):
    earn_rule_save(
        program=program,
        code="referral",
        name="Referral",
        kind="event",
        params={"event": "referral", "points": 300},
        actor=None,
    )

    first = event_earn(program=program, member=alice, event="referral", idempotency_key="ref-bob")
    again = event_earn(program=program, member=alice, event="referral", idempotency_key="ref-bob")

    assert (first.points, first.created) == (300, True)
    assert (again.points, again.created) == (300, False)
    assert alice.loyalty_accounts.get().active == 300


@time_machine.travel(NOW, tick=False)
def test_an_event_without_a_rule_earns_nothing_and_a_bad_name_is_refused(program, alice):
    assert (
        event_earn(program=program, member=alice, event="custom:app_review", idempotency_key="k").points == 0
    )
    with pytest.raises(ValidationFailed):
        event_earn(program=program, member=alice, event="Black Friday!", idempotency_key="k2")


def test_members_are_warned_once_before_points_expire(program, account):
    program.expiry_policy = ExpiryPolicy.DAYS_AFTER_EARNING
    program.expiry_days = 60
    program.expiry_warning_days = 30
    program.save()
    with time_machine.travel(NOW, tick=False):
        points_adjust(account=account, points=700, reason="gift", idempotency_key="g", actor=None)
    with time_machine.travel(NOW + timedelta(days=20), tick=False):
        assert expiry_warnings_send() == 0
    with time_machine.travel(NOW + timedelta(days=40), tick=False):
        assert expiry_warnings_send() == 1
        assert expiry_warnings_send() == 0
    event = OutboxEvent.objects.get(topic="points.expiring")
    assert event.payload["points"] == 700
    assert TimelineEvent.objects.filter(kind="points_expiring").count() == 1


def test_points_of_a_member_inactive_too_long_expire(program, account):
    program.expiry_policy = ExpiryPolicy.INACTIVITY
    program.expiry_days = 365
    program.save()
    with time_machine.travel(NOW, tick=False):
        points_adjust(account=account, points=400, reason="gift", idempotency_key="g", actor=None)
    with time_machine.travel(NOW + timedelta(days=364), tick=False):
        assert points_expire_inactive() == 0
    with time_machine.travel(NOW + timedelta(days=366), tick=False):
        assert points_expire_inactive() == 400
        assert points_expire_inactive() == 0
    account.refresh_from_db()
    assert account.active == 0
