"""Duplicate cases merged into the one that carries on, and anonymous cases found by their member later."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine

from patronage.care.merging import case_merge, cases_match
from patronage.care.models import Case, CaseEntry, CaseStatus, EntryKind, LegKind
from patronage.care.services import CaseInput, case_customer_reply, case_move, case_open, case_reply
from patronage.care.sweep import sla_sweep
from patronage.core import clock
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import OutboxEvent
from patronage.members.models import Member, TimelineEvent
from patronage.members.services import identity_add

pytestmark = pytest.mark.django_db


def _complaint(member: Member | None = None, **fields: str) -> Case:
    data = CaseInput(
        type="complaint", channel="web_form", summary="The sofa arrived scratched", member=member
    )
    return case_open(data=replace(data, **fields)).case  # type: ignore[arg-type]


def test_the_duplicate_points_to_the_case_that_carries_on_and_its_clocks_stop(alice, agent):
    first = _complaint(alice)
    duplicate = _complaint(alice, summary="Scratches on my new sofa", channel="email")

    kept = case_merge(duplicate=duplicate, into=first, actor=agent, note="Same sofa")

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (CaseStatus.MERGED, first.pk)
    assert kept.pk == first.pk
    # Its targets neither count as answered nor fall due later.
    assert not duplicate.legs.filter(met_at__isnull=False).exists()
    assert not duplicate.legs.filter(due_at__isnull=False).exists()
    with time_machine.travel(clock.now() + timedelta(days=30), tick=False):
        sla_sweep()
    assert not duplicate.legs.filter(breached_at__isnull=False).exists()
    # Both cases say so: the agent on the one that carries on reads what the duplicate said.
    note = CaseEntry.objects.get(case=first, kind=EntryKind.MERGED)
    assert note.data == {"from": duplicate.reference, "summary": "Scratches on my new sofa"}
    assert CaseEntry.objects.get(case=duplicate, kind=EntryKind.MERGED).data == {"into": first.reference}
    assert TimelineEvent.objects.filter(member=alice, kind="case_status", data__to="merged").exists()
    assert OutboxEvent.objects.filter(
        topic="case.updated", payload__change__merged_into=first.reference
    ).exists()


def test_what_the_customer_writes_to_the_duplicate_lands_on_the_case_that_carries_on(alice, agent):
    first, duplicate = _complaint(alice), _complaint(alice)
    case_merge(duplicate=duplicate, into=first, actor=agent)

    entry = case_customer_reply(case=duplicate, body="Any news?")

    assert entry.case_id == first.pk
    assert first.legs.filter(kind=LegKind.NEXT_RESPONSE, met_at__isnull=True).exists()


def test_an_anonymous_case_merged_into_a_members_case_gives_the_member_its_contact(alice, agent):
    anonymous = _complaint(None, contact_email="kim.alice@elsewhere.example", contact_name="A. Kim")
    first = _complaint(alice)

    case_merge(duplicate=anonymous, into=first, actor=agent)

    first.refresh_from_db()
    assert first.member_id == alice.pk


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ("itself", "into", "into itself"),
        ("two_customers", "into", "two customers' cases"),
        ("closed", "into", "reopen it before merging"),
        ("merged", "case", "was already merged into"),
    ],
)
def test_a_merge_that_makes_no_sense_is_refused_and_changes_nothing(alice, bob, agent, change, field, words):
    duplicate, into = _complaint(alice), _complaint(alice)
    if change == "itself":
        into = duplicate
    elif change == "two_customers":
        into = _complaint(bob)
    elif change == "closed":
        into = case_move(case=into, to=CaseStatus.CLOSED, actor=agent)
    elif change == "merged":
        case_merge(duplicate=duplicate, into=_complaint(alice), actor=agent)
    before = {case.pk: case.status for case in Case.objects.all()}

    with pytest.raises((Conflict, ValidationFailed)) as refused:
        case_merge(duplicate=duplicate, into=into, actor=agent)

    assert refused.value.field == field
    assert words in refused.value.message
    assert {case.pk: case.status for case in Case.objects.all()} == before


def test_an_agent_cannot_answer_a_merged_case(alice, agent):
    first, duplicate = _complaint(alice), _complaint(alice)
    case_merge(duplicate=duplicate, into=first, actor=agent)

    with pytest.raises(Conflict):
        case_reply(case=duplicate, body="Hello", actor=agent)


def test_an_anonymous_case_is_filed_under_the_member_once_their_address_is_known(alice):
    case = _complaint(None, contact_email="alice.work@example.com", contact_name="Alice")
    assert cases_match().matched == 0  # nobody has that address yet

    identity_add(member=alice, actor=None, kind="email", value="alice.work@example.com")
    report = cases_match()

    case.refresh_from_db()
    assert (report.matched, case.member_id) == (1, alice.pk)
    assert CaseEntry.objects.filter(case=case, kind=EntryKind.MATCHED).count() == 1
    opened = TimelineEvent.objects.get(member=alice, kind="case_opened")
    assert (opened.data["reference"], opened.occurred_at) == (case.reference, case.created_at)
    assert cases_match().matched == 0  # matched once


def test_matching_by_phone_when_the_case_gave_only_a_phone(alice):
    case = _complaint(None, contact_phone="010-5555-0101")
    identity_add(member=alice, actor=None, kind="phone", value="010-5555-0101")

    cases_match()

    case.refresh_from_db()
    assert case.member_id == alice.pk


def test_a_strangers_phone_beside_another_e_mail_files_nothing_under_the_stranger(alice):
    """Anyone can type a stranger's number: the answers, with what the stranger's file says, would go to
    the e-mail given. A phone recognises a customer only when no e-mail was given."""
    identity_add(member=alice, actor=None, kind="phone", value="010-5555-0101")

    at_once = _complaint(None, contact_phone="010-5555-0101", contact_email="someone@else.example")
    cases_match()

    at_once.refresh_from_db()
    assert at_once.member_id is None
    assert _complaint(None, contact_phone="010-5555-0101").member_id == alice.pk
