"""Messages to people: in their language, only with consent when marketing, never in the night, never
twice, and an unsubscribe link that works without logging in (issue 12, decision 0024)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
import time_machine
from django.test import Client

from patronage.conftest import business_set
from patronage.core.message_kinds import MessageKind, message_kind_get, message_kind_register
from patronage.loyalty.models import ExpiryPolicy
from patronage.loyalty.services import expiry_warnings_send, points_adjust
from patronage.members.models import Consent, ConsentEvent, Member, TimelineEvent
from patronage.members.services import consent_set
from patronage.messages.channels import EmailChannel
from patronage.messages.message_render import template_variables
from patronage.messages.message_services import (
    COMMON_VARIABLES,
    TEMPLATE_DIR,
    message_queue,
    messages_send_due,
)
from patronage.messages.models import Message, MessageStatus, MessageTemplate, SkipReason
from patronage.messages.tests.smtp import free_port

NOW = datetime(2027, 3, 2, 3, 0, tzinfo=UTC)  # 12:00 in Seoul
OFFER = message_kind_register(
    MessageKind(
        code="test_spring_offer",
        label="Spring offer",
        purpose="marketing",
        recipient="member",
        variables={"discount": "10%"},
    )
)


@pytest.fixture
def offer_template(db):
    return MessageTemplate.objects.create(
        kind=OFFER.code,
        language="en",
        subject="{{ discount }} off for you, {{ name }}",
        text_body="Hello {{ name }}, {{ discount }} off this spring.",
        html_body="<p>Hello {{ name }}, {{ discount }} off this spring.</p>",
        updated_at=NOW,
    )


@pytest.fixture
def korean(alice: Member) -> Member:
    Member.objects.filter(pk=alice.pk).update(locale="ko", time_zone="Asia/Seoul")
    alice.refresh_from_db()
    return alice


def _consent(member: Member, granted: bool = True) -> None:
    consent_set(member=member, actor=None, purpose="email_marketing", granted=granted, method="portal")


def _offer(member: Member, key: str) -> Message | None:
    return message_queue(kind=OFFER.code, member=member, context={"discount": "10%"}, key=key)


def _tier(member: Member, key: str) -> Message | None:
    return message_queue(
        kind="tier_changed",
        member=member,
        context={"program": "Hanbit Club", "tier": "Gold", "previous_tier": "Silver", "upgraded": True},
        key=key,
    )


def _expiring_points(program, account, days: int = 40) -> None:
    program.expiry_policy = ExpiryPolicy.DAYS_AFTER_EARNING
    program.expiry_days, program.expiry_warning_days = 60, 30
    program.save()
    with time_machine.travel(NOW - timedelta(days=days), tick=False):
        points_adjust(account=account, points=1200, reason="gift", idempotency_key=f"gift{days}", actor=None)


# The path a member sees


@pytest.mark.django_db(transaction=True)
def test_a_korean_member_gets_the_expiry_warning_in_korean_and_the_link_unsubscribes_her(
    program, account, korean, smtp, offer_template
):
    _expiring_points(program, account)
    with time_machine.travel(NOW, tick=False):
        assert expiry_warnings_send() == 1
        assert messages_send_due(limit=10) == 1

    [mail] = smtp.received
    assert mail["To"] == "alice@example.com"
    # (Folded as encoded words, the header reads back with the fold's leading space.)
    assert mail["Subject"].strip() == "Hanbit Club 포인트 1,200점이 2027. 3. 22.에 소멸됩니다"
    assert mail["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Alice Kim 님, 안녕하세요." in text
    url = mail["List-Unsubscribe"].strip().strip("<>")
    assert url in text
    assert url in mail.get_body(preferencelist=("html",)).get_content()
    assert TimelineEvent.objects.filter(member=korean, kind="message_sent").count() == 1

    visitor = Client(enforce_csrf_checks=True)  # nobody logged in, no CSRF cookie: as from a mail client
    page = visitor.get(urlparse(url).path)
    assert page.status_code == 200
    assert "수신을 거부하시겠습니까" in page.content.decode()
    history = ConsentEvent.objects.filter(member=korean, granted=False)
    assert not history.exists()  # looking changes nothing
    done = visitor.post(urlparse(url).path)
    assert done.status_code == 200
    assert "수신 거부가 완료되었습니다" in done.content.decode()
    assert visitor.post(urlparse(url).path).status_code == 200  # a second click changes nothing
    assert list(history.values_list("purpose", "method", "evidence")) == [
        ("email_marketing", "portal", "unsubscribe link in a message")
    ]
    assert Consent.objects.get(member=korean, purpose="email_marketing").granted is False

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        refused = _offer(korean, "offer-1")
        told = _tier(korean, "tier-1")
        assert messages_send_due(limit=10) == 1
    assert (refused.status, refused.skip_reason) == (MessageStatus.SKIPPED, SkipReason.NO_CONSENT)
    told.refresh_from_db()
    assert told.status == MessageStatus.SENT
    assert smtp.received[-1]["Subject"].strip() == "Gold 등급이 되신 것을 축하드립니다"
    assert "List-Unsubscribe" not in smtp.received[-1]  # a pure service message cannot be refused


def test_the_next_expiry_warning_respects_the_withdrawal(program, account, korean):
    _consent(korean, granted=False)
    _expiring_points(program, account)
    with time_machine.travel(NOW, tick=False):
        expiry_warnings_send()
    message = Message.objects.get(kind="points_expiring")
    assert (message.status, message.skip_reason) == (MessageStatus.SKIPPED, SkipReason.OPTED_OUT)


def test_a_tampered_link_gets_a_clear_400_page_and_changes_nothing(korean):
    with time_machine.travel(NOW, tick=False):
        _consent(korean)
        message = _tier(korean, "t")  # no link: build one the way a marketing message would
    from patronage.messages.message_services import unsubscribe_url

    url = urlparse(unsubscribe_url(member=korean, channel="email")).path
    tampered = url.replace(url.split("/")[-2], url.split("/")[-2][:-3] + "xyz")
    for method in (Client().get, Client().post):
        page = method(tampered)
        assert page.status_code == 400
        assert "This link does not work" in page.content.decode()
    assert Consent.objects.get(member=korean, purpose="email_marketing").granted is True
    assert message is not None


# Consent, quiet hours, caps


def test_marketing_waits_for_the_end_of_quiet_hours_in_the_members_zone(korean, offer_template, mailoutbox):
    _consent(korean)
    at_22_in_seoul = datetime(2027, 3, 2, 13, 0, tzinfo=UTC)
    with time_machine.travel(at_22_in_seoul, tick=False):
        message = _offer(korean, "offer-night")
        assert messages_send_due(limit=10) == 0
    assert message.send_after == datetime(2027, 3, 2, 23, 0, tzinfo=UTC)  # 08:00 next morning in Seoul
    with time_machine.travel(datetime(2027, 3, 2, 22, 59, tzinfo=UTC), tick=False):
        assert messages_send_due(limit=10) == 0
    with time_machine.travel(datetime(2027, 3, 2, 23, 0, tzinfo=UTC), tick=False):
        assert messages_send_due(limit=10) == 1
    assert [mail.subject for mail in mailoutbox] == ["10% off for you, Alice Kim"]


def test_a_service_message_goes_at_night(korean):
    with time_machine.travel(datetime(2027, 3, 2, 13, 0, tzinfo=UTC), tick=False):
        message = _tier(korean, "tier-night")
    assert message.send_after == datetime(2027, 3, 2, 13, 0, tzinfo=UTC)


def test_marketing_without_consent_is_skipped_and_never_sent(alice, offer_template, mailoutbox):
    Consent.objects.filter(member=alice).delete()  # never asked
    message = _offer(alice, "o")
    assert (message.status, message.skip_reason) == (MessageStatus.SKIPPED, SkipReason.NO_CONSENT)
    assert messages_send_due(limit=10) == 0
    assert mailoutbox == []


def test_a_member_gets_at_most_the_weekly_number_of_marketing_messages(alice, offer_template, settings):
    settings.MESSAGES_QUIET_HOURS = "00:00-00:00"
    _consent(alice)
    with time_machine.travel(NOW, tick=False):
        first = [_offer(alice, f"o{n}") for n in range(4)]
    assert [m.status for m in first] == [MessageStatus.QUEUED] * 3 + [MessageStatus.SKIPPED]
    assert first[3].skip_reason == SkipReason.FREQUENCY_CAP
    with time_machine.travel(NOW + timedelta(days=7, seconds=1), tick=False):
        assert _offer(alice, "next-week").status == MessageStatus.QUEUED


def test_a_member_without_an_address_is_skipped(alice, offer_template):
    alice.identities.filter(kind="email").delete()
    message = _tier(alice, "t")
    assert (message.status, message.skip_reason) == (MessageStatus.SKIPPED, SkipReason.NO_ADDRESS)


def test_old_news_is_kept_as_skipped_not_sent(alice, mailoutbox):
    """A backfill of last year's orders books tier moves: nobody is told of one that happened long ago."""
    with time_machine.travel(NOW, tick=False):
        old = message_queue(
            kind="tier_changed",
            member=alice,
            context={"program": "Hanbit Club", "tier": "Gold", "previous_tier": "", "upgraded": True},
            key="backfilled",
            occurred_at=NOW - timedelta(days=3),
        )
        recent = message_queue(
            kind="tier_changed",
            member=alice,
            context={"program": "Hanbit Club", "tier": "Gold", "previous_tier": "", "upgraded": True},
            key="today",
            occurred_at=NOW - timedelta(hours=1),
        )
        messages_send_due(limit=10)
    assert (old.status, old.skip_reason) == (MessageStatus.SKIPPED, SkipReason.LATE)
    assert recent.status == MessageStatus.QUEUED
    assert len(mailoutbox) == 1


