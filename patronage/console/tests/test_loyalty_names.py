"""Names of tiers, benefits, rewards and programs typed in each of the business's languages, and shown in
the reader's (decision 0021): one input per language, the main one required and first."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from patronage.conftest import business_set
from patronage.loyalty.models import Benefit, Program, Reward, Tier

from .loyalty_setup import catalogue_make, program_make


@pytest.fixture
def program(db):
    business_set(languages=["en", "ko", "ja"])
    program = program_make()
    catalogue_make(program)
    return program


def _tier(**fields):
    return {"code": "gold", "name": "Gold", "rank": "2", "threshold": "20000", **fields}


def test_the_tier_form_has_one_name_input_per_business_language_main_first(client_as, manager, program):
    form = client_as(manager).get(reverse("console:loyalty_tiers", args=["hanbit"])).context["tier_form"]

    names = [name for name in form.fields if name.startswith("name")]
    assert names == ["name", "name_in_ko", "name_in_ja"]
    assert [str(form.fields[name].label) for name in names] == [
        "Name (English)",
        "Name (한국어)",
        "Name (日本語)",
    ]
    assert [form.fields[name].required for name in names] == [True, False, False]
    assert "name_in_zh_hans" not in form.fields  # not one of this business's languages


def test_a_tier_is_saved_with_its_names_in_three_languages(client_as, manager, program):
    client = client_as(manager)
    response = client.post(
        reverse("console:loyalty_tier_save", args=["hanbit"]),
        _tier(
            name_in_ko="골드",
            name_in_ja="ゴールド",
            description="For the best",
            description_in_ja="最上のお客様に",
        ),
    )

    assert response.status_code == 302
    tier = Tier.objects.get(program=program, code="gold")
    assert (tier.name, tier.name_translations) == ("Gold", {"ko": "골드", "ja": "ゴールド"})
    assert tier.description_translations == {"ja": "最上のお客様に"}
    edit = client.get(reverse("console:loyalty_tiers", args=["hanbit"]), {"edit": "gold"})
    assert edit.context["tier_form"].initial["name_in_ko"] == "골드"


def test_the_main_name_is_required_and_every_error_shows_at_once(client_as, manager, program):
    response = client_as(manager).post(
        reverse("console:loyalty_tier_save", args=["hanbit"]),
        _tier(name="", name_in_ko="골" * 101, threshold="-1"),
    )

    assert response.status_code == 400
    errors = response.context["tier_form"].errors
    assert set(errors) == {"name", "name_in_ko", "threshold"}
    assert not Tier.objects.filter(program=program, code="gold").exists()


def test_benefits_and_rewards_take_their_names_and_descriptions_in_each_language(client_as, manager, program):
    client = client_as(manager)
    benefit = client.post(
        reverse("console:loyalty_benefit_save", args=["hanbit"]),
        {
            "code": "hotline",
            "name": "Priority hotline",
            "name_in_ko": "우선 상담 전화",
            "kind": "hotline",
            "description_in_ja": "優先ダイヤル",
            "validity_days": "365",
            "active": "on",
        },
    )
    reward = client.post(
        reverse("console:loyalty_reward_save", args=["hanbit"]),
        {"code": "mug", "name": "Mug", "name_in_ja": "マグカップ", "points_price": "500", "active": "on"},
    )

    assert (benefit.status_code, reward.status_code) == (302, 302)
    saved = Benefit.objects.get(program=program, code="hotline")
    assert (saved.name_translations, saved.description_translations) == (
        {"ko": "우선 상담 전화"},
        {"ja": "優先ダイヤル"},
    )
    assert Reward.objects.get(program=program, code="mug").name_translations == {"ja": "マグカップ"}


def test_emptying_a_language_removes_it_and_languages_not_shown_keep_theirs(client_as, manager, program):
    tier = Tier.objects.get(program=program, code="member")
    Tier.objects.filter(pk=tier.pk).update(name_translations={"ko": "멤버", "zh-hans": "会员"})

    response = client_as(manager).post(
        reverse("console:loyalty_tier_save", args=["hanbit"]),
        {"code": "member", "name": "Member", "rank": "0", "threshold": "0", "name_in_ko": ""},
    )

    assert response.status_code == 302
    tier.refresh_from_db()
    assert tier.name_translations == {"zh-hans": "会员"}


def test_the_program_settings_take_its_name_in_each_language(client_as, manager, program):
    client = client_as(manager)
    page = client.get(reverse("console:loyalty_program", args=["hanbit"]))
    assert page.context["form"].name_fields == ["name", "name_in_ko", "name_in_ja"]
    assert 'name="name_in_ko"' in page.content.decode()


def test_console_pages_show_names_in_the_readers_language(client_as, manager, program):
    Tier.objects.filter(program=program, code="member").update(name_translations={"ko": "멤버"})
    Program.objects.filter(pk=program.pk).update(name_translations={"ko": "한빛 클럽"})
    client = client_as(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"

    page = client.get(reverse("console:loyalty_tiers", args=["hanbit"])).content.decode()

    assert "멤버" in page
    assert "한빛 클럽" in page
