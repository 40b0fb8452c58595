"""Purchases and returns as a till sends them: earned by the program's rules, once per external id, taken back
in proportion on return, one by one or in bulk, for a member named by our id or by an identity."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patronage.api.tests.conftest import purchase
from patronage.commerce.models import Order
from patronage.loyalty.models import Account, LedgerEntry
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.selectors.integration import member_resolve, members_resolve
from patronage.members.services import IdentityInput, member_create, member_merge

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture(autouse=True)
def _ledger_stays_true(db):
    yield
    assert ledger_verify() == []


@pytest.fixture
def pos(api_client, club):
    client = api_client("loyalty:write")

    def send(body, path="/api/v1/transactions"):
        return client.post(path, body, content_type="application/json")

    return send


def _return(member, external_id, original, amount):
    return {**purchase(member, external_id, amount), "type": "return", "original_external_id": original}


def test_a_purchase_earns_by_the_programs_rules_and_says_why(pos, alice):
    response = pos(purchase(alice.pk, channel="app"))

    assert response.status_code == 201
    body = response.json()
    assert body["points"] == 200
    assert body["type"] == "purchase"
    assert body["member"] == alice.pk
    assert body["amount"] == "10000.00"
    assert [(c["rule"], c["points"]) for c in body["evaluation"]["contributions"]] == [
        ("base", 100),
        ("app", 100),
    ]
    assert body["evaluation"]["contributions"][0]["explanation"]["message"] == (
        "100 points: 1 per 100 KRW of eligible spend (10000 KRW)"
    )
    assert Account.objects.get(member=alice).active == 200


def test_a_rule_that_does_not_apply_is_listed_with_the_reason(pos, alice):
    body = pos(purchase(alice.pk, channel="shop")).json()

    assert body["points"] == 100
    assert body["evaluation"]["skipped"][0]["rule"] == "app"
    assert body["evaluation"]["skipped"][0]["explanation"]["message"] == "the channel shop is not listed"


def test_the_stores_channel_counts_when_no_channel_is_sent(pos, alice):
    body = pos(purchase(alice.pk, store="gangnam")).json()

    assert body["evaluation"]["skipped"][0]["explanation"]["params"] == {"channel": "shop"}


def test_lines_and_exclusions_are_taken_into_account(pos, alice, club):
    club.excluded_skus = ["GIFT-CARD"]
    club.save()
    lines = [
        {"sku": "TEA-1", "category": "tea", "quantity": "2", "unit_price": "3000"},
        {"sku": "GIFT-CARD", "quantity": 1, "unit_price": "4000"},
    ]

    body = pos(purchase(alice.pk, lines=lines)).json()

    assert body["points"] == 60  # the gift card earns nothing: 6,000 KRW of tea does


def test_the_same_external_id_again_answers_200_with_the_original_result_and_changes_nothing(pos, alice):
    first = pos(purchase(alice.pk, channel="app"))
    entries = LedgerEntry.objects.count()

    again = pos(purchase(alice.pk, channel="app"))

    assert again.status_code == 200
    assert {**again.json(), "tier_changed": None} == {**first.json(), "tier_changed": None}
    assert LedgerEntry.objects.count() == entries
    assert Order.objects.count() == 1
    assert Account.objects.get(member=alice).active == 200


@pytest.mark.parametrize(
    "change", [{"amount": "20000"}, {"type": "return", "original_external_id": "P-0"}], ids=["amount", "type"]
)
def test_the_same_external_id_for_a_different_transaction_is_refused(pos, alice, change):
    pos(purchase(alice.pk))

    response = pos({**purchase(alice.pk), **change})

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "external_id"
    assert Order.objects.count() == 1


def test_the_same_external_id_for_another_member_is_refused(pos, alice, bob):
    pos(purchase(alice.pk))

    response = pos(purchase(bob.pk))

    assert response.status_code == 409
    assert not Account.objects.filter(member=bob).exists()


@pytest.mark.parametrize("identity", [" Alice@Example.com ", "card-0001", "CARD - 0001"])
def test_a_member_can_be_named_by_an_identity(pos, alice, identity):
    response = pos(purchase(identity))

    assert response.status_code == 201
    assert response.json()["member"] == alice.pk


def test_a_merged_members_id_earns_for_the_survivor(pos, alice, bob, admin):
    member_merge(survivor=alice, duplicate=bob, actor=admin)

    response = pos(purchase(bob.pk))

    assert response.status_code == 201
    assert response.json()["member"] == alice.pk
    assert Account.objects.get(member=alice).active == 100


@pytest.mark.parametrize("member", [999_999, "nobody@example.com", "NO-SUCH-CARD"])
def test_an_unknown_member_is_refused_naming_the_field(pos, member):
    response = pos(purchase(member))

    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "member"
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (15000.5, "not a JSON number with a fraction"),
        ("abc", "'abc' is not a decimal number"),
        ("-5", "cannot be negative"),
        ("10.005", "at most 2 decimal places"),
        ("NaN", "must be a finite number"),
        (True, "not bool"),
        (None, "not NoneType"),
        ("1e15", "is too large"),
    ],
)
def test_an_amount_that_is_not_a_decimal_string_is_refused_naming_the_field(pos, alice, amount, message):
    response = pos(purchase(alice.pk, amount=amount))

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "amount", "message": response.json()["errors"][0]["message"]}
    ]
    assert message in response.json()["errors"][0]["message"]
    assert Order.objects.count() == 0


def test_a_whole_number_amount_is_exact_and_accepted(pos, alice):
    response = pos(purchase(alice.pk, amount=10000))

    assert response.status_code == 201
    assert response.json()["points"] == 100


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"currency": "JPY"}, "currency", 409),
        ({"occurred_at": "2026-11-20T12:00:00"}, "occurred_at", 422),
        ({"occurred_at": "2026-11-21T12:00:00+09:00"}, "occurred_at", 422),
        ({"program": "nowhere"}, "program", 404),
        ({"type": "sale"}, "type", 422),
        ({"points": 5}, "points", 422),
        ({"lines": [{"sku": "A", "quantity": "0", "unit_price": "1"}]}, "lines.0.quantity", 422),
        ({"lines": [{"sku": "A", "quantity": 1.5, "unit_price": "1"}]}, "lines.0.quantity", 422),
        ({"tax": "20000"}, "amount", 422),
        ({"original_external_id": "P-0"}, "original_external_id", 422),
        ({"store": "nowhere"}, "store", 404),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_records_nothing(pos, alice, change, field, status):
    response = pos({**purchase(alice.pk), **change})

    assert response.status_code == status, response.json()
    assert field in [error["field"] for error in response.json()["errors"]]
    assert Order.objects.count() == 0
    assert LedgerEntry.objects.count() == 0


def test_a_purchase_from_before_the_program_existed_is_booked_only_when_sent_as_historical(pos, alice, club):
    """A till whose clock says 1999 for a program set up in 2000 is wrong; a launch crediting the last
    years' purchases says so on purpose."""
    before = {"occurred_at": "1999-12-31T12:00:00+09:00"}

    refused = pos(purchase(alice.pk, "P-1", **before))
    booked = pos(purchase(alice.pk, "P-1", **before, historical=True))

    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "occurred_at"
    assert "2000-01-01T09:00:00+09:00" in refused.json()["errors"][0]["message"]
    assert booked.status_code == 201
    assert booked.json()["points"] == 100


