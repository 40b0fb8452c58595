"""Reading cases: one by reference, the queue, a member's own; the staff who may work them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from patronage.care.models import (
    OPEN_STATUSES,
    BusinessCalendar,
    Case,
    CaseStatus,
    Category,
    RootCause,
    SlaPolicy,
    Team,
)
from patronage.care.permissions import CASES_WORK
from patronage.core.errors import NotFound
from patronage.core.models import User
from patronage.core.selectors import staff_users
from patronage.members.models import Member


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("policy", "member", "category", "assignee", "team", "merged_into")


def case_get(*, reference: str) -> Case:
    case = _cases().filter(reference=reference.strip().upper()).first()
    if case is None:
        raise NotFound(_("no case %(reference)s") % {"reference": reference}, field="reference")
    return case


def case_of_member(*, member: Member, reference: str) -> Case:
    """The member's own case; another's is not found, exactly as one that does not exist."""
    case = _cases().filter(reference=reference.strip().upper(), member=member).first()
    if case is None:
        raise NotFound(_("no case %(reference)s") % {"reference": reference}, field="reference")
    return case


@dataclass(frozen=True)
class MemberCases:
    """A customer's cases as their file shows them: how many are open, the latest, how they rated us."""

    open: int
    total: int
    latest: Sequence[Case]
    satisfaction: float | None  # the mean of their ratings, 1 to 5


MEMBER_CASES_SHOWN = 5


def member_cases_summary(*, member: Member) -> MemberCases:
    """Counted in one aggregate; the latest cases (open ones first) in one more query."""
    cases = Case.objects.filter(member=member).exclude(status=CaseStatus.MERGED)
    counts = cases.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        satisfaction=Avg("satisfaction"),
    )
    latest = list(
        cases.annotate(
            still_open=ExpressionWrapper(Q(status__in=list(OPEN_STATUSES)), output_field=BooleanField())
        ).order_by("-still_open", "-created_at", "-pk")[:MEMBER_CASES_SHOWN]
    )
    return MemberCases(
        open=counts["open"], total=counts["total"], latest=latest, satisfaction=counts["satisfaction"]
    )


def case_by_token(*, token: str) -> Case | None:
    """The case behind a customer's secret link."""
    return _cases().filter(access_token=token).first() if token else None


def case_workers() -> QuerySet[User]:
    """Active staff who may work cases (through a group, their own rights, or as superuser)."""
    app_label, codename = CASES_WORK.split(".", 1)
    work = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    holds = Q(groups__permissions__in=work) | Q(user_permissions__in=work) | Q(is_superuser=True)
    return staff_users().filter(holds).distinct()


# --- the desk's set-up -------------------------------------------------------------------------------------


def policy_list() -> QuerySet[SlaPolicy]:
    """The policies in the order they are tried, the default last, with their calendars and categories."""
    return SlaPolicy.objects.select_related("calendar").prefetch_related("categories")


def calendar_list() -> QuerySet[BusinessCalendar]:
    """The calendars, each with the names of the policies that use it."""
    return BusinessCalendar.objects.prefetch_related(
        Prefetch("slapolicy_set", queryset=SlaPolicy.objects.order_by("is_default", "position", "pk"))
    )


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def root_cause_list() -> QuerySet[RootCause]:
    return RootCause.objects.all()


def team_list() -> QuerySet[Team]:
    return Team.objects.select_related("lead").prefetch_related("members")
