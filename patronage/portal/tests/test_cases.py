"""The customer's side of cases: telling us about a problem without an account, following it by its secret
link, the member's own cases in the portal, replying, and rating how we did."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from patronage.care.compensation import CompensationInput, compensation_give
from patronage.care.merging import case_merge
from patronage.care.models import Case, CaseStatus, EntryKind
from patronage.care.services import (
    CaseInput,
    case_customer_reply,
    case_follow_up,
    case_move,
    case_note,
    case_open,
    case_reply,
)
from patronage.commerce.models import Order
from patronage.core import clock
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open
from patronage.messages.models import Message
from patronage.portal import case_throttle

NEW = "/complaints/new/"
TOKEN_IN_LINK = re.compile(r"/complaints/c/([A-Za-z0-9_-]+)/")
KEY_INPUT = re.compile(r'name="key" value="([^"]+)"')


def _form(**fields: str) -> dict[str, str]:
    form = {
        "type": "complaint",
        "summary": "The sofa arrived scratched",
        "description": "A long scratch on the left arm.",
        "order_number": "",
        "contact_name": "Jin Park",
        "contact_email": "jin.park@example.net",
        "contact_phone": "",
        "website": "",
        "key": "k" * 24,
    }
    form.update(fields)
    return form


def _main(response) -> str:
    """The page's own content, without the header (whose language form names the page's address)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def _file(client: Client, **fields: str):
    return client.post(NEW, _form(**fields))


def _case_of(alice, summary: str = "The sofa arrived scratched") -> Case:
    return case_open(data=CaseInput(type="complaint", channel="web_form", summary=summary, member=alice)).case


def _link(case: Case) -> str:
    return reverse("complaints:case", kwargs={"token": case.access_token})


def _mine(case: Case) -> str:
    return reverse("portal:case", kwargs={"reference": case.reference})


def _closed(case: Case, agent) -> Case:
    case = case_move(case=case, to=CaseStatus.RESOLVED, actor=agent)
    case = case_move(case=case, to=CaseStatus.CLOSED, actor=agent)
    return case_follow_up(case=case, actor=agent)


# Access


def test_a_reference_alone_opens_no_case_there_is_no_route_for_it(alice):
    case = _case_of(alice)

    for path in (f"/complaints/{case.reference}/", f"/complaints/c/{case.reference}/"):
        response = Client().get(path)
        assert response.status_code == 404
        assert case.summary not in response.content.decode()
    with pytest.raises(Resolver404):
        resolve(f"/complaints/{case.reference}/")


def test_anonymous_visitors_are_sent_to_the_login_for_the_portal_cases(alice):
    case = _case_of(alice)

    for url in (reverse("portal:cases"), _mine(case)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('portal:login')}?next={url}"


def test_another_members_case_is_not_found_exactly_as_a_missing_one(alice, bob, client_as):
    case = _case_of(alice)
    client = client_as(bob.user)

    theirs = client.get(_mine(case))
    missing = client.get(reverse("portal:case", kwargs={"reference": "C-2026-999999"}))
    sent = client.post(_mine(case), {"action": "reply", "body": "Let me in"})

    assert theirs.status_code == missing.status_code == sent.status_code == 404
    assert _main(theirs) == _main(missing)
    assert "We cannot find this case" in theirs.content.decode()
    assert case.summary not in theirs.content.decode()
    assert not case.entries.filter(kind=EntryKind.REPLY_IN).exists()
    assert case.summary not in client.get(reverse("portal:cases")).content.decode()


def test_a_wrong_token_is_a_page_in_words_not_a_case(alice):
    case = _case_of(alice)
    # One character changed: to another than the one it was (a token ending in "x" stayed itself, 1 in 64).
    wrong = case.access_token[:-1] + ("y" if case.access_token.endswith("x") else "x")

    for url in (
        reverse("complaints:case", kwargs={"token": wrong}),
        reverse("complaints:thanks", kwargs={"token": "nothing-here"}),
    ):
        response = Client().get(url)
        assert response.status_code == 404
        assert "We cannot find this case" in response.content.decode()
        assert case.reference not in response.content.decode()


