"""The segments pages: a program manager builds "Seoul customers who bought at least twice" with the builder's
form and sees it listed with its count; a bad condition is named by its row and the rules come back as sent;
the live count answers as the rules change; a segment others are built on is not retired; a static list's
upload names each line no customer matches. An analyst reads it all and changes nothing; nobody without the
right to see segments sees any of it, and a customer's login never reaches it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from patronage.conftest import program_launched
from patronage.core import clock
from patronage.loyalty.models import Program
from patronage.loyalty.services.orders import TransactionInput
from patronage.loyalty.services.transactions import transaction_record
from patronage.members.models import Member
from patronage.segments.models import Segment, SegmentMember
from patronage.segments.services import SegmentInput, segment_create

from .conftest import page_text

pytestmark = pytest.mark.django_db

SEOUL_BUYERS = {
    "all": [
        {"field": "city", "op": "eq", "value": "Seoul"},
        {"field": "purchase_count", "op": "gte", "value": 2},
    ]
}


@pytest.fixture
def buy(db: None) -> Callable[[Member, str], Any]:
    """Records a purchase through the loyalty engine, as a till would send it."""
    program = program_launched(Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW"))
    counter = iter(range(1, 10_000))

    def purchase(member: Member, amount: str) -> Any:
        data = TransactionInput(
            kind="purchase",
            external_id=f"T-{next(counter)}",
            member=member,
            amount=Decimal(amount),
            currency="KRW",
            occurred_at=clock.now(),
        )
        return transaction_record(program=program, data=data)

    return purchase


def _segment(code: str, rules: Any = None, **extra: Any) -> Segment:
    return segment_create(
        data=SegmentInput(code=code, name=code.replace("-", " ").title(), rules=rules, **extra), actor=None
    )


@pytest.fixture
def seoul(alice: Member, bob: Member) -> Segment:
    return _segment("seoul", {"all": [{"field": "city", "op": "eq", "value": "Seoul"}]})


@pytest.fixture
def vip_list(db: None) -> Segment:
    return _segment("vip-list", kind="static")


def _builder_post(**fields: Any) -> dict[str, Any]:
    rules = fields.pop("rules", SEOUL_BUYERS)
    return {
        "code": "seoul-buyers",
        "name": "Seoul customers who bought at least twice",
        "description": "For the Gangnam store opening.",
        "kind": "rules",
        "rules": rules if isinstance(rules, str) else json.dumps(rules),
        **fields,
    }


def _pages(segment: Segment, static: Segment) -> list[tuple[str, str, dict[str, Any]]]:
    """Every page and action, with what a request to it sends."""
    return [
        ("get", reverse("console:segment_list"), {}),
        ("get", reverse("console:segment_detail", args=[segment.code]), {}),
        ("get", reverse("console:segment_new"), {}),
        ("post", reverse("console:segment_new"), _builder_post()),
        ("get", reverse("console:segment_edit", args=[segment.code]), {}),
        ("post", reverse("console:segment_edit", args=[segment.code]), _builder_post(code=segment.code)),
        ("post", reverse("console:segment_preview"), {"rules": json.dumps(SEOUL_BUYERS)}),
        ("post", reverse("console:segment_retire", args=[segment.code]), {"active": "0"}),
        (
            "post",
            reverse("console:segment_list_upload", args=[static.code]),
            {"file": SimpleUploadedFile("list.csv", b"alice@example.com\n")},
        ),
        ("post", reverse("console:segment_selection_add"), {"segment": static.code, "member": ["1"]}),
        (
            "post",
            reverse("console:segment_treatment", args=[segment.code]),
            {"welcome_subject": "Welcome", "welcome_body": "Glad to have you."},
        ),
    ]


def _send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    for value in data.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
    return getattr(client, method)(url, data)


def _unchanged(segment: Segment, static: Segment) -> None:
    segment.refresh_from_db()
    assert segment.active
    assert segment.name == "Seoul"
    assert (segment.welcome_body, segment.treatment_since) == ("", None)
    assert not Segment.objects.filter(code="seoul-buyers").exists()
    assert not SegmentMember.objects.filter(segment=static).exists()


# --- who may open what -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_console_login(client, seoul, vip_list):
    for method, url, data in _pages(seoul, vip_list):
        response = _send(client, method, url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("console:login")), url
    _unchanged(seoul, vip_list)


def test_a_customers_login_and_staff_without_the_right_to_see_segments_are_refused(
    client_as, seoul, vip_list, alice, agent
):
    for user in (alice.user, agent):
        client = client_as(user)
        for method, url, data in _pages(seoul, vip_list):
            assert _send(client, method, url, data).status_code == 403, (user, url)
    _unchanged(seoul, vip_list)


def test_an_analyst_reads_segments_but_builds_retires_and_uploads_nothing(
    client_as, analyst, seoul, vip_list
):
    client = client_as(analyst)
    pages = _pages(seoul, vip_list)
    for method, url, data in pages[:2]:
        assert _send(client, method, url, data).status_code == 200, url
    for method, url, data in pages[2:]:
        assert _send(client, method, url, data).status_code == 403, url
    _unchanged(seoul, vip_list)
    text = page_text(client.get(reverse("console:segment_detail", args=[seoul.code])))
    assert "Retire" not in text
    assert "Edit" not in text
    assert "New segment" not in page_text(client.get(reverse("console:segment_list")))


def test_the_navigation_shows_segments_to_those_who_may_see_them(client_as, analyst, agent):
    link = f'href="{reverse("console:segment_list")}"'
    assert link in client_as(analyst).get(reverse("console:home")).content.decode()
    assert link not in client_as(agent).get(reverse("console:home")).content.decode()


# --- the builder -------------------------------------------------------------------------------------------


def test_a_manager_builds_a_segment_and_sees_it_listed_with_its_count(client_as, manager, alice, bob, buy):
    for member in (alice, alice, bob, bob):
        buy(member, "30000")
    client = client_as(manager)
    form = client.get(reverse("console:segment_new"))
    assert form.status_code == 200
    assert 'id="segment-catalogue"' in form.content.decode()

    response = client.post(
        reverse("console:segment_new"), _builder_post(name_in_ko="두 번 이상 산 서울 고객")
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("console:segment_detail", args=["seoul-buyers"])
    segment = Segment.objects.get(code="seoul-buyers")
    assert segment.member_count == 1
    assert segment.name_translations == {"ko": "두 번 이상 산 서울 고객"}
    page = client.get(response["Location"])
    text = page_text(page)
    assert "City is Seoul and Number of purchases is at least 2" in text
    assert "Alice Kim" in text
    assert "Bob Tanaka" not in text
    assert reverse("console:customer", args=[alice.pk]) in page.content.decode()
    listed = page_text(client.get(reverse("console:segment_list")))
    assert "Seoul customers who bought at least twice Those who meet its rules 1 City is Seoul" in listed


def test_a_bad_condition_is_named_by_its_row_and_the_rules_come_back_as_sent(client_as, manager):
    rules = {
        "all": [
            {"field": "city", "op": "eq", "value": "Seoul"},
            {"field": "purchase_count", "op": "gte", "value": "twice"},
        ]
    }
    response = client_as(manager).post(reverse("console:segment_new"), _builder_post(rules=rules))

    assert response.status_code == 422
    assert "Row 2: must be a number" in page_text(response)
    html = response.content.decode()
    problems = json.loads(re.search(r'id="segment-rule-problems"[^>]*>(.*?)</script>', html, re.S)[1])
    assert problems == [{"path": "rules.all.1.value", "row": 2, "message": "must be a number"}]
    hidden = re.search(r'<input type="hidden" name="rules" value="([^"]*)"', html)[1]
    assert json.loads(unescape(hidden)) == rules
    assert not Segment.objects.exists()


def test_a_code_in_use_is_said_on_the_code_field(client_as, manager, seoul):
    response = client_as(manager).post(reverse("console:segment_new"), _builder_post(code="seoul"))
    assert response.status_code == 409
    html = response.content.decode()
    code_field = html[html.index('id="segment_code"') - 400 : html.index('id="segment_code"')]
    assert "a segment with the code &#x27;seoul&#x27; exists" in code_field


def test_editing_keeps_the_code_and_changes_the_rules(client_as, manager, seoul, alice, bob):
    response = client_as(manager).post(
        reverse("console:segment_edit", args=["seoul"]),
        _builder_post(
            code="other", name="Osaka", rules={"all": [{"field": "city", "op": "eq", "value": "Osaka"}]}
        ),
    )
    assert response.status_code == 302
    seoul.refresh_from_db()
    assert (seoul.code, seoul.name) == ("seoul", "Osaka")
    assert set(SegmentMember.objects.filter(segment=seoul).values_list("member", flat=True)) == {bob.pk}


def test_the_live_count_answers_with_the_count_and_a_sample_or_the_rows_problems(
    client_as, manager, alice, bob, buy
):
    buy(alice, "1000")
    buy(alice, "1000")
    client = client_as(manager)
    url = reverse("console:segment_preview")

    counted = client.post(url, {"rules": json.dumps(SEOUL_BUYERS)})
    assert counted.status_code == 200
    assert page_text(counted).startswith("1 customer matches now")
    assert reverse("console:customer", args=[alice.pk]) in counted.content.decode()

    wider = client.post(
        url, {"rules": json.dumps({"any": [{"field": "city", "op": "in", "value": ["Seoul", "Osaka"]}]})}
    )
    assert page_text(wider).startswith("2 customers match now")

    bad = {
        "all": [
            {"field": "city", "op": "eq", "value": "Seoul"},
            {"not": {"field": "age", "op": "gt", "value": "x"}},
        ]
    }
    refused = client.post(url, {"rules": json.dumps(bad)})
    assert "Row 2: must be a number" in page_text(refused)
    assert 'data-rule-path="rules.all.1.not.value"' in refused.content.decode()
    assert "match now" not in page_text(refused)

    assert "Add a condition" in page_text(client.post(url, {"rules": json.dumps({"all": []})}))
    # A crafted field nested past any rules is refused in words, not a server error.
    for deep in ("[" * 100_000, json.dumps(nested({"field": "city", "op": "eq", "value": "Seoul"}, 200))):
        too_deep = client.post(url, {"rules": deep})
        assert too_deep.status_code in (200, 422)
        assert "match now" not in page_text(too_deep)


def nested(rule: dict, depth: int) -> dict:
    for _level in range(depth):
        rule = {"not": rule}
    return rule


# --- a segment's page --------------------------------------------------------------------------------------


def test_a_segment_others_are_built_on_is_not_retired_and_says_why(client_as, manager, seoul):
    _segment("seoul-again", {"all": [{"field": "segment", "op": "eq", "value": "seoul"}]})
    client = client_as(manager)

    response = client.post(reverse("console:segment_retire", args=["seoul"]), {"active": "0"}, follow=True)

    assert "segments built on this one must be retired first: seoul-again" in page_text(response)
    seoul.refresh_from_db()
    assert seoul.active


def test_a_retired_segment_is_listed_only_when_asked_and_can_be_restored(client_as, manager, seoul, alice):
    client = client_as(manager)
    client.post(reverse("console:segment_retire", args=["seoul"]), {"active": "0"})
    seoul.refresh_from_db()
    assert (seoul.active, seoul.member_count) == (False, 0)
    assert "Seoul" not in page_text(client.get(reverse("console:segment_list")))
    assert "Seoul" in page_text(client.get(reverse("console:segment_list") + "?retired=1"))

    client.post(reverse("console:segment_retire", args=["seoul"]), {"active": "1"})
    seoul.refresh_from_db()
    assert (seoul.active, seoul.member_count) == (True, 1)


def test_a_static_lists_upload_names_the_lines_no_customer_matches(client_as, manager, vip_list, alice, bob):
    client = client_as(manager)
    url = reverse("console:segment_list_upload", args=[vip_list.code])
    bad = SimpleUploadedFile("list.csv", b"email\nalice@example.com\nnobody@example.com\n")

    refused = client.post(url, {"file": bad})

    assert refused.status_code == 422
    assert "line 3: no customer is 'nobody@example.com'" in page_text(refused)
    assert not SegmentMember.objects.filter(segment=vip_list).exists()

    client.post(url, {"file": SimpleUploadedFile("list.csv", b"alice@example.com\n")})
    client.post(url, {"file": SimpleUploadedFile("list.csv", b"CARD-0002\n")})
    assert set(SegmentMember.objects.filter(segment=vip_list).values_list("member", flat=True)) == {
        alice.pk,
        bob.pk,
    }
    client.post(url, {"file": SimpleUploadedFile("list.csv", b"CARD-0002\n"), "replace": "on"})
    assert set(SegmentMember.objects.filter(segment=vip_list).values_list("member", flat=True)) == {bob.pk}


def test_the_customer_page_lists_the_segments_the_customer_is_in_for_those_who_may_see_them(
    client_as, manager, agent, seoul, alice
):
    url = reverse("console:customer", args=[alice.pk])
    shown = client_as(manager).get(url)
    assert 'id="customer-segments"' in shown.content.decode()
    assert reverse("console:segment_detail", args=["seoul"]) in shown.content.decode()
    hidden = client_as(agent).get(url)
    assert hidden.status_code == 200
    assert 'id="customer-segments"' not in hidden.content.decode()


# --- the treatment -----------------------------------------------------------------------------------------


def test_a_manager_gives_a_segment_its_welcome_and_is_shown_a_half_written_one(client_as, manager, seoul):
    client = client_as(manager)
    url = reverse("console:segment_treatment", args=[seoul.code])

    refused = client.post(url, {"welcome_subject": "Welcome, Seoul", "welcome_body": ""})
    assert refused.status_code == 400
    assert "write the welcome message, or leave the subject empty" in page_text(refused)

    saved = client.post(
        url, {"welcome_subject": "Welcome, Seoul", "welcome_body": "Our Seoul stores thank you."}
    )
    assert saved.status_code == 302
    text = page_text(client.get(saved["Location"]))
    assert "Welcome, Seoul" in text
    assert "no earn rule names this segment" in text
    seoul.refresh_from_db()
    assert seoul.treatment_since is not None


def test_the_bonus_points_link_opens_a_segment_rule_for_this_segment(client_as, manager, seoul):
    program = program_launched(Program.objects.create(code="hanbit", name="Hanbit Club", currency="KRW"))
    client = client_as(manager)
    detail = client.get(reverse("console:segment_detail", args=[seoul.code]))
    link = f"{reverse('console:loyalty_rule_create', args=[program.code])}?segment={seoul.code}"
    assert link in detail.content.decode()

    form = client.get(link).content.decode()
    assert 'value="segment" checked' in form or 'value="segment" selected' in form
    assert f'<option value="{seoul.code}" selected>' in form


# --- a selection in the customer list ----------------------------------------------------------------------


def test_a_manager_ticks_customers_in_the_customer_list_and_adds_them_to_a_list(
    client_as, manager, analyst, vip_list, alice, bob
):
    client = client_as(manager)
    listing = client.get(reverse("console:customers")).content.decode()
    assert 'id="list-add"' in listing
    assert f'value="{alice.pk}" form="list-add"' in listing
    assert 'id="list-add"' not in client_as(analyst).get(reverse("console:customers")).content.decode()

    added = client.post(
        reverse("console:segment_selection_add"), {"segment": "vip-list", "member": [alice.pk, bob.pk]}
    )

    assert added["Location"] == reverse("console:segment_detail", args=["vip-list"])
    assert "2 customers added to the list." in page_text(client.get(added["Location"]))
    assert set(SegmentMember.objects.filter(segment=vip_list).values_list("member_id", flat=True)) == {
        alice.pk,
        bob.pk,
    }


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        ({"segment": "vip-list"}, "Tick at least one customer in the list."),
        (
            {"segment": "vip-list", "member": ["x"]},
            "The ticked customers could not be read: tick them again.",
        ),
        ({"segment": "seoul", "member": ["1"]}, "Select a valid choice."),
        ({"segment": "vip-list", "member": ["999999"]}, "no active customer has the number 999999"),
    ],
)
def test_a_selection_that_cannot_be_added_says_why_and_changes_nothing(
    client_as, manager, vip_list, seoul, sent, said
):
    client = client_as(manager)
    refused = client.post(reverse("console:segment_selection_add"), sent)
    assert refused["Location"] == reverse("console:customers")
    assert said in page_text(client.get(refused["Location"]))
    assert not SegmentMember.objects.filter(segment=vip_list).exists()
