"""A person's cases under their rights: erased with them, exported to them, following a merge."""

from __future__ import annotations

import pytest

from patronage.care.models import Case, EntryKind
from patronage.care.services import CaseInput, case_open, case_reply
from patronage.core.models import User
from patronage.members.models import Member
from patronage.members.selectors import member_export_data
from patronage.members.services.merge import member_merge
from patronage.members.services.privacy import member_erase

pytestmark = pytest.mark.django_db


def _case(member: Member | None = None, contact_email: str = "", contact_name: str = "") -> Case:
    data = CaseInput(
        type="complaint",
        channel="web_form",
        summary="My sofa is scratched",
        member=member,
        contact_email=contact_email,
        contact_name=contact_name,
    )
    return case_open(data=data).case


def test_erasure_wipes_the_persons_words_and_their_link(alice: Member, admin: User):
    case = _case(alice)
    anonymous = _case(contact_email="alice@example.com", contact_name="A. Kim")
    case_reply(case=case, body="Sorry Alice, we will fix it.", actor=admin)
    token = case.access_token
    member_erase(member=alice, actor=admin, reason="asked to be forgotten")
    for erased in (case, anonymous):
        erased.refresh_from_db()
        assert (erased.summary, erased.description, erased.contact_email, erased.contact_name) == (
            "",
            "",
            "",
            "",
        )
        assert erased.type == "complaint"  # the service figures still count it
    assert case.access_token != token
    assert not Case.objects.filter(entries__body__icontains="Alice").exists()


def test_the_export_holds_the_persons_cases_and_the_answers_not_the_notes(alice: Member, admin: User):
    case = _case(alice)
    case_reply(case=case, body="We are sorry.", actor=admin)
    case.entries.create(kind=EntryKind.NOTE, at=case.created_at, body="internal: VIP, be generous")
    exported = member_export_data(member=alice)["cases"]
    texts = [m["text"] for m in exported[0]["messages"]]
    assert exported[0]["reference"] == case.reference
    assert "We are sorry." in texts
    assert not any("internal" in text for text in texts)


def test_a_merge_moves_the_duplicates_cases(alice: Member, bob: Member, admin: User):
    case = _case(bob)
    member_merge(survivor=alice, duplicate=bob, actor=admin)
    case.refresh_from_db()
    assert case.member == alice
