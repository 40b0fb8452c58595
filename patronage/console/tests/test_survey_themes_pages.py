"""A survey's themes page: an analyst reads what the free-text answers are about, with each theme's
sentiment, examples and trend, and a theme's answers a page at a time; a manager renames and merges themes
and finds them again; without the text method the page says so; no one else sees any of it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from patronage.conftest import business_set
from patronage.feedback.models import Answer, Survey, Theme
from patronage.feedback.tests.theme_setup import DELIVERY, STAFF, themed_survey
from patronage.feedback.theme_selectors import TEXT_MODULES
from patronage.members.models import Member

from .conftest import page_text

pytestmark = pytest.mark.django_db


def _themes_url(survey: Survey) -> str:
    return reverse("console:survey_themes", args=[survey.pk])


def _theme(name: str, survey: Survey | None = None) -> Theme:
    themes = Theme.objects.filter(survey=survey) if survey else Theme.objects.all()
    return themes.get(name__startswith=name)


def test_an_analyst_reads_each_themes_count_share_sentiment_and_examples(client_as, analyst):
    survey = themed_survey()

    response = client_as(analyst).get(_themes_url(survey))

    assert response.status_code == 200
    text = page_text(response)
    assert "5 answers in themes" in text
    assert "delivery · late" in text
    assert "3 answers, 60% of them" in text
    assert "2 answers, 40% of them" in text
    assert "0 positive 1 neutral 2 negative" in text
    assert "2 positive 0 neutral 0 negative" in text
    # The strongest feelings first.
    assert text.index(DELIVERY[0][0]) < text.index(DELIVERY[1][0]) < text.index(DELIVERY[2][0])
    html = response.content.decode()
    assert f'"theme-trend-{_theme("delivery").pk}"' in html  # its weekly chart
    for button in ("Rename", "Merge", "Find themes now"):
        assert button not in text


def test_a_manager_renames_a_theme_and_the_page_shows_the_name(client_as, manager):
    survey = themed_survey()
    delivery = _theme("delivery")
    client = client_as(manager)

    response = client.post(
        reverse("console:survey_theme_rename", args=[survey.pk, delivery.pk]), {"name": "Late parcels"}
    )

    assert response.status_code == 302
    text = page_text(client.get(_themes_url(survey)))
    assert "Late parcels" in text
    assert "named by a person" in text


def test_a_theme_is_named_in_each_language_and_read_in_the_readers(client_as, manager):
    business_set(languages=["en", "ko"])
    survey = themed_survey()
    delivery = _theme("delivery")
    client = client_as(manager)

    client.post(
        reverse("console:survey_theme_rename", args=[survey.pk, delivery.pk]),
        {"name": "Late parcels", "name_in_ko": "늦은 배송"},
    )

    assert "Late parcels" in page_text(client.get(_themes_url(survey)))
    client.cookies["django_language"] = "ko"
    assert "늦은 배송" in page_text(client.get(_themes_url(survey)))


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_bad_name_is_shown_beside_its_input_and_changes_nothing(client_as, manager, name):
    survey = themed_survey()
    delivery = _theme("delivery")

    response = client_as(manager).post(
        reverse("console:survey_theme_rename", args=[survey.pk, delivery.pk]), {"name": name}
    )

    assert response.status_code in (400, 422)
    inputs = re.findall(r"<input\b[^>]*>", response.content.decode())
    assert any(f'id="theme_{delivery.pk}_name"' in tag and 'aria-invalid="true"' in tag for tag in inputs)
    assert _theme("delivery").name == "delivery · late"


def test_a_manager_merges_a_theme_into_another(client_as, manager):
    survey = themed_survey()
    delivery, staff = _theme("delivery"), _theme("staff")
    client = client_as(manager)

    response = client.post(
        reverse("console:survey_theme_merge", args=[survey.pk, staff.pk]), {"into": str(delivery.pk)}
    )

    assert response.status_code == 302
    text = page_text(client.get(_themes_url(survey)))
    assert "5 answers, 100% of them" in text
    assert "staff · kind" not in text
    assert Answer.objects.filter(theme=delivery).count() == 5


def test_merging_into_a_theme_of_another_survey_is_refused(client_as, manager):
    survey, other = themed_survey(), themed_survey(title="Another")
    staff = _theme("staff", survey)
    foreign = Theme.objects.filter(survey=other).first()
    assert foreign is not None

    response = client_as(manager).post(
        reverse("console:survey_theme_merge", args=[survey.pk, staff.pk]), {"into": str(foreign.pk)}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in page_text(response)
    assert Theme.objects.get(pk=staff.pk).merged_into is None


def test_before_the_first_run_the_page_says_so_and_offers_the_button(client_as, manager, alice):
    survey = themed_survey()
    Theme.objects.all().delete()
    Survey.objects.filter(pk=survey.pk).update(themes_at=None)

    text = page_text(client_as(manager).get(_themes_url(survey)))

    assert "have not been found yet" in text
    assert "Find themes now" in text


def test_without_the_text_method_the_page_says_so_and_finds_nothing(client_as, manager, monkeypatch):
    monkeypatch.setattr("patronage.feedback.theme_selectors.find_spec", lambda name: None)
    survey = themed_survey()
    client = client_as(manager)

    text = page_text(client.get(_themes_url(survey)))
    assert "The text method is not installed" in text
    assert "Find themes now" not in text

    response = client.post(reverse("console:survey_themes_find", args=[survey.pk]), follow=True)
    assert "The text method is not installed" in page_text(response)


def test_find_themes_now_groups_the_answers(
    client_as, manager, celery_eager, django_capture_on_commit_callbacks
):
    for module in TEXT_MODULES:
        pytest.importorskip(module)
    survey = themed_survey()
    Theme.objects.all().delete()
    client = client_as(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:survey_themes_find", args=[survey.pk]))

    assert response.status_code == 302
    assert Answer.objects.filter(theme__isnull=False).count() == len(DELIVERY) + len(STAFF)
    assert "5 answers in themes" in page_text(client.get(_themes_url(survey)))


def test_a_themes_answers_page_by_page_and_by_sentiment(client_as, analyst):
    survey = themed_survey()
    delivery = _theme("delivery")
    url = reverse("console:survey_theme", args=[survey.pk, delivery.pk])
    client = client_as(analyst)

    every = page_text(client.get(url))
    negative = page_text(client.get(url, {"sentiment": "negative"}))
    refused = client.get(url, {"sentiment": "furious"})

    assert all(text in every for text, _feeling, _score in DELIVERY)
    assert DELIVERY[0][0] in negative
    assert DELIVERY[2][0] not in negative  # neutral
    assert refused.status_code == 400
    assert "Select a valid choice" in page_text(refused)


def test_the_results_show_each_latest_answers_sentiment_and_theme(client_as, analyst):
    survey = themed_survey()

    response = client_as(analyst).get(reverse("console:survey", args=[survey.pk]))

    html = response.content.decode()
    assert 'class="badge sentiment negative"' in html
    assert f'href="{reverse("console:survey_theme", args=[survey.pk, _theme("staff").pk])}"' in html
    assert f'href="{_themes_url(survey)}#themes-why"' in html


def test_a_theme_of_another_survey_is_not_found(client_as, manager):
    survey, other = themed_survey(), themed_survey(title="Another")
    foreign = Theme.objects.filter(survey=other).first()
    assert foreign is not None
    client = client_as(manager)

    assert client.get(reverse("console:survey_theme", args=[survey.pk, foreign.pk])).status_code == 404
    assert client.get(reverse("console:survey_themes", args=[999])).status_code == 404


# --- access ------------------------------------------------------------------------------------------------

READS = [("get", "console:survey_themes"), ("get", "console:survey_theme")]
MANAGES = [
    ("post", "console:survey_themes_find"),
    ("post", "console:survey_theme_rename"),
    ("post", "console:survey_theme_merge"),
]


def _call(client: Client, method: str, name: str, survey: Survey) -> Any:
    staff, delivery = _theme("staff"), _theme("delivery")
    args = (
        [survey.pk]
        if name in ("console:survey_themes", "console:survey_themes_find")
        else [survey.pk, staff.pk]
    )
    url = reverse(name, args=args)
    data = {"name": "Renamed", "into": str(delivery.pk)}
    return client.post(url, data) if method == "post" else client.get(url)


def _state() -> list[tuple[Any, ...]]:
    return list(Theme.objects.order_by("pk").values_list("name", "merged_into", "answers_count"))


@pytest.mark.parametrize(("method", "name"), READS + MANAGES)
def test_an_anonymous_visitor_is_sent_to_the_login(client, method, name):
    survey = themed_survey()
    before = _state()
    response = _call(client, method, name, survey)
    assert response.status_code == 302
    assert response.url.startswith(reverse("console:login"))
    assert _state() == before


@pytest.mark.parametrize(("method", "name"), READS + MANAGES)
def test_a_service_agent_and_a_member_are_refused(client_as, agent, alice: Member, method, name):
    survey = themed_survey()
    before = _state()
    assert _call(client_as(agent), method, name, survey).status_code == 403
    assert _call(client_as(alice.user), method, name, survey).status_code == 403
    assert _state() == before


@pytest.mark.parametrize(("method", "name"), READS)
def test_an_analyst_reads_them(client_as, analyst, method, name):
    assert _call(client_as(analyst), method, name, themed_survey()).status_code == 200


@pytest.mark.parametrize(("method", "name"), MANAGES)
def test_an_analyst_changes_nothing(client_as, analyst, method, name):
    survey = themed_survey()
    before = _state()
    assert _call(client_as(analyst), method, name, survey).status_code == 403
    assert _state() == before


@pytest.mark.parametrize(("method", "name"), READS + MANAGES)
def test_a_manager_may_do_each_of_it(client_as, manager, method, name):
    assert _call(client_as(manager), method, name, themed_survey()).status_code in (200, 302)


@pytest.mark.parametrize("into", ["", "100000000000000000000", "-1", "1e308", "NaN", "abc"])
def test_any_theme_typed_in_is_refused_on_its_field(client_as, manager, into):
    survey = themed_survey()
    staff = _theme("staff")

    response = client_as(manager).post(
        reverse("console:survey_theme_merge", args=[survey.pk, staff.pk]), {"into": into}
    )

    assert response.status_code == 400
    assert Theme.objects.get(pk=staff.pk).merged_into is None
