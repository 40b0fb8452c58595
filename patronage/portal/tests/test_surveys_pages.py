"""The customer's survey pages: answering by an invitation's link without logging in (branching, errors on
their question, saving to finish later, once only, in the invitation's language), and "My surveys" in the
portal, where a member reads their own answers and nobody else's."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from patronage.console.tests.conftest import page_text
from patronage.feedback.models import Answer, Invitation, Response
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import (
    QuestionInput,
    SurveyInput,
    survey_close,
    survey_create,
    survey_open,
)
from patronage.portal.tests.survey_setup import invite, link, visit_survey

pytestmark = pytest.mark.django_db

DETRACTOR = {
    "answers[nps]": "3",
    "answers[why]": "The queue was long",
    "answers[visit]": "buy",
    "answers[liked]": ["staff", "price"],
    "answers[more]": "",
    "action": "send",
}


def _answers(response: Response) -> dict[str, object]:
    found: dict[str, object] = {}
    for answer in Answer.objects.filter(response=response).select_related("question"):
        found[answer.question.key] = (
            answer.number if answer.number is not None else answer.chosen or answer.text
        )
    return found


def _control(html: str, element_id: str) -> str:
    found = re.search(rf'<(?:input|textarea)[^>]*id="{re.escape(element_id)}"[^>]*>', html)
    assert found, f"no control #{element_id}"
    return found.group(0)


# Answering by the link


def test_a_customer_answers_by_the_link_and_is_thanked(alice):
    invitation = invite(visit_survey(), alice)
    page = Client().get(link(invitation))
    assert page.status_code == 200
    text = page_text(page)
    for words in ("How was your visit?", "How likely are you to recommend us", "What went wrong?", "To buy"):
        assert words in text
    assert "0 · Not at all likely" in text
    assert "10 · Extremely likely" in text

    sent = Client().post(link(invitation), DETRACTOR)

    assert sent.status_code == 302
    assert sent["Location"] == f"{link(invitation)}thanks/"
    response = Response.objects.get(invitation=invitation)
    assert (response.member, response.channel, response.complete) == (alice, "link", True)
    assert _answers(response) == {
        "nps": 3,
        "why": "The queue was long",
        "visit": ["buy"],
        "liked": ["staff", "price"],
    }
    thanks = Client().get(sent["Location"])
    assert thanks.status_code == 200
    assert "Thank you for your answers" in page_text(thanks)


def test_the_detractors_question_is_tied_to_the_nps_and_a_promoters_answer_to_it_is_dropped(alice):
    invitation = invite(visit_survey(), alice)
    html = Client().get(link(invitation)).content.decode()
    # The page's script reads the rule; without the script the question is shown, and the server decides.
    assert 'data-shown-when="{&quot;at_most&quot;: 6, &quot;question&quot;: &quot;nps&quot;}"' in html
    assert "portal/survey.js" in html

    Client().post(link(invitation), {**DETRACTOR, "answers[nps]": "9"})

    assert _answers(Response.objects.get(invitation=invitation)) == {
        "nps": 9,
        "visit": ["buy"],
        "liked": ["staff", "price"],
    }


def test_every_question_has_a_label_and_scales_and_choices_are_fieldsets(alice):
    html = Client().get(link(invite(visit_survey(), alice))).content.decode()
    assert html.count("<fieldset") == 3  # the NPS, the single and the multiple choice
    assert html.count("<legend") == 3
    for control in re.findall(r"<(?:input|textarea)[^>]*>", html):
        if 'type="hidden"' in control or "language" in control:
            continue
        element_id = re.search(r'id="([^"]+)"', control)
        assert element_id, control
        assert f'for="{element_id.group(1)}"' in html, f"no label for {control}"
    assert 'maxlength="300"' in _control(html, "q-why-text")
    assert 'type="checkbox"' in _control(html, "q-liked-0")
    assert 'type="radio"' in _control(html, "q-visit-0")


def test_bad_answers_are_named_on_their_question_and_change_nothing(alice):
    invitation = invite(visit_survey(), alice)
    bad = {**DETRACTOR, "answers[nps]": "11", "answers[visit]": "nothing-like-it"}

    page = Client().post(link(invitation), bad)

    assert page.status_code == 200
    html = page.content.decode()
    assert "An NPS answer is a whole number from 0 to 10" in page_text(page)
    assert "Choose one of this question&#x27;s choices" in html
    for key in ("nps", "visit"):
        assert f'id="q-{key}-error"' in html
        assert f'aria-describedby="q-{key}-error"' in _control(html, f"q-{key}-0")
        assert 'aria-invalid="true"' in _control(html, f"q-{key}-0")
    assert 'aria-invalid="true"' not in _control(html, "q-liked-0")
    assert 'role="alert"' in html
    # What the customer wrote is still there, ready to correct.
    assert "The queue was long" in html
    assert "checked" in _control(html, "q-liked-0")
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_a_missing_required_answer_is_asked_for_on_its_question(alice):
    invitation = invite(visit_survey(), alice)
    page = Client().post(link(invitation), {"answers[visit]": "look", "action": "send"})
    assert "This question needs an answer" in page_text(page)
    assert 'aria-invalid="true"' in _control(page.content.decode(), "q-nps-0")
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "value",
    ["100000000000000000000", "-100000000000000000000", "-1", "1e308", "NaN", "Infinity", "7.5", "x" * 5000],
)
def test_the_extremes_of_a_scale_are_refused_on_its_question(alice, value):
    invitation = invite(visit_survey(), alice)
    page = Client(raise_request_exception=False).post(
        link(invitation), {"answers[nps]": value, "action": "send"}
    )
    assert page.status_code == 200
    assert 'aria-invalid="true"' in _control(page.content.decode(), "q-nps-0")
    assert not Response.objects.exists()


def test_a_free_text_over_its_length_is_refused_on_its_question(alice):
    invitation = invite(visit_survey(), alice)
    page = Client().post(link(invitation), {**DETRACTOR, "answers[why]": "x" * 301})
    assert "An answer here is at most 300 characters" in page_text(page)
    assert 'aria-invalid="true"' in _control(page.content.decode(), "q-why-text")
    assert not Response.objects.exists()


def test_saved_answers_come_back_at_the_link_and_sending_completes_them(alice):
    invitation = invite(visit_survey(), alice)
    saved = Client().post(link(invitation), {"answers[visit]": "look", "action": "save"})
    assert saved.status_code == 302
    assert saved["Location"] == link(invitation)
    response = Response.objects.get(invitation=invitation)
    assert response.complete is False
    invitation.refresh_from_db()
    assert invitation.answered_at is None

    client = Client()
    again = client.get(link(invitation))
    assert "Your saved answers are filled in below" in page_text(again)
    assert "checked" in _control(again.content.decode(), "q-visit-1")

    done = client.post(link(invitation), {"answers[nps]": "10", "answers[visit]": "look", "action": "send"})

    assert done.status_code == 302
    assert Response.objects.filter(invitation=invitation).count() == 1
    response.refresh_from_db()
    assert response.complete is True
    assert _answers(response) == {"nps": 10, "visit": ["look"]}


def test_a_second_answer_to_the_same_link_is_refused_clearly(alice):
    invitation = invite(visit_survey(), alice)
    Client().post(link(invitation), DETRACTOR)

    again = Client().get(link(invitation))
    assert again.status_code == 200
    assert "You have already answered this survey" in page_text(again)
    assert '<form method="post" action="/surveys/' not in again.content.decode()

    refused = Client().post(link(invitation), {**DETRACTOR, "answers[nps]": "10"})
    assert refused.status_code in (200, 409)
    assert "You have already answered this survey" in page_text(refused)
    assert _answers(Response.objects.get(invitation=invitation))["nps"] == 3


def test_an_answer_sent_from_a_form_opened_before_another_tab_sent_one_is_refused(alice):
    invitation = invite(visit_survey(), alice)
    response_submit(survey=invitation.survey, data=ResponseInput(answers={"nps": 8}, invitation=invitation))
    # The page would say "already answered" on opening; a form opened before still posts: the domain refuses.
    Invitation.objects.filter(pk=invitation.pk).update(answered_at=None)
    refused = Client().post(link(invitation), {**DETRACTOR, "answers[nps]": "1"})
    assert refused.status_code == 409
    assert "You have already answered this survey" in page_text(refused)
    assert _answers(Response.objects.get(invitation=invitation)) == {"nps": 8}


def test_an_unknown_link_is_not_found(alice):
    invitation = invite(visit_survey(), alice)
    for url in (f"/surveys/s/{invitation.token[:-2]}xx/", "/surveys/s/nothing/thanks/"):
        page = Client().get(url)
        assert page.status_code == 404
        assert "We cannot find this survey" in page_text(page)
    assert Client().post(f"/surveys/s/{invitation.token}zz/", DETRACTOR).status_code == 404
    assert not Response.objects.exists()


def test_a_closed_survey_says_it_has_ended_and_takes_nothing(alice):
    survey = visit_survey()
    invitation = invite(survey, alice)
    survey_close(survey=survey, actor=None)

    page = Client().get(link(invitation))
    assert "This survey has ended" in page_text(page)
    sent = Client().post(link(invitation), DETRACTOR)
    assert "This survey has ended" in page_text(sent)
    assert not Response.objects.exists()


def test_the_thanks_page_before_an_answer_leads_to_the_survey(alice):
    invitation = invite(visit_survey(), alice)
    page = Client().get(f"{link(invitation)}thanks/")
    assert page.status_code == 302
    assert page["Location"] == link(invitation)


def test_the_page_is_in_korean_when_the_invitation_is(alice):
    invitation = invite(visit_survey(), alice, language="ko")

    page = Client().get(link(invitation))

    html, text = page.content.decode(), page_text(page)
    assert '<html lang="ko">' in html
    for words in (
        "방문은 어떠셨나요?",
        "2분이면 됩니다.",
        "친구에게 저희를 추천할 가능성은",
        "무엇이 잘못되었나요?",
        "구경",
        "가격",
    ):
        assert words in text
    assert "How likely are you" not in text
    assert "Not at all likely" not in text  # the scale's end words too
    assert "보내기" in text  # "Send"
    Client().post(link(invitation), DETRACTOR)
    assert Response.objects.get(invitation=invitation).language == "ko"


def test_a_refused_answer_keeps_the_page_in_its_language(alice):
    invitation = invite(visit_survey(), alice, language="ko")
    page = Client().post(link(invitation), {"answers[visit]": "buy", "action": "send"})
    assert '<html lang="ko">' in page.content.decode()
    assert "친구에게 저희를 추천할 가능성은" in page_text(page)
    assert 'aria-invalid="true"' in _control(page.content.decode(), "q-nps-0")


def test_the_language_the_visitor_chose_wins_and_the_browsers_serves_an_invitation_without_one(alice):
    invitation = invite(visit_survey(), alice, language="ko")
    chooser = Client()
    chooser.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    assert '<html lang="ja">' in chooser.get(link(invitation)).content.decode()

    Invitation.objects.filter(pk=invitation.pk).update(language="")
    page = Client().get(link(invitation), headers={"accept-language": "ko-KR,ko;q=0.9"})
    assert '<html lang="ko">' in page.content.decode()
    assert "방문은 어떠셨나요?" in page_text(page)


# Access


def test_a_link_answers_only_its_own_invitations_survey(alice, bob):
    mine = invite(visit_survey(), alice)
    other = survey_open(
        survey=survey_create(
            data=SurveyInput(
                title="Delivery",
                questions=[QuestionInput(type="csat", key="delivery", text="How was the delivery?")],
                throttle_days=0,
            ),
            actor=None,
        ),
        actor=None,
    )
    invite(other, bob)

    Client().post(link(mine), {**DETRACTOR, "answers[delivery]": "1"})

    assert not Response.objects.filter(survey=other).exists()
    response = Response.objects.get(invitation=mine)
    assert "delivery" not in _answers(response)


def test_the_answer_is_the_invitations_member_whoever_is_signed_in(alice, bob, client_as):
    invitation = invite(visit_survey(), alice)
    client_as(bob.user).post(link(invitation), DETRACTOR)
    assert Response.objects.get(invitation=invitation).member == alice


def test_the_form_is_protected_against_cross_site_posts(alice):
    invitation = invite(visit_survey(), alice)
    page = Client(enforce_csrf_checks=True).post(link(invitation), DETRACTOR)
    assert page.status_code == 403
    assert not Response.objects.exists()


def test_my_surveys_needs_a_member_login(agent):
    anonymous = Client().get("/portal/surveys/")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/portal/login/?next=/portal/surveys/"
    staff = Client()
    staff.force_login(agent)
    assert staff.get("/portal/surveys/").status_code == 403


def test_my_surveys_lists_the_members_open_invitations_and_own_answers_only(alice, bob, client_as):
    survey = visit_survey()
    later = visit_survey(title="Your new sofa")
    answered = invite(survey, alice)
    waiting = invite(later, alice)
    Client().post(link(answered), {**DETRACTOR, "answers[more]": "Alice's own words"})
    bobs = invite(survey, bob)
    Client().post(link(bobs), {**DETRACTOR, "answers[why]": "Bob's secret complaint"})
    invite(later, bob)

    page = client_as(alice.user).get("/portal/surveys/")

    assert page.status_code == 200
    html, text = page.content.decode(), page_text(page)
    assert f'href="{link(waiting)}"' in html
    assert "Your new sofa" in text
    assert link(answered) not in html  # answered: no longer waiting
    assert "Alice's own words" in text
    assert "The staff, The prices" in text
    assert "3 (from 0 to 10)" in text
    assert "Bob's secret complaint" not in text
    assert bobs.token not in html
    assert '<a href="/portal/surveys/" class="active" aria-current="page">' in html


def test_my_surveys_reads_the_answers_in_the_members_language(alice, client_as):
    invitation = invite(visit_survey(), alice)
    Client().post(link(invitation), DETRACTOR)
    client = client_as(alice.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    text = page_text(client.get("/portal/surveys/"))
    assert "방문은 어떠셨나요?" in text
    assert "직원, 가격" in text
