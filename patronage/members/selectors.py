"""Reads of the customer file."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from patronage.core import clock
from patronage.core.errors import NotFound, ValidationFailed
from patronage.members import hooks, normalise, search_keys
from patronage.members.models import (
    ConsentEvent,
    ConsentPurpose,
    Identity,
    IdentityKind,
    Member,
    MemberStatus,
    Tag,
    TimelineEvent,
)
from patronage.members.timeline import TimelineKind, kind_get, staff_only_kinds


def member_get(*, member_id: int, include_inactive: bool = False) -> Member:
    """The member with this id; a merged member's id leads to the file it was merged into."""
    member = Member.objects.filter(pk=member_id).first()
    seen = set()
    while member is not None and member.status == MemberStatus.MERGED and member.merged_into_id not in seen:
        seen.add(member.pk)
        member = member.merged_into
    if member is None or (member.status == MemberStatus.ERASED and not include_inactive):
        raise NotFound(_("member #%(id)s does not exist") % {"id": member_id}, field="id")
    return member


def member_find_by_identity(*, value: str, kind: str | None = None, namespace: str = "") -> Member | None:
    """The active member recognised by an e-mail, phone, card number or external id."""
    candidates = [kind] if kind else _kinds_for(value)
    for candidate in candidates:
        try:
            normalised = normalise_for(candidate, value)
        except ValidationFailed:
            continue
        identity = (
            Identity.objects.select_related("member")
            .filter(
                kind=candidate,
                value=normalised,
                **({"namespace": namespace} if candidate == "external" else {}),
            )
            .first()
        )
        if identity is not None:
            return identity.member
    return None


def normalise_for(kind: str, value: str) -> str:
    normalisers: dict[IdentityKind, Callable[[str], str]] = {
        IdentityKind.EMAIL: normalise.email,
        IdentityKind.PHONE: normalise.phone,
        IdentityKind.CARD: normalise.card,
        IdentityKind.EXTERNAL: normalise.external_id,
    }
    return normalisers[IdentityKind(kind)](value)


def _kinds_for(value: str) -> list[str]:
    if "@" in value:
        return [IdentityKind.EMAIL]
    return [IdentityKind.CARD, IdentityKind.EXTERNAL, IdentityKind.PHONE]


def member_list(
    *,
    search: str = "",
    city: str = "",
    tag: str = "",
    source: str = "",
    status: str = MemberStatus.ACTIVE,
    joined_from: date | None = None,
    joined_to: date | None = None,
    account_manager_id: int | None = None,
) -> QuerySet[Member]:
    """Members matching a search by any identity, name or '#id', and filters; newest first."""
    members = Member.objects.all()
    if status:
        members = members.filter(status=status)
    if search := search.strip():
        members = members.filter(_search_condition(search))
    if city:
        members = members.filter(city__iexact=city)
    if tag:
        members = members.filter(tags__name=tag.lower())
    if source:
        members = members.filter(source=source)
    if joined_from:
        members = members.filter(joined_at__date__gte=joined_from)
    if joined_to:
        members = members.filter(joined_at__date__lte=joined_to)
    if account_manager_id:
        members = members.filter(account_manager_id=account_manager_id)
    return members.order_by("-id")


# A picker offers at most this many values; a longer list is typed into, not read.
PICKER_VALUES = 1000


