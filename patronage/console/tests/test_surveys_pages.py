"""The survey pages: a manager builds a survey in two languages with a branch, tries it as a customer (not
counted), opens it, invites a list, adds closed-loop rules and reads the results; an analyst reads the
results and builds nothing; a service agent sees none of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from patronage.conftest import business_set
from patronage.feedback.models import (
    Invitation,
    LoopRule,
    Question,
    Response,
    Survey,
    SurveyStatus,
)
from patronage.feedback.permissions import RESULTS_VIEW, SURVEYS_MANAGE
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import (
    ChoiceInput,
    QuestionInput,
    SurveyInput,
    loop_rule_add,
    survey_create,
    survey_open,
)
from patronage.members.models import Member

from .conftest import page_text

pytestmark = pytest.mark.django_db
NEW = reverse("console:survey_new")
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _survey(**fields: Any) -> Survey:
    fields = {"title": "How was your visit?", "title_translations": {"ko": "방문은 어떠셨나요?"}, **fields}
    data = SurveyInput(
        questions=[
            QuestionInput(type="nps", key="nps", text="How likely are you to recommend us?", required=True),
            QuestionInput(
                type="text", key="why", text="What went wrong?", shown_when={"question": "nps", "at_most": 6}
            ),
            QuestionInput(
                type="single_choice",
                key="visit",
                text="What did you come for?",
                choices=[ChoiceInput("buy", "To buy"), ChoiceInput("look", "To look around")],
            ),
        ],
        **fields,
    )
    return survey_create(data=data, actor=None)


def _opened(**fields: Any) -> Survey:
    return survey_open(survey=_survey(**fields), actor=None)


def _builder(*questions: dict[str, str], **fields: str) -> dict[str, str]:
    """What the builder posts: the survey's fields, the management form and each question's inputs."""
    data = {
        "title": "After your visit",
        "intro": "",
        "trigger": "",
        "throttle_days": "30",
        "action": "save",
        "q-TOTAL_FORMS": str(len(questions)),
        "q-INITIAL_FORMS": "0",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "50",
        **fields,
    }
    for place, question in enumerate(questions):
        data.update({f"q-{place}-{name}": value for name, value in question.items()})
    return data


NPS_QUESTION = {"key": "nps", "type": "nps", "text": "How likely are you to recommend us?", "required": "on"}


def _marked(html: str, name: str) -> bool:
    """Whether the input `name` is marked invalid (its error is shown beside it)."""
    return any(
        f'name="{name}"' in tag and 'aria-invalid="true"' in tag
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    )


# --- building ----------------------------------------------------------------------------------------------


def test_a_manager_builds_a_survey_in_two_languages_with_a_branch_and_choices(client_as, manager):
    business_set(languages=["en", "ko"])
    client = client_as(manager)
    form = page_text(client.get(NEW))
    assert "Title (English)" in form
    assert "Title (한국어)" in form
    assert "Question (한국어)" in form
    data = _builder(
        {**NPS_QUESTION, "text_in_ko": "저희를 추천하시겠어요?"},
        {
            "key": "why",
            "type": "text",
            "text": "What went wrong?",
            "text_in_ko": "무엇이 문제였나요?",
            "max_length": "2000",
            "show_if": "nps",
            "show_how": "at_most",
            "show_value": "6",
        },
        {
            "key": "visit",
            "type": "single_choice",
            "text": "What did you come for?",
            "choices": "buy | To buy\nlook | To look around",
            "choices_in_ko": "buy | 구매\nlook | 구경",
        },
        title_in_ko="방문 후에",
    )
    response = client.post(NEW, data, follow=True)

    survey = Survey.objects.get()
    assert (survey.title, survey.title_translations, survey.status) == (
        "After your visit",
        {"ko": "방문 후에"},
        SurveyStatus.DRAFT,
    )
    nps, why, visit = survey.questions.all()
    assert nps.text_translations == {"ko": "저희를 추천하시겠어요?"}
    assert nps.required
    assert why.shown_when == {"question": "nps", "at_most": 6}
    assert why.max_length == 2000
    assert visit.choices == [
        {"id": "buy", "text": "To buy", "text_translations": {"ko": "구매"}},
        {"id": "look", "text": "To look around", "text_translations": {"ko": "구경"}},
    ]
    text = page_text(response)
    assert "The survey is saved." in text
    assert "After your visit" in text


def test_add_remove_and_move_show_the_builder_again_and_save_nothing(client_as, manager):
    client = client_as(manager)
    why = {"key": "why", "type": "text", "text": "Why?"}
    added = client.post(NEW, _builder(NPS_QUESTION, why, action="add"))
    assert added.status_code == 200
    html = added.content.decode()
    assert "Question 3" in page_text(added)
    assert 'name="q-TOTAL_FORMS" value="3"' in html
    assert 'name="q-2-key" value="q3"' in html  # an id of its own, for conditions to name
    moved = client.post(NEW, _builder(NPS_QUESTION, why, action="up:1")).content.decode()
    assert moved.index('value="Why?"') < moved.index('value="How likely are you to recommend us?"')
    removed = client.post(NEW, _builder(NPS_QUESTION, why, action="remove:0")).content.decode()
    assert 'name="q-TOTAL_FORMS" value="1"' in removed
    assert 'value="Why?"' in removed
    assert "How likely" not in removed
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    ("questions", "fields", "field", "words"),
    [
        ([{"type": "single_choice", "text": "Which?"}], {}, "q-0-choices", "two or more different choices"),
        ([{"type": "rating", "text": "Rate us"}], {}, "q-0-scale_low", "a rating's scale"),
        (
            [NPS_QUESTION, {"type": "text", "text": "Why?", "show_if": "nps", "show_value": "12"}],
            {},
            "q-1-show_value",
            "must lie on its question's scale",
        ),
        (
            [
                {
                    "type": "single_choice",
                    "text": "Which?",
                    "choices": "a | A\nb | B",
                    "choices_in_ko": "c | 다",
                }
            ],
            {},
            "q-0-choices_in_ko",
            "is not one of the choices above",
        ),
        ([{"key": "Bad Id!", "type": "nps", "text": "Recommend?"}], {}, "q-0-key", "small letters"),
        ([NPS_QUESTION], {"title": ""}, "title", "This field is required."),
        ([NPS_QUESTION], {"throttle_days": "400"}, "throttle_days", "less than or equal to 365"),
        ([NPS_QUESTION], {"title_in_ko": "가" * 201}, "title_in_ko", "at most 200 characters"),
    ],
)
def test_a_bad_survey_names_the_field_beside_its_input_and_saves_nothing(
    client_as, manager, questions, fields, field, words
):
    business_set(languages=["en", "ko"])
    response = client_as(manager).post(NEW, _builder(*questions, **fields))
    assert response.status_code in (400, 409, 422)
    assert _marked(response.content.decode(), field)
    assert words in page_text(response)
    assert not Survey.objects.exists()


def test_a_survey_without_questions_is_refused_with_its_reason(client_as, manager):
    response = client_as(manager).post(NEW, _builder())
    assert response.status_code == 422
    assert "a survey needs at least one question" in page_text(response)
    assert not Survey.objects.exists()


def test_an_opened_surveys_builder_rewords_only(client_as, manager):
    business_set(languages=["en", "ko"])
    survey = _opened()
    client = client_as(manager)
    url = reverse("console:survey_edit", args=[survey.pk])
    html = client.get(url).content.decode()
    assert "its words can change, not its questions" in page_text(client.get(url))
    assert re.search(r'<select name="q-0-type"[^>]*disabled', html)
    assert "Add question" not in html
    data = _builder(
        {"text": "Would you recommend us?"},
        {"text": "What went wrong?"},
        {"text": "Why did you come?", "choices": "buy | To shop\nlook | To browse"},
        title="Your visit",
    )
    data.update({"q-0-type": "text", "q-0-key": "changed"})  # disabled: what is stored stands
    response = client.post(url, data, follow=True)
    assert "The survey is saved." in page_text(response)
    survey.refresh_from_db()
    assert survey.title == "Your visit"
    nps, _why, visit = survey.questions.all()
    assert (nps.key, nps.type, nps.text) == ("nps", "nps", "Would you recommend us?")
    assert [choice["text"] for choice in visit.choices] == ["To shop", "To browse"]
    # Another choice id is another question: the domain refuses it and says why.
    data["q-2-choices"] = "buy | To shop\nwalk | To walk"
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "its questions can be reworded, not changed" in page_text(refused)
    assert [c["id"] for c in Question.objects.get(survey=survey, key="visit").choices] == ["buy", "look"]


# --- opening, trying, inviting, rules ----------------------------------------------------------------------


def test_opening_and_closing(client_as, manager):
    survey = _survey()
    client = client_as(manager)
    opened = client.post(reverse("console:survey_open", args=[survey.pk]), follow=True)
    assert "The survey is open" in page_text(opened)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    closed = client.post(reverse("console:survey_close", args=[survey.pk]), follow=True)
    assert "The survey is closed" in page_text(closed)
    again = client.post(reverse("console:survey_close", args=[survey.pk]), follow=True)
    assert "only an open survey can be closed" in page_text(again)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED


def test_trying_as_a_customer_is_not_counted_in_the_results(client_as, manager):
    business_set(languages=["en", "ko"])
    survey = _survey()
    client = client_as(manager)
    url = reverse("console:survey_try", args=[survey.pk])
    korean = page_text(client.get(url + "?language=ko"))
    assert "방문은 어떠셨나요?" in korean
    assert "Your test answers are not counted." in korean
    refused = client.post(url, {"answer-nps": "11", "answer-visit": "buy"})
    assert refused.status_code == 422
    assert "an NPS answer is a whole number from 0 to 10" in page_text(refused)
    assert 'value="buy" checked' in refused.content.decode()  # what was chosen stays chosen
    tried = client.post(url, {"answer-nps": "0", "answer-why": "Slow", "answer-visit": "look"}, follow=True)
    assert "Your test answers are not counted" in page_text(tried)
    response = Response.objects.get()
    assert (response.test, response.channel, response.agent) == (True, "try", manager)
    survey_open(survey=survey, actor=None)
    page = page_text(client.get(reverse("console:survey", args=[survey.pk])))
    assert "Tried 1 time by staff (not counted)" in page
    assert "NPS no answers yet" in page
    assert "Slow" not in page


def test_inviting_a_list_counts_who_was_invited_throttled_or_already(client_as, manager, alice, bob):
    survey = _opened()
    client = client_as(manager)
    url = reverse("console:survey_invite", args=[survey.pk])
    sent = client.post(url, {"people": f"#{alice.pk}\nbob@example.com", "key": "first"}, follow=True)
    assert "Invited: 2. Asked too recently, not invited: 0. Already invited by this sending: 0." in page_text(
        sent
    )
    assert set(Invitation.objects.values_list("member", flat=True)) == {alice.pk, bob.pk}
    again = client.post(url, {"people": f"{alice.pk}", "key": "first"}, follow=True)
    assert "Invited: 0. Asked too recently, not invited: 0. Already invited by this sending: 1." in page_text(
        again
    )
    later = client.post(url, {"people": f"{alice.pk}", "key": "second"}, follow=True)
    assert "Asked too recently, not invited: 1." in page_text(later)
    assert Invitation.objects.count() == 2


def test_a_list_naming_someone_unknown_invites_no_one(client_as, manager, alice):
    survey = _opened()
    response = client_as(manager).post(
        reverse("console:survey_invite", args=[survey.pk]),
        {"people": f"{alice.pk}\nnobody@example.com", "key": "k"},
    )
    assert response.status_code == 400
    assert _marked(response.content.decode(), "people")
    assert "No active customer is “nobody@example.com”" in page_text(response)
    assert not Invitation.objects.exists()


def test_a_list_of_more_than_a_thousand_is_refused(client_as, manager):
    survey = _opened()
    people = "\n".join(str(n) for n in range(1, 1002))
    response = client_as(manager).post(
        reverse("console:survey_invite", args=[survey.pk]), {"people": people, "key": "k"}
    )
    assert response.status_code == 400
    assert "At most 1,000 customers at once; 1,001 given." in page_text(response)


def test_a_draft_invites_no_one(client_as, manager, alice):
    survey = _survey()
    response = client_as(manager).post(
        reverse("console:survey_invite", args=[survey.pk]), {"people": str(alice.pk), "key": "k"}
    )
    assert response.status_code == 409
    assert "open the survey before inviting anyone" in page_text(response)
    assert not Invitation.objects.exists()


def test_inviting_every_customer_in_a_city(client_as, manager, alice, bob):
    survey = _opened()
    client = client_as(manager)
    url = reverse("console:survey_invite_filter", args=[survey.pk])
    nothing = client.post(url, {"key": "k"})
    assert nothing.status_code == 400
    assert "Choose at least one filter" in page_text(nothing)
    sent = client.post(url, {"city": "seoul", "key": "k"}, follow=True)
    assert "Invited: 1." in page_text(sent)
    assert list(Invitation.objects.values_list("member", flat=True)) == [alice.pk]
    nobody = client.post(url, {"city": "Busan", "key": "k2"})
    assert "No active customer matches these filters." in page_text(nobody)


def test_a_rule_is_added_listed_and_removed(client_as, manager):
    survey = _opened()
    client = client_as(manager)
    url = reverse("console:survey_rule_add", args=[survey.pk])
    refused = client.post(url, {"kind": "keywords", "keywords": "", "severity": "major"})
    assert refused.status_code == 422
    assert _marked(refused.content.decode(), "keywords")
    assert "give at least one word" in page_text(refused)
    added = client.post(
        url, {"kind": "keywords", "keywords": "Refund, rude", "severity": "critical"}, follow=True
    )
    rule = LoopRule.objects.get()
    assert (rule.kind, rule.keywords, rule.severity) == ("keywords", ["refund", "rude"], "critical")
    assert "refund, rude" in page_text(added)
    removed = client.post(reverse("console:survey_rule_remove", args=[survey.pk, rule.pk]), follow=True)
    assert "The rule is removed" in page_text(removed)
    assert not LoopRule.objects.exists()
    other = _opened()
    stray = loop_rule_add(survey=other, kind="detractor", actor=None)
    assert client.post(reverse("console:survey_rule_remove", args=[survey.pk, stray.pk])).status_code == 404
    assert LoopRule.objects.filter(pk=stray.pk).exists()


def test_a_promoter_rule_takes_its_review_link_and_referral_ask_and_names_a_bad_link(client_as, manager):
    survey = _opened()
    client = client_as(manager)
    url = reverse("console:survey_rule_add", args=[survey.pk])
    refused = client.post(url, {"kind": "promoter", "review_url": "maps example", "severity": "major"})
    assert refused.status_code == 422
    assert _marked(refused.content.decode(), "review_url")
    assert "give a web address starting with https://" in page_text(refused)
    wrong_kind = client.post(
        url, {"kind": "detractor", "review_url": "https://maps.example.com/hanbit", "severity": "major"}
    )
    assert _marked(wrong_kind.content.decode(), "review_url")
    assert not LoopRule.objects.exists()

    added = client.post(
        url,
        {
            "kind": "promoter",
            "review_url": "https://maps.example.com/hanbit",
            "ask_referral": "on",
            "severity": "major",
        },
        follow=True,
    )
    rule = LoopRule.objects.get()
    assert (rule.kind, rule.review_url, rule.ask_referral) == (
        "promoter",
        "https://maps.example.com/hanbit",
        True,
    )
    text = page_text(added)
    assert "promoters who answer from now on are thanked" in text
    assert "review link https://maps.example.com/hanbit · asks them to bring a friend" in text
    again = client.post(url, {"kind": "promoter", "severity": "major"})
    assert _marked(again.content.decode(), "kind")
    assert "this survey thanks its promoters already" in page_text(again)


def test_the_results_list_the_promoters_thanked_and_how_their_message_went(client_as, analyst, alice, bob):
    survey = _opened()
    loop_rule_add(survey=survey, kind="promoter", actor=None)
    alice.consents.filter(purpose="email_marketing").update(granted=False)
    with time_machine.travel(NOW, tick=False):
        _answered(survey, 10, 9, 6, members=(alice, bob, bob))

    response = client_as(analyst).get(reverse("console:survey", args=[survey.pk]))
    thanked = re.search(
        r'<section class="card" id="promoters-thanked">(.*?)</section>', response.content.decode(), re.S
    )
    assert thanked is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", thanked[1]).split())
    assert "2 customers thanked for an NPS of 9 or 10" in text
    rows = [
        re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        for row in re.findall(r"<tr id=.*?</tr>", thanked[1], re.S)
    ]
    # Newest first (answered at the same moment: the later one first); Alice opted out of e-mail.
    assert [(name, how) for name, _when, how in rows] == [
        ("Bob Tanaka", "Queued"),
        ("Alice Kim", "Skipped: opted out"),
    ]


# --- results -----------------------------------------------------------------------------------------------


def _answered(survey: Survey, *scores: int, members: tuple[Member, ...]) -> None:
    for place, score in enumerate(scores):
        answers: dict[str, object] = {"nps": score}
        if score <= 6:
            answers["why"] = "The queue was long"
        response_submit(
            survey=survey, data=ResponseInput(answers=answers, member=members[place % len(members)])
        )


def test_the_results_show_nps_25_for_answers_10_7_3_9_and_the_detractors_case(
    client_as, analyst, lead, alice, bob
):
    survey = _opened()
    loop_rule_add(survey=survey, kind="detractor", actor=None)
    with time_machine.travel(NOW, tick=False):
        _answered(survey, 10, 7, 3, 9, members=(alice, bob))
    response = client_as(analyst).get(reverse("console:survey", args=[survey.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    nps = re.search(r'<div id="survey-nps">(.*?)</div>\s*<div id="survey-csat">', html, re.S)
    assert nps is not None
    assert re.sub(r"<[^>]+>", " ", nps[1]).split()[:2] == ["NPS", "25"]
    text = page_text(response)
    assert "The queue was long" in text
    assert "1 case opened by answers" in text
    reference = survey.responses.get(answers__number=3).follow_up.case.reference
    assert reference in text
    # The case links to its page for those who work cases, not for an analyst, whom it would refuse.
    link = f'href="/console/cases/{reference}/"'
    assert link not in html
    assert link in client_as(lead).get(reverse("console:survey", args=[survey.pk])).content.decode()
    assert '"survey-trend"' in html  # the trend's chart
    assert 'id="breakdown"' in html
    # An analyst reads; the builder's, the invitations' and the rules' buttons are not there.
    assert "Try it as a customer" not in text
    assert "Invite them" not in text
    assert "Add the rule" not in text


def test_the_list_shows_each_surveys_responses_and_nps(client_as, analyst, manager, alice, bob):
    survey = _opened()
    _survey(title="Delivery survey")
    _answered(survey, 10, 7, 3, 9, members=(alice, bob))
    page = client_as(analyst).get(reverse("console:surveys"))
    row = re.search(rf'<tr id="survey-{survey.pk}">(.*?)</tr>', page.content.decode(), re.S)
    assert row is not None
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row[1]))
    assert "How was your visit?" in cells
    assert " 4 " in cells
    assert " 25 " in cells
    assert "Delivery survey" in page_text(page)
    assert "New survey" not in page_text(page)
    assert "New survey" in page_text(client_as(manager).get(reverse("console:surveys")))


def test_titles_are_shown_in_the_readers_language(client_as, manager):
    business_set(languages=["en", "ko"])
    _survey()
    client = client_as(manager)
    client.cookies["django_language"] = "ko"
    assert "방문은 어떠셨나요?" in page_text(client.get(reverse("console:surveys")))


# --- access ------------------------------------------------------------------------------------------------

READS = [("get", "console:surveys"), ("get", "console:survey"), ("get", "console:survey_breakdown")]
MANAGES = [
    ("get", "console:survey_new"),
    ("post", "console:survey_new"),
    ("get", "console:survey_edit"),
    ("post", "console:survey_edit"),
    ("post", "console:survey_open"),
    ("post", "console:survey_close"),
    ("get", "console:survey_try"),
    ("post", "console:survey_try"),
    ("post", "console:survey_invite"),
    ("post", "console:survey_invite_filter"),
    ("post", "console:survey_rule_add"),
    ("post", "console:survey_rule_remove"),
]
NO_SURVEY = {"console:surveys", "console:survey_new"}


def _call(client: Client, method: str, name: str, survey: Survey, alice: Member) -> Any:
    rule = survey.loop_rules.first()
    args: list[int] = []
    if name not in NO_SURVEY:
        args = [survey.pk, rule.pk] if name == "console:survey_rule_remove" and rule else [survey.pk]
    url = reverse(name, args=args)
    data = {
        **_builder(NPS_QUESTION),
        "answer-nps": "9",
        "people": str(alice.pk),
        "city": "Seoul",
        "key": "access",
        "kind": "detractor",
        "severity": "major",
    }
    return client.post(url, data) if method == "post" else client.get(url)


def _state(survey: Survey) -> tuple[Any, ...]:
    survey.refresh_from_db()
    return (
        Survey.objects.count(),
        survey.status,
        survey.title,
        Response.objects.count(),
        Invitation.objects.count(),
        LoopRule.objects.count(),
    )


@pytest.fixture
def survey_with_rule() -> Survey:
    survey = _opened()
    loop_rule_add(survey=survey, kind="detractor", actor=None)
    return survey


@pytest.mark.parametrize(("method", "name"), READS + MANAGES)
def test_an_anonymous_visitor_is_sent_to_the_login(client, alice, survey_with_rule, method, name):
    before = _state(survey_with_rule)
    response = _call(client, method, name, survey_with_rule, alice)
    assert response.status_code == 302
    assert response.url.startswith(reverse("console:login"))
    assert _state(survey_with_rule) == before


@pytest.mark.parametrize(("method", "name"), READS + MANAGES)
def test_a_service_agent_sees_none_of_it(client_as, agent, alice, survey_with_rule, method, name):
    assert not agent.has_staff_perm(RESULTS_VIEW)
    assert not agent.has_staff_perm(SURVEYS_MANAGE)
    before = _state(survey_with_rule)
    response = _call(client_as(agent), method, name, survey_with_rule, alice)
    assert response.status_code == 403
    assert "does not include this page" in response.content.decode()
    assert _state(survey_with_rule) == before


@pytest.mark.parametrize(("method", "name"), READS + MANAGES)
def test_a_member_is_refused(client_as, alice, bob, survey_with_rule, method, name):
    before = _state(survey_with_rule)
    assert _call(client_as(bob.user), method, name, survey_with_rule, alice).status_code == 403
    assert _state(survey_with_rule) == before


@pytest.mark.parametrize(("method", "name"), READS)
def test_an_analyst_reads_the_list_and_the_results(client_as, analyst, alice, survey_with_rule, method, name):
    assert _call(client_as(analyst), method, name, survey_with_rule, alice).status_code == 200


@pytest.mark.parametrize(("method", "name"), MANAGES)
def test_an_analyst_builds_sends_and_tries_nothing(client_as, analyst, alice, survey_with_rule, method, name):
    before = _state(survey_with_rule)
    response = _call(client_as(analyst), method, name, survey_with_rule, alice)
    assert response.status_code == 403
    assert _state(survey_with_rule) == before


@pytest.mark.parametrize(("method", "name"), READS + MANAGES)
def test_a_manager_may_do_each_of_it(client_as, manager, alice, survey_with_rule, method, name):
    response = _call(client_as(manager), method, name, survey_with_rule, alice)
    # Let in: a page, done, or refused by the survey's own rules (one question is not an opened survey's three).
    assert response.status_code in (200, 302, 422)


def test_the_navigation_links_surveys_for_those_who_read_or_build_them(client_as, analyst, manager, agent):
    link = f'href="{reverse("console:surveys")}"'
    assert link in client_as(analyst).get(reverse("console:surveys")).content.decode()
    assert link in client_as(manager).get(reverse("console:home")).content.decode()
    assert link not in client_as(agent).get(reverse("console:cases")).content.decode()


def test_a_survey_that_does_not_exist_is_not_found(client_as, manager):
    client = client_as(manager)
    assert client.get(reverse("console:survey", args=[999])).status_code == 404
    assert client.post(reverse("console:survey_open", args=[999])).status_code == 404
    assert client.get(reverse("console:survey_try", args=[999])).status_code == 404


def test_the_list_reads_a_page_of_surveys_in_a_few_queries(
    client_as, analyst, alice, bob, django_assert_max_num_queries
):
    for n in range(6):
        survey = _opened(title=f"Survey {n}")
        _answered(survey, 10, 3, members=(alice, bob))
    client = client_as(analyst)
    client.get(reverse("console:surveys"))  # warms the session and the business's settings
    with django_assert_max_num_queries(12):
        response = client.get(reverse("console:surveys"))
    assert "Survey 5" in page_text(response)