def test_partial_returns_take_back_in_proportion_and_never_more_than_was_earned(pos, alice):
    assert pos(purchase(alice.pk, "P-1", "33333")).json()["points"] == 333

    taken = [
        pos(_return(alice.pk, f"R-{n}", "P-1", amount)).json()["points"]
        for n, amount in enumerate(["10000", "10000", "10000", "3333"])
    ]

    assert taken == [-99, -100, -100, -34]
    assert -sum(taken) == 333
    assert Account.objects.get(member=alice).active == 0


def test_a_return_beyond_what_was_paid_is_refused_and_takes_nothing(pos, alice):
    pos(purchase(alice.pk, "P-1", "10000"))
    pos(_return(alice.pk, "R-1", "P-1", "6000"))

    response = pos(_return(alice.pk, "R-2", "P-1", "6000"))

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "amount"
    assert Account.objects.get(member=alice).active == 40


def test_a_return_sent_twice_takes_back_once(pos, alice):
    pos(purchase(alice.pk, "P-1", "10000"))
    first = pos(_return(alice.pk, "R-1", "P-1", "5000"))

    again = pos(_return(alice.pk, "R-1", "P-1", "5000"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["points"] == again.json()["points"] == -50
    assert first.json()["evaluation"] is None
    assert Account.objects.get(member=alice).active == 50


def test_a_return_of_an_unknown_or_another_members_purchase_is_refused(pos, alice, bob):
    pos(purchase(alice.pk, "P-1"))

    unknown = pos(_return(alice.pk, "R-1", "P-404", "100"))
    not_hers = pos(_return(bob.pk, "R-2", "P-1", "100"))

    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["field"] == "original_external_id"
    assert not_hers.status_code == 409
    assert Account.objects.get(member=alice).active == 100


def test_the_purchase_that_crosses_a_threshold_moves_the_tier_at_once(pos, alice, tiers):
    first = pos(purchase(alice.pk, "P-1", "10000")).json()
    crossing = pos(purchase(alice.pk, "P-2", "40000")).json()
    after = pos(purchase(alice.pk, "P-3", "1000")).json()

    assert (first["tier"]["code"], first["tier_changed"]) == ("bronze", True)
    assert (crossing["tier"]["code"], crossing["tier_changed"]) == ("silver", True)
    assert (after["tier"]["code"], after["tier_changed"]) == ("silver", False)


# ---- bulk --------------------------------------------------------------------------------------------


def test_bulk_records_each_item_on_its_own_and_a_bad_one_stops_nothing(pos, alice, bob):
    pos(purchase(alice.pk, "P-0"))
    items = [
        purchase(alice.pk, "P-1"),
        purchase(alice.pk, "P-2", amount=1.5),
        purchase("nobody@example.com", "P-3"),
        purchase(alice.pk, "P-0"),
        {**purchase(alice.pk, "P-4"), "program": "nowhere"},
        purchase("CARD-0002", "P-5", "5000"),
        "not an object",
    ]

    response = pos({"items": items}, "/api/v1/transactions/bulk")

    assert response.status_code == 200
    body = response.json()
    assert [result["status"] for result in body["results"]] == [201, 422, 404, 200, 404, 201, 422]
    assert [result["index"] for result in body["results"]] == list(range(7))
    assert (body["count"], body["created"], body["replayed"], body["failed"]) == (7, 2, 1, 4)
    assert body["results"][1]["error"]["errors"][0]["field"] == "amount"
    assert body["results"][2]["error"]["errors"][0]["field"] == "member"
    assert body["results"][4]["error"]["errors"][0]["field"] == "program"
    assert body["results"][5]["result"]["member"] == bob.pk
    assert set(Order.objects.values_list("external_id", flat=True)) == {"P-0", "P-1", "P-5"}
    assert Account.objects.get(member=alice).active == 200
    assert Account.objects.get(member=bob).active == 50


def test_bulk_answers_a_replayed_batch_item_by_item_with_200(pos, alice):
    batch = {"items": [purchase(alice.pk, f"P-{n}") for n in range(5)]}
    pos(batch, "/api/v1/transactions/bulk")

    again = pos(batch, "/api/v1/transactions/bulk").json()

    assert (again["created"], again["replayed"], again["failed"]) == (0, 5, 0)
    assert Account.objects.get(member=alice).active == 500


def test_bulk_refuses_more_than_a_thousand_items_and_records_nothing(pos, alice):
    items = [purchase(alice.pk, f"P-{n}") for n in range(1001)]

    response = pos({"items": items}, "/api/v1/transactions/bulk")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items"
    assert "1000" in response.json()["errors"][0]["message"]
    assert Order.objects.count() == 0


def test_bulk_refuses_an_empty_batch(pos):
    response = pos({"items": []}, "/api/v1/transactions/bulk")

    assert response.status_code == 422


def test_bulk_finds_members_as_the_single_endpoint_does(alice, bob, admin):
    carol = member_create(
        actor=None,
        identities=[IdentityInput("phone", "010-1234-5678"), IdentityInput("external", "shop-77")],
        profile={"name": "Carol"},
        consents={},
        consent_method="api",
        source="shop",
    )
    member_merge(survivor=alice, duplicate=bob, actor=admin)
    refs = [alice.pk, bob.pk, "ALICE@example.com", "card-0002", "+82 10 1234 5678", "shop-77", 424242, "who?"]

    found = members_resolve(refs=refs)

    def one(ref):
        try:
            return member_resolve(ref=ref)
        except Exception:
            return None

    assert {ref: found.get(ref) for ref in refs} == {ref: one(ref) for ref in refs}
    assert found["shop-77"] == carol
    assert found[bob.pk] == alice


def test_bulk_reads_each_program_and_the_members_once_per_batch(pos, alice, bob):
    items = [purchase(alice.pk if n % 2 else "bob@example.com", f"P-{n}") for n in range(20)]

    with CaptureQueriesContext(connection) as queries:
        body = pos({"items": items}, "/api/v1/transactions/bulk").json()

    assert body["created"] == 20
    selects = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")]
    assert len([sql for sql in selects if 'FROM "loyalty_program"' in sql]) == 1
    assert len([sql for sql in selects if 'FROM "members_member"' in sql]) <= 1
    assert len([sql for sql in selects if 'FROM "members_identity"' in sql]) <= 1


def test_the_number_issued_to_a_member_without_a_card_names_them_and_one_made_from_the_id_does_not(pos, db):
    from patronage.members.cards import luhn_digit
    from patronage.members.selectors import member_identities
    from patronage.members.services import IdentityInput, member_create

    carol = member_create(actor=None, identities=[IdentityInput("email", "carol@example.com")])
    digits = f"{carol.pk:08d}"

    response = pos(purchase(member_identities(member=carol)["card_number"]))
    guessed = pos(purchase(f"P{digits}{luhn_digit(digits)}", "P-2"))

    assert response.status_code == 201
    assert response.json()["member"] == carol.pk
    assert guessed.status_code == 404


def test_a_purchase_paid_with_points_gives_them_back_when_returned(pos, alice, club):
    from patronage.loyalty.services import account_open, points_adjust, points_redeem

    account = account_open(program=club, member=alice)
    points_adjust(account=account, points=500, reason="welcome", idempotency_key="w", actor=None)
    paid = points_redeem(account=account, points=400, idempotency_key="till-7", actor=None)

    bought = pos(purchase(alice.pk, "P-PAID", "20000", redemption_code=paid.code))
    returned = pos(_return(alice.pk, "R-PAID", "P-PAID", "20000"))

    assert bought.status_code == 201
    assert returned.json()["points_refunded"] == 400
    account.refresh_from_db()
    assert account.active == 500


def test_bulk_results_explain_the_points_rule_by_rule_only_when_asked(pos, alice):
    plain = pos({"items": [purchase(alice.pk, "P-1")]}, "/api/v1/transactions/bulk").json()
    explained = pos(
        {"items": [purchase(alice.pk, "P-1"), purchase(alice.pk, "P-2")]},
        "/api/v1/transactions/bulk?explain=true",
    ).json()

    assert plain["results"][0]["result"]["points"] == 100
    assert plain["results"][0]["result"]["evaluation"] is None
    assert [r["status"] for r in explained["results"]] == [200, 201]
    for result in explained["results"]:
        evaluation = result["result"]["evaluation"]
        assert evaluation["total"] == 100
        assert evaluation["contributions"][0]["explanation"]["message"]