def test_a_staff_session_gets_the_members_only_page(alice, agent, client_as):
    case = _case_of(alice)

    for url in (reverse("portal:cases"), _mine(case)):
        response = client_as(agent).get(url)
        assert response.status_code == 403


# The public form


def test_the_form_is_reached_from_the_portal_home_and_its_footer(db):
    page = Client().get(reverse("portal:home")).content.decode()

    assert page.count(f'href="{NEW}"') >= 2  # the landing page's card and the footer
    assert "Tell us about a problem" in page
    assert Client().get("/complaints/new").status_code == 301  # the address without its slash leads there


def test_a_visitor_files_a_complaint_and_gets_its_reference_and_secret_link(db):
    client = Client()
    form = client.get(NEW).content.decode()
    assert re.search(r'value="complaint"[^>]*checked', form)  # a complaint, unless they choose otherwise

    response = _file(client, key=KEY_INPUT.search(form).group(1))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:thanks", kwargs={"token": case.access_token})
    thanks = client.get(response["Location"]).content.decode()
    assert case.reference in thanks
    assert f"/complaints/c/{case.access_token}/" in thanks
    assert "We are sorry" in thanks
    assert "We also sent this to your e-mail" in thanks  # to the address typed, with or without a file
    assert (case.type, case.channel, case.member, case.language) == ("complaint", "web_form", None, "en")
    assert (case.contact_name, case.contact_email) == ("Jin Park", "jin.park@example.net")
    assert case.description == "A long scratch on the left arm."


def test_the_form_needs_its_csrf_token(db):
    client = Client(enforce_csrf_checks=True)

    assert client.post(NEW, _form()).status_code == 403
    assert not Case.objects.exists()
    assert Client().get("/complaints/")["Location"] == NEW


def test_bad_input_names_the_fields_and_files_nothing(db):
    response = _file(Client(), summary="  ", contact_email="no address")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_summary_error"' in page
    assert "Say in a few words what happened" in page
    assert 'id="id_contact_email_error"' in page
    assert not Case.objects.exists()


def test_a_visitor_must_say_how_to_reach_them(db):
    response = _file(Client(), contact_email="", contact_phone="")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_contact_email_error"' in page
    assert "Give an e-mail address or a phone number" in page
    assert 'value="The sofa arrived scratched"' in page  # what they wrote stays in the form
    assert not Case.objects.exists()


def test_a_phone_number_is_enough_to_be_answered(db):
    _file(Client(), contact_email="", contact_phone="010-1234-5678")

    assert Case.objects.get().contact_phone == "+821012345678"


def test_a_bot_that_fills_the_hidden_field_gets_thanks_and_files_nothing(db):
    response = _file(Client(), website="https://spam.example.com")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Thank you" in page or "We are sorry" in page
    assert not Case.objects.exists()


def test_the_same_form_sent_twice_files_one_case(db):
    client = Client()
    first, again = _file(client, key="same-key-" + "x" * 20), _file(client, key="same-key-" + "x" * 20)

    assert Case.objects.count() == 1
    assert first["Location"] == again["Location"]


def test_after_five_cases_from_one_address_the_sixth_waits_and_is_told_when(db):
    client = Client()
    with time_machine.travel(clock.now(), tick=False):
        for number in range(case_throttle.CASES_PER_WINDOW):
            assert _file(client, key=f"key-{number}-" + "x" * 20).status_code == 302

        refused = _file(client, key="key-six-" + "x" * 20, summary="The sixth complaint")

        assert refused.status_code == 429
        assert int(refused["Retry-After"]) == 600
        page = refused.content.decode()
        assert "Please try again in 10 minutes" in page
        assert "The sixth complaint" in page  # what they wrote is kept, ready to send again
        assert Case.objects.count() == case_throttle.CASES_PER_WINDOW
        assert Client(REMOTE_ADDR="10.0.0.9").post(NEW, _form(key="other-" + "x" * 20)).status_code == 302

    with time_machine.travel(clock.now() + timedelta(minutes=11), tick=False):
        assert _file(client, key="key-later-" + "x" * 20).status_code == 302


