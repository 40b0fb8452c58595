"""Customer information: the business's items and topics, members' interests, and the digests (decision 0031).

An item is published from its `published_at` (the `information.published` webhook goes when that time has
come, once: a conditional update claims it). Members choose topics and how often they want a digest; the
daily job sends each member who has their marketing e-mail consent one digest per period (an ISO week or a
calendar month on the business's clock) with the items published since their last digest that fit them.
Never twice: the message's key is `digest:<member>:<period>`, and each item sent is a row unique per member
and item, written in the transaction that queues the message; the next digest holds only items without
one (so an item published late, or with an earlier date, is not lost behind a cursor either).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from patronage.commerce.models import Brand, Category
from patronage.core import clock
from patronage.core.audit import audit_change
from patronage.core.business import business, business_languages
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.inputs import code_refusal, instant_refusal, texts_problems
from patronage.core.message_kinds import InLanguages
from patronage.core.models import User
from patronage.core.names import text_in_language, translations_clean, translations_merge
from patronage.core.outbox import outbox_publish
from patronage.members.models import Member, MemberStatus
from patronage.members.services import timeline_record
from patronage.messages.message_services import message_queue
from patronage.messages.models import MessageStatus
from patronage.segments.information_selectors import (
    digest_consented_members,
    digest_items,
    digest_period,
)
from patronage.segments.message_kinds import INFORMATION_DIGEST
from patronage.segments.models import (
    DigestFrequency,
    DigestPreference,
    InformationDelivery,
    InformationItem,
    InformationKind,
    InformationTopic,
    MemberInterest,
    Segment,
)

TITLE_MAX, BODY_MAX, TOPIC_NAME_MAX = 200, 10_000, 100
TAGS_MAX = 20  # topics, categories or brands on one item
EXCERPT = 300  # characters of an item's text in a digest: the portal has the rest
DIGEST_BATCH = 200  # members settled per query of the job
PORTAL_PATH = "/portal/information/"
# How far back a digest reaches: to one period before the member chose their frequency (what was sent
# since is marked, so the reach only keeps a new reader from being sent the whole archive).
FIRST_REACH = {DigestFrequency.WEEKLY: timedelta(days=7), DigestFrequency.MONTHLY: timedelta(days=31)}


@dataclass
class TopicInput:
    code: str
    name: str
    name_translations: Mapping[str, str] = field(default_factory=dict)


@dataclass
class InformationInput:
    """What an item says and whom it is for, as the console or the API gives it."""

    code: str
    kind: str
    title: str
    body: str
    published_at: datetime
    topics: Sequence[str] = ()
    expires_at: datetime | None = None
    categories: Sequence[str] = ()
    brands: Sequence[str] = ()
    segment: str = ""  # a segment's code: only its members see it
    title_translations: Mapping[str, str] = field(default_factory=dict)
    body_translations: Mapping[str, str] = field(default_factory=dict)


# --- topics ------------------------------------------------------------------------------------------------


def information_topic_create(*, data: TopicInput, actor: User | None) -> InformationTopic:
    """A new topic members may choose; a code in use refused."""
    problems: list[tuple[str, str]] = []
    if refusal := code_refusal(data.code):
        problems.append(("code", refusal.message()))
    problems += texts_problems(data, (("name", TOPIC_NAME_MAX, True),))
    names, name_problems = translations_clean(
        data.name_translations,
        field="name_translations",
        languages=business_languages(),
        max_length=TOPIC_NAME_MAX,
    )
    if problems := problems + name_problems:
        raise ValidationFailed.every(problems)
    topic = InformationTopic(
        code=data.code,
        name=data.name.strip(),
        name_translations=translations_merge({}, names, main_language=business_languages()[0]),
        created_at=clock.now(),
    )
    try:
        with transaction.atomic(durable=True):
            topic.save()
            audit_change(actor=actor, action="information_topic.created", target=topic, code=topic.code)
    except IntegrityError as error:
        if InformationTopic.objects.filter(code=data.code).exists():
            raise Conflict(
                _("a topic with the code '%(code)s' exists") % {"code": data.code}, field="code"
            ) from error
        raise
    return topic


# --- items -------------------------------------------------------------------------------------------------


@dataclass
class _Checked:
    topics: list[InformationTopic]
    segment: Segment | None
    titles: dict[str, str]
    bodies: dict[str, str]


def _unknown_problem(name: str, given: Sequence[str], known: set[str]) -> list[tuple[str, str]]:
    if len(given) > TAGS_MAX:
        return [(name, _("at most %(max)d") % {"max": TAGS_MAX})]
    if unknown := sorted(set(given) - known):
        return [(name, _("no such code: '%(code)s'") % {"code": unknown[0]})]
    return []


def _checked(data: InformationInput) -> _Checked:
    problems: list[tuple[str, str]] = []
    if refusal := code_refusal(data.code):
        problems.append(("code", refusal.message()))
    if data.kind not in InformationKind.values:
        problems.append(
            ("kind", _("must be one of: %(known)s") % {"known": ", ".join(InformationKind.values)})
        )
    problems += texts_problems(data, (("title", TITLE_MAX, True), ("body", BODY_MAX, True)))
    for name in ("published_at", "expires_at"):
        value = getattr(data, name)
        if value is not None and (refusal := instant_refusal(value)):
            problems.append((name, refusal.message()))
    if not problems and data.expires_at is not None and data.expires_at <= data.published_at:
        problems.append(("expires_at", _("must be after the publication")))
    topics = list(InformationTopic.objects.filter(code__in=list(data.topics)[:TAGS_MAX]))
    if not data.topics:
        problems.append(("topics", _("choose at least one topic")))
    problems += _unknown_problem("topics", data.topics, {topic.code for topic in topics})
    categories = Category.objects.filter(code__in=list(data.categories)[:TAGS_MAX]).values_list(
        "code", flat=True
    )
    problems += _unknown_problem("categories", data.categories, set(categories))
    brands = Brand.objects.filter(code__in=list(data.brands)[:TAGS_MAX]).values_list("code", flat=True)
    problems += _unknown_problem("brands", data.brands, set(brands))
    segment = Segment.objects.filter(code=data.segment, active=True).first() if data.segment else None
    if data.segment and segment is None:
        problems.append(("segment", _("no active segment has the code '%(code)s'") % {"code": data.segment}))
    languages = business_languages()
    titles, title_problems = translations_clean(
        data.title_translations, field="title_translations", languages=languages, max_length=TITLE_MAX
    )
    bodies, body_problems = translations_clean(
        data.body_translations, field="body_translations", languages=languages, max_length=BODY_MAX
    )
    if problems := problems + title_problems + body_problems:
        raise ValidationFailed.every(problems)
    return _Checked(topics=topics, segment=segment, titles=titles, bodies=bodies)


def _fill(item: InformationItem, data: InformationInput, checked: _Checked) -> None:
    main = business_languages()[0]
    item.kind, item.segment = data.kind, checked.segment
    item.title, item.body = data.title.strip(), data.body.strip()
    item.title_translations = translations_merge(item.title_translations, checked.titles, main_language=main)
    item.body_translations = translations_merge(item.body_translations, checked.bodies, main_language=main)
    item.categories, item.brands = sorted(set(data.categories)), sorted(set(data.brands))
    item.published_at, item.expires_at = data.published_at, data.expires_at


def information_item_create(*, data: InformationInput, actor: User | None) -> InformationItem:
    """A new item, visible from its publication time; every problem named at once, a code in use refused."""
    checked = _checked(data)
    now = clock.now()
    item = InformationItem(code=data.code, created_by=actor, created_at=now)
    _fill(item, data, checked)
    try:
        with transaction.atomic(durable=True):
            item.save()
            item.topics.set(checked.topics)
            audit_change(actor=actor, action="information.created", target=item, code=item.code)
            _announce(item, now)
    except IntegrityError as error:
        if InformationItem.objects.filter(code=data.code).exists():
            raise Conflict(
                _("an item with the code '%(code)s' exists") % {"code": data.code}, field="code"
            ) from error
        raise
    return item


def information_item_update(
    *, item: InformationItem, data: InformationInput, actor: User | None
) -> InformationItem:
    """Changes an item's words, tags and dates; its code stays. Those it was sent to are not sent it again."""
    data.code = item.code
    checked = _checked(data)
    now = clock.now()
    with transaction.atomic(durable=True):
        item = InformationItem.objects.select_for_update().get(pk=item.pk)
        _fill(item, data, checked)
        item.save()
        item.topics.set(checked.topics)
        audit_change(actor=actor, action="information.changed", target=item, code=item.code)
        _announce(item, now)
    return item


