"""A customer's loyalty tab: what staff read there, and the actions they take on it."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from patronage.conftest import program_launched
from patronage.loyalty import services
from patronage.loyalty.models import (
    Account,
    BenefitGrant,
    BenefitUse,
    EntryKind,
    LedgerEntry,
    Redemption,
    Reward,
)

from .conftest import page_text
from .loyalty_setup import catalogue_make, program_make, purchase


@pytest.fixture
def program(db):
    program = program_make()
    catalogue_make(program)
    return program


@pytest.fixture
def enrolled(program, alice):
    """Alice earned 500 points in a purchase."""
    purchase(program, alice, "500000", "till-1")
    return Account.objects.get(program=program, member=alice)


def _tab(member, **query):
    url = reverse("console:customer_loyalty", args=[member.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _action(name, member, *extra):
    return reverse(f"console:customer_loyalty_{name}", args=[member.pk, "hanbit", *extra])


def test_the_tab_shows_balances_ledger_and_tier(client_as, analyst, enrolled, alice):
    response = client_as(analyst).get(_tab(alice))
    assert response.status_code == 200
    text = page_text(response)
    assert "Hanbit Club" in text
    assert "500 active · 0 pending · 0 owed" in text
    assert "Earned" in text
    assert "+500" in text
    assert "Purchase till-1" in text  # the cause in words, never its code
    assert "Member" in response.content.decode()  # the tier reached with the purchase
    assert "Book adjustment" not in text  # an analyst reads, never adjusts


def test_the_ledger_is_paginated(client_as, agent, enrolled, alice):
    for number in range(30):
        services.points_adjust(
            account=enrolled, points=1, reason=f"goodwill {number}", idempotency_key=f"g{number}", actor=None
        )
    first = client_as(agent).get(_tab(alice))
    assert len(first.context["ledger"].object_list) == 25
    second = client_as(agent).get(_tab(alice, program="hanbit", page=2))
    assert "goodwill 0" in page_text(second)


def test_expiring_points_are_shown_by_date(client_as, agent, alice):
    program = services.program_save(
        code="hanbit",
        values={
            "name": "Hanbit Club",
            "currency": "KRW",
            "pending_days": 0,
            "expiry_policy": "days_after_earning",
            "expiry_days": 30,
        },
        actor=None,
    )
    program_launched(program)
    services.earn_rule_save(
        program=program,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": "1000"},
        actor=None,
    )
    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        purchase(program, alice, "100000", "till-9")
        text = page_text(client_as(agent).get(_tab(alice)))
    assert "100 points expire on Mar 31, 2026" in text


def test_an_adjustment_submitted_twice_is_booked_once(client_as, agent, enrolled, alice):
    client = client_as(agent)
    key = client.get(_tab(alice)).context["adjust_form"].initial["idempotency_key"]
    data = {"points": "120", "reason": "late delivery", "idempotency_key": key}
    first = client.post(_action("adjust", alice), data)
    second = client.post(_action("adjust", alice), data)
    assert first.status_code == second.status_code == 302
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUST).count() == 1
    enrolled.refresh_from_db()
    assert enrolled.active == 620
    assert "late delivery" in page_text(client.get(_tab(alice)))
    fresh = client.get(_tab(alice)).context["adjust_form"].initial["idempotency_key"]
    assert fresh != key  # the next adjustment gets its own key


def test_an_adjustment_needs_a_reason_and_cannot_remove_more_than_the_balance(
    client_as, agent, enrolled, alice
):
    client = client_as(agent)
    missing = client.post(_action("adjust", alice), {"points": "10", "reason": "", "idempotency_key": "a"})
    assert missing.status_code == 400
    assert "reason" in missing.context["adjust_form"].errors
    too_much = client.post(
        _action("adjust", alice), {"points": "-900", "reason": "error", "idempotency_key": "b"}
    )
    assert too_much.status_code == 400
    assert "not enough points" in page_text(too_much)
    enrolled.refresh_from_db()
    assert enrolled.active == 500
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUST).exists()


def test_a_redemption_short_of_points_shows_the_message_and_changes_nothing(
    client_as, agent, enrolled, alice
):
    response = client_as(agent).post(_action("redeem", alice), {"points": "800", "idempotency_key": "r1"})
    assert response.status_code == 400
    assert "not enough points: 800 needed, fewer available" in page_text(response)
    assert "not enough points" in response.context["redeem_form"].errors["points"][0]
    assert not Redemption.objects.exists()
    enrolled.refresh_from_db()
    assert enrolled.active == 500


def test_a_reward_is_redeemed_then_fulfilled_or_cancelled(client_as, agent, enrolled, alice):
    client = client_as(agent)
    assert (
        client.post(_action("redeem", alice), {"reward": "tumbler", "idempotency_key": "r1"}).status_code
        == 302
    )
    assert (
        client.post(_action("redeem", alice), {"points": "100", "idempotency_key": "r2"}).status_code == 302
    )
    enrolled.refresh_from_db()
    assert enrolled.active == 100
    tumbler, points = Redemption.objects.order_by("pk")
    assert tumbler.reward == Reward.objects.get(code="tumbler")
    assert tumbler.points == 300
    assert client.post(_action("redemption_fulfil", alice, tumbler.code)).status_code == 302
    assert (
        client.post(_action("redemption_cancel", alice, points.code), {"reason": "changed mind"}).status_code
        == 302
    )
    tumbler.refresh_from_db()
    points.refresh_from_db()
    assert (tumbler.status, points.status) == ("fulfilled", "cancelled")
    enrolled.refresh_from_db()
    assert enrolled.active == 200
    refused = client.post(_action("redemption_cancel", alice, tumbler.code))
    assert refused.status_code == 400
    assert "a fulfilled redemption cannot be cancelled" in page_text(refused)


def test_a_redemption_of_another_member_cannot_be_touched_from_this_tab(
    client_as, agent, program, enrolled, alice, bob
):
    purchase(program, bob, "500000", "till-2")
    bobs = services.points_redeem(
        account=Account.objects.get(member=bob), points=100, idempotency_key="bob", actor=None
    )
    response = client_as(agent).post(_action("redemption_cancel", alice, bobs.code))
    assert response.status_code == 404
    bobs.refresh_from_db()
    assert bobs.status == "confirmed"


def test_a_benefit_is_granted_by_hand_and_its_uses_recorded(client_as, agent, enrolled, alice):
    client = client_as(agent)
    key = client.get(_tab(alice)).context["grant_form"].initial["idempotency_key"]
    data = {"benefit": "hotline", "quantity": "1", "reason": "apology for the delay", "idempotency_key": key}
    assert client.post(_action("benefit_grant", alice), data).status_code == 302
    assert client.post(_action("benefit_grant", alice), data).status_code == 302
    grant = BenefitGrant.objects.get()
    page = client.get(_tab(alice))
    assert "1 of 1" in page_text(page)
    _grant, usable, use_key, _given = page.context["grants"][0]
    assert usable
    use = {"grant": grant.pk, "note": "called the hotline", "idempotency_key": use_key}
    assert client.post(_action("benefit_use", alice), use).status_code == 302
    assert client.post(_action("benefit_use", alice), use).status_code == 302  # a double click
    assert BenefitUse.objects.count() == 1
    assert "0 of 1" in page_text(client.get(_tab(alice)))
    again = client.post(_action("benefit_use", alice), {**use, "idempotency_key": "another"})
    assert again.status_code == 400
    assert "no uses left" in page_text(again)


def test_a_benefit_of_another_member_cannot_be_used_from_this_tab(
    client_as, agent, program, enrolled, alice, bob
):
    purchase(program, bob, "100000", "till-2")
    bobs = services.benefit_grant(
        account=Account.objects.get(member=bob),
        benefit=program.benefits.get(code="hotline"),
        quantity=1,
        valid_days=None,
        reason="x",
        idempotency_key="bob",
        actor=None,
    )
    response = client_as(agent).post(
        _action("benefit_use", alice), {"grant": bobs.pk, "idempotency_key": "k"}
    )
    assert response.status_code == 400
    assert not BenefitUse.objects.exists()


def test_a_manager_gives_a_tier_by_hand_and_invites(client_as, manager, program, enrolled, alice):
    services.tier_save(program=program, code="gold", name="Gold", rank=2, threshold=Decimal(9000), actor=None)
    services.tier_save(
        program=program,
        code="black",
        name="Black",
        rank=3,
        threshold=Decimal(0),
        invitation_only=True,
        actor=None,
    )
    client = client_as(manager)
    response = client.post(_action("tier_floor", alice), {"tier": "gold", "reason": "founding customer"})
    assert response.status_code == 302
    enrolled.refresh_from_db()
    assert (enrolled.tier.code, enrolled.tier_floor.code) == ("gold", "gold")
    assert client.post(_action("tier_invite", alice), {"tier": "black"}).status_code == 302
    enrolled.refresh_from_db()
    assert enrolled.tier.code == "black"
    text = page_text(client.get(_tab(alice)))
    assert "given by hand: founding customer" in text
    assert "Invited to black" in text


def test_the_customer_page_links_to_the_loyalty_tab(client_as, agent, alice):
    page = client_as(agent).get(reverse("console:customer", args=[alice.pk])).content.decode()
    assert f'href="{reverse("console:customer_loyalty", args=[alice.pk])}"' in page


def test_a_member_without_an_account_gets_points_from_a_positive_adjustment_only(
    client_as, agent, program, alice
):
    client = client_as(agent)
    assert "Not enrolled in Hanbit Club yet" in page_text(client.get(_tab(alice)))
    refused = client.post(_action("adjust", alice), {"points": "-5", "reason": "x", "idempotency_key": "a"})
    assert refused.status_code == 400
    assert not Account.objects.exists()
    assert (
        client.post(
            _action("adjust", alice), {"points": "50", "reason": "welcome", "idempotency_key": "b"}
        ).status_code
        == 302
    )
    assert Account.objects.get(member=alice).active == 50


def test_tier_progress_sentences_are_shown(client_as, agent, program, enrolled, alice):
    services.tier_save(program=program, code="gold", name="Gold", rank=2, threshold=Decimal(2000), actor=None)
    text = page_text(client_as(agent).get(_tab(alice)))
    assert "1500 more points to reach Gold" in text


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("adjust", {"points": str(10**20), "reason": "typo"}, "points"),
        ("adjust", {"points": str(-(10**20)), "reason": "typo"}, "points"),
        ("adjust", {"points": "10000001", "reason": "typo"}, "points"),
        ("redeem", {"points": str(10**20)}, "points"),
        ("benefit_grant", {"benefit": "hotline", "quantity": str(10**20), "reason": "sorry"}, "quantity"),
        ("benefit_grant", {"benefit": "hotline", "valid_days": str(10**9), "quantity": "1", "reason": "sorry"}, "valid_days"),
    ],
)  # fmt: skip
def test_numbers_past_what_the_ledger_holds_are_refused_on_their_field(
    client_as, admin, enrolled, alice, action, data, field
):
    """An administrator's typo of extra zeros gets a message on the field, never a server error."""
    response = client_as(admin).post(_action(action, alice), {**data, "idempotency_key": "big"})
    assert response.status_code == 400
    form_name = {"adjust": "adjust_form", "redeem": "redeem_form", "benefit_grant": "grant_form"}[action]
    assert field in response.context[form_name].errors
    enrolled.refresh_from_db()
    assert enrolled.active == 500
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUST).exists()


def test_the_services_refuse_a_change_past_the_bound_whatever_the_door(enrolled):
    from patronage.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="10,000,000") as refused:
        services.points_adjust(
            account=enrolled, points=10**15, reason="typo", idempotency_key="k", actor=None
        )
    assert refused.value.field == "points"
