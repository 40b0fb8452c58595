"""Next-best offers from the database: eligible candidates, the reason in words, exposures once a day,
conversions within the window, and the stored lift table (decision 0032)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from patronage.core import clock
from patronage.segments.models import OfferExposure, OfferKind, OfferTable
from patronage.segments.offers_selectors import (
    member_next_offers,
    offer_conversions,
    offer_histories,
    offer_table_current,
)
from patronage.segments.offers_services import offer_exposures_convert, offer_table_refresh, offers_shown
from patronage.segments.tests.offers_world import bought, redeemed, shop_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(alice):
    return shop_with_members(alice)


def test_history_counts_purchases_by_category_and_product_and_redemptions(shop, alice):
    cook = shop.apron.program.accounts.exclude(member=alice).first().member
    since = clock.now() - timedelta(days=365)
    assert offer_histories(since=since, member_ids=[alice.pk])[alice.pk] == {
        f"c:{shop.knife.category_id}": 4,
        f"p:{shop.knife.pk}": 4,
    }
    assert offer_histories(since=since, member_ids=[cook.pk])[cook.pk] == {
        f"c:{shop.knife.category_id}": 1,
        f"p:{shop.knife.pk}": 1,
        f"p:{shop.pan.pk}": 1,
        f"r:{shop.apron.pk}": 1,
    }


def test_the_kitchen_buyer_is_offered_the_apron_with_the_reason_in_words(shop, alice):
    with translation.override("en"):
        offers = member_next_offers(member=alice)
    by_key = {(o.kind, o.id): o for o in offers}
    apron = by_key[(OfferKind.REWARD, shop.apron.pk)]
    # 13 members, 7 bought kitchen items, 6 of them redeemed the apron: lift 13 * 6 / (7 * 6) = 1.9
    # (the knife points to it as much; the category, weighed first, is named)
    assert (
        apron.explanation == "Bought Kitchen items 4 times; members like them redeem this 1.9 times as often."
    )
    assert apron.name == "Linen apron"
    assert apron.program == "club"
    assert (OfferKind.PRODUCT, shop.pan.pk) in by_key
    assert (OfferKind.PRODUCT, shop.towel.pk) not in by_key  # nothing she did points to towels


def test_a_reward_out_of_stock_or_beyond_the_balance_is_never_offered(shop, alice):
    shop.apron.points_price = 900  # she has 500
    shop.apron.save()
    offers = member_next_offers(member=alice, top=10)
    assert {(o.kind, o.id) for o in offers}.isdisjoint(
        {(OfferKind.REWARD, shop.apron.pk), (OfferKind.REWARD, shop.robe.pk)}
    )


def test_names_come_in_the_readers_language(shop, alice):
    with translation.override("ko"):
        offers = member_next_offers(member=alice, top=10)
    assert "리넨 앞치마" in {o.name for o in offers}


def test_the_same_day_shows_the_same_offers(shop, alice):
    assert member_next_offers(member=alice) == member_next_offers(member=alice)


def test_an_exposure_is_recorded_once_a_member_offer_and_day(shop, alice):
    offers = member_next_offers(member=alice)
    assert offers_shown(member=alice, offers=offers) == 3
    assert offers_shown(member=alice, offers=offers) == 0
    with time_machine.travel(clock.now() + timedelta(days=1), tick=False):
        assert offers_shown(member=alice, offers=offers) == 3
    assert OfferExposure.objects.filter(member=alice).count() == 6


def test_taking_the_offer_within_the_window_converts_its_exposure(shop, alice):
    start = clock.now()
    offers = member_next_offers(member=alice, top=10)
    offers_shown(member=alice, offers=offers)
    bought(alice, shop.pan, at=start + timedelta(days=3))
    redeemed(alice, shop.apron, at=start + timedelta(days=20))  # after the 14-day window
    with time_machine.travel(start + timedelta(days=21), tick=False):
        assert offer_exposures_convert() == 1
        assert offer_exposures_convert() == 0
        pan = OfferExposure.objects.get(kind=OfferKind.PRODUCT, offer_id=shop.pan.pk)
        assert pan.converted_at == start + timedelta(days=3)
        assert not OfferExposure.objects.filter(kind=OfferKind.REWARD, converted_at__isnull=False).exists()
        seen = offer_conversions()
    assert seen[f"p:{shop.pan.pk}"] == (1, 1)
    assert seen[f"r:{shop.apron.pk}"] == (1, 0)


def test_an_exposure_still_in_its_window_is_not_yet_judged(shop, alice):
    offers_shown(member=alice, offers=member_next_offers(member=alice))
    assert offer_conversions() == {}


def test_the_stored_table_is_the_one_used_and_only_the_newest_is_kept(shop, alice):
    assert not OfferTable.objects.exists()
    fitted = offer_table_current()  # none stored yet: fitted on the spot
    first = offer_table_refresh()
    second = offer_table_refresh()
    assert list(OfferTable.objects.values_list("pk", flat=True)) == [second.pk]
    assert first.members == second.members == 13
    assert offer_table_current() == fitted