def information_item_retire(*, item: InformationItem, actor: User | None) -> InformationItem:
    """Takes an item off the portal and out of digests not yet sent; again changes nothing."""
    with transaction.atomic(durable=True):
        changed = InformationItem.objects.filter(pk=item.pk, retired_at__isnull=True).update(
            retired_at=clock.now()
        )
        if changed:
            audit_change(actor=actor, action="information.retired", target=item, code=item.code)
    item.refresh_from_db()
    return item


def _announce(item: InformationItem, now: datetime) -> bool:
    """Publishes `information.published` once, when the item's time has come (a conditional update claims
    it, so two jobs never both announce one item)."""
    if item.published_at > now or item.retired_at is not None:
        return False
    claimed = InformationItem.objects.filter(pk=item.pk, announced_at__isnull=True).update(announced_at=now)
    if not claimed:
        return False
    outbox_publish(
        topic="information.published",
        payload={
            "item": item.code,
            "kind": item.kind,
            "topics": sorted(item.topics.values_list("code", flat=True)),
            "segment": item.segment.code if item.segment_id else None,  # type: ignore[union-attr]
            "published_at": item.published_at.astimezone(UTC).isoformat(),
        },
        key=f"information.published:{item.pk}",
    )
    return True


def information_announce_due(*, now: datetime | None = None) -> int:
    """Announces the items whose publication time has come since the last pass; returns how many."""
    now = now or clock.now()
    due = InformationItem.objects.filter(
        announced_at__isnull=True, retired_at__isnull=True, published_at__lte=now
    ).select_related("segment")
    announced = 0
    for item in due:
        with transaction.atomic(durable=True):
            announced += _announce(item, now)
    return announced


