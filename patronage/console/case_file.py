"""The cases as the console reads them: the queue in the order targets are missed, the count of breached cases
for the navigation, who may be given a case, and the customer beside it.

care.selectors answers one case by reference; the queue's order and filters, and the panel that puts the
customer's loyalty and scores beside the case, read several apps (care, members, loyalty, analytics,
commerce), so the console, above them all, puts them together here, as customer_file.py does for the
customer list. Every list is one query whatever the number of cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from patronage.care.compensation import limit_of
from patronage.care.flows import moves_from
from patronage.care.legs import late_seconds
from patronage.care.models import (
    OPEN_STATUSES,
    Case,
    CaseAttachment,
    CasePause,
    CaseStatus,
    Category,
    Compensation,
    EntryKind,
    LegKind,
    RootCause,
    SlaLeg,
)
from patronage.care.permissions import CASES_LEAD, CASES_WORK
from patronage.care.selectors import in_category
from patronage.commerce.models import Order, Product, Store
from patronage.console.case_words import (
    MOVE_LABELS,
    Countdown,
    EntryLine,
    LegLine,
    Step,
    case_steps,
    countdown,
    entry_line,
    language_words,
    leg_line,
)
from patronage.console.customer_file import CustomerHeader, customer_header
from patronage.core.errors import NotFound, ValidationFailed
from patronage.core.models import User
from patronage.core.names import in_reader_language
from patronage.core.words import money_words
from patronage.feedback.selectors import OpeningAnswer, case_opening_answer
from patronage.loyalty.models import Benefit, Program
from patronage.loyalty.selectors import program_list
from patronage.members.models import Member
from patronage.members.selectors import member_find_by_identity, member_list

# The queue's tabs, in the order they are shown; "open" is where the queue opens.
TAB_MINE, TAB_TEAM, TAB_BREACHED, TAB_WAITING, TAB_OPEN, TAB_CLOSED = (
    "mine",
    "team",
    "breached",
    "waiting",
    "open",
    "closed",
)
TABS = (TAB_MINE, TAB_TEAM, TAB_BREACHED, TAB_WAITING, TAB_OPEN, TAB_CLOSED)
ENDED_STATUSES = (CaseStatus.CLOSED, CaseStatus.MERGED)
UNCLASSIFIED = "none"  # the queue's root-cause filter for cases without one
PAST_CASES_SHOWN = 10


def _running_legs() -> QuerySet[SlaLeg]:
    """The legs of the outer query's case whose clock still runs (or is paused: its due time is null)."""
    return SlaLeg.objects.filter(case=OuterRef("pk"), met_at__isnull=True)


def _late_legs(now: datetime) -> QuerySet[SlaLeg]:
    """Running legs past their due time: stamped by the sweep, or past due before the sweep came by."""
    return _running_legs().filter(Q(breached_at__isnull=False) | Q(due_at__lt=now))


def with_next_due(cases: QuerySet[Case], *, now: datetime) -> QuerySet[Case]:
    """Each case with the earliest due time of its running legs (`next_due`, null while paused or with no
    target), that leg's kind (`next_leg`) and whether a running leg is late (`late`)."""
    scheduled = _running_legs().filter(due_at__isnull=False).order_by("due_at", "pk")
    return cases.annotate(
        next_due=Subquery(scheduled.values("due_at")[:1]),
        next_leg=Subquery(scheduled.values("kind")[:1]),
        late=Exists(_late_legs(now)),
    )


@dataclass(frozen=True)
class QueueFilters:
    tab: str = TAB_OPEN
    status: str = ""
    category_id: int | None = None
    severity: str = ""
    search: str = ""
    root_cause: str = ""  # a root cause's id, or UNCLASSIFIED
    product_sku: str = ""


def case_queue(*, user: User, filters: QueueFilters, now: datetime) -> QuerySet[Case]:
    """The cases of a tab, what breaches first on top: the earliest due time of the case's running legs, so
    breached cases (due in the past) come first and paused cases or cases with no target last."""
    cases = with_next_due(Case.objects.select_related("member", "assignee", "team", "category"), now=now)
    cases = _tab(cases, filters.tab, user, now)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.category_id is not None:
        cases = cases.filter(in_category(filters.category_id))
    if filters.severity:
        cases = cases.filter(severity=filters.severity)
    if filters.root_cause == UNCLASSIFIED:
        cases = cases.filter(root_cause__isnull=True)
    elif filters.root_cause:
        cases = cases.filter(root_cause_id=int(filters.root_cause))
    if filters.product_sku:
        cases = cases.filter(product__sku__iexact=filters.product_sku)
    if search := filters.search.strip():
        cases = cases.filter(Q(reference__icontains=search) | Q(summary__icontains=search))
    return cases.order_by(F("next_due").asc(nulls_last=True), "created_at", "pk")


