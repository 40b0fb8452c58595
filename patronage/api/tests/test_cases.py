"""The cases API as a call-centre or chat system uses it: file, follow, move, reply, compensate."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from patronage.care.models import Case, CaseStatus
from patronage.core.apikeys import apikey_create
from patronage.core.models import User
from patronage.loyalty.models import LedgerEntry, Program
from patronage.members.models import Member
from patronage.messages.models import Message

SEOUL = ZoneInfo("Asia/Seoul")
MONDAY_9 = datetime(2026, 3, 9, 9, 0, tzinfo=SEOUL)
COMPLAINT = {"type": "complaint", "channel": "chat", "summary": "The lamp arrived broken"}


@pytest.fixture
def care(api_client, db) -> Client:
    return api_client("care:read", "care:write")


def _file(client: Client, **fields: object) -> dict:
    response = client.post("/api/v1/cases", {**COMPLAINT, **fields}, content_type="application/json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_case_is_filed_with_its_reference_status_and_targets(care, alice: Member):
    with time_machine.travel(MONDAY_9, tick=False):
        case = _file(care, member=alice.pk, external_id="chat-881")
    assert case["reference"].startswith("C-2026-")
    assert case["status"] == "acknowledged"
    legs = {leg["kind"]: leg for leg in case["legs"]}
    assert set(legs) == {"first_response", "resolution"}
    assert all(leg["due_at"] for leg in legs.values())
    assert "listening" in case["allowed_moves"]
    assert Message.objects.filter(kind="case_acknowledged", member=alice).exists()


def test_the_same_external_id_answers_the_first_case(care, alice: Member):
    first = _file(care, member=alice.pk, external_id="chat-881")
    again = care.post(
        "/api/v1/cases",
        {**COMPLAINT, "member": alice.pk, "external_id": "chat-881"},
        content_type="application/json",
    )
    assert again.status_code == 200
    assert again.json()["reference"] == first["reference"]
    assert Case.objects.count() == 1


def test_a_case_needs_someone_to_answer(care):
    response = care.post("/api/v1/cases", COMPLAINT, content_type="application/json")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"contact_email"}
    assert not Case.objects.exists()


def test_an_unknown_category_is_not_found(care, alice: Member):
    response = care.post(
        "/api/v1/cases", {**COMPLAINT, "member": alice.pk, "category": 999}, content_type="application/json"
    )
    assert response.status_code == 404
    assert "category" in response.json()["detail"]


def test_an_illegal_move_is_409_naming_the_moves_allowed(care, alice: Member):
    reference = _file(care, member=alice.pk)["reference"]
    response = care.post(
        f"/api/v1/cases/{reference}/transitions", {"to": "promised"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert "solution proposed" in response.json()["detail"]
    moved = care.post(
        f"/api/v1/cases/{reference}/transitions",
        {"to": "proposed", "solution": "A new lamp by courier"},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert moved.json()["status"] == "proposed"


def test_replies_both_ways(care, alice: Member):
    reference = _file(care, member=alice.pk)["reference"]
    agent = care.post(
        f"/api/v1/cases/{reference}/replies", {"body": "Sorry! A photo?"}, content_type="application/json"
    )
    assert agent.status_code == 201
    first = next(leg for leg in agent.json()["legs"] if leg["kind"] == "first_response")
    assert first["met_at"] is not None
    customer = care.post(
        f"/api/v1/cases/{reference}/replies",
        {"body": "Here it is", "author": "customer"},
        content_type="application/json",
    )
    assert any(leg["kind"] == "next_response" for leg in customer.json()["legs"])


def test_a_duplicate_is_merged_into_the_case_that_carries_on(care, alice: Member, bob: Member):
    first = _file(care, member=alice.pk)["reference"]
    duplicate = _file(care, member=alice.pk, channel="email")["reference"]

    merged = care.post(
        f"/api/v1/cases/{duplicate}/merge", {"into": first.lower()}, content_type="application/json"
    )

    assert merged.status_code == 200
    assert merged.json()["reference"] == first
    again = care.get(f"/api/v1/cases/{duplicate}").json()
    assert (again["status"], again["merged_into"]) == ("merged", first)
    unknown = care.post(
        f"/api/v1/cases/{first}/merge", {"into": "C-2026-999999"}, content_type="application/json"
    )
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (404, "into")
    other = _file(care, member=bob.pk)["reference"]
    refused = care.post(f"/api/v1/cases/{other}/merge", {"into": first}, content_type="application/json")
    assert refused.status_code == 409
    assert "two customers' cases" in refused.json()["detail"]


def test_compensation_over_the_keys_owner_limit_is_403_or_waits(alice: Member, agent: User, db):
    Program.objects.create(code="club", name="Club", currency="KRW")
    _key, plain = apikey_create(name="call centre", scopes=["care:read", "care:write"], actor=agent)
    client = Client(headers={"Authorization": f"Bearer {plain}"})
    reference = _file(client, member=alice.pk)["reference"]
    url = f"/api/v1/cases/{reference}/compensations"
    big = {"kind": "points", "value": "50000", "points": 5000, "idempotency_key": "goodwill-1"}
    refused = client.post(url, big, content_type="application/json")
    assert refused.status_code == 403
    assert "20,000 KRW" in refused.json()["detail"]
    waiting = client.post(url, {**big, "request_approval": True}, content_type="application/json")
    assert waiting.status_code == 202
    assert waiting.json()["status"] == "awaiting"
    small = {"kind": "points", "value": "5000", "points": 500, "idempotency_key": "goodwill-2"}
    given = client.post(url, small, content_type="application/json")
    again = client.post(url, small, content_type="application/json")
    assert (given.status_code, again.status_code) == (201, 200)
    assert LedgerEntry.objects.filter(cause_type="case", cause_id=reference).count() == 1


def test_points_for_a_case_without_a_customer_conflict(care, db):
    Program.objects.create(code="club", name="Club", currency="KRW")
    reference = _file(care, contact_email="walk-in@example.com")["reference"]
    response = care.post(
        f"/api/v1/cases/{reference}/compensations",
        {"kind": "points", "value": "1000", "points": 100, "idempotency_key": "k"},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_the_list_filters_by_member_status_and_breach(care, alice: Member, bob: Member):
    with time_machine.travel(MONDAY_9, tick=False):
        late = _file(care, member=alice.pk)["reference"]
        _file(care, member=bob.pk)
    with time_machine.travel(datetime(2026, 3, 12, 9, 0, tzinfo=SEOUL), tick=False):
        from patronage.care.sweep import sla_sweep

        sla_sweep()
        Case.objects.exclude(reference=late).update(status=CaseStatus.CLOSED)
        mine = care.get(f"/api/v1/cases?member={alice.pk}").json()["items"]
        breached = care.get("/api/v1/cases?breached=true").json()["items"]
        open_cases = care.get("/api/v1/cases?open=true").json()["items"]
    assert [c["reference"] for c in mine] == [late]
    assert len(breached) == 2
    assert [c["reference"] for c in open_cases] == [late]


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("get", "/api/v1/cases", "care:read"),
        ("get", "/api/v1/cases/C-2026-000001", "care:read"),
        ("post", "/api/v1/cases", "care:write"),
        ("post", "/api/v1/cases/C-2026-000001/transitions", "care:write"),
        ("post", "/api/v1/cases/C-2026-000001/replies", "care:write"),
        ("post", "/api/v1/cases/C-2026-000001/notes", "care:write"),
        ("post", "/api/v1/cases/C-2026-000001/compensations", "care:write"),
        ("post", "/api/v1/cases/C-2026-000001/merge", "care:write"),
    ],
)
def test_each_endpoint_needs_its_scope(
    api_client, client_as, analyst: User, method: str, path: str, scope: str
):
    assert getattr(Client(), method)(path).status_code == 401
    wrong = api_client("members:read")
    assert getattr(wrong, method)(path, {}, content_type="application/json").status_code == 403
    # A person logged in to the console needs the right to work cases: an analyst has none.
    assert getattr(client_as(analyst), method)(path, {}, content_type="application/json").status_code == 403


def test_a_notice_is_recorded_sent_and_counted(care, alice: Member, bob: Member):
    created = care.post(
        "/api/v1/notices",
        {
            "kind": "delay",
            "title": "Deliveries are two days late",
            "message": "Sorry.",
            "members": [alice.pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    notice = created.json()
    assert (notice["status"], notice["touched"]) == ("draft", 0)
    sent = care.post(f"/api/v1/notices/{notice['id']}/send")
    assert sent.status_code == 202
    assert sent.json()["status"] == "sending"
    from patronage.care.notices import notices_send

    notices_send()
    read = care.get(f"/api/v1/notices/{notice['id']}").json()
    assert (read["status"], read["touched"], read["told"]) == ("sent", 1, 1)
    assert care.get("/api/v1/notices/999").status_code == 404


def test_a_notice_without_anyone_to_tell_is_refused(care):
    response = care.post(
        "/api/v1/notices", {"title": "Outage", "message": "Sorry."}, content_type="application/json"
    )
    assert response.status_code == 422
