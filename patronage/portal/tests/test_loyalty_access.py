"""Who may open the loyalty pages: members only, each seeing and changing only their own points."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from patronage.loyalty.models import Account, LedgerEntry, Redemption, Reward
from patronage.portal.tests.loyalty_fixtures import give

KEY_INPUT = re.compile(r'name="key" value="([^"]+)"')
REWARD = {"program": "hanbit", "code": "coffee"}
PAGES = [
    ("get", "portal:points", {}),
    ("get", "portal:points_summary", {}),
    ("get", "portal:benefits", {}),
    ("get", "portal:rewards", {}),
    ("get", "portal:card", {}),
    ("get", "portal:reward", REWARD),
    ("post", "portal:reward", REWARD),
]


@pytest.fixture
def alices_redemption(alice, program, rewards, client_as):
    """Alice has redeemed a coffee in the portal and keeps 8,837 points."""
    give(alice, program, 9137)
    client = client_as(alice.user)
    page = client.get(reverse("portal:reward", kwargs=REWARD)).content.decode()
    client.post(reverse("portal:reward", kwargs=REWARD), {"key": KEY_INPUT.search(page).group(1)})
    return Redemption.objects.get(account__member=alice)


def _code_pages(code):
    return [
        ("get", "portal:redemption", {"code": code}),
        ("post", "portal:redemption_cancel", {"code": code}),
    ]


def _open(client, method, url_name, kwargs, data=None):
    url = reverse(url_name, kwargs=kwargs)
    return (client.post(url, data or {}) if method == "post" else client.get(url)), url


@pytest.mark.parametrize(("method", "url_name", "kwargs"), PAGES)
def test_anonymous_visitors_are_sent_to_the_login(program, rewards, method, url_name, kwargs):
    response, url = _open(Client(), method, url_name, kwargs, {"key": "k" * 24})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next={url}"
    assert not Redemption.objects.exists()


@pytest.mark.parametrize("which", [0, 1])
def test_anonymous_visitors_cannot_open_or_cancel_a_redemption(alices_redemption, which):
    method, url_name, kwargs = _code_pages(alices_redemption.code)[which]

    response, _url = _open(Client(), method, url_name, kwargs)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    alices_redemption.refresh_from_db()
    assert alices_redemption.status == Redemption.Status.CONFIRMED


@pytest.mark.parametrize(("method", "url_name", "kwargs"), PAGES)
def test_a_staff_session_gets_the_members_only_page(
    agent, program, rewards, client_as, method, url_name, kwargs
):
    response, _url = _open(client_as(agent), method, url_name, kwargs, {"key": "k" * 24})

    assert response.status_code == 403
    assert "This portal is for members" in response.content.decode()
    assert not Redemption.objects.exists()


@pytest.mark.parametrize("which", [0, 1])
def test_a_staff_session_cannot_open_or_cancel_a_members_redemption(
    alices_redemption, admin, client_as, which
):
    method, url_name, kwargs = _code_pages(alices_redemption.code)[which]

    response, _url = _open(client_as(admin), method, url_name, kwargs)

    assert response.status_code == 403
    alices_redemption.refresh_from_db()
    assert alices_redemption.status == Redemption.Status.CONFIRMED


@pytest.mark.parametrize(
    "url_name", ["portal:points", "portal:points_summary", "portal:benefits", "portal:rewards", "portal:card"]
)
def test_bob_never_sees_alices_balances_redemptions_or_codes(alices_redemption, bob, client_as, url_name):
    give(bob, alices_redemption.account.program, 42)

    page = client_as(bob.user).get(reverse(url_name)).content.decode()

    assert alices_redemption.code not in page
    assert "8,837" not in page  # alice's balance
    assert "8837" not in page
    assert "Coffee voucher" not in page or url_name == "portal:rewards"  # the catalogue is everyone's
    assert "CARD-0001" not in page
    assert "Alice Kim" not in page
    if url_name in {"portal:points", "portal:rewards"}:
        assert "42" in page


def test_bobs_rewards_page_lists_none_of_alices_redemptions(alices_redemption, bob, client_as):
    page = client_as(bob.user).get(reverse("portal:rewards")).content.decode()

    assert "You have not redeemed anything yet." in page
    assert 'data-status="confirmed"' not in page


def test_bob_cannot_open_alices_redemption(alices_redemption, bob, client_as):
    response = client_as(bob.user).get(reverse("portal:redemption", kwargs={"code": alices_redemption.code}))

    assert response.status_code == 404
    assert alices_redemption.code not in response.content.decode()


def test_bob_cannot_cancel_alices_redemption_and_nothing_changes(alices_redemption, bob, client_as):
    account = alices_redemption.account
    entries = LedgerEntry.objects.count()
    stock_before = list(Reward.objects.values_list("code", "stock"))

    response = client_as(bob.user).post(
        reverse("portal:redemption_cancel", kwargs={"code": alices_redemption.code})
    )

    assert response.status_code == 404
    alices_redemption.refresh_from_db()
    assert alices_redemption.status == Redemption.Status.CONFIRMED
    account.refresh_from_db()
    assert account.active == 8837
    assert LedgerEntry.objects.count() == entries
    assert list(Reward.objects.values_list("code", "stock")) == stock_before


def test_bob_reusing_alices_form_key_gets_his_own_redemption_not_hers(
    alice, bob, program, rewards, client_as
):
    give(alice, program, 1000)
    give(bob, program, 1000)
    alice_client, bob_client = client_as(alice.user), client_as(bob.user)
    key = KEY_INPUT.search(alice_client.get(reverse("portal:reward", kwargs=REWARD)).content.decode()).group(
        1
    )
    alice_client.post(reverse("portal:reward", kwargs=REWARD), {"key": key})

    response = bob_client.post(reverse("portal:reward", kwargs=REWARD), {"key": key})

    alices, bobs = (Redemption.objects.get(account__member=m) for m in (alice, bob))
    assert alices.code != bobs.code
    assert response["Location"] == reverse("portal:redemption", kwargs={"code": bobs.code})
    assert Account.objects.get(member=alice).active == 700
    assert Account.objects.get(member=bob).active == 700


def test_the_redeem_form_is_protected_against_csrf(alice, program, rewards):
    give(alice, program, 1000)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)

    response = client.post(reverse("portal:reward", kwargs=REWARD), {"key": "k" * 24})

    assert response.status_code == 403
    assert not Redemption.objects.exists()


def test_the_cancel_form_is_protected_against_csrf(alices_redemption, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)

    response = client.post(reverse("portal:redemption_cancel", kwargs={"code": alices_redemption.code}))

    assert response.status_code == 403
    alices_redemption.refresh_from_db()
    assert alices_redemption.status == Redemption.Status.CONFIRMED


def test_the_redemption_service_never_hands_one_member_anothers_redemption_by_key(
    alice, bob, program, rewards
):
    from patronage.core.errors import Conflict
    from patronage.loyalty.services import points_redeem

    alices = give(alice, program, 1000)
    bobs = give(bob, program, 1000)
    coffee = rewards["coffee"]
    points_redeem(account=alices, points=300, reward=coffee, idempotency_key="same-key", actor=None)

    with pytest.raises(Conflict):
        points_redeem(account=bobs, points=300, reward=coffee, idempotency_key="same-key", actor=None)

    assert not Redemption.objects.filter(account=bobs).exists()
    bobs.refresh_from_db()
    assert bobs.active == 1000
