"""Parallel copies of one keyed request on PostgreSQL with real threads: the write decides, so exactly one copy
answers 201, every other copy answers 200 with the first one's result, and the work is done once."""

from collections import Counter
from typing import Any

import pytest
from django.test import Client

from patronage.api.tests.conftest import give, purchase
from patronage.api.tests.parallel import in_parallel, skip_without_server_database
from patronage.core.apikeys import apikey_create
from patronage.loyalty.models import (
    Account,
    Benefit,
    BenefitUse,
    EntryKind,
    LedgerEntry,
    Program,
    Redemption,
    Reward,
)
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import benefit_grant, earn_rule_save, points_redeem
from patronage.members.models import Identity, Member

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen"),
]

# The two requests the issue names race a hundred copies; the others thirty, which two cores run in seconds.
MANY = 100
SOME = 30


@pytest.fixture(autouse=True)
def _needs_a_server_database() -> None:
    skip_without_server_database()


def _client(*scopes: str) -> Client:
    _record, plain = apikey_create(name="pos", scopes=list(scopes or ["loyalty:write"]), actor=None)
    return Client(headers={"Authorization": f"Bearer {plain}"})


def _copies(path: str, body: dict[str, Any], times: int, *scopes: str) -> list[tuple[int, Any]]:
    client = _client(*scopes)

    def send(_index: int) -> tuple[int, Any]:
        response = client.post(path, body, content_type="application/json")
        return response.status_code, response.json()

    return in_parallel(send, times)


def _one_created_the_rest_repeated(
    answers: list[tuple[int, Any]], *, as_first: bool = True
) -> dict[str, Any]:
    """Exactly one 201 and every other copy 200 with one and the same body: the first's, where `as_first`."""
    statuses = Counter(status for status, _body in answers)
    assert statuses == {201: 1, 200: len(answers) - 1}, statuses
    created = next(body for status, body in answers if status == 201)
    repeats = [body for status, body in answers if status == 200]
    assert all(body == repeats[0] for body in repeats)
    if as_first:
        assert repeats[0] == created
    return created


def test_a_hundred_copies_of_one_adjustment_add_the_points_once(club, alice):
    body = {"program": "hanbit", "points": 250, "reason": "goodwill", "idempotency_key": "adj-1"}

    answers = _copies(f"/api/v1/members/{alice.pk}/adjustments", body, MANY)

    created = _one_created_the_rest_repeated(answers)
    assert {body["id"] for _status, body in answers} == {created["id"]}
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUST).count() == 1
    assert Account.objects.get(member=alice).active == 250
    assert ledger_verify() == []


def test_racing_requests_with_one_key_but_other_points_are_refused_not_answered_as_repeats(club, alice):
    client = _client()
    path = f"/api/v1/members/{alice.pk}/adjustments"

    def send(index: int) -> tuple[int, int]:
        points = 100 if index % 2 else 200
        body = {"program": "hanbit", "points": points, "reason": "goodwill", "idempotency_key": "adj-3"}
        return points, client.post(path, body, content_type="application/json").status_code

    answers = in_parallel(send, SOME)

    booked = LedgerEntry.objects.get(kind=EntryKind.ADJUST).points
    assert Counter(status for _points, status in answers)[201] == 1
    assert {status for points, status in answers if points != booked} == {409}
    assert {status for points, status in answers if points == booked} == {200, 201}
    assert Account.objects.get(member=alice).active == booked
    assert ledger_verify() == []


def test_a_hundred_copies_of_a_removal_of_the_whole_balance_remove_it_once(club, alice):
    give(alice, club, 300)
    body = {"program": "hanbit", "points": -300, "reason": "card lost", "idempotency_key": "adj-2"}

    answers = _copies(f"/api/v1/members/{alice.pk}/adjustments", body, MANY)

    # A copy that waited for the first finds the balance empty: it is still the first's repeat, not a 409.
    created = _one_created_the_rest_repeated(answers)
    assert {body["id"] for _status, body in answers} == {created["id"]}
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUST, points=-300).count() == 1
    assert Account.objects.get(member=alice).active == 0
    assert ledger_verify() == []


def test_a_hundred_copies_of_one_redemption_spend_once(club, alice):
    give(alice, club, 1000)
    body = {"program": "hanbit", "points": 400, "idempotency_key": "till-1"}

    answers = _copies(f"/api/v1/members/{alice.pk}/redemptions", body, MANY)

    created = _one_created_the_rest_repeated(answers)
    assert {body["code"] for _status, body in answers} == {created["code"]}
    assert Redemption.objects.count() == 1
    assert Account.objects.get(member=alice).active == 600
    assert ledger_verify() == []


def test_a_hundred_copies_of_one_redemption_of_the_last_reward_take_it_once(club, alice, tumbler: Reward):
    give(alice, club, 1000)
    body = {"program": "hanbit", "reward": "tumbler", "idempotency_key": "till-2"}

    answers = _copies(f"/api/v1/members/{alice.pk}/redemptions", body, MANY)

    # The copies that waited find the stock empty: still the first's repeats, not "out of stock".
    created = _one_created_the_rest_repeated(answers)
    assert {body["code"] for _status, body in answers} == {created["code"]}
    assert Redemption.objects.count() == 1
    tumbler.refresh_from_db()
    assert tumbler.stock == 0
    assert Account.objects.get(member=alice).active == 700
    assert ledger_verify() == []


def test_parallel_cancels_of_one_redemption_refund_it_once(club, alice):
    account = give(alice, club, 1000)
    code = points_redeem(account=account, points=400, idempotency_key="till-3", actor=None).code

    answers = _copies(f"/api/v1/redemptions/{code}/cancel", {"reason": "changed mind"}, SOME)

    assert {status for status, _body in answers} == {200}
    assert {body["status"] for _status, body in answers} == {"cancelled"}
    assert LedgerEntry.objects.filter(kind=EntryKind.REDEEM_CANCEL).count() == 1
    assert Account.objects.get(member=alice).active == 1000
    assert ledger_verify() == []


