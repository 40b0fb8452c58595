"""Complaints by e-mail: a message opens a case; the customer's reply naming it is threaded onto it."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from patronage.care.models import Case, CaseChannel, CaseStatus, EntryKind
from patronage.care.services import case_move
from patronage.core.models import User
from patronage.members.models import Member
from patronage.messages.inbound_services import inbound_email_receive

pytestmark = pytest.mark.django_db


def _mail(*, sender: str, subject: str, text: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "care@hanbit.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(text)
    return message.as_bytes()


def test_an_email_opens_a_complaint_matched_to_the_member(alice: Member):
    email = inbound_email_receive(
        raw=_mail(
            sender="Alice Kim <Alice@Example.com>",
            subject="배송된 소파에 흠집이 있어요",
            text="어제 받은 소파 팔걸이에 긁힌 자국이 있습니다.",
            message_id="<sofa-1@mail.example.com>",
        )
    )
    case = Case.objects.get()
    assert email.handled_by.endswith("case_from_email")
    assert (case.channel, case.member, case.summary) == (
        CaseChannel.EMAIL,
        alice,
        "배송된 소파에 흠집이 있어요",
    )
    assert "긁힌 자국" in case.description


def test_the_customers_reply_is_threaded_without_the_quoted_history(alice: Member, agent: User):
    inbound_email_receive(
        raw=_mail(sender="alice@example.com", subject="Broken lamp", text="It flickers.", message_id="<a@x>")
    )
    case = Case.objects.get()
    case_move(case=case, to=CaseStatus.WAITING, actor=agent)
    reply = (
        f"Here is a photo.\n\nOn Mon, 9 Mar 2026 Hanbit wrote:\n> Could you send a photo?\n> {case.reference}"
    )
    inbound_email_receive(
        raw=_mail(
            sender="alice@example.com",
            subject=f"Re: Broken lamp ({case.reference})",
            text=reply,
            message_id="<b@x>",
        )
    )
    case.refresh_from_db()
    assert Case.objects.count() == 1
    assert case.status == CaseStatus.LISTENING  # the wait is over
    assert case.entries.filter(kind=EntryKind.REPLY_IN).get().body == "Here is a photo."


def test_a_stranger_naming_a_reference_opens_a_case_of_their_own(alice: Member, bob: Member):
    inbound_email_receive(
        raw=_mail(sender="alice@example.com", subject="Broken lamp", text="It flickers.", message_id="<a@x>")
    )
    first = Case.objects.get()
    inbound_email_receive(
        raw=_mail(
            sender="bob@example.com", subject=f"Re: {first.reference}", text="Me too.", message_id="<c@x>"
        )
    )
    assert Case.objects.count() == 2
    assert not first.entries.filter(kind=EntryKind.REPLY_IN).exists()
    assert Case.objects.exclude(pk=first.pk).get().member == bob


def test_an_out_of_office_reply_neither_reopens_nor_files_a_case(alice: Member, agent: User):
    inbound_email_receive(
        raw=_mail(sender="alice@example.com", subject="Broken lamp", text="It flickers.", message_id="<a@x>")
    )
    case = Case.objects.get()
    case_move(case=case, to=CaseStatus.WAITING, actor=agent)
    away = EmailMessage()
    away["From"] = "alice@example.com"
    away["Subject"] = f"Out of office: Re: Broken lamp ({case.reference})"
    away["Message-ID"] = "<ooo@x>"
    away["Auto-Submitted"] = "auto-replied"
    away.set_content("I am away until Monday.")
    email = inbound_email_receive(raw=away.as_bytes())
    case.refresh_from_db()
    assert email.handled_by == ""
    assert case.status == CaseStatus.WAITING
    assert Case.objects.count() == 1
