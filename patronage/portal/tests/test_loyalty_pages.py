"""The member's loyalty pages: points and history, benefits, rewards and redemption, the card."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from patronage.loyalty.models import Account, EarnRule, LedgerEntry, Redemption, Reward
from patronage.loyalty.services import benefit_grant, redemption_fulfil, tier_floor_set
from patronage.portal.tests.loyalty_fixtures import earn, give

KEY_INPUT = re.compile(r'name="key" value="([^"]+)"')


def _redeem_form(client, code="coffee"):
    page = client.get(reverse("portal:reward", kwargs={"program": "hanbit", "code": code})).content.decode()
    match = KEY_INPUT.search(page)
    return page, (match.group(1) if match else None)


def _redeem(client, key, code="coffee"):
    return client.post(reverse("portal:reward", kwargs={"program": "hanbit", "code": code}), {"key": key})


# My points


def test_a_member_without_an_account_sees_zeros_and_how_to_earn(alice, program, tiers, client_as):
    EarnRule.objects.create(program=program, code="base", name="1 point per 1,000 won spent", kind="spend")

    response = client_as(alice.user).get(reverse("portal:points"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Hanbit Club" in page
    assert 'data-balance="active">0<' in page
    assert "You have no points here yet." in page
    assert "1 point per 1,000 won spent" in page
    assert not Account.objects.filter(member=alice).exists()  # looking opens no account


def test_the_points_page_shows_balances_tier_progress_and_expiry(alice, program, tiers, client_as):
    program.expiry_policy = "end_of_year"
    program.save()
    with time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=UTC), tick=False):
        earn(alice, program, 1200)
        page = client_as(alice.user).get(reverse("portal:points")).content.decode()

    assert 'data-balance="active">1,200<' in page
    assert '<span class="badge good tier-name">Silver</span>' in page
    assert "3800 more points to reach Gold" in page
    assert "1,200 points expire on Jan 1, 2027, 12:00 AM" in page
    assert "Birthday bonus" in page


def test_the_history_describes_each_entry_for_a_member(alice, program, rewards, client_as):
    account = give(alice, program, 1000)
    client = client_as(alice.user)
    _page, key = _redeem_form(client)
    _redeem(client, key)

    page = client.get(reverse("portal:points")).content.decode()

    assert "Correction by our service team" in page
    assert "test set-up" not in page  # a staff reason is a note for staff
    assert "Redeemed: Coffee voucher" in page
    assert LedgerEntry.objects.filter(account=account).count() == 2


def test_the_history_names_the_purchase_its_return_and_when_points_became_available(
    alice, program, client_as
):
    from decimal import Decimal

    from patronage.loyalty.services import (
        TransactionInput,
        earn_rule_save,
        pending_activate,
        transaction_record,
    )

    earn_rule_save(
        program=program,
        code="base",
        name="Base",
        kind="spend",
        params={"points": 1, "per": "100"},
        actor=None,
    )
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        for kind, external_id, amount, original in (
            ("purchase", "A-1001", "10000", None),
            ("return", "R-1001", "4000", "A-1001"),
        ):
            transaction_record(
                program=program,
                data=TransactionInput(
                    kind=kind,
                    external_id=external_id,
                    member=alice,
                    amount=Decimal(amount),
                    currency="KRW",
                    occurred_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
                    original_external_id=original,
                ),
                actor=None,
            )
    with time_machine.travel(datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        pending_activate()
        page = client_as(alice.user).get(reverse("portal:points")).content.decode()

    assert "Points for your purchase A-1001" in page
    assert "Taken back for the return R-1001" in page
    assert "Points became available: the return period is over" in page
    assert 'data-balance="active">60<' in page


def test_the_history_is_paginated(alice, program, client_as):
    for _ in range(25):
        give(alice, program, 10)
    client = client_as(alice.user)

    first = client.get(reverse("portal:points")).content.decode()
    second = client.get(reverse("portal:points"), {"program": "hanbit", "page": 2}).content.decode()

    assert first.count('data-kind="adjust"') == 20
    assert second.count('data-kind="adjust"') == 5
    assert "Page 2 of 2" in second


def test_an_unknown_program_in_the_history_is_not_found(alice, program, client_as):
    assert client_as(alice.user).get(reverse("portal:points"), {"program": "nope"}).status_code == 404


def test_the_overview_loads_a_loyalty_summary(alice, program, tiers, client_as):
    earn(alice, program, 1500)
    client = client_as(alice.user)

    overview = client.get(reverse("portal:home")).content.decode()
    summary = client.get(reverse("portal:points_summary")).content.decode()

    assert reverse("portal:points_summary") in overview
    assert "1,500 points" in summary
    assert "Silver" in summary


# My benefits


def test_benefits_show_grants_with_uses_left_and_what_higher_tiers_offer(
    alice, program, tiers, benefits, client_as
):
    account = earn(alice, program, 1200)  # Silver
    benefit_grant(
        account=account,
        benefit=benefits["trial"],
        quantity=2,
        reason="welcome gift",
        actor=None,
        idempotency_key="g1",
        valid_days=None,
    )

    page = client_as(alice.user).get(reverse("portal:benefits")).content.decode()

    assert "New-product trial" in page
    assert "2 of 2" in page
    assert "ready to use" in page
    gold = page.split('data-tier="gold"')[1].split("data-tier=")[0] if 'data-tier="gold"' in page else ""
    assert "New-product trial" in gold
    assert "not in your tier" in gold
    silver = page.split('data-tier="silver"')[1].split('data-tier="gold"')[0]
    assert "your tier" in silver
    assert "not in your tier" not in silver


def test_benefits_page_works_without_an_account(alice, program, tiers, benefits, client_as):
    page = client_as(alice.user).get(reverse("portal:benefits")).content.decode()

    assert "No benefits granted to you yet." in page
    assert "Priority hotline" in page


# Rewards


def test_the_catalogue_says_why_a_reward_cannot_be_taken(alice, program, rewards, client_as):
    give(alice, program, 250)

    page = client_as(alice.user).get(reverse("portal:rewards")).content.decode()

    assert "50 more points needed" in page
    assert "out of stock" in page
    assert "for Gold members and above" in page


def test_a_member_redeems_a_reward_and_sees_the_code_and_lower_balance(alice, program, rewards, client_as):
    account = give(alice, program, 1000)
    client = client_as(alice.user)
    page, key = _redeem_form(client)
    assert "Redeem for 300 points" in page
    assert "700 points" in page  # the balance after redeeming, before confirming

    response = _redeem(client, key)

    redemption = Redemption.objects.get(account=account)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:redemption", kwargs={"code": redemption.code})
    shown = client.get(response["Location"]).content.decode()
    assert redemption.code in shown
    assert "Show this code to collect Coffee voucher" in shown
    account.refresh_from_db()
    assert account.active == 700
    assert redemption.reward == rewards["coffee"]
    assert redemption.status == Redemption.Status.CONFIRMED


def test_a_double_submit_redeems_once(alice, program, rewards, client_as):
    account = give(alice, program, 1000)
    client = client_as(alice.user)
    _page, key = _redeem_form(client)

    first = _redeem(client, key)
    second = _redeem(client, key)

    assert Redemption.objects.filter(account=account).count() == 1
    assert first["Location"] == second["Location"]
    account.refresh_from_db()
    assert account.active == 700


def test_each_confirmation_page_carries_a_new_key(alice, program, rewards, client_as):
    give(alice, program, 1000)
    client = client_as(alice.user)

    assert _redeem_form(client)[1] != _redeem_form(client)[1]


def test_short_of_points_gets_a_clear_message_and_changes_nothing(alice, program, rewards, client_as):
    account = give(alice, program, 100)
    client = client_as(alice.user)
    page, key = _redeem_form(client)
    assert key is None  # no confirm button for a reward the member cannot afford
    assert "200 more points needed" in page

    response = client.post(
        reverse("portal:reward", kwargs={"program": "hanbit", "code": "coffee"}),
        {"key": "a-key-the-member-forged-1"},
        follow=True,
    )

    assert "You do not have enough points for Coffee voucher: it costs 300 points, you have 100." in (
        response.content.decode()
    )
    assert not Redemption.objects.exists()
    account.refresh_from_db()
    assert account.active == 100
    assert LedgerEntry.objects.filter(account=account).count() == 1


def test_a_member_without_an_account_cannot_redeem(alice, program, rewards, client_as):
    response = client_as(alice.user).post(
        reverse("portal:reward", kwargs={"program": "hanbit", "code": "coffee"}),
        {"key": "a-key-the-member-forged-1"},
        follow=True,
    )

    assert "You have no points in Hanbit Club yet." in response.content.decode()
    assert not Redemption.objects.exists()
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    ("code", "why"), [("tote", "out of stock"), ("lounge", "for Gold members and above")]
)
def test_out_of_stock_and_tier_restricted_rewards_cannot_be_redeemed(
    alice, program, rewards, client_as, code, why
):
    account = give(alice, program, 1000)
    client = client_as(alice.user)
    page, key = _redeem_form(client, code)
    assert key is None
    assert why in page

    response = client.post(
        reverse("portal:reward", kwargs={"program": "hanbit", "code": code}),
        {"key": "a-key-the-member-forged-1"},
        follow=True,
    )

    assert "cannot be redeemed" in response.content.decode()
    assert not Redemption.objects.exists()
    account.refresh_from_db()
    assert account.active == 1000
    assert Reward.objects.get(code="tote").stock == 0


def test_a_gold_member_may_redeem_the_gold_reward(alice, program, tiers, rewards, client_as):
    account = give(alice, program, 1000)
    tier_floor_set(account=account, tier=tiers["gold"], actor=None, reason="VIP by hand")
    client = client_as(alice.user)
    _page, key = _redeem_form(client, "lounge")

    _redeem(client, key, "lounge")

    assert Redemption.objects.get(account=account).reward == rewards["lounge"]


def test_a_bad_key_is_refused_with_a_message_and_changes_nothing(alice, program, rewards, client_as):
    account = give(alice, program, 1000)

    response = _redeem(client_as(alice.user), "short")

    assert response.status_code == 200
    assert "This confirmation has expired. Please confirm again." in response.content.decode()
    assert not Redemption.objects.exists()
    account.refresh_from_db()
    assert account.active == 1000


def test_an_inactive_or_unknown_reward_is_not_found(alice, program, rewards, client_as):
    Reward.objects.filter(code="coffee").update(active=False)
    client = client_as(alice.user)

    assert (
        client.get(reverse("portal:reward", kwargs={"program": "hanbit", "code": "coffee"})).status_code
        == 404
    )
    assert (
        client.get(reverse("portal:reward", kwargs={"program": "hanbit", "code": "nope"})).status_code == 404
    )


def test_my_redemptions_show_their_status_and_a_confirmed_one_can_be_cancelled(
    alice, program, rewards, client_as
):
    account = give(alice, program, 1000)
    client = client_as(alice.user)
    _redeem(client, _redeem_form(client)[1])
    _redeem(client, _redeem_form(client)[1])
    handed, kept = Redemption.objects.order_by("pk")
    redemption_fulfil(redemption=handed, actor=None)

    listing = client.get(reverse("portal:rewards")).content.decode()
    assert "Fulfilled" in listing
    assert "Confirmed" in listing

    refused = client.post(reverse("portal:redemption_cancel", kwargs={"code": handed.code}), follow=True)
    assert "cannot be cancelled" in refused.content.decode()
    handed.refresh_from_db()
    assert handed.status == Redemption.Status.FULFILLED

    done = client.post(reverse("portal:redemption_cancel", kwargs={"code": kept.code}), follow=True)
    assert "The points are back in your balance." in done.content.decode()
    kept.refresh_from_db()
    assert kept.status == Redemption.Status.CANCELLED
    account.refresh_from_db()
    assert account.active == 700
    assert "Cancelled" in client.get(reverse("portal:rewards")).content.decode()


def test_cancel_needs_a_post(alice, program, rewards, client_as):
    give(alice, program, 1000)
    client = client_as(alice.user)
    _redeem(client, _redeem_form(client)[1])
    redemption = Redemption.objects.get()

    assert (
        client.get(reverse("portal:redemption_cancel", kwargs={"code": redemption.code})).status_code == 405
    )
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.CONFIRMED


# My card


def test_the_card_shows_the_card_number_its_qr_code_and_the_tier(alice, program, tiers, client_as):
    earn(alice, program, 1200)

    response = client_as(alice.user).get(reverse("portal:card"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-number="CARD-0001"' in page
    assert "<svg" in page
    assert "QR code of card number CARD-0001" in page
    assert "Silver" in page
    assert 'name="viewport"' in page  # laid out for a phone


def test_a_member_without_a_card_of_the_business_shows_the_number_issued_to_them(db, client_as):
    from patronage.core.models import User
    from patronage.members.cards import card_number_is_issued
    from patronage.members.selectors import member_identities
    from patronage.members.services import IdentityInput, member_create

    user = User.objects.create_user(username="mina@example.com", password="x")
    mina = member_create(
        actor=None,
        identities=[IdentityInput("email", "mina@example.com")],
        profile={"name": "Mina Park"},
        consents={},
        consent_method="portal",
        source="portal",
        user=user,
    )

    page = client_as(user).get(reverse("portal:card")).content.decode()

    number = member_identities(member=mina)["card_number"]
    assert card_number_is_issued(number)
    assert f'data-number="{number}"' in page
    assert "issued to you with your membership" in page


def test_the_history_says_what_each_entry_was_for_and_links_the_redemption(
    alice, program, rewards, client_as
):
    give(alice, program, 1000)
    client = client_as(alice.user)
    _page, key = _redeem_form(client)
    _redeem(client, key)
    redemption = Redemption.objects.get(account__member=alice)

    page = client.get(reverse("portal:points")).content.decode()

    assert f'href="{reverse("portal:redemption", args=[redemption.code])}"' in page
    assert "Redeemed: " in page
    assert "adjustment " not in page
    assert "redemption " + str(redemption.pk) not in page
