"""Saved replies: a service lead writes them in each of the business's languages; on a case an agent inserts
one, in the customer's language and filled in, with the page's script or without it. And what the reply box
says happens to a reply: e-mailed to a file or a contact address, not sent to a phone number only."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse

from patronage.care import setup
from patronage.care.models import Case, ReplyTemplate
from patronage.conftest import business_set
from patronage.core.models import AuditEntry, User
from patronage.members.models import Member
from patronage.messages.models import Message

from .case_setup import complaint
from .conftest import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def sorry(lead: User) -> ReplyTemplate:
    business_set(languages=["en", "ko", "ja"], name="Hanbit Living")
    return setup.reply_template_save(
        data=setup.ReplyTemplateInput(
            name="Apology",
            body="Dear {name}, we are sorry about {reference}. {agent}",
            name_translations={"ja": "お詫び"},
            body_translations={"ja": "{name}様、{reference}の件、誠に申し訳ございません。{agent}"},
        ),
        actor=lead,
    )


PAGES = [
    ("console:care_reply_templates", "get", False),
    ("console:care_reply_template_create", "get", False),
    ("console:care_reply_template_create", "post", False),
    ("console:care_reply_template", "get", True),
    ("console:care_reply_template", "post", True),
    ("console:care_reply_template_active", "post", True),
]


def _url(url_name: str, with_template: bool, template: ReplyTemplate) -> str:
    return reverse(url_name, args=[template.pk] if with_template else [])


def _state() -> list[tuple[Any, ...]]:
    return list(ReplyTemplate.objects.values_list("pk", "name", "body", "active"))


@pytest.mark.parametrize(("url_name", "method", "with_template"), PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login(client, sorry, url_name, method, with_template):
    response = getattr(client, method)(_url(url_name, with_template, sorry))
    assert response.status_code == 302
    assert response.url.startswith(reverse("console:login"))


@pytest.mark.parametrize(("url_name", "method", "with_template"), PAGES)
def test_an_agent_cannot_open_or_change_saved_replies(
    client_as, agent, sorry, url_name, method, with_template
):
    before = _state()
    data = {"name": "Hacked", "body": "Hacked", "position": "0", "active": "0"}
    response = getattr(client_as(agent), method)(
        _url(url_name, with_template, sorry), data if method == "post" else None
    )
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize(("url_name", "with_template"), [(u, w) for u, m, w in PAGES if m == "get"])
def test_a_service_lead_opens_every_page(client_as, lead, sorry, url_name, with_template):
    assert client_as(lead).get(_url(url_name, with_template, sorry)).status_code == 200


def test_the_landing_page_links_to_saved_replies(client_as, lead, sorry):
    page = client_as(lead).get(reverse("console:care_home"))
    assert f'href="{reverse("console:care_reply_templates")}"' in page.content.decode()
    assert "1 saved reply in use" in page_text(page)


def test_a_lead_writes_a_reply_in_each_language_and_reads_it_back(client_as, lead):
    business_set(languages=["en", "ja"])
    client = client_as(lead)
    form = client.get(reverse("console:care_reply_template_create")).content.decode()
    assert 'name="body_in_ja"' in form
    assert "Text (日本語)" in html.unescape(form)
    response = client.post(
        reverse("console:care_reply_template_create"),
        {
            "name": "Late delivery",
            "name_in_ja": "配送遅延",
            "body": "Dear {name}, your order is late.",
            "body_in_ja": "{name}様、ご注文の配送が遅れております。",
            "position": "0",
            "active": "on",
        },
    )
    assert response.status_code == 302
    saved = ReplyTemplate.objects.get()
    assert saved.body_translations == {"ja": "{name}様、ご注文の配送が遅れております。"}
    listing = page_text(client.get(reverse("console:care_reply_templates")))
    assert "Late delivery" in listing
    assert "English, 日本語" in listing
    assert AuditEntry.objects.filter(action="reply_template.created").exists()


def test_an_unknown_placeholder_is_named_on_its_field_and_nothing_is_saved(client_as, lead):
    business_set(languages=["en", "ja"])
    response = client_as(lead).post(
        reverse("console:care_reply_template_create"),
        {"name": "Oops", "body": "Dear {name}", "body_in_ja": "{名前}様", "position": "0"},
    )
    assert response.status_code == 400
    assert "{名前} is not a placeholder" in page_text(response)
    assert list(response.context["form"].errors) == ["body_in_ja"]  # shown on the Japanese text's box
    assert not ReplyTemplate.objects.exists()


def test_a_retired_reply_is_no_longer_offered_on_cases(client_as, lead, agent, sorry, alice):
    client_as(lead).post(reverse("console:care_reply_template_active", args=[sorry.pk]), {"active": "0"})
    case = complaint(alice)
    page = client_as(agent).get(reverse("console:case", args=[case.reference])).content.decode()
    assert "Insert a saved reply" not in page


# --- on the case page ---------------------------------------------------------------------------------------


def _japanese_case(alice: Member) -> Case:
    return complaint(alice, language="ja", contact_name="佐藤 結衣")


def test_a_japanese_customer_is_offered_the_japanese_text_filled_in(client_as, agent, sorry, alice):
    agent.first_name = "Sam"
    agent.save()
    case = _japanese_case(alice)
    page = client_as(agent).get(reverse("console:case", args=[case.reference])).content.decode()
    assert "Insert a saved reply" in page
    option = f'<option value="{sorry.pk}" data-text="佐藤 結衣様、{case.reference}の件、誠に申し訳ございません。Sam"'
    assert option in page
    assert 'data-fills="reply_body"' in page
    assert "<script>" not in page  # the script is the page's own file: no inline script under the CSP


def test_without_the_script_the_chosen_reply_fills_the_box(client_as, agent, sorry, alice):
    case = _japanese_case(alice)
    url = reverse("console:case", args=[case.reference])
    response = client_as(agent).get(url, {"reply_template": str(sorry.pk)})
    assert response.status_code == 200
    assert response.context["reply_form"].initial["body"].startswith("佐藤 結衣様、")
    box = response.content.decode().split('id="reply_body"')[1].split("</textarea>")[0]
    assert "誠に申し訳ございません" in box


@pytest.mark.parametrize("wrong", ["999999", "abc", "²", "1" * 500, ""])
def test_an_unknown_saved_reply_is_ignored(client_as, agent, sorry, alice, wrong):
    case = _japanese_case(alice)
    response = client_as(agent).get(reverse("console:case", args=[case.reference]), {"reply_template": wrong})
    assert response.status_code == 200
    assert not response.context["reply_form"].initial


# --- what the reply box says happens -------------------------------------------------------------------------


def _reply(client: Any, case: Case) -> str:
    response = client.post(
        reverse("console:case_reply", args=[case.reference]), {"body": "We are sorry."}, follow=True
    )
    return page_text(response)


def test_a_customer_with_no_file_but_an_address_is_told_by_e_mail(client_as, agent):
    case = complaint(None, contact_email="walkin@example.com", contact_phone="+82 10 5555 1234")
    client = client_as(agent)
    assert "Sent by e-mail in their language" in page_text(
        client.get(reverse("console:case", args=[case.reference]))
    )
    text = _reply(client, case)
    assert "It is sent by e-mail in their language." in text
    assert "not sent" not in text
    assert Message.objects.get(kind="case_reply").address == "walkin@example.com"


def test_a_customer_with_only_a_phone_is_to_be_called(client_as, agent):
    case = complaint(None, contact_phone="+82 10 5555 1234")
    client = client_as(agent)
    before = page_text(client.get(reverse("console:case", args=[case.reference])))
    assert "Not sent: the customer gave only a phone number" in before
    assert "Call them at +821055551234" in before
    text = _reply(client, case)
    assert "Your reply is on the case, but not sent" in text
    assert "Call them at +821055551234" in text
