"""Saved replies: written in each language with placeholders, offered on a case in the customer's language
with the case's own details filled in, the case's category's first."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patronage.care import setup
from patronage.care.models import Case, ReplyTemplate
from patronage.care.reply_text import placeholders_unknown, reply_template_fill
from patronage.care.selectors import reply_templates_for
from patronage.care.services import CaseInput, case_open
from patronage.conftest import business_set
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import AuditEntry, User

pytestmark = pytest.mark.django_db

SORRY = "Dear {name}, we are sorry about {reference}. {agent} at {business}"


def _save(
    name: str = "Apology", body: str = SORRY, actor: User | None = None, **fields: Any
) -> ReplyTemplate:
    return setup.reply_template_save(
        data=setup.ReplyTemplateInput(name=name, body=body, **fields), actor=actor
    )


def _case(**fields: Any) -> Case:
    data = CaseInput(type="complaint", channel="web_form", summary="Late sofa", contact_email="k@example.com")
    return case_open(data=replace(data, **fields)).case


def _texts(case: Case, language: str | None, agent: User | None = None) -> list[str]:
    return [offer.text for offer in reply_templates_for(case=case, language=language, agent=agent)]


# --- the pure filling ----------------------------------------------------------------------------------------


def test_each_placeholder_is_filled():
    values = {"name": "Mina", "reference": "C-1", "agent": "Sam", "business": "Hanbit"}
    assert reply_template_fill(SORRY, values) == "Dear Mina, we are sorry about C-1. Sam at Hanbit"


def test_braces_in_the_customers_name_stay_as_typed():
    values = {"name": "{agent} {reference} {", "reference": "C-1", "agent": "Sam", "business": "B"}
    assert reply_template_fill("Hi {name} from {agent}", values) == "Hi {agent} {reference} { from Sam"


@given(st.text(), st.dictionaries(st.sampled_from(["name", "agent"]), st.text()))
def test_filling_never_fails_whatever_the_text(text, values):
    assert isinstance(reply_template_fill(text, values), str)


def test_only_words_in_braces_are_placeholders():
    assert placeholders_unknown("Hi {name}, a { brace and {nmae} and {nmae} and {}") == ["{nmae}", "{}"]


# --- saving ------------------------------------------------------------------------------------------------------


def test_a_saved_reply_is_kept_in_each_language_and_audited(lead):
    business_set(languages=["en", "ja"])
    saved = _save(
        actor=lead,
        name_translations={"ja": "お詫び"},
        body_translations={"ja": "{name}様、{reference}の件、申し訳ございません。"},
    )
    assert saved.body_translations == {"ja": "{name}様、{reference}の件、申し訳ございません。"}
    assert saved.name_translations == {"ja": "お詫び"}
    assert AuditEntry.objects.filter(action="reply_template.created", target_id=str(saved.pk)).exists()


def test_an_unknown_placeholder_is_refused_naming_it_and_its_field(lead):
    with pytest.raises(ValidationFailed) as error:
        _save(body="Dear {customer}", actor=lead)
    assert error.value.field == "body"
    assert "{customer} is not a placeholder" in error.value.message
    assert "{name}" in error.value.message
    assert not ReplyTemplate.objects.exists()


def test_an_unknown_placeholder_in_a_translation_names_its_language(lead):
    business_set(languages=["en", "ja"])
    with pytest.raises(ValidationFailed) as error:
        _save(body_translations={"ja": "{名前}様"}, actor=lead)
    assert error.value.field == "body_translations.ja"
    assert "{名前}" in error.value.message


def test_an_empty_or_overlong_text_is_refused(lead):
    for body in ("  ", "x" * 20_001):
        with pytest.raises(ValidationFailed) as error:
            _save(body=body, actor=lead)
        assert error.value.field == "body"
    assert not ReplyTemplate.objects.exists()


def test_a_name_is_taken_once(lead):
    _save(actor=lead)
    with pytest.raises(Conflict) as error:
        _save(body="Another", actor=lead)
    assert error.value.field == "name"


def test_a_category_that_no_longer_exists_is_named(lead):
    with pytest.raises(ValidationFailed) as error:
        _save(category_id=987_654, actor=lead)
    assert error.value.field == "category"


def test_a_retired_reply_is_no_longer_offered_and_comes_back(lead):
    saved = _save(actor=lead)
    case = _case()
    setup.reply_template_deactivate(reply_template=saved, actor=lead)
    assert _texts(case, "en") == []
    assert AuditEntry.objects.filter(action="reply_template.deactivated").exists()
    setup.reply_template_activate(reply_template=saved, actor=lead)
    assert len(_texts(case, "en")) == 1


# --- offered on a case ------------------------------------------------------------------------------------------


def test_a_case_gets_the_text_filled_with_its_own_details(lead, agent):
    business_set(name="Hanbit Living")
    agent.first_name = "Sam"
    agent.save()
    _save(actor=lead)
    case = _case(contact_name="Mina Park")
    assert _texts(case, "en", agent) == [
        f"Dear Mina Park, we are sorry about {case.reference}. Sam at Hanbit Living"
    ]


def test_the_customers_language_is_used_else_the_main_text(lead):
    business_set(languages=["en", "ja"])
    _save(body="Dear {name}", body_translations={"ja": "{name}様"}, actor=lead)
    case = _case(contact_name="Yui")
    assert _texts(case, "ja") == ["Yui様"]
    assert _texts(case, "ja-JP") == ["Yui様"]
    assert _texts(case, "ko") == ["Dear Yui"]
    assert _texts(case, "") == ["Dear Yui"]


def test_braces_in_a_customers_name_do_not_fill_anything(lead):
    business_set(name="Hanbit Living")
    _save(body="Dear {name}, from {agent}", actor=lead)
    case = _case(contact_name="{agent}{reference}")
    # No agent: an integration's reply is signed with the business's name.
    assert _texts(case, "en") == ["Dear {agent}{reference}, from Hanbit Living"]


def test_the_cases_category_and_those_above_it_come_first(lead):
    delivery = setup.category_save(data=setup.CategoryInput("Delivery"), actor=lead)
    late = setup.category_save(data=setup.CategoryInput("Late", parent_id=delivery.pk), actor=lead)
    billing = setup.category_save(data=setup.CategoryInput("Billing"), actor=lead)
    _save("A general", body="general", position=0, actor=lead)
    _save("B billing", body="billing", category_id=billing.pk, actor=lead)
    _save("C delivery", body="delivery", category_id=delivery.pk, position=5, actor=lead)
    case = _case(category_id=late.pk)
    assert _texts(case, "en") == ["delivery", "general", "billing"]
    offers = reply_templates_for(case=case, language="en", agent=None)
    assert [offer.for_category for offer in offers] == [True, False, False]
