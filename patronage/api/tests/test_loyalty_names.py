"""Names in each language through the API (decision 0021): written with `loyalty:configure`, read back on
programs, tiers, rewards and benefits; a key that is not a language is a 422 naming the field."""

from __future__ import annotations

import pytest

from patronage.loyalty.models import Program, Tier

CONFIGURE = "loyalty:configure"


@pytest.fixture
def client(db, api_client):
    return api_client(CONFIGURE, "loyalty:read")


def test_a_tiers_names_are_written_and_read_back(client, club, tiers):
    response = client.put(
        "/api/v1/programs/hanbit/tiers/gold/names",
        {
            "name_translations": {"ko": "골드", "ja": "ゴールド", "zh-hans": "金卡"},
            "description_translations": {"ja": "最上のお客様に"},
        },
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["name_translations"] == {"ja": "ゴールド", "ko": "골드", "zh-hans": "金卡"}
    program = client.get("/api/v1/programs/hanbit").json()
    gold = next(tier for tier in program["tiers"] if tier["code"] == "gold")
    assert gold["name"] == Tier.objects.get(program=club, code="gold").name  # the main language's, as before
    assert gold["name_translations"]["ja"] == "ゴールド"
    assert gold["description_translations"] == {"ja": "最上のお客様に"}


def test_rewards_benefits_and_programs_take_names_too(client, club, tumbler, trial):
    assert (
        client.put(
            "/api/v1/programs/hanbit/rewards/tumbler/names",
            {"name_translations": {"ko": "텀블러"}, "description_translations": {"ko": "스테인리스"}},
            content_type="application/json",
        ).status_code
        == 200
    )
    benefit = client.put(
        "/api/v1/programs/hanbit/benefits/trial/names",
        {"name_translations": {"ja": "おためし"}},
        content_type="application/json",
    )
    program = client.put(
        "/api/v1/programs/hanbit/names",
        {"name_translations": {"ko": "한빛 클럽"}},
        content_type="application/json",
    )

    assert benefit.json()["name_translations"] == {"ja": "おためし"}
    assert program.json() == {
        "code": "hanbit",
        "name": "Hanbit Club",
        "name_translations": {"ko": "한빛 클럽"},
        "description": None,
        "description_translations": None,
    }
    rewards = client.get("/api/v1/programs/hanbit/rewards").json()["items"]
    assert rewards[0]["name_translations"] == {"ko": "텀블러"}
    assert rewards[0]["description_translations"] == {"ko": "스테인리스"}
    listed = client.get("/api/v1/programs").json()["items"]
    assert listed[0]["name_translations"] == {"ko": "한빛 클럽"}


def test_a_language_left_out_keeps_its_text_and_an_empty_one_is_removed(client, club, tiers):
    url = "/api/v1/programs/hanbit/tiers/gold/names"
    client.put(url, {"name_translations": {"ko": "골드", "ja": "ゴールド"}}, content_type="application/json")

    response = client.put(url, {"name_translations": {"ja": ""}}, content_type="application/json")

    assert response.json()["name_translations"] == {"ko": "골드"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name_translations": {"fr": "Or"}}, "name_translations.fr"),
        ({"name_translations": {"ko": "골" * 101}}, "name_translations.ko"),
        ({"description_translations": {"ja": "x" * 301}}, "description_translations.ja"),
        ({"name_translations": {"ja": "a\u0000b"}}, "name_translations.ja"),
        ({"name_translations": None}, "name_translations"),
        ({"title_translations": {}}, "title_translations"),
    ],
)
def test_a_wrong_translation_is_a_422_naming_the_field_and_changes_nothing(client, club, tiers, body, field):
    before = Tier.objects.get(program=club, code="gold").name_translations

    response = client.put("/api/v1/programs/hanbit/tiers/gold/names", body, content_type="application/json")

    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert Tier.objects.get(program=club, code="gold").name_translations == before


def test_a_program_has_no_description_to_translate(client, club):
    response = client.put(
        "/api/v1/programs/hanbit/names",
        {"description_translations": {"ko": "설명"}},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "description_translations"
    assert Program.objects.get(code="hanbit").name_translations == {}


def test_names_need_the_configure_scope(api_client, club, tiers):
    response = api_client("loyalty:read", "loyalty:write").put(
        "/api/v1/programs/hanbit/tiers/gold/names",
        {"name_translations": {"ko": "골드"}},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert Tier.objects.get(program=club, code="gold").name_translations == {}


def test_an_unknown_tier_is_a_404_naming_it(client, club):
    response = client.put(
        "/api/v1/programs/hanbit/tiers/nope/names", {"name_translations": {}}, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "tier"
