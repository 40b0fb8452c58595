"""Keyed services say whether a call did the work or repeated its key's first request, so an interface never
has to look first to tell a 201 from a 200; a key used for something else is refused. (The races themselves
are in api/tests/test_idempotency_races.py, on PostgreSQL.)"""

from datetime import datetime

import pytest
import time_machine
from django.db import transaction

from patronage.core.errors import Conflict
from patronage.loyalty.models import Account, Benefit, BenefitGrant, BenefitUse, LedgerEntry, Redemption
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import (
    account_open,
    benefit_grant,
    benefit_save,
    benefit_use_once,
    earn_rule_save,
    event_earn,
    points_adjust,
    points_adjust_once,
    points_redeem_once,
)
from patronage.loyalty.services.events import event_book

NOW = datetime.fromisoformat("2026-11-20 12:00:00+09:00")

pytestmark = pytest.mark.usefixtures("_at_now")


@pytest.fixture
def _at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _ledger_stays_true(db):
    yield
    assert ledger_verify() == []


@pytest.fixture
def rich(account: Account) -> Account:
    points_adjust(account=account, points=1000, reason="welcome", idempotency_key="welcome", actor=None)
    return account


@pytest.fixture
def grant(rich: Account) -> BenefitGrant:
    trial = benefit_save(program=rich.program, code="trial", name="Trial", kind="trial", actor=None)
    return benefit_grant(
        account=rich,
        benefit=trial,
        quantity=1,
        valid_days=30,
        reason="launch",
        idempotency_key="grant-1",
        actor=None,
    )


# ---- adjustments -------------------------------------------------------------------------------------


def test_an_adjustment_made_says_created_and_its_repeat_says_repeated(account):
    first = points_adjust_once(account=account, points=120, reason="late", idempotency_key="c-1", actor=None)
    again = points_adjust_once(account=account, points=120, reason="late", idempotency_key="c-1", actor=None)

    assert (first.created, again.created) == (True, False)
    assert again.entry == first.entry
    account.refresh_from_db()
    assert account.active == 120


def test_an_adjustment_key_reused_for_other_points_or_another_member_is_refused(account, program, bob):
    points_adjust_once(account=account, points=120, reason="late", idempotency_key="c-1", actor=None)
    bobs = account_open(program=program, member=bob)

    with pytest.raises(Conflict) as other_points:
        points_adjust_once(account=account, points=500, reason="late", idempotency_key="c-1", actor=None)
    with pytest.raises(Conflict) as other_member:
        points_adjust_once(account=bobs, points=120, reason="late", idempotency_key="c-1", actor=None)

    assert other_points.value.field == other_member.value.field == "idempotency_key"
    assert LedgerEntry.objects.count() == 1


def test_a_repeated_removal_of_the_whole_balance_says_repeated_not_short_of_points(rich):
    first = points_adjust_once(account=rich, points=-1000, reason="lost", idempotency_key="r-1", actor=None)
    again = points_adjust_once(account=rich, points=-1000, reason="lost", idempotency_key="r-1", actor=None)

    assert (first.created, again.created) == (True, False)
    assert again.entry == first.entry


# ---- redemptions -------------------------------------------------------------------------------------


def test_a_redemption_made_says_created_and_its_repeat_says_repeated(rich):
    first = points_redeem_once(account=rich, points=400, idempotency_key="till-1", actor=None)
    again = points_redeem_once(account=rich, points=400, idempotency_key="till-1", actor=None)

    assert (first.created, again.created) == (True, False)
    assert again.redemption == first.redemption
    rich.refresh_from_db()
    assert rich.active == 600


def test_a_redemption_key_reused_for_other_points_or_another_member_is_refused(rich, program, bob):
    points_redeem_once(account=rich, points=400, idempotency_key="till-1", actor=None)
    bobs = account_open(program=program, member=bob)
    points_adjust(account=bobs, points=1000, reason="welcome", idempotency_key="welcome-bob", actor=None)

    with pytest.raises(Conflict):
        points_redeem_once(account=rich, points=300, idempotency_key="till-1", actor=None)
    with pytest.raises(Conflict):
        points_redeem_once(account=bobs, points=400, idempotency_key="till-1", actor=None)

    assert Redemption.objects.count() == 1


# ---- benefit uses ------------------------------------------------------------------------------------


def test_the_last_use_of_a_benefit_repeated_says_repeated_not_none_left(grant):
    first = benefit_use_once(grant=grant, note="counter", idempotency_key="use-1", actor=None)
    again = benefit_use_once(grant=grant, note="counter", idempotency_key="use-1", actor=None)

    assert (first.created, again.created) == (True, False)
    assert again.use == first.use
    grant.refresh_from_db()
    assert grant.used == 1


def test_a_benefit_use_key_reused_on_another_grant_is_refused(grant, rich):
    benefit_use_once(grant=grant, note="", idempotency_key="use-1", actor=None)
    other = benefit_grant(
        account=rich,
        benefit=Benefit.objects.get(code="trial"),
        quantity=1,
        valid_days=30,
        reason="second",
        idempotency_key="grant-2",
        actor=None,
    )

    with pytest.raises(Conflict):
        benefit_use_once(grant=other, note="", idempotency_key="use-1", actor=None)

    assert BenefitUse.objects.count() == 1


def test_a_benefit_with_no_use_left_is_still_refused_for_a_new_key(grant):
    benefit_use_once(grant=grant, note="", idempotency_key="use-1", actor=None)

    with pytest.raises(Conflict) as refused:
        benefit_use_once(grant=grant, note="", idempotency_key="use-2", actor=None)

    assert refused.value.field == "grant"
    assert BenefitUse.objects.count() == 1


# ---- events ------------------------------------------------------------------------------------------


@pytest.fixture
def capped_survey(program) -> None:
    earn_rule_save(
        program=program,
        code="survey",
        name="Survey",
        kind="event",
        params={"event": "survey_answered", "points": 50},
        cap_points=50,
        cap_period="year",
        actor=None,
    )


def test_a_capped_event_copy_that_finds_the_cap_used_by_its_first_says_repeated(
    program, alice, capped_survey
):
    first = event_earn(program=program, member=alice, event="survey_answered", idempotency_key="s-1")

    # What a copy racing the first does once the first has committed: it got past the look-up, waited for
    # the account, and finds the cap used. Nothing to write, so no key to collide on: the first answers.
    with transaction.atomic():
        racing = event_book(
            program=program, member=alice, event="survey_answered", idempotency_key="s-1", at=NOW, actor=None
        )

    assert (first.points, first.created) == (50, True)
    assert (racing.points, racing.created) == (50, False)
    assert LedgerEntry.objects.filter(kind="earn").count() == 1


def test_a_capped_event_with_a_new_key_earns_nothing_once_the_cap_is_used(program, alice, capped_survey):
    event_earn(program=program, member=alice, event="survey_answered", idempotency_key="s-1")

    second = event_earn(program=program, member=alice, event="survey_answered", idempotency_key="s-2")

    assert (second.points, second.created) == (0, True)


def test_an_event_key_reused_for_another_event_is_refused(program, alice, capped_survey):
    event_earn(program=program, member=alice, event="survey_answered", idempotency_key="s-1")

    with pytest.raises(Conflict):
        event_earn(program=program, member=alice, event="birthday", idempotency_key="s-1")