# --- members' interests ------------------------------------------------------------------------------------


def member_interests_set(
    *, member: Member, topics: Sequence[str], frequency: str, actor: User | None = None
) -> DigestPreference:
    """The member's topics and digest frequency, replacing the ones before (on their timeline). Chosen
    without marketing e-mail consent, the choice is kept and no digest goes until consent is given."""
    problems: list[tuple[str, str]] = []
    found = list(InformationTopic.objects.filter(code__in=list(topics)))
    if unknown := sorted(set(topics) - {topic.code for topic in found}):
        problems.append(("topics", _("no such topic: '%(code)s'") % {"code": unknown[0]}))
    if frequency not in DigestFrequency.values:
        problems.append(
            ("frequency", _("must be one of: %(known)s") % {"known": ", ".join(DigestFrequency.values)})
        )
    if problems:
        raise ValidationFailed.every(problems)
    now = clock.now()
    with transaction.atomic(durable=True):
        preference, created = DigestPreference.objects.select_for_update().get_or_create(
            member=member, defaults={"frequency": frequency, "chosen_at": now}
        )
        if not created and preference.frequency != frequency:
            preference.frequency, preference.chosen_at = frequency, now
            preference.save(update_fields=["frequency", "chosen_at"])
        chosen = {topic.pk for topic in found}
        MemberInterest.objects.filter(member=member).exclude(topic__in=chosen).delete()
        kept = set(MemberInterest.objects.filter(member=member).values_list("topic", flat=True))
        MemberInterest.objects.bulk_create(
            [MemberInterest(member=member, topic_id=pk, chosen_at=now) for pk in sorted(chosen - kept)]
        )
        timeline_record(
            member=member,
            kind="interests_changed",
            summary=", ".join(sorted(topic.code for topic in found)),
            data={"topics": sorted(topic.code for topic in found), "frequency": frequency},
            actor=actor,
        )
    return preference


