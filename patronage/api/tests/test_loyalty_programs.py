"""What an integration reads about a program: its settings and tiers, its catalogue, and what a purchase
would earn before it is sent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patronage.api.tests.conftest import give
from patronage.commerce.models import Order
from patronage.core.models import OutboxEvent
from patronage.loyalty.models import Account, CapUsage, LedgerEntry
from patronage.loyalty.services import earn_rule_save, program_save, reward_save

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def reader(db, api_client):
    return api_client("loyalty:read")


def test_programs_are_listed_by_code_without_the_closed_ones(reader, club):
    program_save(code="aurora", values={"name": "Aurora", "currency": "JPY"}, actor=None)
    program_save(code="zz-old", values={"name": "Old", "currency": "KRW", "active": False}, actor=None)

    body = reader.get("/api/v1/programs").json()

    assert body["count"] == 2
    assert [(p["code"], p["name"], p["currency"]) for p in body["items"]] == [
        ("aurora", "Aurora", "JPY"),
        ("hanbit", "Hanbit Club", "KRW"),
    ]


def test_a_program_is_read_with_its_tiers_lowest_first(reader, tiers):
    body = reader.get("/api/v1/programs/hanbit").json()

    assert body["tier_basis"] == "points"
    assert [(t["code"], t["threshold"]) for t in body["tiers"]] == [
        ("bronze", "0.00"),
        ("silver", "500.00"),
        ("gold", "2000.00"),
    ]


def test_an_unknown_program_is_404_naming_it(reader, club):
    response = reader.get("/api/v1/programs/nowhere")

    assert response.status_code == 404
    assert "nowhere" in response.json()["detail"]


def test_the_catalogue_says_for_a_member_what_stands_in_the_way(reader, club, tiers, tumbler, alice, bob):
    reward_save(
        program=club, code="lounge", name="Lounge pass", points_price=50, min_tier=tiers["gold"], actor=None
    )
    give(alice, club, 400)

    everyone = reader.get("/api/v1/programs/hanbit/rewards").json()
    for_alice = reader.get(f"/api/v1/programs/hanbit/rewards?member={alice.pk}").json()
    for_bob = reader.get(f"/api/v1/programs/hanbit/rewards?member={bob.pk}").json()

    assert [(r["code"], r["points_price"], r["available"]) for r in everyone["items"]] == [
        ("lounge", 50, None),
        ("tumbler", 300, None),
    ]
    assert [(r["code"], r["available"], r["blocked_by"]) for r in for_alice["items"]] == [
        ("lounge", False, "for Gold members and above"),
        ("tumbler", True, None),
    ]
    assert for_bob["items"][1]["blocked_by"] == "300 more points needed"


def test_a_simulation_explains_each_rule_and_records_nothing(reader, club, alice):
    before = (Order.objects.count(), LedgerEntry.objects.count(), OutboxEvent.objects.count())

    response = reader.post(
        "/api/v1/programs/hanbit/simulate",
        {
            "member": "alice@example.com",
            "amount": "25000",
            "currency": "krw",
            "channel": "app",
            "tax": "2500",
        },
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 450  # 22,500 KRW without tax: 225, doubled in the app
    assert [(c["rule"], c["points"]) for c in body["contributions"]] == [("base", 225), ("app", 225)]
    assert body["contributions"][0]["explanation"]["template"].startswith("%(points)d points")
    assert body["contributions"][0]["explanation"]["params"]["amount"] == "22500"
    assert (Order.objects.count(), LedgerEntry.objects.count(), OutboxEvent.objects.count()) == before
    assert not Account.objects.filter(member=alice).exists()


def test_a_simulation_counts_the_members_caps_and_says_so(reader, club, alice, api_client):
    earn_rule_save(
        program=club,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": "100"},
        priority=10,
        cap_points=150,
        cap_period="day",
        actor=None,
    )
    api_client("loyalty:write").post(
        "/api/v1/transactions",
        {
            "program": "hanbit",
            "type": "purchase",
            "external_id": "P-1",
            "member": alice.pk,
            "amount": "10000",
            "currency": "KRW",
            "occurred_at": "2026-11-20T12:00:00+09:00",
        },
        content_type="application/json",
    )
    usage = list(CapUsage.objects.values_list("points", flat=True))

    anyone = reader.post(
        "/api/v1/programs/hanbit/simulate",
        {"amount": "10000", "currency": "KRW"},
        content_type="application/json",
    ).json()
    for_alice = reader.post(
        "/api/v1/programs/hanbit/simulate",
        {"member": alice.pk, "amount": "10000", "currency": "KRW"},
        content_type="application/json",
    ).json()

    assert anyone["total"] == 100
    assert for_alice["total"] == 50
    assert "capped to 50" in for_alice["contributions"][0]["note"]["message"]
    assert list(CapUsage.objects.values_list("points", flat=True)) == usage


def test_a_simulation_lists_the_rules_skipped_and_why(reader, club):
    body = reader.post(
        "/api/v1/programs/hanbit/simulate",
        {"amount": "10000", "currency": "KRW", "channel": "web", "occurred_at": "2026-11-20T10:00:00+09:00"},
        content_type="application/json",
    ).json()

    assert body["skipped"] == [
        {
            "rule": "app",
            "explanation": {
                "message": "the channel web is not listed",
                "template": "the channel %(channel)s is not listed",
                "params": {"channel": "web"},
            },
        }
    ]


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"amount": "100", "currency": "JPY"}, "currency", 409),
        ({"amount": 1.25, "currency": "KRW"}, "amount", 422),
        ({"amount": "100", "currency": "KRW", "member": 987654}, "member", 404),
        ({"amount": "100", "currency": "KRW", "occurred_at": "2026-11-20 10:00"}, "occurred_at", 422),
        ({"currency": "KRW"}, "amount", 422),
    ],
)
def test_a_simulation_refuses_bad_input_naming_the_field(reader, club, body, field, status):
    response = reader.post("/api/v1/programs/hanbit/simulate", body, content_type="application/json")

    assert response.status_code == status
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_liability_report_shows_outstanding_points_their_value_and_the_periods_moves(
    api_client, club, alice
):
    from patronage.loyalty.services import account_open, points_adjust

    club.point_value = Decimal("2")
    club.save()
    points_adjust(
        account=account_open(program=club, member=alice),
        points=300,
        reason="gift",
        idempotency_key="g",
        actor=None,
    )
    client = api_client("loyalty:read")
    period = "start=2026-01-01T00:00:00%2B09:00&end=2027-01-01T00:00:00%2B09:00"

    report = client.get(f"/api/v1/programs/{club.code}/liability?{period}").json()
    backwards = client.get(
        f"/api/v1/programs/{club.code}/liability?start=2027-01-01T00:00:00Z&end=2026-01-01T00:00:00Z"
    )

    assert (report["outstanding"], report["value"], report["adjusted"]) == (300, "600.00", 300)
    # A period that ends before it starts is empty: nothing moved in it (docs/api.md), the outstanding stays.
    assert backwards.status_code == 200
    assert (backwards.json()["outstanding"], backwards.json()["adjusted"]) == (300, 0)