def member_city_list() -> list[str]:
    """The cities customers live in, alphabetically, for the list's city picker.

    Read by hopping through the city index from each city to the next (a loose index scan): one index
    seek per city, where SELECT DISTINCT reads an index entry per customer (5 ms at 100,000 of them, on
    every opening of the list). Neither SQLite nor PostgreSQL does this by itself.
    """
    table = connection.ops.quote_name(Member._meta.db_table)
    hops = f"""
        WITH RECURSIVE cities (city, n) AS (
            SELECT MIN(city), 1 FROM {table} WHERE city > ''
            UNION ALL
            SELECT (SELECT MIN(city) FROM {table} WHERE city > cities.city), n + 1
            FROM cities WHERE cities.city IS NOT NULL AND n < %s
        )
        SELECT city FROM cities WHERE city IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(hops, [PICKER_VALUES])
        return [city for (city,) in cursor.fetchall()]


def tag_name_list() -> list[str]:
    """Every tag's name, alphabetically, for the list's tag picker."""
    return list(Tag.objects.order_by("name").values_list("name", flat=True)[:PICKER_VALUES])


def _search_condition(search: str) -> Q:
    """Who a search finds (docs/guide/customer-file.md, "Finding a customer").

    - '#123': that member;
    - any identity as it is stored once normalised (e-mail, phone, card, external id);
    - a phone number in any national or international form (members.search_keys.phone_query);
    - a card number with or without its dashes and spaces, in any case;
    - a part of an e-mail address, 3 characters or more;
    - a name: the start of the name's key, a part of the name as written, or its romanised words
      (Kim, Minji, Kim Minji and Lee find 김민지 and 이서연; Sato finds 佐藤).
    """
    if search.startswith("#") and search[1:].isdigit():
        return Q(pk=int(search[1:]))
    identity_values = set()
    for kind in IdentityKind.values:
        try:
            identity_values.add(normalise_for(kind, search))
        except ValidationFailed:
            continue
    identity_values |= search_keys.phone_query(search, normalise.default_region())
    # One sub-query per way of matching, joined by UNION: each reads its own index (values, compact
    # values), and the members are then read by id, where an OR of sub-queries reads every member.
    found: list[QuerySet[Any]] = [Identity.objects.filter(value__in=identity_values).values("member_id")]
    if card := search_keys.card_query(search):
        compact = Identity.objects.alias(value_compact=Replace("value", Value("-"), Value("")))
        found.append(compact.filter(kind=IdentityKind.CARD, value_compact=card).values("member_id"))
    if fragment := search_keys.email_fragment(search):
        found.append(
            Identity.objects.filter(kind=IdentityKind.EMAIL, value__contains=fragment).values("member_id")
        )
    # An e-mail address or a number is never part of a name: skip the name scan, the slow part at scale.
    looks_like_name = "@" not in search and any(character.isalpha() for character in search)
    key = normalise.name_key(search)
    if key and looks_like_name:
        names = Q(name_key__startswith=key) | Q(name__icontains=search)
        for reading in search_keys.name_query(search):
            names |= Q(*(Q(name_latin__contains=f" {word}") for word in reading))
        found.append(Member.objects.filter(names).order_by().values("pk"))  # no ORDER BY inside a UNION
    return Q(pk__in=found[0].union(*found[1:]) if len(found) > 1 else found[0])


def member_timeline(*, member: Member, kinds: list[str] | None = None) -> QuerySet[TimelineEvent]:
    events = TimelineEvent.objects.filter(member=member).select_related("actor")
    if kinds:
        events = events.filter(kind__in=kinds)
    return events.order_by("-occurred_at", "-id")


def member_identities(*, member: Member) -> dict[str, str]:
    """The primary value of each identity kind, keyed by API field name."""
    primaries: dict[str, str] = {}
    for identity in sorted(member.identities.all(), key=lambda i: (not i.is_primary, i.pk)):
        field_name = {"email": "email", "phone": "phone", "card": "card_number", "external": "external_id"}[
            identity.kind
        ]
        primaries.setdefault(field_name, identity.value)
    return primaries


def member_export_data(*, member: Member) -> dict[str, Any]:
    """The data-subject export: profile, identities, consents with history, notes, timeline and app sections."""
    data: dict[str, Any] = {
        "member": {
            "id": member.pk,
            "name": member.name,
            "birth_date": member.birth_date.isoformat() if member.birth_date else None,
            "locale": member.locale,
            "time_zone": member.time_zone,
            "address": member.address,
            "city": member.city,
            "postal_code": member.postal_code,
            "country": member.country,
            "preferences": member.preferences,
            "tags": sorted(tag.name for tag in member.tags.all()),
            "source": member.source,
            "status": member.status,
            "joined_at": member.joined_at.isoformat(),
        },
        "identities": [
            {"kind": i.kind, "namespace": i.namespace, "value": i.value, "primary": i.is_primary}
            for i in member.identities.order_by("kind", "pk")
        ],
        "consents": [
            {"purpose": c.purpose, "granted": c.granted, "updated_at": c.updated_at.isoformat()}
            for c in member.consents.order_by("purpose")
        ],
        "consent_history": [
            {
                "purpose": e.purpose,
                "granted": e.granted,
                "method": e.method,
                "evidence": e.evidence,
                "at": e.at.isoformat(),
            }
            for e in member.consent_events.order_by("at", "pk")
        ],
        "notes": [
            {"body": n.body, "created_at": n.created_at.isoformat()}
            for n in member.notes.order_by("created_at")
        ],
        "timeline": [
            {"kind": e.kind, "occurred_at": e.occurred_at.isoformat(), "summary": e.summary, "data": e.data}
            for e in member.timeline.order_by("occurred_at", "pk")
        ],
    }
    for name, section in sorted(hooks.export_sections.items()):
        data[name] = section(member)
    return data


@dataclass(frozen=True)
class VisibleEvent:
    kind: TimelineKind
    occurred_at: datetime


@dataclass(frozen=True)
class ConsentAnswer:
    purpose: str
    label: str | Promise
    granted: bool | None  # None: never asked
    updated_at: datetime | None


def member_of_user(*, user: AbstractBaseUser | AnonymousUser) -> Member | None:
    """The active customer file a portal login belongs to; None for staff and erased or merged files."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user_id=user.pk, status=MemberStatus.ACTIVE).first()