# Never twice


def test_queueing_twice_with_one_key_writes_one_message(alice):
    assert _tier(alice, "same") is not None
    assert _tier(alice, "same") is None
    assert Message.objects.count() == 1


def test_the_expiry_job_run_twice_queues_one_warning(program, account, alice):
    _expiring_points(program, account)
    with time_machine.travel(NOW, tick=False):
        expiry_warnings_send()
        expiry_warnings_send()
    assert Message.objects.filter(kind="points_expiring").count() == 1


def test_a_sent_message_is_not_sent_again_and_a_failing_one_is_retried_then_failed(
    alice, settings, mailoutbox
):
    _tier(alice, "t")
    assert messages_send_due(limit=10) == 1
    assert messages_send_due(limit=10) == 0
    assert len(mailoutbox) == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    message = _tier(alice, "t2")
    at = NOW
    for expected_wait in (1, 5, 30):
        with time_machine.travel(at, tick=False):
            assert messages_send_due(limit=10) == 0
        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED
        assert message.send_after == at + timedelta(minutes=expected_wait)
        assert "e-mail not accepted" in message.last_error
        at = message.send_after
    with time_machine.travel(at, tick=False):
        messages_send_due(limit=10)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 4)


@pytest.mark.django_db(transaction=True)
def test_a_batch_of_emails_goes_over_one_connection_and_the_next_batch_over_a_new_one(alice, smtp):
    for number in range(3):
        _tier(alice, f"t{number}")
    assert messages_send_due(limit=10) == 3
    _tier(alice, "t3")
    assert messages_send_due(limit=10) == 1

    assert len(smtp.received) == 4
    first, second = smtp.peers[:3], smtp.peers[3]
    assert len(set(first)) == 1  # one login for the batch, not one per e-mail
    assert second not in first  # the batch's connection was closed at its end