# --- the digests -------------------------------------------------------------------------------------------


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _digest_text(items: Sequence[InformationItem], language: str) -> str:
    """The items, newest first, each its title and the start of its text in `language` (else the main one)."""
    return "\n\n".join(
        text_in_language(item.title, item.title_translations, language)
        + "\n"
        + _excerpt(text_in_language(item.body, item.body_translations, language))
        for item in items
    )


def _digest_context(items: Sequence[InformationItem]) -> dict[str, object]:
    languages = business_languages()
    return {
        "count": len(items),
        "items": InLanguages(
            _digest_text(items, languages[0]),
            {language: _digest_text(items, language) for language in languages[1:]},
        ),
        "portal": str(settings.MESSAGES_BASE_URL).rstrip("/") + PORTAL_PATH,
    }


def digest_message_key(member_id: int, period: str) -> str:
    return f"digest:{member_id}:{period}"


def _digest_one(preference_id: int, now: datetime, zone: ZoneInfo) -> bool:
    """Settles one member's digest for the current period in one transaction; True when one was queued."""
    with transaction.atomic(durable=True):
        rows = DigestPreference.objects.filter(pk=preference_id).select_related("member")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))  # another worker has it
        preference = rows.first()
        if preference is None or preference.frequency == DigestFrequency.NEVER:
            return False
        period = digest_period(preference.frequency, now, zone)
        if preference.period_done == period:
            return False
        member = preference.member
        since = preference.chosen_at - FIRST_REACH[DigestFrequency(preference.frequency)]
        items = digest_items(member=member, since=since, now=now)
        preference.period_done = period
        sent = False
        if items:
            key = digest_message_key(member.pk, period)
            message = message_queue(
                kind=INFORMATION_DIGEST.code, member=member, context=_digest_context(items), key=key
            )
            # Refused when queued (consent withdrawn meanwhile, the weekly cap): nothing is marked sent,
            # and the next period's digest carries these items.
            sent = message is not None and message.status != MessageStatus.SKIPPED
            if sent:
                InformationDelivery.objects.bulk_create(
                    [
                        InformationDelivery(
                            member=member, item=item, message=message, period=period, delivered_at=now
                        )
                        for item in items
                    ],
                    ignore_conflicts=True,
                )
        preference.save(update_fields=["period_done"])
    return sent


def information_digests_send(*, now: datetime | None = None, batch: int = DIGEST_BATCH) -> int:
    """Settles every member due a digest this period (weekly or monthly, with marketing e-mail consent, an
    active file), `batch` members per query, each in its own transaction; returns how many were queued."""
    now = now or clock.now()
    zone = ZoneInfo(business().time_zone)
    week = digest_period(DigestFrequency.WEEKLY, now, zone)
    month = digest_period(DigestFrequency.MONTHLY, now, zone)
    due = (
        DigestPreference.objects.filter(
            (Q(frequency=DigestFrequency.WEEKLY) & ~Q(period_done=week))
            | (Q(frequency=DigestFrequency.MONTHLY) & ~Q(period_done=month)),
            member__status=MemberStatus.ACTIVE,
            member__in=digest_consented_members(),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued, after = 0, 0
    while ids := list(due.filter(pk__gt=after)[:batch]):
        for preference_id in ids:
            queued += _digest_one(preference_id, now, zone)
        after = ids[-1]
    return queued
