"""A member reads the program's tier, benefit and reward names in their language, and the business's main
language's where one has no translation (decision 0021)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from patronage.loyalty.models import Benefit, Reward, Tier
from patronage.loyalty.services import tier_floor_set
from patronage.portal.tests.loyalty_fixtures import give


def _in_japanese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    return client


def _translate(tiers, benefits, rewards):
    Tier.objects.filter(pk=tiers["silver"].pk).update(
        name_translations={"ja": "シルバー"}, description_translations={"ja": "年間1,000ポイント"}
    )
    Tier.objects.filter(pk=tiers["gold"].pk).update(name_translations={"ja": "ゴールド"})
    Benefit.objects.filter(pk=benefits["hotline"].pk).update(name_translations={"ja": "優先ダイヤル"})
    Reward.objects.filter(pk=rewards["coffee"].pk).update(
        name_translations={"ja": "コーヒー券"}, description_translations={"ja": "店頭で一杯"}
    )


def test_the_portal_in_japanese_shows_japanese_names_and_falls_back_where_missing(
    alice, program, tiers, benefits, rewards, client_as
):
    _translate(tiers, benefits, rewards)
    account = give(alice, program, 2000)
    tier_floor_set(account=account, tier=tiers["silver"], actor=None, reason="test")
    client = _in_japanese(client_as(alice.user))

    points = client.get(reverse("portal:points")).content.decode()
    benefits_page = client.get(reverse("portal:benefits")).content.decode()
    rewards_page = client.get(reverse("portal:rewards")).content.decode()

    assert "シルバー" in points
    assert "年間1,000ポイント" in points
    assert "Silver" not in points
    assert "優先ダイヤル" in benefits_page
    assert "ゴールド" in benefits_page
    assert "New-product trial" in benefits_page  # no Japanese name: the main language's
    assert "コーヒー券" in rewards_page
    assert "Canvas tote" in rewards_page  # no Japanese name
    assert "Coffee voucher" not in rewards_page


def test_the_portal_in_english_keeps_the_main_names(alice, program, tiers, benefits, rewards, client_as):
    _translate(tiers, benefits, rewards)
    give(alice, program, 2000)

    page = client_as(alice.user).get(reverse("portal:rewards")).content.decode()

    assert "Coffee voucher" in page
    assert "コーヒー券" not in page
