"""Pages show ledger causes, timeline events and audit entries as sentences, never as codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patronage.console.audit_words import action_words
from patronage.loyalty import services
from patronage.loyalty.models import Account, Reward
from patronage.members.services import member_update
from patronage.members.timeline_kinds import MERGED, NOTE_ADDED

from .conftest import page_text
from .loyalty_setup import catalogue_make, program_make, purchase


@pytest.fixture
def account(db, alice, agent):
    program = program_make()
    catalogue_make(program)
    purchase(program, alice, "500000", "APP-000000001")
    account = Account.objects.get(program=program, member=alice)
    services.points_adjust(
        account=account, points=50, reason="Welcome gift", idempotency_key="demo:portal-gift:1", actor=agent
    )
    services.points_redeem(
        account=account,
        points=300,
        idempotency_key="r1",
        actor=agent,
        reward=Reward.objects.get(program=program, code="tumbler"),
    )
    return account


def test_the_loyalty_tab_says_why_points_moved(client_as, agent, account, alice):
    text = page_text(client_as(agent).get(reverse("console:customer_loyalty", args=[alice.pk])))
    assert "Purchase APP-000000001" in text
    assert "Adjusted by hand: Welcome gift" in text
    assert "Redeemed for Steel tumbler" in text
    assert "demo:portal-gift:1" not in text
    assert "order " not in text.lower().split("ledger", 1)[1]


def test_the_audit_log_names_targets_and_changes(client_as, admin, agent, account, alice):
    alice.country = "KR"
    alice.save(update_fields=["country"])
    member_update(member=alice, actor=agent, profile={"country": "JP"})
    text = page_text(client_as(admin).get(reverse("console:audit")))
    assert "sam_agent adjusted +50 points: Welcome gift Alice Kim's Hanbit Club account" in text
    assert f"changed country from KR to JP customer #{alice.pk} Alice Kim" in text
    assert "loyalty.account#" not in text
    assert "['country']" not in text


def test_the_customer_timeline_reads_in_words(client_as, agent, account, alice):
    alice.country = "KR"
    alice.save(update_fields=["country"])
    member_update(member=alice, actor=agent, profile={"country": "JP"})
    text = page_text(client_as(agent).get(reverse("console:customer", args=[alice.pk])))
    assert "Profile changed · changed country from KR to JP" in text
    assert "500,000 KRW" in text
    assert "['country']" not in text


def test_an_unknown_action_still_reads_without_its_detail_codes():
    assert action_words("member.updated", {"fields": ["country", "email"]}) == "changed country and e-mail"
    assert action_words("something.new", {"x": 1}) == "something: new"


def test_a_merge_names_the_customer_merged_in():
    assert MERGED.words({"duplicate_id": 12}, "#12 Kim") == "Merged customer #12 into this file"
    assert MERGED.words({}, "#12 Kim") == "#12 Kim"


def test_a_note_shows_its_text_as_written():
    assert NOTE_ADDED.words({}, "Called about the late parcel") == "“Called about the late parcel”"
    assert NOTE_ADDED.words({}, "") == ""