def test_a_batch_that_outruns_half_its_lease_puts_back_what_it_has_not_sent(alice, monkeypatch):
    for number in range(3):
        _tier(alice, f"t{number}")
    sent = []
    with time_machine.travel(NOW, tick=False) as traveller:

        def slow_send(channel: EmailChannel, message: Message) -> None:
            sent.append(message.pk)
            traveller.shift(timedelta(minutes=3))  # a mail server taking 3 minutes an e-mail

        monkeypatch.setattr(EmailChannel, "send", slow_send)
        assert messages_send_due(limit=10) == 2  # the third would start 6 minutes in: past half the lease

    assert sorted(Message.objects.values_list("status", "attempts")) == [
        (MessageStatus.QUEUED, 0),
        (MessageStatus.SENT, 1),
        (MessageStatus.SENT, 1),
    ]
    assert Message.objects.get(status=MessageStatus.QUEUED).pk not in sent


def test_a_message_abandoned_while_sending_is_failed_not_sent_again(alice, mailoutbox):
    message = _tier(alice, "t")
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, claimed_until=NOW)
    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
        assert messages_send_due(limit=10) == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert mailoutbox == []


# Languages and templates


def test_a_language_the_product_does_not_speak_falls_back_to_the_business_main_language(alice):
    business_set(languages=["ja", "en"])
    Member.objects.filter(pk=alice.pk).update(locale="fr")
    alice.refresh_from_db()
    message = _tier(alice, "t")
    assert (message.language, message.subject) == ("ja", "Goldランクへようこそ")


def test_a_business_edited_template_overrides_the_shipped_one(alice):
    MessageTemplate.objects.create(
        kind="tier_changed", language="en", subject="{{ tier }}!", text_body="Now {{ tier }}.", updated_at=NOW
    )
    message = _tier(alice, "t")
    assert (message.subject, message.text_body, message.html_body) == ("Gold!", "Now Gold.", "")


def test_a_kind_without_a_template_in_the_members_language_uses_the_nearest(korean, offer_template):
    _consent(korean)
    with time_machine.travel(NOW, tick=False):
        message = _offer(korean, "o")
    assert (message.language, message.subject) == ("en", "10% off for you, Alice Kim")
    assert "Unsubscribe" in message.text_body


@pytest.mark.parametrize("kind", ["points_expiring", "tier_changed", "survey_thanks"])
def test_every_shipped_template_uses_only_its_kinds_variables_in_every_language(kind):
    allowed = set(message_kind_get(kind).variables) | set(COMMON_VARIABLES)
    files = sorted((TEMPLATE_DIR / kind).iterdir())
    assert {Path(f).stem for f in files} == {"en", "ko", "ja", "zh-hans"}
    assert len(files) == 12
    for path in files:
        used = template_variables(path.read_text(encoding="utf-8"))
        assert used <= allowed, f"{path.name}: {sorted(used - allowed)}"
        assert used, path.name


def test_the_variable_check_finds_an_unknown_variable():
    assert template_variables(
        "{% if a %}{{ b|default:c }}{% endif %}{% for x in d %}{{ x.e }}{% endfor %}"
    ) == {
        "a",
        "b",
        "c",
        "d",
    }
