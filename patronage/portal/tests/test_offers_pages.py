"""My offers in the portal: the member's own next-best offers with why, recorded as shown once a day;
nobody else's, and nothing for visitors or staff (decision 0032)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from patronage.segments.models import OfferExposure
from patronage.segments.tests.offers_world import bought, shop_with_members

pytestmark = pytest.mark.django_db
URL = reverse("portal:offers")


@pytest.fixture
def shop(alice) -> Any:
    return shop_with_members(alice)


def test_alice_sees_her_offers_with_why_and_they_are_recorded_as_shown_once_a_day(shop, alice, client_as):
    client = client_as(alice.user)
    page = client.get(URL).content.decode()

    assert "My offers" in page
    assert "Linen apron" in page
    assert "Bought Kitchen items 4 times" in page
    assert reverse("portal:reward", args=["club", "apron"]) in page
    client.get(URL)
    assert OfferExposure.objects.filter(member=alice).count() == 3
    assert not OfferExposure.objects.exclude(member=alice).exists()


def test_bob_sees_only_what_his_own_history_points_to(shop, alice, bob, client_as):
    bought(bob, shop.towel)
    page = client_as(bob.user).get(URL).content.decode()

    assert "Bought Kitchen items 4 times" not in page  # Alice's reason is not shown to him
    assert not OfferExposure.objects.filter(member=alice).exists()
    assert OfferExposure.objects.filter(member=bob).exists()


def test_the_nav_leads_to_my_offers(alice, client_as):
    assert URL in client_as(alice.user).get(reverse("portal:home")).content.decode()


def test_visitors_are_sent_to_the_login_and_staff_get_the_members_only_page(db, agent, client_as):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next={URL}"
    refused = client_as(agent).get(URL)
    assert refused.status_code == 403
    assert "This portal is for members" in refused.content.decode()