def member_visible_timeline(*, member: Member, limit: int = 10) -> list[VisibleEvent]:
    """The member's latest events as their kinds' translated labels, without the staff-only ones.

    Summaries are left out: services write them in English for staff.
    """
    events = member_timeline(member=member).exclude(kind__in=staff_only_kinds())[:limit]
    return [VisibleEvent(kind_get(event.kind), event.occurred_at) for event in events]


def member_consent_answers(*, member: Member) -> list[ConsentAnswer]:
    """The current answer for every purpose, in the purposes' order, including those never asked."""
    current = {consent.purpose: consent for consent in member.consents.all()}
    answers = []
    for purpose in ConsentPurpose:
        consent = current.get(purpose.value)
        answers.append(
            ConsentAnswer(
                purpose=purpose.value,
                label=purpose.label,
                granted=consent.granted if consent else None,
                updated_at=consent.updated_at if consent else None,
            )
        )
    return answers


def member_consent_history(*, member: Member) -> QuerySet[ConsentEvent]:
    """Every grant and withdrawal, newest first."""
    return member.consent_events.select_related("recorded_by").order_by("-at", "-id")


def member_identity_list(*, member: Member) -> QuerySet[Identity]:
    return member.identities.order_by("kind", "-is_primary", "pk")


@dataclass(frozen=True)
class MemberRow:
    member: Member
    email: str
    card_number: str


def member_rows(members: Iterable[Member]) -> list[MemberRow]:
    """List rows with the primary e-mail and card; `members` must prefetch `primary_identities`."""
    rows = []
    for member in members:
        primaries = {identity.kind: identity.value for identity in member.primary_identities}  # type: ignore[attr-defined]
        rows.append(
            MemberRow(
                member=member,
                email=primaries.get(IdentityKind.EMAIL, ""),
                card_number=primaries.get(IdentityKind.CARD, ""),
            )
        )
    return rows


def with_primary_identities(members: QuerySet[Member]) -> QuerySet[Member]:
    """Adds the prefetch member_rows needs; it runs once for the page actually shown."""
    return members.prefetch_related(
        Prefetch(
            "identities",
            queryset=Identity.objects.filter(
                is_primary=True, kind__in=[IdentityKind.EMAIL, IdentityKind.CARD]
            ).order_by("pk"),
            to_attr="primary_identities",
        )
    )


SIGNUP_MONTHS = 24


@dataclass(frozen=True)
class SourceCount:
    source: str
    count: int


@dataclass(frozen=True)
class MonthCount:
    month: date
    count: int


@dataclass(frozen=True)
class DashboardCounts:
    active: int
    joined_last_30_days: int
    by_source: list[SourceCount]
    signups_by_month: list[MonthCount]


def _month_starts(today: date, count: int) -> list[datetime]:
    """The first instants of the last `count` months and of the next one, in the current time zone, oldest first."""
    index = today.year * 12 + today.month - 1
    firsts = [date((index - back) // 12, (index - back) % 12 + 1, 1) for back in range(count - 1, -2, -1)]
    return [timezone.make_aware(datetime.combine(first, time.min)) for first in firsts]


def member_dashboard_counts() -> DashboardCounts:
    """Active members, recent joiners, members per source and sign-ups per month over two years."""
    active = Member.objects.filter(status=MemberStatus.ACTIVE)
    now = clock.now()
    bounds = _month_starts(timezone.localdate(now), SIGNUP_MONTHS)
    # One range count per month: each reads only the (joined_at, status) index, where a single query with
    # 24 filtered aggregates or a per-row month truncation reads the whole table.
    signups = Member.objects.exclude(status=MemberStatus.MERGED)
    per_month = [
        signups.filter(joined_at__gte=start, joined_at__lt=end).count()
        for start, end in itertools.pairwise(bounds)
    ]
    per_source = active.values("source").annotate(n=Count("id")).order_by("-n", "source")
    return DashboardCounts(
        active=active.count(),
        joined_last_30_days=active.filter(joined_at__gte=now - timedelta(days=30)).count(),
        by_source=[SourceCount(source=row["source"], count=row["n"]) for row in per_source],
        signups_by_month=[
            MonthCount(month=start.date(), count=count)
            for start, count in zip(bounds, per_month, strict=False)
        ],
    )
