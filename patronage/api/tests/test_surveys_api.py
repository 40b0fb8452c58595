"""The surveys API as a shop, an app or a CRM uses it: build a survey, record answers, invite members, set
the closed loop and read the scores."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from patronage.care.models import Case, CaseChannel
from patronage.core.apikeys import SCOPES
from patronage.core.business_services import business_update
from patronage.core.models import OutboxEvent, User
from patronage.feedback.invitations import invitations_send
from patronage.feedback.models import Invitation, LoopRule, Response, Survey
from patronage.feedback.responses import survey_try
from patronage.feedback.survey_services import (
    QuestionInput,
    SurveyInput,
    loop_rule_add,
    survey_create,
    survey_open,
)
from patronage.feedback.tests.theme_setup import DELIVERY, themed_survey
from patronage.members.models import Member

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
VISIT = {
    "title": "How was your visit?",
    "title_translations": {"ko": "방문은 어떠셨나요?"},
    "questions": [
        {"type": "nps", "key": "nps", "text": "How likely are you to recommend us?", "required": True},
        {
            "type": "text",
            "key": "why",
            "text": "What went wrong?",
            "shown_when": {"question": "nps", "at_most": 6},
        },
        {
            "type": "single_choice",
            "key": "visit",
            "text": "What did you come for?",
            "choices": [{"id": "buy", "text": "To buy"}, {"id": "look", "text": "To look around"}],
        },
    ],
}


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def put(client: Client, path: str, body: Any) -> Any:
    return client.put(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def client(db: None, api_client: Callable[..., Client]) -> Client:
    return api_client("surveys:read", "surveys:write")


@pytest.fixture
def survey(client: Client) -> dict[str, Any]:
    """The visit survey, opened at once."""
    response = post(client, "/surveys", {**VISIT, "open": True})
    assert response.status_code == 201, response.json()
    return response.json()


def answer(client: Client, survey: dict[str, Any], *answers: tuple[str, Any], **extra: Any) -> Any:
    body = {"answers": [{"question": key, "value": value} for key, value in answers], **extra}
    return post(client, f"/surveys/{survey['id']}/responses", body)


# ---- building ------------------------------------------------------------------------------------------


def test_a_survey_is_built_with_its_questions_ids(client):
    response = post(
        client, "/surveys", {**VISIT, "questions": [*VISIT["questions"], {"type": "ces", "text": "Easy?"}]}
    )

    assert response.status_code == 201
    built = response.json()
    assert built["status"] == "draft"
    assert built["title_translations"] == {"ko": "방문은 어떠셨나요?"}
    assert [question["id"] for question in built["questions"]] == ["nps", "why", "visit", "q4"]
    assert built["questions"][0]["scale"] == [0, 10]
    assert built["questions"][1]["shown_when"] == {"question": "nps", "at_most": 6}
    assert built["questions"][2]["choices"][0] == {"id": "buy", "text": "To buy", "text_translations": {}}
    assert client.get(f"/api/v1/surveys/{built['id']}").json() == built


def test_open_true_opens_it_at_once_and_close_ends_it(client, survey):
    assert survey["status"] == "open"
    closed = post(client, f"/surveys/{survey['id']}/close", {})
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert post(client, f"/surveys/{survey['id']}/close", {}).status_code == 409
    assert post(client, f"/surveys/{survey['id']}/open", {}).json()["status"] == "open"


def test_a_survey_that_cannot_work_is_refused_naming_each_place_and_nothing_is_kept(client):
    questions = [
        {"type": "rating", "text": "Rate the staff"},  # a rating needs its scale
        {"type": "single_choice", "text": "Which?", "choices": [{"id": "a", "text": "A"}]},  # needs two
        {"type": "nps", "text": "Again", "shown_when": {"question": "later", "any_of": [1]}},
    ]
    response = post(client, "/surveys", {"title": "Broken", "questions": questions})

    assert response.status_code == 422
    assert fields(response) == ["questions[0].scale", "questions[1].choices", "questions[2].shown_when"]
    assert not Survey.objects.exists()


def test_a_second_open_survey_on_the_same_event_is_409_and_nothing_is_kept(client):
    assert post(client, "/surveys", {**VISIT, "trigger": "case_closed", "open": True}).status_code == 201
    again = post(client, "/surveys", {**VISIT, "trigger": "case_closed", "open": True})

    assert again.status_code == 409
    assert fields(again) == ["trigger"]
    assert Survey.objects.count() == 1


def test_an_opened_survey_is_reworded_but_its_questions_stay(client, survey):
    reworded = {
        **VISIT,
        "title": "Your visit",
        "questions": [{**VISIT["questions"][0], "text": "Recommend us?"}, *VISIT["questions"][1:]],
    }
    response = put(client, f"/surveys/{survey['id']}", reworded)
    assert response.status_code == 200
    assert response.json()["title"] == "Your visit"
    assert response.json()["questions"][0]["text"] == "Recommend us?"

    changed = put(client, f"/surveys/{survey['id']}", {**VISIT, "questions": VISIT["questions"][:1]})
    assert changed.status_code == 422
    assert fields(changed) == ["questions"]


def test_surveys_are_listed_newest_first_a_page_at_a_time(client):
    for title in ("First", "Second", "Third"):
        post(client, "/surveys", {**VISIT, "title": title})

    page = client.get("/api/v1/surveys", {"limit": 2}).json()

    assert page["count"] == 3
    assert [survey["title"] for survey in page["items"]] == ["Third", "Second"]


def test_an_unknown_survey_is_404(client):
    response = client.get("/api/v1/surveys/999999")
    assert response.status_code == 404
    assert fields(response) == ["survey"]


# ---- responses -----------------------------------------------------------------------------------------


def test_the_issues_nps_example_through_the_api_is_25(client, survey, alice, bob):
    with time_machine.travel(NOW, tick=False):
        for member, score in ((alice, 10), (bob, 7), (alice, 3), (bob, 9)):
            assert answer(client, survey, ("nps", score), member=member.pk).status_code == 201
        # Left half-way without the NPS: kept, counted in no score.
        assert answer(client, survey, ("visit", "look"), member=alice.pk, partial=True).status_code == 201

        results = client.get(f"/api/v1/surveys/{survey['id']}/results").json()

    assert results["nps"]["value"] == pytest.approx(25.0)
    assert results["nps"]["n"] == 4
    assert results["nps"]["low"] < 25 < results["nps"]["high"]
    assert results["responses"] == 4
    assert results["partial"] == 1
    assert results["csat"] == {"value": None, "low": None, "high": None, "n": 0}
    nps = next(question for question in results["questions"] if question["id"] == "nps")
    assert nps["counts"]["10"] == 1
    assert nps["counts"]["0"] == 0
    assert nps["mean"] == pytest.approx(7.25)


def test_a_response_answers_with_its_values_in_the_questions_order(client, survey, alice):
    response = answer(
        client, survey, ("visit", "buy"), ("nps", 4), ("why", "  The queue  "), member=alice.pk, language="ko"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["complete"] is True
    assert body["member"] == alice.pk
    assert body["channel"] == "api"
    assert body["language"] == "ko"
    assert body["answers"] == [
        {"question": "nps", "value": 4},
        {"question": "why", "value": "The queue"},
        {"question": "visit", "value": "buy"},
    ]
    assert body["follow_up"] is None  # no rule set


@pytest.mark.parametrize("value", [11, -1, True, 9.5, "9", [9], {"score": 9}])
def test_a_value_the_question_does_not_take_is_refused_naming_the_question(client, survey, alice, value):
    response = answer(client, survey, ("nps", value), member=alice.pk)

    assert response.status_code == 422
    assert fields(response) == ["answers[nps]"]
    assert not Response.objects.exists()


def test_a_whole_number_written_with_a_fraction_is_that_number(client, survey, alice):
    response = answer(client, survey, ("nps", 9.0), member=alice.pk)
    assert response.status_code == 201
    assert response.json()["answers"] == [{"question": "nps", "value": 9}]


def test_a_question_answered_twice_in_one_response_is_refused(client, survey, alice):
    response = answer(client, survey, ("nps", 9), ("nps", 3), member=alice.pk)

    assert response.status_code == 422
    assert fields(response) == ["answers[nps]"]
    assert not Response.objects.exists()


def test_an_unknown_member_is_404_naming_member(client, survey):
    response = answer(client, survey, ("nps", 9), member=987654)

    assert response.status_code == 404
    assert fields(response) == ["member"]


def test_a_member_and_a_token_together_are_refused(client, survey, alice):
    response = answer(client, survey, ("nps", 9), member=alice.pk, token="abc")
    assert response.status_code == 422


def test_an_invitation_is_answered_once_and_only_for_its_own_survey(client, survey, alice):
    opened = Survey.objects.get(pk=survey["id"])
    invitations_send(survey=opened, members=[alice], actor=None, batch="list:1")
    token = Invitation.objects.get(member=alice).token
    other = post(client, "/surveys", {**VISIT, "title": "Another", "open": True}).json()

    assert answer(client, other, ("nps", 9), token=token).status_code == 422
    first = answer(client, survey, ("nps", 9), token=token)
    assert first.status_code == 201
    assert first.json()["member"] == alice.pk
    second = answer(client, survey, ("nps", 2), token=token)
    assert second.status_code == 409
    assert fields(second) == ["token"]
    assert answer(client, survey, ("nps", 9), token="no-such-token").status_code == 404
    assert Response.objects.count() == 1


def test_a_retry_with_the_same_external_id_answers_the_first_response(client, survey, alice):
    first = answer(client, survey, ("nps", 9), member=alice.pk, external_id="kiosk-7-1")
    again = answer(client, survey, ("nps", 9), member=alice.pk, external_id="kiosk-7-1")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Response.objects.count() == 1


def test_a_draft_takes_no_answers(client, alice):
    draft = post(client, "/surveys", VISIT).json()
    response = answer(client, draft, ("nps", 9), member=alice.pk)
    assert response.status_code == 409


def test_a_detractor_opens_a_follow_up_case_whose_reference_is_answered(client, survey, alice):
    assert (
        post(
            client, f"/surveys/{survey['id']}/rules", {"kind": "detractor", "severity": "critical"}
        ).status_code
        == 201
    )

    response = answer(client, survey, ("nps", 2), ("why", "Rude staff"), member=alice.pk)

    assert response.status_code == 201
    reference = response.json()["follow_up"]
    case = Case.objects.get(reference=reference)
    assert case.member == alice
    assert case.channel == CaseChannel.SURVEY
    assert case.severity == "critical"
    assert "Rude staff" in case.description
    # A promoter opens nothing.
    assert answer(client, survey, ("nps", 10), member=alice.pk).json()["follow_up"] is None
    assert Case.objects.count() == 1


def test_a_complete_response_publishes_survey_response(client, survey, alice):
    response = answer(client, survey, ("nps", 9), member=alice.pk).json()

    event = OutboxEvent.objects.get(topic="survey.response")
    assert event.payload["response"] == response["id"]
    assert event.payload["member"] == alice.pk
    assert event.payload["nps"] == 9
    assert event.payload["nps_group"] == "promoter"


def test_a_partial_response_publishes_nothing_yet(client, survey, alice):
    answer(client, survey, ("visit", "buy"), member=alice.pk, partial=True)
    assert not OutboxEvent.objects.filter(topic="survey.response").exists()


# ---- results -------------------------------------------------------------------------------------------


def test_results_never_count_a_staff_members_try(client, survey, alice, admin: User):
    survey_try(survey=Survey.objects.get(pk=survey["id"]), answers={"nps": 0}, actor=admin)
    answer(client, survey, ("nps", 10), member=alice.pk)

    results = client.get(f"/api/v1/surveys/{survey['id']}/results").json()

    assert results["responses"] == 1
    assert results["nps"]["value"] == 100.0
    assert results["nps"]["n"] == 1


def test_results_show_free_text_the_breakdown_and_the_weekly_trend_in_the_business_zone(
    client, survey, alice, bob
):
    business_update(
        actor=None,
        name="Hanbit",
        time_zone="Asia/Seoul",
        languages=["ko", "en", "ja", "zh-hans"],
        colour="#B4532A",
        logo=None,
        logo_remove=False,
    )
    # Sunday 16:00 UTC is Monday 01:00 in Seoul: the Seoul week that starts on 7 December.
    with time_machine.travel(datetime(2026, 12, 6, 16, 0, tzinfo=UTC), tick=False):
        answer(client, survey, ("nps", 3), ("why", "Long queue"), member=alice.pk, language="ko")
        answer(client, survey, ("nps", 10), member=bob.pk, language="ja")
        results = client.get(f"/api/v1/surveys/{survey['id']}/results").json()
        breakdown = client.get(f"/api/v1/surveys/{survey['id']}/breakdown?by=language").json()

    why = next(question for question in results["questions"] if question["id"] == "why")
    assert why["examples"] == ["Long queue"]
    assert why["answered"] == 1
    languages = {group["key"]: group for group in breakdown["groups"]}
    assert languages["ko"]["label"] == "한국어"
    assert languages["ko"]["nps"]["value"] == -100.0
    assert languages["ja"]["nps"]["value"] == 100.0
    assert results["trend"][-1] == {
        "week": "2026-12-07",
        "value": 0.0,
        "low": pytest.approx(-100.0),
        "high": pytest.approx(100.0),
        "n": 2,
    }
    assert len(results["trend"]) == 12


def test_results_with_invitations_have_a_response_rate(client, survey, alice, bob):
    opened = Survey.objects.get(pk=survey["id"])
    invitations_send(survey=opened, members=[alice, bob], actor=None, batch="list:1")
    answer(client, survey, ("nps", 9), token=Invitation.objects.get(member=alice).token)

    results = client.get(f"/api/v1/surveys/{survey['id']}/results").json()

    assert results["invited"] == 2
    assert results["response_rate"]["value"] == 50.0


# ---- invitations and rules -----------------------------------------------------------------------------


def test_themes_list_each_questions_themes_with_their_sentiment_and_examples(db, api_client):
    survey = themed_survey()

    response = api_client("surveys:read").get(f"/api/v1/surveys/{survey.pk}/themes")

    assert response.status_code == 200
    body = response.json()
    assert body["survey"] == survey.pk
    assert body["themes_at"] is not None
    (question,) = body["questions"]
    assert (question["question"], question["answers"]) == ("why", 5)
    delivery, staff = question["themes"]
    assert (delivery["name"], delivery["answers"], delivery["share"]) == ("delivery · late", 3, 0.6)
    assert delivery["sentiment"] == {"positive": 0, "neutral": 1, "negative": 2}
    assert delivery["examples"] == [text for text, _feeling, _score in DELIVERY]
    assert staff["language"] == "en"
    assert api_client("surveys:read").get("/api/v1/surveys/999/themes").status_code == 404


def test_members_are_invited_once_per_batch_and_throttled(client, survey, alice, bob):
    path = f"/surveys/{survey['id']}/invitations"
    first = post(client, path, {"members": [alice.pk, alice.pk], "batch": "december"})
    assert first.status_code == 200
    assert first.json() == {"invited": 1, "throttled": 0, "already": 0}

    again = post(client, path, {"members": [alice.pk, bob.pk], "batch": "december"})
    assert again.json() == {"invited": 1, "throttled": 0, "already": 1}

    # Alice was asked a moment ago: another batch does not ask her again within the throttle.
    later = post(client, path, {"members": [alice.pk], "batch": "january"})
    assert later.json() == {"invited": 0, "throttled": 1, "already": 0}
    assert Invitation.objects.count() == 2


def test_inviting_to_a_draft_is_409_and_an_unknown_member_404(client, survey, alice):
    draft = post(client, "/surveys", VISIT).json()
    assert (
        post(client, f"/surveys/{draft['id']}/invitations", {"members": [alice.pk], "batch": "b"}).status_code
        == 409
    )

    unknown = post(
        client, f"/surveys/{survey['id']}/invitations", {"members": [alice.pk, 987654], "batch": "b"}
    )
    assert unknown.status_code == 404
    assert fields(unknown) == ["members"]
    assert "987654" in unknown.json()["detail"]
    assert not Invitation.objects.exists()


def test_at_most_a_thousand_members_at_once(client, survey):
    response = post(
        client, f"/surveys/{survey['id']}/invitations", {"members": list(range(1, 1002)), "batch": "b"}
    )
    assert response.status_code == 422
    assert fields(response) == ["members"]


def test_rules_are_added_listed_and_removed(client, survey):
    path = f"/surveys/{survey['id']}/rules"
    added = post(client, path, {"kind": "keywords", "keywords": ["Refund", " rude "]})
    assert added.status_code == 201
    assert added.json()["keywords"] == ["refund", "rude"]
    assert added.json()["severity"] == "major"

    assert [rule["id"] for rule in client.get(f"/api/v1{path}").json()] == [added.json()["id"]]
    assert client.delete(f"/api/v1{path}/{added.json()['id']}").status_code == 204
    assert not LoopRule.objects.exists()
    assert client.delete(f"/api/v1{path}/{added.json()['id']}").status_code == 404


def test_a_keyword_rule_needs_its_words(client, survey):
    response = post(client, f"/surveys/{survey['id']}/rules", {"kind": "keywords"})
    assert response.status_code == 422
    assert fields(response) == ["keywords"]


def test_a_promoter_rule_takes_a_review_link_and_a_referral_ask_once(client, survey):
    path = f"/surveys/{survey['id']}/rules"
    bad = post(client, path, {"kind": "promoter", "review_url": "javascript:alert(1)"})
    assert bad.status_code == 422
    assert fields(bad) == ["review_url"]
    misplaced = post(client, path, {"kind": "detractor", "ask_referral": True})
    assert misplaced.status_code == 422
    assert fields(misplaced) == ["ask_referral"]

    added = post(
        client,
        path,
        {"kind": "promoter", "review_url": "https://maps.example.com/hanbit", "ask_referral": True},
    )
    assert added.status_code == 201
    assert (added.json()["review_url"], added.json()["ask_referral"]) == (
        "https://maps.example.com/hanbit",
        True,
    )
    again = post(client, path, {"kind": "promoter"})
    assert again.status_code == 409
    assert fields(again) == ["kind"]
    assert LoopRule.objects.count() == 1


def test_another_surveys_rule_is_not_found(client, survey):
    other = post(client, "/surveys", VISIT).json()
    rule = post(client, f"/surveys/{other['id']}/rules", {"kind": "detractor"}).json()

    response = client.delete(f"/api/v1/surveys/{survey['id']}/rules/{rule['id']}")

    assert response.status_code == 404
    assert LoopRule.objects.filter(pk=rule["id"]).exists()


def test_the_breakdown_gives_each_groups_scores_and_flags_a_small_group(client, survey, alice, bob):
    for member, score in ((alice, 10), (alice, 9), (alice, 9), (alice, 3), (alice, 10), (bob, 0)):
        assert answer(client, survey, ("nps", score), member=member.pk, language="ko").status_code == 201
    Response.objects.filter(member=bob).update(channel="portal")

    response = client.get(f"/api/v1/surveys/{survey['id']}/breakdown", {"by": "channel"})

    assert response.status_code == 200
    breakdown = response.json()
    assert (breakdown["survey"], breakdown["by"], breakdown["unavailable"]) == (survey["id"], "channel", "")
    api, portal = breakdown["groups"]
    assert (api["key"], api["label"], api["responses"], api["too_few"]) == ("api", "other system", 5, False)
    assert api["nps"]["value"] == pytest.approx(60.0)
    assert api["nps"]["too_few"] is False
    assert api["csat"] == {"value": None, "low": None, "high": None, "n": 0, "too_few": True}
    assert (portal["key"], portal["nps"]["value"], portal["too_few"]) == ("portal", -100.0, True)


def test_a_breakdown_by_an_unknown_group_is_refused_naming_by(client, survey):
    response = client.get(f"/api/v1/surveys/{survey['id']}/breakdown", {"by": "segment"})

    assert response.status_code == 422
    assert fields(response) == ["by"]


def test_a_breakdown_by_the_tiers_of_a_program_that_does_not_exist_is_refused_naming_program(client, survey):
    response = client.get(f"/api/v1/surveys/{survey['id']}/breakdown", {"by": "tier", "program": "nope"})

    assert response.status_code == 404
    assert fields(response) == ["program"]


def test_without_a_lifetime_value_analysis_the_band_breakdown_says_so(client, survey, alice):
    answer(client, survey, ("nps", 10), member=alice.pk)

    breakdown = client.get(f"/api/v1/surveys/{survey['id']}/breakdown", {"by": "clv_band"}).json()

    assert breakdown["groups"] == []
    assert "No lifetime-value analysis" in breakdown["unavailable"]


# ---- access --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {survey} and {rule} stand for a planted open survey and its rule
    scope: str
    success: int = 200
    body: Callable[[Member], dict[str, Any]] = lambda alice: {}

    def call(self, client: Client, planted: dict[str, Any], alice: Member) -> Any:
        url = "/api/v1" + self.path.format(**planted)
        if self.method in ("get", "delete"):
            return getattr(client, self.method)(url)
        return getattr(client, self.method)(
            url, json.dumps(self.body(alice)), content_type="application/json"
        )

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


ENDPOINTS = [
    Endpoint("post", "/surveys", "surveys:write", 201, lambda alice: VISIT),
    Endpoint("get", "/surveys", "surveys:read"),
    Endpoint("get", "/surveys/{survey}", "surveys:read"),
    Endpoint(
        "put",
        "/surveys/{survey}",
        "surveys:write",
        body=lambda alice: {**VISIT, "questions": [{"type": "nps", "key": "nps", "text": "Recommend us?"}]},
    ),
    Endpoint("post", "/surveys/{survey}/open", "surveys:write"),
    Endpoint("post", "/surveys/{survey}/close", "surveys:write"),
    Endpoint(
        "post",
        "/surveys/{survey}/responses",
        "surveys:write",
        201,
        lambda alice: {"member": alice.pk, "answers": [{"question": "nps", "value": 8}]},
    ),
    Endpoint("get", "/surveys/{survey}/results", "surveys:read"),
    Endpoint("get", "/surveys/{survey}/breakdown?by=channel", "surveys:read"),
    Endpoint("get", "/surveys/{survey}/themes", "surveys:read"),
    Endpoint(
        "post",
        "/surveys/{survey}/invitations",
        "surveys:write",
        body=lambda alice: {"members": [alice.pk], "batch": "b"},
    ),
    Endpoint("post", "/surveys/{survey}/rules", "surveys:write", 201, lambda alice: {"kind": "low_csat"}),
    Endpoint("get", "/surveys/{survey}/rules", "surveys:read"),
    Endpoint("delete", "/surveys/{survey}/rules/{rule}", "surveys:write", 204),
]
READS = [endpoint for endpoint in ENDPOINTS if endpoint.scope == "surveys:read"]
CHANGES = [endpoint for endpoint in ENDPOINTS if endpoint.scope == "surveys:write"]


@pytest.fixture
def planted(db: None) -> dict[str, Any]:
    """An open survey with one NPS question and a rule. (The survey is opened with the services, so
    that the endpoints alone are under test.)"""
    survey = survey_create(
        data=SurveyInput(
            title="Visit", questions=[QuestionInput(type="nps", key="nps", text="Recommend us?")]
        ),
        actor=None,
    )
    survey = survey_open(survey=survey, actor=None)
    rule = loop_rule_add(survey=survey, kind="detractor", actor=None)
    return {"survey": survey.pk, "rule": rule.pk}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_refuses_a_caller_without_credentials(endpoint, planted, alice):
    response = endpoint.call(Client(), planted, alice)
    assert response.status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_it_refuses_a_key_without_the_scope(endpoint, planted, alice, api_client):
    response = endpoint.call(api_client(*sorted(set(SCOPES) - {endpoint.scope})), planted, alice)

    assert response.status_code == 403
    assert endpoint.scope in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_key_with_the_scope_is_served(endpoint, planted, alice, api_client):
    response = endpoint.call(api_client(endpoint.scope), planted, alice)
    assert response.status_code == endpoint.success, response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_members_session_is_no_credentials(endpoint, planted, alice, client_as):
    assert endpoint.call(client_as(alice.user), planted, alice).status_code == 401


@pytest.mark.parametrize("endpoint", READS, ids=str)
def test_an_analyst_reads_results_and_an_agent_does_not(endpoint, planted, alice, analyst, agent, client_as):
    assert endpoint.call(client_as(analyst), planted, alice).status_code == 200
    refused = endpoint.call(client_as(agent), planted, alice)
    assert refused.status_code == 403
    assert "feedback.view_results" in refused.json()["detail"]


@pytest.mark.parametrize("endpoint", CHANGES, ids=str)
def test_a_manager_changes_surveys_and_an_analyst_does_not(
    endpoint, planted, alice, analyst, manager, client_as
):
    refused = endpoint.call(client_as(analyst), planted, alice)
    assert refused.status_code == 403
    assert "feedback.manage_surveys" in refused.json()["detail"]
    assert endpoint.call(client_as(manager), planted, alice).status_code == endpoint.success