def test_a_visitor_in_japanese_is_answered_in_japanese(bob):
    bob.locale = "ja"
    bob.save()
    client = Client(headers={"accept-language": "ja-JP,ja;q=0.9"})

    form = client.get(NEW).content.decode()
    response = _file(client, contact_email="BOB@example.com", contact_name="")

    case = Case.objects.get()
    assert '<html lang="ja">' in form
    assert case.language == "ja"
    assert case.member == bob  # recognised by the address he gave
    apology = Message.objects.get(kind="case_acknowledged", member=bob)
    assert apology.language == "ja"
    assert case.reference in apology.subject
    thanks = client.get(response["Location"]).content.decode()
    assert '<html lang="ja">' in thanks
    assert case.reference in thanks
    assert "We also sent this to your e-mail" in thanks or "メール" in thanks


def test_a_visitor_nobody_knows_is_answered_at_their_address_in_their_language(db):
    _file(Client(headers={"accept-language": "ko"}))

    case = Case.objects.get()
    apology = Message.objects.get(kind="case_acknowledged")
    assert case.language == "ko"
    assert (apology.address, apology.language) == (case.contact_email, "ko")


def test_a_member_logged_in_files_from_the_portal_without_contact_details(alice, client_as):
    client = client_as(alice.user)
    form = client.get(NEW).content.decode()
    assert 'name="contact_email"' not in form
    assert "My cases" in form  # the portal's navigation

    response = client.post(NEW, {"type": "inquiry", "summary": "Where is my order?", "key": "m" * 24})

    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.channel, case.member, case.type) == ("portal", alice, "inquiry")
    assert Message.objects.filter(kind="case_acknowledged", member=alice).exists()
    thanks = client.get(response["Location"]).content.decode()
    assert "We also sent this to your e-mail" in thanks
    assert reverse("portal:cases") in thanks
    listed = client.get(reverse("portal:cases")).content.decode()
    assert case.reference in listed
    assert "Where is my order?" in listed
    assert _mine(case) in listed


def test_an_order_number_that_matches_is_linked_and_one_that_does_not_is_kept_in_the_text(alice):
    order = Order.objects.create(
        external_id="ORD-1001",
        member=alice,
        occurred_at=clock.now(),
        currency="KRW",
        amount=Decimal("36980"),
    )
    _file(Client(), order_number=" ORD-1001 ", key="o1" + "x" * 20)
    _file(Client(), order_number="ORD-404", key="o2" + "x" * 20)

    linked, kept = Case.objects.order_by("pk")
    assert linked.order == order
    assert "ORD-1001" not in linked.description
    assert kept.order is None
    assert "ORD-404" in kept.description


# The case page


def test_the_case_page_shows_the_public_entries_only_and_the_agents_first_name(alice, agent):
    agent.first_name = "Sam"
    agent.save()
    case = _case_of(alice)
    case_note(case=case, body="Customer sounds furious, check the courier", actor=agent)
    case_reply(case=case, body="We are so sorry. A new sofa is on its way.", actor=agent)
    case = case_move(case=case, to=CaseStatus.PROPOSED, actor=agent, solution="A new sofa, delivered Friday")
    compensation_give(
        case=case, data=CompensationInput(kind="refund", value="5000", idempotency_key="r1"), actor=agent
    )
    case.refresh_from_db()
    case = case_move(
        case=case,
        to=CaseStatus.PROMISED,
        actor=agent,
        promise="The courier will be briefed",
        promised_by=clock.today() + timedelta(days=7),
    )

    page = Client().get(_link(case)).content.decode()

    assert "We are so sorry. A new sofa is on its way." in page
    assert "Sam replied" in page
    assert "sam_agent" not in page
    assert "furious" not in page
    assert "A new sofa, delivered Friday" in page
    assert "The courier will be briefed" in page
    assert "Done by" in page
    assert "A refund of 5,000 KRW" in page
    assert 'aria-current="step"' in page
    assert "We keep our promise" in page
    assert 'id="rate"' not in page  # not rated while it is still being worked on


def test_the_member_sees_the_same_page_in_the_portal(alice, client_as):
    case = _case_of(alice)

    page = client_as(alice.user).get(_mine(case)).content.decode()

    assert case.reference in page
    assert "We received your complaint" in page
    assert 'name="action" value="reply"' in page


