"""The Breakdown block of a survey's page: the reader picks a group (tier by default where there is a
program), reads each group's NPS, CSAT and CES with their bars, sees a group with too few answers greyed,
and a group that does not exist gives the default with a message, never an error."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from patronage.conftest import business_set
from patronage.feedback.models import Survey
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.tests.breakdown_setup import club_tier, customer_answers, scored_survey
from patronage.loyalty import services

from .conftest import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey() -> Survey:
    """Gold: 10, 10, 9, 9, 3 (NPS 60); Silver: 10, 2 (NPS 0, too few)."""
    survey = scored_survey()
    gold, silver = club_tier("gold", "Gold", 1, ko="골드"), club_tier("silver", "Silver", 0)
    for tier, scores in ((gold, (10, 10, 9, 9, 3)), (silver, (10, 2))):
        for score in scores:
            customer_answers(survey, score, tier=tier, language="ko")
    return survey


def _rows(html: str) -> dict[str, str]:
    """Each table row's first cell -> the row's whole text."""
    rows = re.findall(r'<tr class="([^"]*)" data-group="[^"]*">(.*?)</tr>', html, re.S)
    read = {}
    for classes, cells in rows:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cells)).strip()
        read[text.split(" ")[0]] = f"{classes}|{text}"
    return read


def test_the_survey_page_breaks_the_scores_down_by_tier_with_the_small_tier_greyed(
    client_as, analyst, survey
):
    response = client_as(analyst).get(reverse("console:survey", args=[survey.pk]))

    rows = _rows(response.content.decode())
    assert list(rows) == ["Gold", "Silver"]
    gold_classes, gold = rows["Gold"].split("|")
    assert gold.startswith("Gold 5 60 (n = 5)")
    assert "100% (n = 5)" in gold  # CSAT
    assert "too-few" not in gold_classes
    silver_classes, silver = rows["Silver"].split("|")
    assert "too-few" in silver_classes
    assert "fewer than 5 answers" in silver
    # Gold's bar runs from the middle 30% to the right (NPS 60 of 100); Silver's has no length.
    assert 'class="positive" style="left: 50.0%; width: 30.0%"' in response.content.decode()
    assert "Each customer's tier now in Club." in page_text(response)


def test_picking_a_group_shows_it_and_htmx_gets_the_block_alone(client_as, analyst, survey):
    client = client_as(analyst)

    page = client.get(reverse("console:survey", args=[survey.pk]), {"by": "language"})
    block = client.get(reverse("console:survey_breakdown", args=[survey.pk]), {"by": "channel"})

    assert list(_rows(page.content.decode())) == ["한국어"]
    assert '<option value="language" selected>' in page.content.decode()
    assert block.status_code == 200
    assert "<html" not in block.content.decode()
    assert list(_rows(block.content.decode())) == ["other"]  # "other system": responses from the API
    assert "other system 7" in page_text(block)


def test_a_tier_is_named_in_the_readers_language(client_as, analyst, survey):
    business_set(languages=["en", "ko"])
    client = client_as(analyst)
    client.cookies["django_language"] = "ko"

    response = client.get(reverse("console:survey_breakdown", args=[survey.pk]), {"by": "tier"})

    assert list(_rows(response.content.decode())) == ["골드", "Silver"]


@pytest.mark.parametrize("query", [{"by": "segment"}, {"by": "tier", "program": "nope"}, {"by": ""}])
def test_a_group_that_does_not_exist_shows_the_tiers_with_a_message(client_as, analyst, survey, query):
    response = client_as(analyst).get(reverse("console:survey_breakdown", args=[survey.pk]), query)

    assert response.status_code == 200
    assert "There is no such group: the first one is shown." in page_text(response)
    assert list(_rows(response.content.decode())) == ["Gold", "Silver"]


def test_without_a_lifetime_value_analysis_the_band_breakdown_says_so(client_as, analyst, survey):
    response = client_as(analyst).get(
        reverse("console:survey_breakdown", args=[survey.pk]), {"by": "clv_band"}
    )

    assert "No lifetime-value analysis has scored the customers yet" in page_text(response)
    assert _rows(response.content.decode()) == {}


def test_without_a_program_the_channels_come_first(client_as, analyst):
    survey = scored_survey()
    response_submit(survey=survey, data=ResponseInput(answers={"nps": 10}))

    response = client_as(analyst).get(reverse("console:survey", args=[survey.pk]))

    assert list(_rows(response.content.decode())) == ["other"]
    assert '<option value="channel" selected>' in response.content.decode()


def test_with_two_programs_the_reader_picks_whose_tiers(client_as, analyst, survey):
    other = services.program_save(
        code="app", values={"name": "App club", "currency": "KRW", "time_zone": "Asia/Seoul"}, actor=None
    )
    services.tier_save(program=other, code="blue", name="Blue", rank=0, threshold=Decimal(0), actor=None)
    client = client_as(analyst)

    response = client.get(
        reverse("console:survey_breakdown", args=[survey.pk]), {"by": "tier", "program": "app"}
    )

    assert '<option value="club">Club</option>' in response.content.decode()
    assert list(_rows(response.content.decode())) == ["no"]  # no one holds a tier of the app club
    assert "Each customer's tier now in App club." in page_text(response)
