"""Bounces: a mail server's delivery status notification (RFC 3464) handed over as an inbound e-mail marks
the message it returns as bounced, with the server's status and answer, in the delivery log and on the
member's timeline; a delay changes nothing; the same report twice changes nothing the second time; and no
other part of the product ever takes a report for a customer writing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import hypothesis
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import strategies as st

from patronage.members.models import Member, TimelineEvent
from patronage.members.services import member_erase
from patronage.members.timeline import kind_get
from patronage.messages import inbound_services
from patronage.messages.bounce_services import bounce_record
from patronage.messages.bounces import DeliveryReport, Recipient, delivery_report_parse
from patronage.messages.inbound_services import BOUNCES, inbound_email_receive
from patronage.messages.message_services import message_queue, messages_send_due
from patronage.messages.models import InboundEmail, Message, MessageStatus
from patronage.messages.tests.smtp import free_port
from patronage.messages.tests.test_inbound import mail

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "dsn"
NOW = datetime(2027, 3, 2, 3, 0, tzinfo=UTC)
TIER = {"program": "Hanbit Club", "tier": "Gold", "previous_tier": "Silver", "upgraded": True}
NOT_OURS = "<0101018e3a5f7c6d-2d6c1f8e-41b0-4d8e-a9d2-7e4b1a9c0f22-000000@us-west-2.amazonses.com>"


def dsn(name: str, *, address: str = "alice@example.com", message_id: str = NOT_OURS, copy: int = 0) -> bytes:
    """A report from tests/dsn/NAME.eml about `message_id` to `address`; `copy` > 0 gives the report a
    Message-ID of its own, as a server that reports the same failure again would."""
    text = (FIXTURES / f"{name}.eml").read_text(encoding="utf-8")
    text = text.replace("%ADDRESS%", address).replace("%MESSAGE_ID%", message_id)
    if copy:
        text = re.sub(r"^(Message-I[Dd]: <)", rf"\g<1>copy{copy}.", text, count=1, flags=re.M)
    return text.encode()


@pytest.fixture(autouse=True)
def _no_handlers(monkeypatch):
    monkeypatch.setattr(inbound_services, "_HANDLERS", [])


def sent(member: Member, key: str, *, at: datetime = NOW) -> Message:
    """A tier message to the member, sent at `at` (through the test outbox unless a test says otherwise)."""
    with time_machine.travel(at, tick=False):
        message = message_queue(kind="tier_changed", member=member, context=TIER, key=key)
        assert message is not None
        assert messages_send_due(limit=10) >= 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    return message


def receive(raw: bytes, *, at: datetime = NOW + timedelta(minutes=5)) -> InboundEmail:
    with time_machine.travel(at, tick=False):
        return inbound_email_receive(raw=raw)


# Reading a report (no database)


def test_a_postfix_bounce_names_the_failed_recipient_its_status_and_the_original_message():
    report = delivery_report_parse(dsn("postfix-bounce", message_id="<1.2.3@hanbit.example>"))

    assert report is not None
    assert report.original_message_id == "<1.2.3@hanbit.example>"
    assert report.bounced == (
        Recipient(
            address="alice@example.com",
            action="failed",
            status="5.1.1",
            diagnostic="550 5.1.1 <alice@example.com>: Recipient address rejected: "
            "User unknown in virtual mailbox table",
        ),
    )


def test_a_providers_bounce_reads_the_same_and_its_long_answer_is_shortened():
    report = delivery_report_parse(dsn("provider-bounce", address="Bob@Example.com"))

    assert report is not None
    assert report.original_message_id == NOT_OURS  # the provider sent it under its own Message-ID
    [bob] = report.bounced
    assert (bob.address, bob.status) == ("bob@example.com", "5.1.1")
    assert bob.diagnostic.startswith("550-5.1.1 The email account that you tried to reach does not exist.")
    assert len(bob.diagnostic) == 200
    assert bob.diagnostic.endswith("…")
    assert bob.reason == f"5.1.1: {bob.diagnostic}"


def test_a_delay_is_a_report_with_no_bounce_in_it():
    report = delivery_report_parse(dsn("postfix-delay"))

    assert report is not None
    assert [(r.address, r.action, r.status) for r in report.recipients] == [
        ("alice@example.com", "delayed", "4.4.1")
    ]
    assert report.bounced == ()


@pytest.mark.parametrize(
    ("action", "status", "bounced"),
    [
        ("failed", "5.1.1", True),
        ("Failed", "5.2.2 (mailbox full)", True),
        ("failed", "4.4.7", False),  # the server gave up on a transient error: not a permanent bounce
        ("delayed", "4.4.1", False),
        ("delivered", "2.0.0", False),
        ("failed", "", False),
    ],
)
def test_only_a_failure_with_a_permanent_status_is_a_bounce(action, status, bounced):
    raw = dsn("postfix-bounce").replace(b"Action: failed", f"Action: {action}".encode())
    raw = raw.replace(b"Status: 5.1.1", f"Status: {status}".encode())

    report = delivery_report_parse(raw)

    assert report is not None
    assert bool(report.bounced) is bounced


def test_an_internationalised_report_is_read_too():
    raw = dsn("postfix-bounce").replace(b"message/delivery-status", b"message/global-delivery-status")

    report = delivery_report_parse(raw)

    assert report is not None
    assert [r.address for r in report.bounced] == ["alice@example.com"]


def test_a_persons_e_mail_and_other_reports_are_not_delivery_reports():
    read_receipt = dsn("postfix-bounce").replace(
        b"report-type=delivery-status", b"report-type=disposition-notification"
    )
    read_receipt = read_receipt.replace(b"message/delivery-status", b"message/disposition-notification")

    assert delivery_report_parse(mail(text="Your last e-mail bounced, I think?")) is None
    assert delivery_report_parse(read_receipt) is None


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(
    name=st.sampled_from(["postfix-bounce", "provider-bounce", "postfix-delay"]),
    at=st.integers(min_value=0, max_value=4000),
    cut=st.integers(min_value=0, max_value=200),
    junk=st.binary(max_size=80),
)
def test_a_mangled_report_is_read_or_not_but_never_breaks_the_reading(name, at, cut, junk):
    raw = dsn(name)
    raw = raw[:at] + junk + raw[at + cut :]

    report = delivery_report_parse(raw)

    assert report is None or isinstance(report, DeliveryReport)


# Sending: every e-mail under a Message-ID of ours


def test_each_e_mail_goes_under_the_message_id_stored_on_its_message(alice, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Hanbit Coffee <news@hanbit.example>"
    message = sent(alice, "t1")

    assert re.fullmatch(r"<[^<>@\s]+@hanbit\.example>", message.message_id)
    assert mailoutbox[0].message()["Message-ID"] == message.message_id
    assert sent(alice, "t2").message_id != message.message_id


def test_a_retry_sends_the_same_message_id(alice, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody answers
    with time_machine.travel(NOW, tick=False):
        message = message_queue(kind="tier_changed", member=alice, context=TIER, key="t1")
        assert message is not None
        assert messages_send_due() == 0
    message.refresh_from_db()
    first = message.message_id

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        assert messages_send_due() == 1

    assert first
    assert mailoutbox[0].message()["Message-ID"] == first


# Matching a report to the message


def test_a_bounce_naming_our_message_id_bounces_that_message_and_no_other(alice):
    older = sent(alice, "t1")
    newer = sent(alice, "t2", at=NOW + timedelta(minutes=1))

    email = receive(dsn("postfix-bounce", message_id=older.message_id))

    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == MessageStatus.BOUNCED
    assert older.last_error == (
        "5.1.1: 550 5.1.1 <alice@example.com>: Recipient address rejected: "
        "User unknown in virtual mailbox table"
    )
    assert older.sent_at is not None  # it was sent: the server returned it
    assert newer.status == MessageStatus.SENT
    assert email.handled_by == BOUNCES
    assert email.member == alice  # the report is about her (her erasure scrubs it)


def test_a_bounce_without_our_message_id_bounces_the_last_message_sent_to_the_address(alice, bob):
    sent(bob, "b1")
    latest = sent(bob, "b2", at=NOW + timedelta(hours=1))
    to_alice = sent(alice, "a1", at=NOW + timedelta(hours=2))

    receive(dsn("provider-bounce", address="bob@example.com"), at=NOW + timedelta(hours=3))

    assert list(Message.objects.filter(status=MessageStatus.BOUNCED)) == [latest]
    latest.refresh_from_db()
    assert latest.last_error.startswith("5.1.1: 550-5.1.1 The email account that you tried to reach")
    to_alice.refresh_from_db()
    assert to_alice.status == MessageStatus.SENT


def test_a_bounce_by_address_only_reaches_back_seven_days(alice):
    old = sent(alice, "t1")

    email = receive(dsn("provider-bounce"), at=NOW + timedelta(days=7, minutes=1))

    old.refresh_from_db()
    assert old.status == MessageStatus.SENT
    assert email.handled_by == BOUNCES  # still kept from the other handlers
    assert email.member is None


def test_a_bounce_of_a_message_we_never_sent_changes_nothing_and_is_kept(alice):
    message = sent(alice, "t1")

    email = receive(dsn("postfix-bounce", address="stranger@example.org"))

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert InboundEmail.objects.get().pk == email.pk
    assert email.handled_by == BOUNCES


def test_a_delay_changes_nothing(alice):
    message = sent(alice, "t1")

    email = receive(dsn("postfix-delay", message_id=message.message_id))

    message.refresh_from_db()
    assert (message.status, message.last_error) == (MessageStatus.SENT, "")
    assert not TimelineEvent.objects.filter(kind="message_bounced").exists()
    assert email.handled_by == BOUNCES


def test_a_message_failed_when_its_worker_stopped_mid_send_is_bounced_when_a_report_names_it(alice):
    message = sent(alice, "t1")
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED, last_error="the worker stopped")

    receive(dsn("postfix-bounce", message_id=message.message_id))

    message.refresh_from_db()
    assert message.status == MessageStatus.BOUNCED
    assert message.last_error.startswith("5.1.1: ")


# Never twice


def test_the_same_report_twice_changes_nothing_the_second_time(alice):
    message = sent(alice, "t1")
    raw = dsn("postfix-bounce", message_id=message.message_id)

    first = receive(raw)
    again = receive(raw, at=NOW + timedelta(minutes=9))
    resent = receive(
        dsn("postfix-bounce", message_id=message.message_id, copy=1), at=NOW + timedelta(hours=1)
    )

    assert again.already_stored
    assert again.pk == first.pk
    assert not resent.already_stored
    assert (resent.handled_by, resent.member) == (BOUNCES, alice)
    assert TimelineEvent.objects.filter(kind="message_bounced").count() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.BOUNCED


def test_recording_a_report_again_changes_nothing(alice):
    message = sent(alice, "t1")
    report = delivery_report_parse(dsn("postfix-bounce", message_id=message.message_id))
    assert report is not None

    assert bounce_record(report=report) == [message]
    Message.objects.filter(pk=message.pk).update(last_error="kept")
    assert bounce_record(report=report) == [message]  # still names it, as bounced before

    message.refresh_from_db()
    assert message.last_error == "kept"
    assert TimelineEvent.objects.filter(kind="message_bounced").count() == 1


def test_a_report_with_no_bounce_records_nothing():
    assert bounce_record(report=DeliveryReport(original_message_id="", recipients=())) == []


# Nobody else takes a report


def test_a_report_is_never_offered_to_the_handlers_of_other_apps(alice):
    message = sent(alice, "t1")
    offered: list[str] = []

    def opens_a_complaint(email: InboundEmail) -> bool:
        offered.append(email.subject)
        return True

    inbound_services.on_inbound_email(opens_a_complaint)

    bounce = receive(dsn("postfix-bounce", message_id=message.message_id))
    delay = receive(dsn("postfix-delay", address="bob@example.com"))
    customer = receive(mail(subject="My order never came"))

    assert offered == ["My order never came"]
    assert (bounce.handled_by, delay.handled_by) == (BOUNCES, BOUNCES)
    assert customer.handled_by.endswith("opens_a_complaint")


# The member's timeline


def test_the_bounce_is_on_the_members_timeline_in_the_readers_words(alice):
    message = sent(alice, "t1")

    receive(dsn("postfix-bounce", message_id=message.message_id))

    event = TimelineEvent.objects.get(member=alice, kind="message_bounced")
    assert event.data == {
        "kind": "tier_changed",
        "channel": "email",
        "message": message.pk,
        "status": "5.1.1",
    }
    assert event.summary == f"email: {message.subject} bounced (5.1.1)"
    kind = kind_get("message_bounced")
    assert (str(kind.label), kind.tone) == ("Message bounced", "bad")
    with translation.override("en"):
        assert kind.words(event.data, event.summary) == (
            "E-mail: Tier changed, returned by the recipient's mail server (5.1.1)"
        )
    for language in ("ko", "ja", "zh-hans"):
        with translation.override(language):
            words = kind.words(event.data, event.summary)
            assert "5.1.1" in words
            assert "returned by" not in words


def test_erasing_the_member_scrubs_the_report_about_them(alice, admin):
    message = sent(alice, "t1")
    email = receive(dsn("postfix-bounce", message_id=message.message_id))

    member_erase(member=alice, actor=admin, reason="DSR-2")

    email.refresh_from_db()
    assert "alice@example.com" not in email.text_body
    message.refresh_from_db()
    assert message.status == MessageStatus.BOUNCED
    assert "alice@example.com" not in message.last_error
    assert not TimelineEvent.objects.filter(kind="message_bounced").exists()


# The whole path


def test_a_message_sent_over_smtp_and_returned_shows_as_bounced_in_the_delivery_log(
    alice, manager, smtp, api_client
):
    message = sent(alice, "t1")
    [delivered] = smtp.received
    assert delivered["Message-ID"] == message.message_id

    response = api_client("inbound:write").post(
        "/api/v1/inbound/email",
        data=dsn("postfix-bounce", message_id=delivered["Message-ID"]),
        content_type="message/rfc822",
    )

    assert response.status_code == 201, response.content
    assert response.json()["handled_by"] == BOUNCES
    assert response.json()["member_id"] == alice.pk
    staff = Client()
    staff.force_login(manager)
    log = staff.get(reverse("console:message_log"), {"status": "bounced"})
    assert [m.pk for m in log.context["page"]] == [message.pk]
    row = re.search(rf'<tr id="message-{message.pk}">(.*?)</tr>', log.content.decode(), flags=re.S)
    assert row is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())
    assert "bounced" in text
    assert "5.1.1: 550 5.1.1 &lt;alice@example.com&gt;: Recipient address rejected" in text
    assert "alice@example.com" in text
