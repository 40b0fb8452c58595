"""Every console page and action refuses the wrong person and changes nothing for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from patronage.care.compensation import CompensationInput, compensation_give
from patronage.care.models import Case, CaseAttachment, CaseEntry, Compensation, ReplyTemplate
from patronage.care.permissions import CARE_MANAGE, CASES_LEAD, CASES_WORK
from patronage.care.services import CaseInput, case_open
from patronage.core.apikeys import apikey_create
from patronage.core.models import AuditEntry, User
from patronage.core.permissions import AUDIT_VIEW, STAFF_MANAGE
from patronage.members.models import Member, TimelineEvent
from patronage.members.permissions import (
    MEMBERS_EDIT,
    MEMBERS_EXPORT,
    MEMBERS_MERGE,
    MEMBERS_PRIVACY,
    MEMBERS_VIEW,
)


@dataclass(frozen=True)
class Endpoint:
    url_name: str
    method: str
    permission: str
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda _targets: {}
    query: str = ""

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url_name}"


def _member(targets: dict[str, Any]) -> dict[str, Any]:
    return {"member_id": targets["alice"].pk}


def _case(targets: dict[str, Any]) -> dict[str, Any]:
    return {"reference": targets["case"].reference}


def _attachment(targets: dict[str, Any]) -> dict[str, Any]:
    return {**_case(targets), "attachment_id": targets["attachment"].pk}


def _compensation(targets: dict[str, Any]) -> dict[str, Any]:
    return {**_case(targets), "compensation_id": targets["compensation"].pk}


_PAIR = "first={alice}&second={bob}"

ENDPOINTS = [
    Endpoint("console:home", "get", MEMBERS_VIEW),
    Endpoint("console:customers", "get", MEMBERS_VIEW),
    Endpoint("console:customers_export", "post", MEMBERS_EXPORT),
    Endpoint("console:customer", "get", MEMBERS_VIEW, _member),
    Endpoint("console:customer_timeline", "get", MEMBERS_VIEW, _member),
    Endpoint("console:customer_edit", "get", MEMBERS_EDIT, _member),
    Endpoint("console:customer_edit", "post", MEMBERS_EDIT, _member),
    Endpoint("console:customer_note_add", "post", MEMBERS_EDIT, _member),
    Endpoint("console:customer_tags", "post", MEMBERS_EDIT, _member),
    Endpoint("console:customer_manager", "post", MEMBERS_EDIT, _member),
    Endpoint("console:customer_identity_add", "post", MEMBERS_EDIT, _member),
    Endpoint("console:customer_consent", "post", MEMBERS_EDIT, _member),
    Endpoint("console:customer_export", "post", MEMBERS_PRIVACY, _member),
    Endpoint("console:customer_erase", "get", MEMBERS_PRIVACY, _member),
    Endpoint("console:customer_erase", "post", MEMBERS_PRIVACY, _member),
    Endpoint("console:duplicates", "get", MEMBERS_MERGE),
    Endpoint("console:duplicates_dismiss", "post", MEMBERS_MERGE),
    Endpoint("console:merge", "get", MEMBERS_MERGE, query=_PAIR),
    Endpoint("console:merge", "post", MEMBERS_MERGE, query=_PAIR),
    Endpoint("console:audit", "get", AUDIT_VIEW),
    Endpoint("console:staff", "get", STAFF_MANAGE),
    Endpoint("console:staff_groups", "get", STAFF_MANAGE, lambda targets: {"user_id": targets["agent"].pk}),
    Endpoint("console:staff_groups", "post", STAFF_MANAGE, lambda targets: {"user_id": targets["agent"].pk}),
    Endpoint("console:apikeys", "get", STAFF_MANAGE),
    Endpoint("console:apikey_create", "post", STAFF_MANAGE),
    Endpoint("console:apikey_revoke", "post", STAFF_MANAGE, lambda targets: {"key_id": targets["key"].pk}),
    Endpoint("console:cases", "get", CASES_WORK),
    Endpoint("console:case_new", "get", CASES_WORK),
    Endpoint("console:case_new", "post", CASES_WORK),
    Endpoint("console:case", "get", CASES_WORK, _case),
    Endpoint("console:case_move", "post", CASES_WORK, _case),
    Endpoint("console:case_reply", "post", CASES_WORK, _case),
    Endpoint("console:case_note", "post", CASES_WORK, _case),
    Endpoint("console:case_attachment", "get", CASES_WORK, _attachment),
    Endpoint("console:case_merge", "post", CASES_WORK, _case),
    Endpoint("console:case_compensate", "post", CASES_WORK, _case),
    Endpoint("console:case_compensation_decide", "post", CASES_LEAD, _compensation),
    Endpoint("console:case_assign", "post", CASES_WORK, _case),
    Endpoint("console:case_follow_up", "post", CASES_WORK, _case),
    Endpoint("console:care_reply_templates", "get", CARE_MANAGE),
    Endpoint("console:care_reply_template_create", "get", CARE_MANAGE),
    Endpoint("console:care_reply_template_create", "post", CARE_MANAGE),
    *(
        Endpoint(
            name, method, CARE_MANAGE, lambda targets: {"reply_template_id": targets["reply_template"].pk}
        )
        for name, method in (
            ("console:care_reply_template", "get"),
            ("console:care_reply_template", "post"),
            ("console:care_reply_template_active", "post"),
        )
    ),
]

# What a legitimate user would send; the refused user sends the same and must change nothing.
VALID_POST = {
    "body": "Called about a refund",
    "tags": "vip",
    "kind": "phone",
    "value": "+82 10 1234 5678",
    "purpose": "sms_marketing",
    "granted": "yes",
    "method": "phone",
    "reason": "request DSR-1",
    "survivor": "first",
    "name": "Mallory",
    "scopes": ["members:read"],
    "locale": "en",
    "time_zone": "UTC",
    "groups": [],
    "type": "complaint",
    "channel": "phone",
    "summary": "Rude driver",
    "severity": "minor",
    "contact_email": "walkin@example.com",
    "to": "listening",
    "approve": "yes",
    "idempotency_key": "refused-1",
}


@pytest.fixture
def targets(alice: Member, bob: Member, agent: User) -> dict[str, Any]:
    key, _plain = apikey_create(name="shop", scopes=["members:read"], actor=None)
    case = case_open(
        data=CaseInput(type="complaint", channel="web_form", summary="Scratched", member=alice)
    ).case
    compensation = compensation_give(
        case=case,
        data=CompensationInput(kind="refund", value="50000", idempotency_key="access", ask_approval=True),
        actor=agent,
    ).compensation
    return {
        "alice": alice,
        "bob": bob,
        "key": key,
        "agent": agent,
        "case": case,
        "compensation": compensation,
        "attachment": CaseAttachment.objects.create(
            case=case,
            path="care/x.txt",
            name="x.txt",
            content_type="text/plain",
            size=1,
            created_at=case.created_at,
        ),
        "reply_template": ReplyTemplate.objects.create(
            name="Sorry", body="Sorry", updated_at=case.created_at
        ),
    }


def _call(client, endpoint: Endpoint, targets: dict[str, Any]):
    url = reverse(endpoint.url_name, kwargs=endpoint.kwargs(targets))
    if endpoint.query:
        url += "?" + endpoint.query.format(alice=targets["alice"].pk, bob=targets["bob"].pk)
    data = dict(VALID_POST, first=targets["alice"].pk, second=targets["bob"].pk)
    return client.post(url, data) if endpoint.method == "post" else client.get(url)


def _state() -> tuple[Any, ...]:
    members = list(Member.objects.order_by("pk").values_list("pk", "name", "status"))
    memberships = list(User.groups.through.objects.order_by("pk").values_list("user_id", "group__name"))
    cases = list(Case.objects.order_by("pk").values_list("pk", "status", "assignee_id"))
    compensations = list(Compensation.objects.order_by("pk").values_list("pk", "status"))
    return (
        AuditEntry.objects.count(),
        TimelineEvent.objects.count(),
        members,
        memberships,
        cases,
        CaseEntry.objects.count(),
        compensations,
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_anonymous_visitor_is_sent_to_the_login(client, targets, endpoint):
    response = _call(client, endpoint, targets)
    assert response.status_code == 302
    assert response.url.startswith(reverse("console:login") + "?next=/console/")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_member_is_refused_and_changes_nothing(client_as, targets, endpoint):
    before = _state()
    response = _call(client_as(targets["bob"].user), endpoint, targets)
    assert response.status_code == 403
    assert "staff accounts only" in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.permission != MEMBERS_VIEW], ids=str)
def test_staff_without_the_permission_is_refused_and_changes_nothing(
    client_as, staff_without, targets, endpoint
):
    user = staff_without(endpoint.permission)
    before = _state()
    response = _call(client_as(user), endpoint, targets)
    assert response.status_code == 403
    assert "does not include this page" in response.content.decode()
    assert _state() == before


def test_an_analyst_cannot_add_a_note(client_as, analyst, alice):
    response = client_as(analyst).post(reverse("console:customer_note_add", args=[alice.pk]), {"body": "Hi"})
    assert response.status_code == 403
    assert not alice.notes.exists()


@pytest.mark.parametrize(
    ("method", "url_name", "with_member"),
    [
        ("post", "console:customer_erase", True),
        ("post", "console:customer_export", True),
        ("get", "console:audit", False),
        ("get", "console:apikeys", False),
    ],
)
def test_a_service_agent_cannot_erase_export_read_the_audit_log_or_see_api_keys(
    client_as, agent, alice, method, url_name, with_member
):
    url = reverse(url_name, args=[alice.pk] if with_member else [])
    response = getattr(client_as(agent), method)(url, {"reason": "DSR-1"} if method == "post" else None)
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.name == "Alice Kim"


def test_the_navigation_shows_only_what_the_role_may_open(client_as, agent, admin):
    agent_page = client_as(agent).get(reverse("console:home")).content.decode()
    assert reverse("console:customers") in agent_page
    for hidden in ("console:audit", "console:apikeys", "console:duplicates", "console:imports"):
        assert f'href="{reverse(hidden)}"' not in agent_page
    admin_page = client_as(admin).get(reverse("console:home")).content.decode()
    for shown in ("console:audit", "console:apikeys", "console:duplicates", "console:imports"):
        assert f'href="{reverse(shown)}"' in admin_page
