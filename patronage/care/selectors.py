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
    EntryKind,
    ReplyTemplate,
    RootCause,
    SlaPolicy,
    Team,
)
from patronage.care.permissions import CASES_WORK
from patronage.care.reply_text import AGENT, BUSINESS, NAME, REFERENCE, reply_template_fill
from patronage.core.business import business_name
from patronage.core.errors import NotFound
from patronage.core.models import User
from patronage.core.names import text_in_language
from patronage.core.selectors import staff_users
from patronage.members.models import Member


def _cases() -> QuerySet[Case]:
    # What the case page and the API read of a case, in its one query.
    return Case.objects.select_related(
        "policy", "member", "category__parent", "assignee", "team", "merged_into", "order", "product", "store"
    )


def in_category(category_id: int) -> Q:
    """Cases of a category and of the two levels under it ("Delivery" finds "Delivery / Late / Over a
    week"): the tree is at most three deep (care.setup.CATEGORY_DEPTH)."""
    return (
        Q(category_id=category_id)
        | Q(category__parent_id=category_id)
        | Q(category__parent__parent_id=category_id)
    )


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


def case_followed_up_by_survey(*, case: Case) -> bool:
    """Whether the case's follow-up (step 6) was a survey, rather than care's one question."""
    return case.entries.filter(kind=EntryKind.FOLLOW_UP, data__survey=True).exists()


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


# --- saved replies -----------------------------------------------------------------------------------------


def reply_template_list() -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.select_related("category")


@dataclass(frozen=True)
class ReplyOffer:
    """A saved reply as an agent inserts it on one case: its text in the customer's language, filled in."""

    template: ReplyTemplate
    text: str
    for_category: bool  # saved for the case's category or one above it


def reply_templates_for(*, case: Case, language: str | None, agent: User | None) -> list[ReplyOffer]:
    """The saved replies in use, those for the case's category (or one it sits under) first, each in
    `language` (else the main one) with the customer's name, the reference, the agent and the business
    filled in."""
    above: set[int] = set()
    category = case.category
    while category is not None and category.pk not in above:
        above.add(category.pk)
        category = category.parent
    member = case.member
    values = {
        NAME: case.contact_name or (member.name if member else ""),
        REFERENCE: case.reference,
        AGENT: (agent.first_name or agent.get_username()) if agent else business_name(),
        BUSINESS: business_name(),
    }
    offers = [
        ReplyOffer(
            template=template,
            text=reply_template_fill(
                text_in_language(template.body, template.body_translations, language), values
            ),
            for_category=template.category_id in above,
        )
        for template in ReplyTemplate.objects.filter(active=True)
    ]
    return sorted(offers, key=lambda offer: not offer.for_category)
