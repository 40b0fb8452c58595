"""Reads the console shows that the domain apps have no selector for yet: dashboard counts, rows, lists.

Pure reads for display only; the lead may move them into the domain apps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncMonth

from patronage.core import clock
from patronage.core.models import ApiKey, AuditEntry, User
from patronage.core.roles import STAFF_ROLES
from patronage.members.models import (
    ConsentEvent,
    ConsentPurpose,
    Identity,
    IdentityKind,
    ImportJob,
    Member,
    MemberStatus,
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


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def dashboard_counts() -> DashboardCounts:
    """Active members, recent joiners, members per source and sign-ups per month over two years."""
    active = Member.objects.filter(status=MemberStatus.ACTIVE)
    now = clock.now()
    first_month = _month_start(now.date(), SIGNUP_MONTHS - 1)
    per_source = active.values("source").annotate(n=Count("id")).order_by("-n", "source")
    per_month = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["n"]
        for row in Member.objects.exclude(status=MemberStatus.MERGED)
        .filter(joined_at__date__gte=first_month)
        .annotate(month=TruncMonth("joined_at"))
        .values("month")
        .annotate(n=Count("id"))
        .values("month", "n")
    }
    months = [_month_start(now.date(), back) for back in range(SIGNUP_MONTHS - 1, -1, -1)]
    return DashboardCounts(
        active=active.count(),
        joined_last_30_days=active.filter(joined_at__gte=now - timedelta(days=30)).count(),
        by_source=[SourceCount(source=row["source"], count=row["n"]) for row in per_source],
        signups_by_month=[MonthCount(month=month, count=per_month.get(month, 0)) for month in months],
    )


def import_jobs_recent(*, limit: int = 5) -> list[ImportJob]:
    return list(ImportJob.objects.order_by("-created_at", "-id")[:limit])


def audit_entries(*, action: str = "", actor: str = "", target: str = "") -> QuerySet[AuditEntry]:
    """The audit log, newest first; `target` matches an id ('42') or a type and id ('member#42')."""
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor_label__iexact=actor)
    if target:
        target_type, _sep, target_id = target.rpartition("#")
        entries = entries.filter(target_id=target_id.strip())
        if target_type.strip():
            entries = entries.filter(target_type__endswith=target_type.strip().lower())
    return entries.order_by("-at", "-id")


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


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


@dataclass(frozen=True)
class ConsentAnswer:
    purpose: str
    label: str
    granted: bool | None  # None: never asked
    updated_at: object | None


def member_consents(*, member: Member) -> list[ConsentAnswer]:
    """The current answer for every purpose, including those never asked."""
    current = {consent.purpose: consent for consent in member.consents.all()}
    return [
        ConsentAnswer(
            purpose=purpose.value,
            label=str(purpose.label),
            granted=current[purpose.value].granted if purpose.value in current else None,
            updated_at=current[purpose.value].updated_at if purpose.value in current else None,
        )
        for purpose in ConsentPurpose
    ]


def member_consent_history(*, member: Member) -> QuerySet[ConsentEvent]:
    return member.consent_events.select_related("recorded_by").order_by("-at", "-id")


def member_identity_list(*, member: Member) -> QuerySet[Identity]:
    return member.identities.order_by("kind", "-is_primary", "pk")


def staff_users() -> QuerySet[User]:
    """Active staff, who can be assigned as a customer's account manager."""
    return User.objects.filter(is_active=True, role__in=[role.value for role in STAFF_ROLES]).order_by(
        "username"
    )


def apikey_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.order_by("-created_at", "-id")


def apikey_get(*, key_id: int) -> ApiKey | None:
    return ApiKey.objects.filter(pk=key_id).first()
