"""A batch queued at once (a campaign's): the same decisions as one message at a time, in a number of queries
that does not grow with the batch; a batch sent at once records what became of each message, and a worker
stopping mid-batch leaves the messages it did not try to be sent later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from patronage.core.message_kinds import MessageKind, message_kind_register
from patronage.members.models import (
    Consent,
    ConsentMethod,
    Identity,
    IdentityKind,
    Member,
    MemberStatus,
    TimelineEvent,
)
from patronage.members.services import IdentityInput, consent_set, member_create
from patronage.messages.channels import EmailChannel
from patronage.messages.message_services import (
    OUTCOMES_EVERY,
    message_queue,
    messages_queue_many,
    messages_send_due,
)
from patronage.messages.models import Message, MessageStatus, MessageTemplate, SkipReason

NOW = datetime(2027, 3, 2, 12, 30, tzinfo=UTC)  # 21:30 in Seoul: quiet hours there, not in London
NEWS = message_kind_register(
    MessageKind(
        code="test_batch_news",
        label="Batch news",
        purpose="marketing",
        recipient="member",
        variables={"headline": "New pans"},
    )
)
COMPARED = (
    "status",
    "skip_reason",
    "address",
    "language",
    "subject",
    "text_body",
    "html_body",
    "unsubscribe_url",
    "send_after",
    "marketing",
)


@pytest.fixture(autouse=True)
def _template_and_clock(db: None, settings: Any) -> Any:
    settings.MESSAGES_QUIET_HOURS = "21:00-08:00"
    MessageTemplate.objects.create(
        kind=NEWS.code,
        language="en",
        subject="{{ headline }}, {{ name }}",
        text_body="Hello {{ name }}: {{ headline }}.",
        html_body="<p>Hello {{ name }}: {{ headline }}.</p>",
        updated_at=NOW,
    )
    with time_machine.travel(NOW, tick=False):
        yield


def customers(count: int, prefix: str) -> list[Member]:
    return [
        member_create(
            actor=None,
            identities=[IdentityInput("email", f"{prefix}{n}@example.com")],
            profile={"name": f"Customer {prefix}{n}", "city": "London"},
            consents={"email_marketing": True},
            consent_method=ConsentMethod.PORTAL,
            source="api",
        )
        for n in range(count)
    ]


def _many(members: list[Member], tag: str, **extra: Any) -> list[Message]:
    return messages_queue_many(
        kind=NEWS.code,
        members=members,
        context={"headline": "New pans"},
        keys=[f"{tag}:{member.pk}" for member in members],
        **extra,
    )


def _one(member: Member, tag: str, **extra: Any) -> Message | None:
    return message_queue(
        kind=NEWS.code, member=member, context={"headline": "New pans"}, key=f"{tag}:{member.pk}", **extra
    )


def _outcome(message: Message) -> tuple[Any, ...]:
    return tuple(getattr(message, name) for name in COMPARED)


def test_a_batch_queues_in_the_same_number_of_queries_whatever_its_size():
    members = customers(220, "c")
    Member.objects.filter(pk__in=[m.pk for m in members[::3]]).update(locale="ko", time_zone="Asia/Seoul")
    members = list(Member.objects.filter(pk__in=[m.pk for m in members]).order_by("pk"))

    def statements(batch: list[Member], tag: str) -> tuple[int, int]:
        """Reads and inserts."""
        with CaptureQueriesContext(connection) as captured:
            _many(batch, tag)
        inserts = sum(1 for query in captured if query["sql"].startswith("INSERT"))
        return len(captured) - inserts, inserts

    _many(members[:1], "warm")  # a worker that ran before: the business's settings are in its memory
    (small, small_inserts), (large, large_inserts) = (
        statements(members[1:20], "s"),
        statements(members[20:], "l"),
    )

    # Addresses, consents, weekly counts, the template (for Korean: none in Korean, then English; for
    # English: English) and the rows read back.
    assert small == large == 7
    assert small_inserts == 1
    # SQLite takes at most 999 values a statement: Django cuts the 200 rows' insert to fit, PostgreSQL not.
    assert large_inserts == (1 if connection.vendor == "postgresql" else 5)
    assert Message.objects.filter(status=MessageStatus.QUEUED).count() == 220


def test_a_batch_decides_as_one_message_at_a_time_does():
    fine, never_asked, withdrawn, no_address, capped, erased, korean, two_addresses = customers(8, "d")
    Consent.objects.filter(member=never_asked).delete()
    consent_set(member=withdrawn, actor=None, purpose="email_marketing", granted=False, method="portal")
    no_address.identities.filter(kind=IdentityKind.EMAIL).delete()
    for number in range(3):
        assert _one(capped, f"earlier{number}").status == MessageStatus.QUEUED
    Member.objects.filter(pk=erased.pk).update(status=MemberStatus.ERASED)
    Member.objects.filter(pk=korean.pk).update(locale="ko", time_zone="Asia/Seoul")
    Identity.objects.filter(member=two_addresses).update(is_primary=False)
    Identity.objects.create(
        member=two_addresses, kind=IdentityKind.EMAIL, value="main@example.com", is_primary=True
    )
    members = list(
        Member.objects.filter(
            pk__in=[
                m.pk
                for m in (fine, never_asked, withdrawn, no_address, capped, erased, korean, two_addresses)
            ]
        ).order_by("pk")
    )

    with transaction.atomic():  # one at a time, then forgotten: the batch sees the same database
        one_by_one = [_outcome(_one(member, "one")) for member in members]
        transaction.set_rollback(True)
    batch = [_outcome(message) for message in _many(members, "many")]

    assert batch == one_by_one
    reasons = {
        m.pk: (message.status, message.skip_reason)
        for m, message in zip(
            members,
            Message.objects.filter(idempotency_key__startswith="many:").order_by("member_id"),
            strict=True,
        )
    }
    assert reasons == {
        fine.pk: (MessageStatus.QUEUED, ""),
        never_asked.pk: (MessageStatus.SKIPPED, SkipReason.NO_CONSENT),
        withdrawn.pk: (MessageStatus.SKIPPED, SkipReason.NO_CONSENT),
        no_address.pk: (MessageStatus.SKIPPED, SkipReason.NO_ADDRESS),
        capped.pk: (MessageStatus.SKIPPED, SkipReason.FREQUENCY_CAP),
        erased.pk: (MessageStatus.SKIPPED, SkipReason.NO_ADDRESS),
        korean.pk: (MessageStatus.QUEUED, ""),
        two_addresses.pk: (MessageStatus.QUEUED, ""),
    }
    assert Message.objects.get(idempotency_key=f"many:{two_addresses.pk}").address == "main@example.com"
    assert Message.objects.get(idempotency_key=f"many:{korean.pk}").send_after > NOW  # the night in Seoul


def test_old_news_in_a_batch_is_kept_as_late_and_a_key_queued_before_keeps_its_message():
    first, second = customers(2, "e")
    earlier = _one(first, "news")

    messages = _many([first, second], "news", occurred_at=NOW - timedelta(days=3))

    assert messages[0].pk == earlier.pk
    assert messages[0].status == MessageStatus.QUEUED
    assert (messages[1].status, messages[1].skip_reason) == (MessageStatus.SKIPPED, SkipReason.LATE)
    assert Message.objects.count() == 2


def test_a_worker_stopping_mid_batch_records_what_it_sent_and_leaves_the_rest_to_be_sent(
    monkeypatch, mailoutbox
):
    customers(4, "f")
    Member.objects.update(time_zone="Europe/London")
    for member in Member.objects.all():
        _one(member, "stop")
    real_send, calls = EmailChannel.send, []

    def stops_at_the_second(channel: EmailChannel, message: Message) -> None:
        calls.append(message.pk)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        real_send(channel, message)

    monkeypatch.setattr(EmailChannel, "send", stops_at_the_second)
    with pytest.raises(SystemExit):
        messages_send_due(limit=10)

    statuses = dict(Message.objects.values_list("pk", "status"))
    assert statuses[calls[0]] == MessageStatus.SENT
    assert (
        statuses[calls[1]] == MessageStatus.SENDING
    )  # perhaps taken by the server: failed, never sent twice
    assert sorted(s for pk, s in statuses.items() if pk not in calls) == [MessageStatus.QUEUED] * 2
    assert TimelineEvent.objects.filter(kind="message_sent").count() == 1

    monkeypatch.setattr(EmailChannel, "send", real_send)
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        assert messages_send_due(limit=10) == 2
    assert Message.objects.get(pk=calls[1]).status == MessageStatus.FAILED
    assert len(mailoutbox) == 3 == TimelineEvent.objects.filter(kind="message_sent").count()


def test_a_batch_records_its_sent_messages_as_it_goes_so_a_killed_worker_loses_at_most_a_few(
    monkeypatch, mailoutbox
):
    customers(OUTCOMES_EVERY + 5, "k")
    Member.objects.update(time_zone="Europe/London")
    for member in Member.objects.all():
        _one(member, "kill")
    real_send, recorded_before = EmailChannel.send, []

    def notes_what_is_recorded(channel: EmailChannel, message: Message) -> None:
        # What the database says while the batch is still sending: all a SIGKILL would leave behind.
        recorded_before.append(Message.objects.filter(status=MessageStatus.SENT).count())
        real_send(channel, message)

    monkeypatch.setattr(EmailChannel, "send", notes_what_is_recorded)
    assert messages_send_due(limit=100) == OUTCOMES_EVERY + 5

    assert recorded_before[OUTCOMES_EVERY - 1] == 0
    assert recorded_before[OUTCOMES_EVERY] == OUTCOMES_EVERY
    assert Message.objects.filter(status=MessageStatus.SENT).count() == OUTCOMES_EVERY + 5
    assert TimelineEvent.objects.filter(kind="message_sent").count() == OUTCOMES_EVERY + 5
