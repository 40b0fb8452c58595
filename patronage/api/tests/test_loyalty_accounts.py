"""A member's account through the API: balances and tier progress, adjustments, redemptions, the ledger,
events, benefits and tier history; every change idempotent on its key."""

from __future__ import annotations

import pytest

from patronage.api.tests.conftest import give, purchase
from patronage.loyalty.models import Account, BenefitUse, LedgerEntry, Redemption, Reward
from patronage.loyalty.selectors import ledger_verify
from patronage.loyalty.services import tier_floor_set

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture(autouse=True)
def _ledger_stays_true(db):
    yield
    assert ledger_verify() == []


@pytest.fixture
def api(db, api_client):
    client = api_client("loyalty:read", "loyalty:write")

    class Api:
        def get(self, path):
            return client.get("/api/v1" + path)

        def post(self, path, body=None):
            return client.post("/api/v1" + path, body or {}, content_type="application/json")

    return Api()


def _redeem(api, member, **body):
    return api.post(f"/members/{member.pk}/redemptions", {"program": "hanbit", **body})


# ---- the account -------------------------------------------------------------------------------------


def test_an_account_shows_balances_tier_and_progress(api, alice, club, tiers):
    api.post("/transactions", purchase(alice.pk, "P-1", "30000"))

    body = api.get(f"/members/{alice.pk}/accounts/hanbit").json()

    assert (body["active"], body["pending"], body["owed"], body["balance"]) == (300, 0, 0, 300)
    assert body["tier"] == {"code": "bronze", "name": "Bronze"}
    progress = body["tier_progress"]
    assert (progress["value"], progress["basis"], progress["needed_for_next"]) == ("300", "points", "200")
    assert progress["next_tier"] == {"code": "silver", "name": "Silver"}
    assert progress["messages"] == ["200 more points to reach Silver"]


def test_an_account_says_what_is_needed_by_the_review_to_keep_the_tier(api, alice, club, tiers):
    account = give(alice, club, 300)
    tier_floor_set(account=account, tier=tiers["gold"], actor=None, reason="brand ambassador")

    progress = api.get(f"/members/{alice.pk}/accounts/hanbit").json()["tier_progress"]

    assert progress["floor"] == {"code": "gold", "name": "Gold"}
    assert progress["keep_needed"] == "2000"  # adjustments are not earnings: they never buy a tier
    assert progress["review_at"] == "2026-12-31T15:00:00Z"  # midnight in Seoul, the program's clock
    assert len(progress["messages"]) == 1
    assert progress["messages"][0].startswith("2000 points needed by 20")
    assert progress["messages"][0].endswith("to keep Gold")


def test_pending_points_say_when_they_become_available(api, alice, club):
    club.pending_days = 14
    club.save()

    api.post("/transactions", purchase(alice.pk, "P-1", "10000"))
    body = api.get(f"/members/{alice.pk}/accounts/hanbit").json()

    assert (body["active"], body["pending"]) == (0, 100)
    assert [day["points"] for day in body["pending_until"]] == [100]
    assert body["pending_until"][0]["available_at"].startswith("2026-12-04")


def test_expiring_points_are_shown_with_their_dates(api, alice, club):
    club.expiry_policy, club.expiry_days = "days_after_earning", 30
    club.save()

    api.post("/transactions", purchase(alice.pk, "P-1", "10000"))
    body = api.get(f"/members/{alice.pk}/accounts/hanbit").json()

    assert [day["points"] for day in body["expiring"]] == [100]
    assert body["expiring"][0]["expires_at"].startswith("2026-12-20")


def test_a_member_without_points_has_an_empty_account_and_none_is_opened(api, bob, club, tiers):
    body = api.get(f"/members/{bob.pk}/accounts/hanbit").json()

    assert (body["enrolled"], body["active"], body["tier"], body["tier_progress"]) == (False, 0, None, None)
    assert not Account.objects.filter(member=bob).exists()


def test_a_merged_members_account_answers_with_the_survivors(api, alice, bob, admin, club):
    from patronage.members.services import member_merge

    give(alice, club, 70)
    member_merge(survivor=alice, duplicate=bob, actor=admin)

    body = api.get(f"/members/{bob.pk}/accounts/hanbit").json()

    assert (body["member"], body["active"]) == (alice.pk, 70)