def test_a_reply_by_the_secret_link_resumes_a_waiting_case(alice, agent):
    case = case_move(case=_case_of(alice), to=CaseStatus.LISTENING, actor=agent)
    case = case_move(case=case, to=CaseStatus.WAITING, actor=agent)

    response = Client().post(_link(case), {"action": "reply", "body": "It was delivered on Monday."})

    assert response.status_code == 302
    assert response["Location"] == _link(case) + "#messages"
    case.refresh_from_db()
    assert case.status == CaseStatus.LISTENING
    assert case.entries.filter(kind=EntryKind.REPLY_IN, body="It was delivered on Monday.").exists()


def test_a_reply_on_a_closed_case_reopens_it(alice, agent, client_as):
    case = _closed(_case_of(alice), agent)

    client_as(alice.user).post(_mine(case), {"action": "reply", "body": "It broke again."})

    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED


def test_an_empty_reply_is_refused_on_its_field(alice):
    case = _case_of(alice)

    response = Client().post(_link(case), {"action": "reply", "body": "   "})

    assert response.status_code == 200
    assert 'id="id_body_error"' in response.content.decode()
    assert not case.entries.filter(kind=EntryKind.REPLY_IN).exists()


# The rating


def test_an_open_case_is_not_rated(alice):
    case = _case_of(alice)

    response = Client().post(_link(case), {"action": "rate", "rating": "5"})

    assert response.status_code == 200
    case.refresh_from_db()
    assert case.satisfaction is None


@pytest.mark.parametrize("rating", ["0", "6", "great", ""])
def test_a_rating_is_from_one_to_five(alice, agent, rating):
    case = _closed(_case_of(alice), agent)

    response = Client().post(_link(case), {"action": "rate", "rating": rating})

    assert response.status_code == 200
    assert 'id="id_rating_error"' in response.content.decode()
    case.refresh_from_db()
    assert case.satisfaction is None


def test_the_customer_rates_a_closed_case_and_is_thanked(alice, agent):
    case = _closed(_case_of(alice), agent)
    client = Client()
    before = client.get(_link(case)).content.decode()
    assert 'id="rate"' in before
    assert "How satisfied are you with how we handled this?" in before

    response = client.post(_link(case), {"action": "rate", "rating": "4", "comment": "Quick and kind"})

    assert response["Location"] == _link(case) + "#rate"
    case.refresh_from_db()
    assert (case.satisfaction, case.satisfaction_comment) == (4, "Quick and kind")
    after = client.get(_link(case)).content.decode()
    assert "Thank you for your rating" in after
    assert re.search(r"<strong>4</strong>\s*out of 5", after)


def test_a_resolved_case_may_be_rated_in_the_portal(alice, agent, client_as):
    case = case_move(case=_case_of(alice), to=CaseStatus.RESOLVED, actor=agent)

    client_as(alice.user).post(_mine(case), {"action": "rate", "rating": "2"})

    case.refresh_from_db()
    assert case.satisfaction == 2


def test_a_follow_up_by_survey_is_told_as_a_survey_on_the_customers_page(alice, agent):
    question = QuestionInput(type="csat", key="csat", text="Happy?")
    survey = survey_create(
        data=SurveyInput(title="Your case", trigger="case_closed", questions=[question]), actor=None
    )
    survey_open(survey=survey, actor=None)
    case = _closed(_case_of(alice), agent)

    page = Client().get(_link(case)).content.decode()

    assert "We asked you to answer a short survey on how we did" in page
    assert "We asked how satisfied you are" not in page


def test_a_merged_case_names_the_case_that_carries_on_and_forwards_what_is_written_to_it(alice, agent):
    duplicate, kept = _case_of(alice, "The sofa is scratched"), _case_of(alice)
    case_merge(duplicate=duplicate, into=kept, actor=agent)

    page = Client().get(_link(duplicate)).content.decode()

    assert 'name="action" value="reply"' not in page
    assert f"This case was joined with {kept.reference}" in page
    entry = case_customer_reply(case=duplicate, body="Any news?")  # an e-mail answering the first one
    assert entry.case_id == kept.pk