def _tab(cases: QuerySet[Case], tab: str, user: User, now: datetime) -> QuerySet[Case]:
    if tab == TAB_CLOSED:
        return cases.filter(status__in=ENDED_STATUSES)
    if tab == TAB_WAITING:
        return cases.filter(status=CaseStatus.WAITING)
    cases = cases.filter(status__in=OPEN_STATUSES)
    if tab == TAB_MINE:
        return cases.filter(assignee=user)
    if tab == TAB_TEAM:
        return cases.filter(team__members=user).distinct()
    if tab == TAB_BREACHED:
        return cases.filter(Exists(_late_legs(now)))
    return cases


@dataclass(frozen=True)
class QueueRow:
    case: Case
    timer: Countdown  # to the earliest due time of its running legs
    late: bool  # a running leg is past its due time (a paused one too)
    leg: str  # which target the timer counts to ("first response")


def queue_rows(cases: Iterable[Case], *, now: datetime) -> list[QueueRow]:
    """The queue's rows from cases read by case_queue (with its columns)."""
    rows = []
    for case in cases:
        columns: Any = case  # next_due and late are the query's own columns
        paused = case.status == CaseStatus.WAITING
        timer = countdown(due=columns.next_due, now=now, paused=paused)
        leg = str(LegKind(columns.next_leg).label) if columns.next_leg in LegKind.values else ""
        rows.append(QueueRow(case, timer, bool(columns.late), leg))
    return rows


def cases_breached_count(*, now: datetime) -> int:
    """Open cases with a running leg past its due time: the navigation's badge."""
    return Case.objects.filter(status__in=OPEN_STATUSES).filter(Exists(_late_legs(now))).count()


# --- one case's page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows besides its forms, read once."""

    case: Case
    steps: list[Step]
    moves: list[tuple[str, str]]  # (status, the button's words) the flow allows from here
    timeline: list[EntryLine]  # each entry's files prefetched (entry.attachments)
    files_alone: list[CaseAttachment]  # files an integration added without a message
    legs: list[LegLine]
    pauses: list[CasePause]
    compensations: list[Compensation]
    customer: CustomerPanel | None
    limit: str  # the reader's own compensation limit, in words
    may_decide: bool  # holds care.lead_cases: approves or declines what waits for a lead
    may_follow_up: bool
    language: str  # the customer's language, named in the reader's
    merge_candidates: list[Case]  # the same customer's other open cases: the likely duplicates
    opening_answer: OpeningAnswer | None  # the survey answer that opened the case (closed loop)


def case_page(*, case: Case, user: User, now: datetime) -> CasePage:
    compensations = list(
        case.compensations.select_related("program", "benefit", "requested_by", "decided_by").order_by(
            "created_at", "pk"
        )
    )
    by_pk = {compensation.pk: compensation for compensation in compensations}
    entries = list(case.entries.select_related("actor").prefetch_related("attachments").order_by("at", "pk"))
    listened = any(
        entry.kind == EntryKind.REPLY_OUT
        or (entry.kind == EntryKind.STATUS and (entry.data or {}).get("to") == CaseStatus.LISTENING)
        for entry in entries
    )
    paused = case.status == CaseStatus.WAITING
    legs = [
        leg_line(leg, late_seconds=late_seconds(leg, now=now), now=now, paused=paused)
        for leg in case.legs.select_related("case__policy__calendar").order_by("started_at", "pk")
    ]
    return CasePage(
        case=case,
        steps=case_steps(case, listened=listened, compensations=compensations),
        moves=[(to, str(MOVE_LABELS[to])) for to in moves_from(case.status) if to in MOVE_LABELS],
        timeline=[entry_line(entry, by_pk) for entry in entries],
        files_alone=list(case.attachments.filter(entry__isnull=True)),
        legs=legs,
        pauses=list(case.pauses.order_by("started_at", "pk")),
        compensations=compensations,
        customer=customer_panel(case=case, user=user),
        limit=limit_words(user=user),
        may_decide=user.has_staff_perm(CASES_LEAD),
        may_follow_up=case.status == CaseStatus.CLOSED and case.follow_up_sent_at is None,
        language=language_words(case.language),
        merge_candidates=merge_candidates(case),
        opening_answer=case_opening_answer(case_id=case.pk, language=get_language()),
    )


def limit_words(*, user: User) -> str:
    """How much the user may give without a lead, as they read it ('20,000 KRW')."""
    return money_words(limit_of(user), settings.PATRONAGE_DEFAULT_CURRENCY)