# ---- adjustments -------------------------------------------------------------------------------------


def test_an_adjustment_is_201_then_200_on_retry_and_409_when_the_key_asks_for_something_else(
    api, alice, club
):
    body = {"program": "hanbit", "points": 120, "reason": "late delivery", "idempotency_key": "case-17"}

    first = api.post(f"/members/{alice.pk}/adjustments", body)
    again = api.post(f"/members/{alice.pk}/adjustments", body)
    other = api.post(f"/members/{alice.pk}/adjustments", {**body, "points": 500})

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.json() == again.json()
    assert first.json()["cause"] == {"type": "adjustment", "id": "case-17"}
    assert Account.objects.get(member=alice).active == 120


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"points": 0}, "points"),
        ({"points": "5"}, "points"),
        ({"points": 2.5}, "points"),
        ({"reason": " "}, "reason"),
    ],
)
def test_a_bad_adjustment_is_refused_naming_the_field(api, alice, club, change, field):
    body = {"program": "hanbit", "points": 10, "reason": "x", "idempotency_key": "k", **change}

    response = api.post(f"/members/{alice.pk}/adjustments", body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert LedgerEntry.objects.count() == 0


def test_a_removal_beyond_the_balance_is_409_and_opens_no_account(api, alice, bob, club):
    give(alice, club, 10)
    body = {"program": "hanbit", "points": -50, "reason": "mistake", "idempotency_key": "fix-1"}

    hers = api.post(f"/members/{alice.pk}/adjustments", body)
    his = api.post(f"/members/{bob.pk}/adjustments", {**body, "idempotency_key": "fix-2"})

    assert (hers.status_code, his.status_code) == (409, 409)
    assert hers.json()["type"] == "insufficient_points"
    assert not Account.objects.filter(member=bob).exists()


def test_an_adjustment_past_the_programs_ceiling_is_refused_naming_points_and_opens_no_account(
    api, alice, club
):
    club.adjustment_ceiling = 5000
    club.save()
    body = {"program": "hanbit", "points": 5001, "reason": "import", "idempotency_key": "big"}

    response = api.post(f"/members/{alice.pk}/adjustments", body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "points"
    assert "at most 5,000 points" in response.json()["errors"][0]["message"]
    assert not Account.objects.filter(member=alice).exists()
    assert api.get("/programs/hanbit").json()["adjustment_ceiling"] == 5000


# ---- redemptions -------------------------------------------------------------------------------------


def test_a_redemption_spends_points_once_per_key(api, alice_points, alice):
    first = _redeem(api, alice, points=400, idempotency_key="order-9")
    again = _redeem(api, alice, points=400, idempotency_key="order-9")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    assert (first.json()["status"], first.json()["program"], first.json()["member"]) == (
        "confirmed",
        "hanbit",
        alice.pk,
    )
    assert Account.objects.get(member=alice).active == 600


def test_a_redemption_beyond_the_balance_is_409_with_a_clear_message(api, alice_points, alice, bob):
    short = _redeem(api, alice, points=1001, idempotency_key="big")
    no_account = _redeem(api, bob, points=1, idempotency_key="tiny")

    assert short.status_code == 409
    assert short.json()["type"] == "insufficient_points"
    assert "not enough points" in short.json()["detail"]
    assert no_account.status_code == 409
    assert Redemption.objects.count() == 0
    assert not Account.objects.filter(member=bob).exists()


@pytest.mark.parametrize("body", [{}, {"points": 100, "reward": "tumbler"}], ids=["neither", "both"])
def test_a_redemption_names_exactly_one_of_points_or_reward(api, alice_points, alice, tumbler, body):
    response = _redeem(api, alice, idempotency_key="r", **body)

    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"points", "reward"}


def test_a_reward_is_redeemed_at_its_price_and_its_stock_runs_out(
    api, alice_points, alice, bob, club, tumbler
):
    give(bob, club, 1000)

    hers = _redeem(api, alice, reward="tumbler", idempotency_key="t-1")
    his = _redeem(api, bob, reward="tumbler", idempotency_key="t-2")

    assert hers.status_code == 201
    assert (hers.json()["points"], hers.json()["reward"]) == (
        300,
        {"code": "tumbler", "name": "Steel tumbler"},
    )
    assert his.status_code == 409
    assert "out of stock" in his.json()["detail"]
    assert Account.objects.get(member=bob).active == 1000
    assert Reward.objects.get(pk=tumbler.pk).stock == 0


def test_a_reward_over_the_members_limit_is_409(api, alice_points, alice, tumbler):
    Reward.objects.filter(pk=tumbler.pk).update(stock=None, per_member_limit=1)

    first = _redeem(api, alice, reward="tumbler", idempotency_key="t-1")
    second = _redeem(api, alice, reward="tumbler", idempotency_key="t-2")

    assert (first.status_code, second.status_code) == (201, 409)
    assert "limit" in second.json()["detail"]


def test_an_unknown_reward_is_404_naming_it(api, alice_points, alice):
    response = _redeem(api, alice, reward="yacht", idempotency_key="y")

    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "reward"


def test_cancelling_refunds_once_and_a_fulfilled_one_cannot_be_cancelled(api, alice_points, alice, tumbler):
    code = _redeem(api, alice, reward="tumbler", idempotency_key="t-1").json()["code"]
    other = _redeem(api, alice, points=100, idempotency_key="p-1").json()["code"]

    cancelled = api.post(f"/redemptions/{code.lower()}/cancel", {"reason": "wrong colour"})
    again = api.post(f"/redemptions/{code}/cancel", {"reason": "wrong colour"})
    fulfilled = api.post(f"/redemptions/{other}/fulfil")
    refused = api.post(f"/redemptions/{other}/cancel")

    assert (cancelled.status_code, again.status_code) == (200, 200)
    assert cancelled.json()["status"] == "cancelled"
    assert (fulfilled.status_code, fulfilled.json()["status"]) == (200, "fulfilled")
    assert refused.status_code == 409
    assert Account.objects.get(member=alice).active == 900
    assert Reward.objects.get(pk=tumbler.pk).stock == 1


def test_a_cancelled_redemption_cannot_be_fulfilled_and_an_unknown_code_is_404(api, alice_points, alice):
    code = _redeem(api, alice, points=100, idempotency_key="p-1").json()["code"]
    api.post(f"/redemptions/{code}/cancel")

    assert api.post(f"/redemptions/{code}/fulfil").status_code == 409
    assert api.post("/redemptions/NOPE/fulfil").status_code == 404


# ---- ledger ------------------------------------------------------------------------------------------


def test_the_ledger_is_paginated_newest_first_with_causes(api, alice, club):
    api.post("/transactions", purchase(alice.pk, "P-1", "10000"))
    order_id = api.post("/transactions", purchase(alice.pk, "P-2", "20000")).json()["order_id"]
    _redeem(api, alice, points=50, idempotency_key="r-1")

    page = api.get(f"/members/{alice.pk}/ledger?program=hanbit&limit=2").json()

    assert page["count"] == 3
    assert [(e["kind"], e["points"], e["bucket"]) for e in page["items"]] == [
        ("redeem", -50, "active"),
        ("earn", 200, "active"),
    ]
    assert page["items"][1]["cause"] == {"type": "order", "id": str(order_id)}
    assert page["items"][1]["reason"] == "purchase P-2"


def test_the_ledger_needs_a_known_program(api, alice, club):
    missing = api.get(f"/members/{alice.pk}/ledger")
    unknown = api.get(f"/members/{alice.pk}/ledger?program=nowhere")

    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "program"
    assert unknown.status_code == 404


def test_an_erased_or_unknown_member_is_404(api, alice, club, admin):
    from patronage.members.services import member_erase

    member_erase(member=alice, actor=admin, reason="request")

    assert api.get(f"/members/{alice.pk}/accounts/hanbit").status_code == 404
    assert api.get("/members/999999/ledger?program=hanbit").status_code == 404


# ---- events ------------------------------------------------------------------------------------------


def test_an_event_earns_by_the_event_rules_once_per_key(api, alice, club):
    body = {"program": "hanbit", "event": "birthday", "idempotency_key": "bday-2026"}

    first = api.post(f"/members/{alice.pk}/events", body)
    again = api.post(f"/members/{alice.pk}/events", body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["points"] == again.json()["points"] == 100
    assert first.json()["evaluation"]["contributions"][0]["explanation"]["message"] == (
        "100 points for the birthday"
    )
    assert Account.objects.get(member=alice).active == 100


def test_an_event_no_rule_rewards_earns_nothing_and_a_bad_name_is_refused(api, alice, club):
    unrewarded = api.post(
        f"/members/{alice.pk}/events", {"program": "hanbit", "event": "custom:quiz", "idempotency_key": "q"}
    )
    bad = api.post(
        f"/members/{alice.pk}/events", {"program": "hanbit", "event": "party", "idempotency_key": "p"}
    )

    assert (unrewarded.status_code, unrewarded.json()["points"]) == (201, 0)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "event"


# ---- benefits ----------------------------------------------------------------------------------------


def test_benefits_show_what_is_left_and_a_use_is_recorded_once(api, alice, alice_grant):
    listed = api.get(f"/members/{alice.pk}/benefits?program=hanbit").json()
    body = {"note": "trial of the new kettle", "idempotency_key": "use-1"}
    first = api.post(f"/members/{alice.pk}/benefits/{alice_grant.pk}/uses", body)
    again = api.post(f"/members/{alice.pk}/benefits/{alice_grant.pk}/uses", body)
    after = api.get(f"/members/{alice.pk}/benefits?program=hanbit").json()

    assert listed["count"] == 1
    grant = listed["items"][0]
    assert (grant["benefit"]["code"], grant["quantity"], grant["remaining"], grant["usable"]) == (
        "trial",
        2,
        2,
        True,
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["remaining"] == again.json()["remaining"] == 1
    assert after["items"][0]["remaining"] == 1
    assert BenefitUse.objects.count() == 1


def test_a_benefit_with_no_uses_left_is_409(api, alice, alice_grant):
    for key in ("u1", "u2"):
        api.post(f"/members/{alice.pk}/benefits/{alice_grant.pk}/uses", {"idempotency_key": key})

    response = api.post(f"/members/{alice.pk}/benefits/{alice_grant.pk}/uses", {"idempotency_key": "u3"})

    assert response.status_code == 409
    assert api.get(f"/members/{alice.pk}/benefits?program=hanbit&usable=true").json()["count"] == 0


def test_a_member_without_an_account_has_no_benefits_and_no_tier_history(api, bob, club):
    assert api.get(f"/members/{bob.pk}/benefits?program=hanbit").json() == {"items": [], "count": 0}
    assert api.get(f"/members/{bob.pk}/tier-history?program=hanbit").json() == {"items": [], "count": 0}


# ---- tier history ------------------------------------------------------------------------------------


def test_tier_history_lists_each_move_newest_first_with_why(api, alice, club, tiers):
    api.post("/transactions", purchase(alice.pk, "P-1", "10000"))
    api.post("/transactions", purchase(alice.pk, "P-2", "40000"))

    body = api.get(f"/members/{alice.pk}/tier-history?program=hanbit").json()

    assert body["count"] == 2
    assert [(c["from_tier"], c["to_tier"]["code"], c["decision"]) for c in body["items"]] == [
        ({"code": "bronze", "name": "Bronze"}, "silver", "upgraded"),
        (None, "bronze", "upgraded"),
    ]
    assert body["items"][0]["reason"]["message"] == "reached Silver: 500 in the qualifying window"


def test_a_cancellation_needs_no_body(api_client, alice_points, alice):
    client = api_client("loyalty:write")
    code = client.post(
        f"/api/v1/members/{alice.pk}/redemptions",
        {"program": "hanbit", "points": 100, "idempotency_key": "p-1"},
        content_type="application/json",
    ).json()["code"]

    response = client.post(f"/api/v1/redemptions/{code}/cancel", "", content_type="application/json")

    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert Account.objects.get(member=alice).active == 1000
