"""The next-best offers on the customer page: what to suggest and why, for staff who may see segments."""

from __future__ import annotations

from django.urls import reverse

from patronage.segments.models import OfferExposure
from patronage.segments.tests.offers_world import shop_with_members

from .conftest import page_text


def test_the_customer_page_shows_the_next_best_offers_with_why_to_those_who_may_see_segments(
    client_as, manager, agent, alice
):
    shop = shop_with_members(alice)
    url = reverse("console:customer", args=[alice.pk])
    shown = page_text(client_as(manager).get(url))
    assert "Next best offers" in shown
    assert shop.apron.name in shown
    assert "Bought Kitchen items 4 times" in shown
    assert not OfferExposure.objects.exists()  # staff looking is not the member being shown
    hidden = client_as(agent).get(url)
    assert hidden.status_code == 200
    assert 'id="customer-offers"' not in hidden.content.decode()


def test_a_customer_with_nothing_to_learn_from_gets_no_suggestion(client_as, manager, alice):
    shown = page_text(client_as(manager).get(reverse("console:customer", args=[alice.pk])))
    assert "No offer to suggest yet" in shown
