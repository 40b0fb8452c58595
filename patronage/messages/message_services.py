"""Messages to people: queued inside the transaction of the change they report, rendered in the recipient's
language at once, sent later by the workers (decision 0024).

Queueing decides everything a person could notice (language, consent, address, quiet hours, the weekly
cap) and writes the outcome as one row, so the delivery log shows a skipped message with its reason as
plainly as a sent one. Sending only hands rendered text to a channel.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.html import format_html

from patronage.core import clock
from patronage.core.business import business_languages, business_name
from patronage.core.message_kinds import InLanguages, MessageKind, message_kind_get
from patronage.core.models import User
from patronage.core.names import language_key, product_language, text_in_language
from patronage.core.sql import rows_update
from patronage.members.models import Consent, ConsentMethod, Identity, IdentityKind, Member, MemberStatus
from patronage.members.services import consent_set, timeline_event, timeline_events_add
from patronage.messages import timeline_kinds as kinds
from patronage.messages.channels import ChannelError, Channels, channels_open, email_message_id
from patronage.messages.message_render import part_render
from patronage.messages.models import (
    Message,
    MessageChannel,
    MessageStatus,
    MessageTemplate,
    SkipReason,
)
from patronage.messages.quiet_hours import quiet_hours_end, quiet_hours_parse
from patronage.messages.signed_links import BadLink, signed_read, signed_url
from patronage.messages.words import words_for

logger = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).parent / "templates" / "messages"
# Retries after a channel error: 1, 5 and 30 minutes, then the message is failed.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
# A worker's hold on a message while it sends. One still held past it is failed, never sent again: the
# channel may have accepted it before the worker stopped, and a message is never sent twice.
LEASE = timedelta(minutes=10)
# What sending a message may change, written for a whole batch at its end.
# What became of the messages sent is written every so many, not after each (a write a message) nor only at
# the batch's end: a worker killed outright (SIGKILL, no `finally`) leaves at most this many sent messages
# marked held, to be failed as abandoned though they went out (none is ever sent twice).
OUTCOMES_EVERY = 25
OUTCOME_FIELDS = ["status", "skip_reason", "sent_at", "claimed_until", "last_error", "send_after"]
UNSUBSCRIBE_SALT = "messaging.unsubscribe"
# The consent a marketing message needs, per channel.
CONSENT_PURPOSE: dict[str, str] = {
    MessageChannel.EMAIL: "email_marketing",
    MessageChannel.SMS: "sms_marketing",
}
# Every template may use these besides its kind's variables.
COMMON_VARIABLES: dict[str, Any] = {"name": "Ji-woo Kim", "business": "Hanbit Coffee"}


@dataclass(frozen=True)
class Parts:
    language: str
    subject: str
    text: str
    html: str


# Queueing


def message_queue(
    *,
    kind: str,
    member: Member | None = None,
    staff: User | None = None,
    context: Mapping[str, Any],
    key: str,
    channel: str = MessageChannel.EMAIL,
    occurred_at: datetime | None = None,
    address: str = "",
    language: str = "",
    new: bool = False,
) -> Message | None:
    """Queues one message to a member or a staff user, inside the caller's transaction; None when a message
    with this key exists already (a retried cause writes nothing). News that `occurred_at` longer ago than
    MESSAGES_LATE_AFTER is kept as skipped ("late"), not sent.

    `address`: where to send instead of the member's own (the address a customer gave on a complaint, who
    may have no file at all); `language`: the language to write in rather than the member's (the one they
    wrote their complaint in), when the product speaks it. `new`: the key cannot exist yet (its cause was
    created in this transaction), so neither the check nor the savepoint is needed."""
    spec = message_kind_get(kind)
    if not new and Message.objects.filter(idempotency_key=key).exists():
        return None
    now = clock.now()
    late = _late(occurred_at, now)
    message = _message(
        spec, member=member, staff=staff, channel=channel, key=key, now=now, language=language, late=late
    )
    if late:
        # A backfill asks for thousands of these: no address to look up for a message that goes nowhere,
        # and no savepoint (a key queued meanwhile by another transaction keeps its row).
        Message.objects.bulk_create([message], ignore_conflicts=True)
        return message
    message.address = address or _address(member=member, staff=staff, channel=channel)
    if reason := _refusal(
        spec=spec,
        member=member,
        message=message,
        consent=lambda: _consents_read([(member.pk, channel)]).get((member.pk, channel)) if member else None,
        this_week=lambda: _marketing_this_week(members=[member], now=now)[member.pk] if member else 0,
    ):
        message.status, message.skip_reason = MessageStatus.SKIPPED, reason
    else:
        _fill(message, spec=spec, member=member, staff=staff, context=context, now=now)
    if new:
        message.save()
        return message
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:  # the same key, queued at the same moment by another transaction
        return None
    return message


def messages_queue_many(
    *,
    kind: str,
    members: Sequence[Member],
    context: Mapping[str, Any],
    keys: Sequence[str],
    channel: str = MessageChannel.EMAIL,
    occurred_at: datetime | None = None,
) -> list[Message]:
    """message_queue for many members at once (a campaign's batch), one key each, inside the caller's
    transaction: the same decisions in a number of queries that does not grow with the batch (their
    addresses, consents and weekly counts read in one query each, each template looked up once), written
    in one insert. Returns each member's message in their order: the one already under their key, if any
    (a key queued before is left as it was)."""
    spec = message_kind_get(kind)
    now = clock.now()
    late = _late(occurred_at, now)
    messages = [
        _message(spec, member=member, staff=None, channel=channel, key=key, now=now, late=late)
        for member, key in zip(members, keys, strict=True)
    ]
    if not late:
        addresses = _addresses(members=members, channel=channel)
        consents = _consents_read([(member.pk, channel) for member in members]) if spec.refusable else {}
        this_week = _marketing_this_week(members=members, now=now) if spec.marketing else Counter()
        sources = functools.cache(template_sources)
        for member, message in zip(members, messages, strict=True):
            message.address = addresses.get(member.pk, "")
            if reason := _refusal(
                spec=spec,
                member=member,
                message=message,
                consent=functools.partial(consents.get, (member.pk, channel)),
                this_week=functools.partial(this_week.__getitem__, member.pk),
            ):
                message.status, message.skip_reason = MessageStatus.SKIPPED, reason
            else:
                _fill(
                    message, spec=spec, member=member, staff=None, context=context, now=now, sources=sources
                )
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    stored = Message.objects.in_bulk(list(keys), field_name="idempotency_key")
    return [stored[key] for key in keys]


def _message(
    spec: MessageKind,
    *,
    member: Member | None,
    staff: User | None,
    channel: str,
    key: str,
    now: datetime,
    language: str = "",
    late: bool = False,
) -> Message:
    """The message before any decision but lateness: news that happened too long ago is kept as skipped."""
    message = Message(
        kind=spec.code,
        marketing=spec.marketing,
        member=member,
        staff=staff,
        channel=channel,
        language=product_language(language) or _language(member),
        idempotency_key=key,
        send_after=now,
        created_at=now,
    )
    if late:
        message.status, message.skip_reason = MessageStatus.SKIPPED, SkipReason.LATE
    return message


def _late(occurred_at: datetime | None, now: datetime) -> bool:
    return occurred_at is not None and now - occurred_at > settings.MESSAGES_LATE_AFTER


def _language(member: Member | None) -> str:
    """The member's language when the product speaks it, else the business's main language."""
    spoken = product_language(member.locale) if member is not None else None
    return spoken or language_key(business_languages()[0])


def _address(*, member: Member | None, staff: User | None, channel: str) -> str:
    if staff is not None:
        return staff.email if channel == MessageChannel.EMAIL else ""
    if member is None:
        return ""
    return _addresses(members=[member], channel=channel).get(member.pk, "")


def _addresses(*, members: Sequence[Member], channel: str) -> dict[int, str]:
    """Each active member's address for the channel, the primary one first; none for the others."""
    identity_kind = IdentityKind.EMAIL if channel == MessageChannel.EMAIL else IdentityKind.PHONE
    active = [member.pk for member in members if member.status == MemberStatus.ACTIVE]
    if not active:
        return {}
    rows = (
        Identity.objects.filter(member_id__in=active, kind=identity_kind)
        .order_by("member_id", "-is_primary", "id")
        .values_list("member_id", "value")
    )
    found: dict[int, str] = {}
    for member_id, value in rows:
        found.setdefault(member_id, value)
    return found


def _refusal(
    *,
    spec: MessageKind,
    member: Member | None,
    message: Message,
    consent: Callable[[], bool | None],
    this_week: Callable[[], int],
) -> str:
    """Why the message must not go ("" when it may), in the order a person would ask. `consent` (None:
    never asked) and `this_week` (the member's marketing messages of the last 7 days) are asked only when
    needed."""
    if not message.address:
        return SkipReason.NO_ADDRESS
    if member is None or not spec.refusable:
        return ""
    if reason := _consent_says(spec=spec, consent=consent()):
        return reason
    if spec.marketing and this_week() >= settings.MESSAGES_MARKETING_PER_WEEK:
        return SkipReason.FREQUENCY_CAP
    return ""


def _consent_says(*, spec: MessageKind, consent: bool | None) -> str:
    """The refusal a consent (None: never asked) makes of a message the member may refuse; "" for none."""
    if spec.marketing and consent is not True:
        return SkipReason.NO_CONSENT
    if consent is False:  # an opt-out service message stops at an explicit withdrawal only
        return SkipReason.OPTED_OUT
    return ""


def _consents_read(pairs: Iterable[tuple[int | None, str]]) -> dict[tuple[int | None, str], bool]:
    """The marketing consent of each (member, channel) asked, in one query; none for one never asked."""
    pairs = [(member_id, channel) for member_id, channel in pairs if channel in CONSENT_PURPOSE]
    members = {member_id for member_id, _channel in pairs if member_id is not None}
    purposes = {CONSENT_PURPOSE[channel]: channel for _member_id, channel in pairs}
    if not members:
        return {}
    rows = Consent.objects.filter(member_id__in=members, purpose__in=purposes).values_list(
        "member_id", "purpose", "granted"
    )
    return {(member_id, purposes[purpose]): granted for member_id, purpose, granted in rows}


def _marketing_this_week(*, members: Sequence[Member], now: datetime) -> Counter[int]:
    """Each member's marketing messages of the last 7 days that count against the cap (none: 0)."""
    # Two transactions queueing at once may both pass the cap by one: a cap is a courtesy, not a ledger.
    rows = (
        Message.objects.filter(
            member_id__in=[member.pk for member in members],
            marketing=True,
            created_at__gt=now - timedelta(days=7),
        )
        .exclude(status__in=[MessageStatus.SKIPPED, MessageStatus.FAILED])
        .values("member_id")
        .annotate(count=Count("id"))
        .values_list("member_id", "count")
    )
    return Counter(dict(rows))


Sources = Callable[..., tuple[str, dict[str, str]]]


def _fill(
    message: Message,
    *,
    spec: MessageKind,
    member: Member | None,
    staff: User | None,
    context: Mapping[str, Any],
    now: datetime,
    sources: Sources | None = None,
) -> None:
    """Renders the message in its language and the recipient's time zone, and sets when it may go."""
    zone = _zone(member)
    if member is not None and spec.refusable:
        message.unsubscribe_url = unsubscribe_url(member=member, channel=message.channel)
    values = {
        **COMMON_VARIABLES,
        "name": member.name if member is not None else (staff.get_full_name() if staff else ""),
        "business": business_name(),
        **context,
    }
    parts = message_render(
        kind=spec.code,
        channel=message.channel,
        language=message.language,
        context=values,
        zone=zone,
        unsubscribe=message.unsubscribe_url,
        sources=sources,
    )
    message.language, message.subject, message.text_body, message.html_body = (
        parts.language,
        parts.subject,
        parts.text,
        parts.html,
    )
    if member is not None and spec.refusable:
        window = quiet_hours_parse(settings.MESSAGES_QUIET_HOURS)
        message.send_after = quiet_hours_end(at=now, zone=zone, window=window) or now


def _zone(member: Member | None) -> ZoneInfo:
    try:
        return ZoneInfo(member.time_zone if member is not None else settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def message_render(
    *,
    kind: str,
    channel: str,
    language: str,
    context: Mapping[str, Any],
    zone: ZoneInfo,
    unsubscribe: str = "",
    sources: Sources | None = None,
) -> Parts:
    """The message's subject, text and HTML in `language` (or the nearest language that has a template),
    with the unsubscribe footer when there is a link. `sources`: where the template's texts are found
    (template_sources, or a batch's cache of it)."""
    found, texts = (sources or template_sources)(kind=kind, channel=channel, language=language)
    return parts_render(language=found, sources=texts, context=context, zone=zone, unsubscribe=unsubscribe)


def parts_render(
    *,
    language: str,
    sources: Mapping[str, str],
    context: Mapping[str, Any],
    zone: ZoneInfo,
    unsubscribe: str = "",
) -> Parts:
    """Renders template texts ({"subject", "txt", "html"}) in `language`: what message_render does once it
    found the texts, and what the console's preview does with texts not saved yet."""
    found = language
    values = {
        name: text_in_language(value.main, value.translations, found)
        if isinstance(value, InLanguages)
        else value
        for name, value in context.items()
    }
    with translation.override(found), timezone.override(zone):
        subject = " ".join(part_render(sources["subject"], values, html=False).split())
        text = part_render(sources["txt"], values, html=False).strip()
        html = part_render(sources["html"], values, html=True).strip() if sources["html"] else ""
    if unsubscribe:
        words, business = words_for(found), str(values.get("business", ""))
        text += "\n\n-- \n" + words["footer_text"].format(business=business, url=unsubscribe)
        if html:
            html += format_html(
                '\n<p style="font-size:12px;color:#666">{} <a href="{}">{}</a></p>',
                words["footer_html"].format(business=business),
                unsubscribe,
                words["footer_link"],
            )
    return Parts(language=found, subject=subject, text=text, html=html)


def template_sources(*, kind: str, channel: str, language: str) -> tuple[str, dict[str, str]]:
    """The texts of the kind's template in the first of `language`, the business's main language and
    English that has one: the business's edited row, else the file shipped with the product."""
    main = language_key(business_languages()[0])
    for code in dict.fromkeys([language, main, "en"]):
        row = MessageTemplate.objects.filter(kind=kind, channel=channel, language=code).first()
        if row is not None:
            return code, {"subject": row.subject, "txt": row.text_body, "html": row.html_body}
        folder = TEMPLATE_DIR / kind
        if (folder / f"{code}.txt").is_file():
            return code, {
                part: (
                    path.read_text(encoding="utf-8") if (path := folder / f"{code}.{part}").is_file() else ""
                )
                for part in ("subject", "txt", "html")
            }
    raise LookupError(f"message kind {kind!r} has no template for {channel} in {language}, {main} or en")


# Sending


def messages_send_due(*, limit: int = 100, now: datetime | None = None) -> int:
    """Sends up to `limit` messages whose time has come; returns how many were sent. Each is claimed by a
    conditional update first, so workers running at once never send one twice. The batch is read at once
    (members, consents), its e-mails share one connection to the mail server, and what became of them is
    written at its end in one update, with the timeline's lines in one insert."""
    now = now or clock.now()
    _abandoned_fail(now=now)
    claimed = _claim(limit=limit, now=now)
    if not claimed:
        return 0
    messages = list(
        Message.objects.select_related("member").filter(pk__in=claimed).order_by("send_after", "id")
    )
    _message_ids_give(messages)
    # The consents as they stand when the batch starts (a batch lasts seconds: the last moment, give or
    # take them).
    consents = _consents_read((m.member_id, m.channel) for m in messages)
    # A batch that outruns half its lease (a slow mail server) puts back what it has not sent: past the
    # lease another worker would fail them as abandoned while this one still sends.
    deadline = now + LEASE / 2
    sent = tried = written = 0
    try:
        with channels_open() as channels:
            for message in messages:
                if clock.now() >= deadline:
                    break
                sent += _send(
                    message, channels=channels, consent=consents.get((message.member_id, message.channel))
                )
                tried += 1
                if tried - written == OUTCOMES_EVERY:
                    _outcomes_write(messages[written:tried])
                    written = tried
    except BaseException:
        # The worker stopping mid-batch: the message in the channel's hands stays held, to be failed rather
        # than perhaps sent twice; those not tried go back to the queue.
        _release(messages[tried + 1 :])
        raise
    else:
        _release(messages[tried:])
    finally:
        _outcomes_write(messages[written:tried])
    return sent


def _release(messages: list[Message]) -> None:
    if not messages:
        return
    Message.objects.filter(pk__in=[m.pk for m in messages], status=MessageStatus.SENDING).update(
        status=MessageStatus.QUEUED, claimed_until=None, attempts=F("attempts") - 1
    )


def _claim(*, limit: int, now: datetime) -> list[int]:
    """The due messages this worker takes: on PostgreSQL the first `limit` not locked by another worker,
    in one statement; elsewhere (SQLite writes one at a time) one conditional update each."""
    due = Message.objects.filter(status=MessageStatus.QUEUED, send_after__lte=now).order_by(
        "send_after", "id"
    )
    claim = {"status": MessageStatus.SENDING, "claimed_until": now + LEASE, "attempts": F("attempts") + 1}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            Message.objects.filter(pk__in=ids).update(**claim)
        return ids
    return [
        pk
        for pk in list(due.values_list("pk", flat=True)[:limit])
        if Message.objects.filter(pk=pk, status=MessageStatus.QUEUED, send_after__lte=now).update(**claim)
    ]


def _message_ids_give(messages: list[Message]) -> None:
    """Each e-mail's Message-ID, stored before the channel has it, so that a bounce coming straight back
    finds its message; a retry keeps it: it is the same message."""
    fresh = [m for m in messages if m.channel == MessageChannel.EMAIL and not m.message_id and m.address]
    for message in fresh:
        message.message_id = email_message_id()
    rows_update(Message, [(m.pk, {"message_id": m.message_id}) for m in fresh])


def _send(message: Message, *, channels: Channels, consent: bool | None) -> int:
    """Sends one message, or decides not to; what became of it is set on it, for _outcomes_write."""
    message.claimed_until = None
    if not message.address:  # the member was erased while it waited
        message.status, message.skip_reason = MessageStatus.SKIPPED, SkipReason.NO_ADDRESS
        return 0
    spec = message_kind_get(message.kind)
    # Consent is asked again at the last moment: a member who unsubscribed while the message waited out
    # quiet hours (or a campaign's turn) is not written to.
    if (
        message.member is not None
        and spec.refusable
        and (reason := _consent_says(spec=spec, consent=consent))
    ):
        message.status, message.skip_reason = MessageStatus.SKIPPED, reason
        return 0
    try:
        channels(message.channel).send(message)
    except ChannelError as error:
        _retry_or_fail(message, error=str(error))
        return 0
    message.status, message.sent_at = MessageStatus.SENT, clock.now()
    return 1


def _retry_or_fail(message: Message, *, error: str) -> None:
    logger.warning("message %s not sent (attempt %s): %s", message.pk, message.attempts, error)
    message.last_error = error[:300]
    if message.attempts > len(BACKOFF):
        message.status = MessageStatus.FAILED
        return
    message.status, message.send_after = MessageStatus.QUEUED, clock.now() + BACKOFF[message.attempts - 1]


def _outcomes_write(messages: list[Message]) -> None:
    """What became of a batch's messages, in one update of those still held (one failed meanwhile as
    abandoned stays failed; the lock keeps it so until the update), and a line on each member's timeline
    for each sent, in one insert."""
    if not messages:
        return
    with transaction.atomic():
        held = set(
            Message.objects.select_for_update()
            .filter(pk__in=[m.pk for m in messages], status=MessageStatus.SENDING)
            .values_list("pk", flat=True)
        )
        rows_update(
            Message,
            [(m.pk, {name: getattr(m, name) for name in OUTCOME_FIELDS}) for m in messages if m.pk in held],
        )
        timeline_events_add(
            [
                timeline_event(
                    member=message.member,
                    kind=kinds.MESSAGE_SENT.code,
                    occurred_at=message.sent_at,
                    summary=f"{message.channel}: {message.subject or message.kind}",
                    data={"kind": message.kind, "channel": message.channel, "message": message.pk},
                    source=message,
                    dedupe_key=f"message.sent:{message.pk}",
                )
                for message in messages
                if message.status == MessageStatus.SENT and message.member is not None
            ]
        )


def _abandoned_fail(*, now: datetime) -> None:
    """A message still held past its lease: its worker stopped while sending, perhaps after the channel
    took it. Failed rather than sent again, so that nobody gets it twice."""
    Message.objects.filter(status=MessageStatus.SENDING, claimed_until__lt=now).update(
        status=MessageStatus.FAILED,
        claimed_until=None,
        last_error="the worker stopped while sending; not sent again, so that it never arrives twice",
    )


# Unsubscribing


@dataclass(frozen=True)
class UnsubscribeLink:
    member: Member
    channel: str

    @property
    def purpose(self) -> str:
        return CONSENT_PURPOSE[self.channel]


def unsubscribe_url(*, member: Member, channel: str) -> str:
    """The link, signed and needing no login, that withdraws the member's marketing consent for a channel."""
    return signed_url(
        view="messaging:unsubscribe", data={"m": member.pk, "c": channel}, salt=UNSUBSCRIBE_SALT
    )


def unsubscribe_link_read(*, token: str) -> UnsubscribeLink:
    """Whose link it is; BadLink when the token is not ours or names no active member."""
    data = signed_read(token=token, salt=UNSUBSCRIBE_SALT)
    try:
        channel, member_id = data["c"], int(data["m"])
    except (KeyError, TypeError, ValueError):
        raise BadLink from None
    member = Member.objects.filter(pk=member_id, status=MemberStatus.ACTIVE).first()
    if member is None or channel not in CONSENT_PURPOSE:
        raise BadLink
    return UnsubscribeLink(member=member, channel=channel)


def unsubscribe_confirm(*, link: UnsubscribeLink) -> bool:
    """Withdraws the consent through the members' consent service, so its history records how; False when
    it was already withdrawn (a second click changes nothing)."""
    return consent_set(
        member=link.member,
        actor=None,
        purpose=link.purpose,
        granted=False,
        method=ConsentMethod.PORTAL,
        evidence="unsubscribe link in a message",
    )
