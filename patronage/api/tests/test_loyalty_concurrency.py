"""Parallel clients of the loyalty API on a real server database with real threads: duplicates earn once,
redemptions never overdraw, and the ledger still adds up."""

import pytest
from django.test import Client

from patronage.api.tests.conftest import give, purchase
from patronage.api.tests.parallel import in_parallel, skip_without_server_database
from patronage.core.apikeys import apikey_create
from patronage.loyalty.models import Account, EntryKind, LedgerEntry, Redemption
from patronage.loyalty.selectors import ledger_verify

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen"),
]


@pytest.fixture(autouse=True)
def _needs_a_server_database():
    skip_without_server_database()


def _key() -> str:
    _record, plain = apikey_create(name="pos", scopes=["loyalty:write"], actor=None)
    return plain


def test_the_same_transaction_from_eight_parallel_clients_earns_once(club, alice):
    key = _key()

    def deliver(_index: int) -> tuple[int, int]:
        response = Client(headers={"Authorization": f"Bearer {key}"}).post(
            "/api/v1/transactions", purchase(alice.pk, "P-RACE", "10000"), content_type="application/json"
        )
        return response.status_code, response.json()["points"]

    results = in_parallel(deliver, times=8)

    assert sorted(status for status, _points in results) == [200] * 7 + [201]
    assert {points for _status, points in results} == {100}
    assert LedgerEntry.objects.filter(kind=EntryKind.EARN).count() == 1
    assert Account.objects.get(member=alice).active == 100
    assert ledger_verify() == []


def test_thirty_simultaneous_redemptions_on_a_balance_for_ten_let_exactly_ten_through(club, alice):
    give(alice, club, 100)
    key = _key()

    def redeem(index: int) -> int:
        response = Client(headers={"Authorization": f"Bearer {key}"}).post(
            f"/api/v1/members/{alice.pk}/redemptions",
            {"program": "hanbit", "points": 10, "idempotency_key": f"r-{index}"},
            content_type="application/json",
        )
        return response.status_code

    statuses = in_parallel(redeem, times=30)

    assert statuses.count(201) == 10
    assert statuses.count(409) == 20
    assert Account.objects.get(member=alice).active == 0
    assert Redemption.objects.count() == 10
    assert ledger_verify() == []


def test_overlapping_bulk_batches_record_each_transaction_once(club, alice, bob):
    key = _key()
    items = [purchase(alice.pk if n % 2 else bob.pk, f"P-{n}", "1000") for n in range(20)]

    def send(_index: int) -> dict:
        response = Client(headers={"Authorization": f"Bearer {key}"}).post(
            "/api/v1/transactions/bulk", {"items": items}, content_type="application/json"
        )
        return response.json()

    bodies = in_parallel(send, times=4)

    assert sum(body["created"] for body in bodies) == 20
    assert sum(body["replayed"] for body in bodies) == 60
    assert sum(body["failed"] for body in bodies) == 0
    assert Account.objects.get(member=alice).active == Account.objects.get(member=bob).active == 100
    assert ledger_verify() == []


def test_parallel_batches_opening_the_same_new_accounts_in_any_order_all_record(club):
    from patronage.members.services import IdentityInput, member_create

    members = [
        member_create(actor=None, identities=[IdentityInput("email", f"new{n}@example.com")]).pk
        for n in range(12)
    ]
    key = _key()

    def send(index: int) -> dict:
        # Each batch names the same first-time members, in its own order, with its own purchases.
        order = members if index % 2 else list(reversed(members))
        items = [purchase(member, f"B{index}-{n}", "1000") for n, member in enumerate(order)]
        response = Client(headers={"Authorization": f"Bearer {key}"}).post(
            "/api/v1/transactions/bulk", {"items": items}, content_type="application/json"
        )
        return response.json()

    bodies = in_parallel(send, times=4)

    assert [body["created"] for body in bodies] == [12, 12, 12, 12]
    assert Account.objects.filter(program=club).count() == 12
    assert {account.active for account in Account.objects.filter(program=club)} == {40}
    assert ledger_verify() == []