def test_parallel_fulfilments_of_one_redemption_hand_it_over_once(club, alice):
    account = give(alice, club, 1000)
    code = points_redeem(account=account, points=400, idempotency_key="till-4", actor=None).code

    answers = _copies(f"/api/v1/redemptions/{code}/fulfil", {}, SOME)

    assert {status for status, _body in answers} == {200}
    assert len({body["fulfilled_at"] for _status, body in answers}) == 1
    assert Redemption.objects.get().status == Redemption.Status.FULFILLED


def test_parallel_copies_of_one_capped_event_earn_once(club: Program, alice):
    # Once a year: a copy that waited for the first finds the cap used, and must answer as its repeat.
    earn_rule_save(
        program=club,
        code="survey",
        name="Survey",
        kind="event",
        params={"event": "survey_answered", "points": 50},
        cap_points=50,
        cap_period="year",
        actor=None,
    )
    body = {"program": "hanbit", "event": "survey_answered", "idempotency_key": "survey-1"}

    answers = _copies(f"/api/v1/members/{alice.pk}/events", body, SOME)

    # A repeat answers the points the first earned; the rule-by-rule evaluation only the first (it is not kept).
    _one_created_the_rest_repeated(answers, as_first=False)
    assert {body["points"] for _status, body in answers} == {50}
    assert LedgerEntry.objects.filter(kind=EntryKind.EARN).count() == 1
    assert Account.objects.get(member=alice).active == 50
    assert ledger_verify() == []


def test_parallel_copies_of_one_use_of_the_last_benefit_use_it_once(club, alice, trial: Benefit):
    account = give(alice, club, 100)
    grant = benefit_grant(
        account=account,
        benefit=trial,
        quantity=1,
        valid_days=30,
        reason="launch",
        idempotency_key="grant-once",
        actor=None,
    )
    body = {"note": "at the counter", "idempotency_key": "use-1"}

    answers = _copies(f"/api/v1/members/{alice.pk}/benefits/{grant.pk}/uses", body, SOME)

    # The copies that waited find no use left: still the first's repeats, not "no uses left".
    created = _one_created_the_rest_repeated(answers)
    assert {body["id"] for _status, body in answers} == {created["id"]}
    assert BenefitUse.objects.count() == 1
    grant.refresh_from_db()
    assert grant.used == 1


def test_parallel_copies_of_one_purchase_earn_once(club, alice):
    answers = _copies("/api/v1/transactions", purchase(alice.pk, "P-RACE", "10000"), MANY)

    created = _one_created_the_rest_repeated(answers)
    assert {body["order_id"] for _status, body in answers} == {created["order_id"]}
    assert LedgerEntry.objects.filter(kind=EntryKind.EARN).count() == 1
    assert Account.objects.get(member=alice).active == 100
    assert ledger_verify() == []


def test_parallel_copies_of_one_purchase_paid_with_points_record_it_once(club, alice):
    account = give(alice, club, 500)
    paid = points_redeem(account=account, points=400, idempotency_key="till-5", actor=None)

    answers = _copies(
        "/api/v1/transactions", purchase(alice.pk, "P-PAID", "20000", redemption_code=paid.code), SOME
    )

    # The copies that waited find the redemption paying the first's order: its repeats, not a 409.
    created = _one_created_the_rest_repeated(answers)
    assert {body["order_id"] for _status, body in answers} == {created["order_id"]}
    assert LedgerEntry.objects.filter(kind=EntryKind.EARN).count() == 1
    assert ledger_verify() == []


def test_parallel_copies_of_one_return_take_the_points_back_once(club, alice):
    client = _client()
    client.post("/api/v1/transactions", purchase(alice.pk, "P-1", "10000"), content_type="application/json")
    body = {**purchase(alice.pk, "R-1", "5000"), "type": "return", "original_external_id": "P-1"}

    answers = _copies("/api/v1/transactions", body, SOME)

    created = _one_created_the_rest_repeated(answers)
    assert {body["points"] for _status, body in answers} == {created["points"]} == {-50}
    assert LedgerEntry.objects.filter(kind=EntryKind.RETURN).count() == 1
    assert Account.objects.get(member=alice).active == 50
    assert ledger_verify() == []


def test_parallel_bulk_copies_of_one_batch_record_each_item_once(club, alice, bob):
    account = give(alice, club, 500)
    paid = points_redeem(account=account, points=400, idempotency_key="till-6", actor=None)
    items = [
        purchase(alice.pk, "P-A", "10000"),
        purchase(bob.pk, "P-B", "10000"),
        purchase(alice.pk, "P-PAID", "20000", redemption_code=paid.code),
    ]

    answers = _copies("/api/v1/transactions/bulk", {"items": items}, SOME)

    assert {status for status, _body in answers} == {200}
    for index in range(len(items)):
        statuses = Counter(body["results"][index]["status"] for _status, body in answers)
        assert statuses == {201: 1, 200: SOME - 1}, (index, statuses)
    assert LedgerEntry.objects.filter(kind=EntryKind.EARN).count() == 3
    assert ledger_verify() == []


def test_parallel_copies_of_one_new_member_open_one_file(db):
    body = {"external_id": "POS-1", "email": "race@example.com", "name": "Race"}

    answers = _copies("/api/v1/members", body, SOME, "members:write")

    created = _one_created_the_rest_repeated(answers)
    assert {body["id"] for _status, body in answers} == {created["id"]} == {Member.objects.get().pk}
    assert Identity.objects.filter(value="race@example.com").count() == 1
