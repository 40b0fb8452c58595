"""The customer file's business events reach the outbox with their change, once, and name no one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from patronage.core.errors import Conflict
from patronage.core.models import OutboxEvent
from patronage.members.imports import customers as customers_import
from patronage.members.imports import import_job_run, import_job_start
from patronage.members.models import Member
from patronage.members.services import (
    IdentityInput,
    consent_set,
    member_create,
    member_erase,
    member_merge,
    member_signup,
    member_update,
)
from patronage.members.services import files as files_service

# The phone's digits are checked as a run of eight, which no timestamp or id in a payload can hold
# (a bare "5555" once matched the microseconds of an event's time).
PERSONAL = (
    "Alice",
    "Kim",
    "alice@example.com",
    "Seoul",
    "Busan",
    "5555-1234",
    "55551234",
    "one@example.com",
    "One",
)


def payloads(topic: str) -> list[dict[str, Any]]:
    return [event.payload for event in OutboxEvent.objects.filter(topic=topic)]


def assert_no_personal_data(payload: dict[str, Any]) -> None:
    text = json.dumps(payload)
    assert not {"name", "email", "phone", "address", "city", "birth_date", "code"} & set(payload)
    for value in PERSONAL:
        assert value not in text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _create(email: str = "alice@example.com", phone: str = "010-5555-1234") -> Member:
    return member_create(
        actor=None,
        identities=[IdentityInput("email", email), IdentityInput("phone", phone)],
        profile={"name": "Alice Kim", "city": "Seoul"},
        source="api",
    )


def test_opening_a_file_publishes_member_created_without_personal_data(db):
    member = _create()

    [payload] = payloads("member.created")
    assert payload["member"] == member.pk
    assert payload["source"] == "api"
    assert_no_personal_data(payload)


def test_a_retried_creation_writes_no_second_event(db):
    _create()
    with pytest.raises(Conflict):
        _create()  # the API's retry: the e-mail already belongs to the first file

    assert len(payloads("member.created")) == 1


def test_a_creation_that_rolls_back_publishes_nothing(db, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(files_service, "audit_change", fail)
    with pytest.raises(RuntimeError):
        _create()

    assert not Member.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_a_portal_sign_up_publishes_member_created(db):
    member = member_signup(
        email="alice@example.com", password="long-enough-pass-1", name="Alice Kim", locale="en", consents={}
    )

    [payload] = payloads("member.created")
    assert (payload["member"], payload["source"]) == (member.pk, "portal")
    assert_no_personal_data(payload)


def test_a_profile_change_names_its_fields_not_their_values_once(db):
    member = _create()

    member_update(member=member, actor=None, profile={"city": "Busan"}, identities=[])
    member_update(member=member, actor=None, profile={"city": "Busan"}, identities=[])  # a retry: no change

    [payload] = payloads("member.updated")
    assert payload == {"member": member.pk, "fields": ["city"], "at": payload["at"]}
    assert_no_personal_data(payload)


def test_a_profile_change_that_rolls_back_publishes_nothing(db, monkeypatch):
    member = _create()

    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(files_service, "audit_change", fail)
    with pytest.raises(RuntimeError):
        member_update(member=member, actor=None, profile={"city": "Busan"})

    assert payloads("member.updated") == []


def test_a_consent_change_is_an_update_of_consents_and_a_repeat_is_none(db):
    member = _create()

    consent_set(member=member, actor=None, purpose="email_marketing", granted=True, method="api")
    consent_set(member=member, actor=None, purpose="email_marketing", granted=True, method="api")

    assert [p["fields"] for p in payloads("member.updated")] == [["consents"]]


def test_a_merge_says_which_file_went_into_which_once(db):
    survivor, duplicate = _create(), _create("alice.kim@example.com", "010-5555-9876")

    member_merge(survivor=survivor, duplicate=duplicate, actor=None)
    with pytest.raises(Conflict):
        member_merge(survivor=survivor, duplicate=duplicate, actor=None)  # the duplicate is closed now

    [payload] = payloads("member.merged")
    assert (payload["member"], payload["duplicate"]) == (survivor.pk, duplicate.pk)


def test_an_erasure_publishes_the_id_alone_once_and_no_earlier_event_names_the_person(db):
    member = _create()
    member_update(member=member, actor=None, profile={"city": "Busan"})

    member_erase(member=member, actor=None, reason="request 42")
    member_erase(member=member, actor=None, reason="request 42")  # a repeated request

    [payload] = payloads("member.erased")
    assert payload == {"member": member.pk, "at": payload["at"]}
    for event in OutboxEvent.objects.all():
        assert event.payload["member"] == member.pk
        assert_no_personal_data(event.payload)


GOOD = b"email,name,city\none@example.com,One,Seoul\ntwo@example.com,Two,Seoul\n"


def _import(manager, content: bytes = GOOD):
    job = import_job_start(
        kind="customers", file_name="list.csv", content=content, actor=manager, enqueue=None
    )
    return import_job_run(job_id=job.pk)


def test_an_import_publishes_each_new_file_and_each_change_and_its_end(manager):
    first = _import(manager)
    created = payloads("member.created")
    assert sorted(p["member"] for p in created) == sorted(Member.objects.values_list("pk", flat=True))
    assert {p["source"] for p in created} == {"import"}

    again = _import(manager, b"email,name,city\none@example.com,One,Busan\ntwo@example.com,Two,Seoul\n")

    assert len(payloads("member.created")) == 2
    [updated] = payloads("member.updated")
    assert updated["fields"] == ["city"]
    finished = {p["import"]: p for p in payloads("import.finished")}
    assert finished[first.pk] | {"at": None} == {
        "import": first.pk,
        "kind": "customers",
        "status": "done",
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
        "at": None,
    }
    assert (finished[again.pk]["updated"], finished[again.pk]["unchanged"]) == (1, 1)
    for event in OutboxEvent.objects.all():
        assert_no_personal_data(event.payload)


def test_a_finished_import_run_again_publishes_nothing_more(manager):
    job = _import(manager)
    import_job_run(job_id=job.pk)

    assert len(payloads("import.finished")) == 1
    assert len(payloads("member.created")) == 2


def test_a_rejected_import_says_so_with_its_error_count(manager):
    _import(manager, b"email,name\nnot-an-address,One\n")

    [payload] = payloads("import.finished")
    assert (payload["status"], payload["errors"]) == ("rejected", 1)
    assert payloads("member.created") == []


def test_a_failed_import_writes_no_member_event_and_says_it_failed(manager, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(customers_import.CustomerImporter, "_tags_save", explode)
    _import(manager)

    assert [p["status"] for p in payloads("import.finished")] == ["failed"]
    assert payloads("member.created") == []