def compensation_choices() -> tuple[list[Program], list[Benefit]]:
    """The programs points go to and the benefits that may be given, for the compensation form."""
    benefits = Benefit.objects.filter(active=True, program__active=True).select_related("program")
    return list(program_list()), list(benefits.order_by("program__code", "name"))


def compensation_of_case(*, case: Case, compensation_id: int) -> Compensation:
    found = case.compensations.filter(pk=compensation_id).first()
    if found is None:
        raise NotFound(_("no such compensation on this case"), field="compensation")
    return found


# --- who works cases -------------------------------------------------------------------------------------


def category_choices() -> list[tuple[int, str]]:
    """Active categories by their whole path in the reader's language ("Delivery / Late / Courier"), sorted."""
    categories = {category.pk: category for category in Category.objects.all()}

    def path(category: Category) -> str:
        names, seen = [], set()
        current: Category | None = category
        while current is not None and current.pk not in seen:  # the tree is three deep and never a circle
            seen.add(current.pk)
            names.append(in_reader_language(current, "name"))
            current = categories.get(current.parent_id) if current.parent_id is not None else None
        return " / ".join(reversed(names))

    named = [(category.pk, path(category)) for category in categories.values() if category.active]
    return sorted(named, key=lambda pair: pair[1].casefold())


def store_list() -> QuerySet[Store]:
    return Store.objects.order_by("name")


# --- the customer beside the case ------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerPanel:
    member: Member
    header: CustomerHeader  # tiers per program, and scores for the groups that may see them
    past_cases: list[Case]


def customer_panel(*, case: Case, user: User) -> CustomerPanel | None:
    """The member's standing and their other cases; None for a case filed by someone with no file."""
    member = case.member
    if member is None:
        return None
    past = list(
        Case.objects.filter(member=member)
        .exclude(pk=case.pk)
        .order_by("-created_at", "-pk")[:PAST_CASES_SHOWN]
    )
    header = customer_header(member=member, user=user, scores_for_their_case=user.has_staff_perm(CASES_WORK))
    return CustomerPanel(member=member, header=header, past_cases=past)


MERGE_CANDIDATES_SHOWN = 5


def merge_candidates(case: Case) -> list[Case]:
    """The same customer's other open cases (by their file, or the e-mail or phone they gave), the
    latest first: a customer who wrote twice about one problem."""
    if not case.is_open:
        return []
    same = Q(member_id=case.member_id) if case.member_id is not None else Q()
    for field in ("contact_email", "contact_phone"):
        if value := getattr(case, field):
            same |= Q(**{field: value})
    if not same:
        return []
    return list(
        Case.objects.filter(same, status__in=OPEN_STATUSES)
        .exclude(pk=case.pk)
        .order_by("-created_at", "-pk")[:MERGE_CANDIDATES_SHOWN]
    )


# --- finding what an agent typed on a new case ---------------------------------------------------------


def customer_for_case(*, text: str) -> Member:
    """The one customer an e-mail, phone, card number, name or '#id' names; refuses none or several."""
    text = text.strip()
    member = member_find_by_identity(value=text)
    if member is not None:
        return member
    found = list(member_list(search=text)[:2])
    if not found:
        raise ValidationFailed(
            _("no customer matches %(text)s: check it, or give the contact details instead") % {"text": text},
            field="customer",
        )
    if len(found) > 1:
        raise ValidationFailed(
            _("several customers match %(text)s: give their e-mail, phone, card number or #id")
            % {"text": text},
            field="customer",
        )
    return found[0]


def order_for_case(*, text: str, member: Member | None) -> Order:
    """The order with this number, the customer's own first when several systems used the number."""
    orders = Order.objects.filter(external_id=text.strip())
    if member is not None and (own := orders.filter(member=member).first()) is not None:
        return own
    found = list(orders[:2])
    if len(found) != 1:
        raise ValidationFailed(
            _("no order %(number)s") % {"number": text}
            if not found
            else _("several orders have the number %(number)s: choose the customer first") % {"number": text},
            field="order",
        )
    return found[0]


def product_for_case(*, text: str) -> Product:
    product = Product.objects.filter(sku__iexact=text.strip()).first()
    if product is None:
        raise ValidationFailed(_("no product with the SKU %(sku)s") % {"sku": text}, field="product")
    return product


def root_cause_choices(*, current: int | None = None) -> list[tuple[int, str]]:
    """The root causes in use, named in the reader's language; the case's own is kept if retired since."""
    named = []
    for cause in RootCause.objects.filter(Q(active=True) | Q(pk=current)):
        name = in_reader_language(cause, "name")
        named.append((cause.pk, name if cause.active else _("%(name)s (no longer in use)") % {"name": name}))
    return sorted(named, key=lambda pair: pair[1].casefold())
