"""The customer file as the console shows it across the apps: the header of the customer page, and the
columns, sort keys and export of the customer list.

The members app cannot read loyalty, orders or analyses (it sits below them), so the console, above every
app, puts their selectors together here; each app keeps its own queries. Everything is set-based: a list
page reads its extra columns for the rows it shows in one query, whatever the number of customers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from patronage.analytics import selectors as analytics
from patronage.analytics.models import AnalysisKind, AnalysisRun
from patronage.analytics.permissions import CUSTOMER_SCORES_VIEW
from patronage.commerce import selectors as commerce
from patronage.core.business import business_zone
from patronage.core.models import User
from patronage.loyalty.models import Program, Tier
from patronage.loyalty.permissions import LOYALTY_VIEW
from patronage.loyalty.selectors import staff as loyalty_staff
from patronage.loyalty.selectors import standing
from patronage.members.models import Member
from patronage.members.selectors import member_rows, with_primary_identities

# --- the customer page's header ---------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerHeader:
    standings: list[standing.ProgramStanding] | None  # None: the viewer's groups do not show loyalty
    spend: commerce.MemberSpend
    clv: analytics.MemberScore | None  # None (both): the viewer's groups do not show customers' scores
    churn: analytics.MemberScore | None
    # The currency the analyses count money in: they read every order's amount as it is.
    score_currency: str = field(default_factory=lambda: settings.PATRONAGE_DEFAULT_CURRENCY)


def may_see_scores(user: User) -> bool:
    return any(user.has_staff_perm(permission) for permission in CUSTOMER_SCORES_VIEW)


def customer_header(*, member: Member, user: User, scores_for_their_case: bool = False) -> CustomerHeader:
    """The customer's standing at a glance: tier and points per program, spending, lifetime value and churn
    risk from the latest analyses, each shown only to the groups that may see it. `scores_for_their_case`:
    the reader works this customer's case, and sees their value and risk to weigh the recovery."""
    scores = scores_for_their_case or may_see_scores(user)
    return CustomerHeader(
        standings=standing.member_standings(member=member) if user.has_staff_perm(LOYALTY_VIEW) else None,
        spend=commerce.member_spend(member=member),
        clv=analytics.member_score(member=member, kind=AnalysisKind.CLV) if scores else None,
        churn=analytics.member_score(member=member, kind=AnalysisKind.CHURN) if scores else None,
    )


# --- the customer list's columns --------------------------------------------------------------------

# The sort keys the list offers; "-key" sorts the other way. No key: newest file first.
SORT_KEYS = ("name", "joined", "tier", "points", "last_purchase", "clv", "churn")


@dataclass(frozen=True)
class ListColumns:
    """The columns the list shows beside the file's own fields, as far as the viewer's groups allow."""

    program: Program | None  # the program of the tier and points columns; None: no such columns
    tiers: dict[int, Tier]  # the program's tiers by id, to name each row's tier
    scores: bool  # lifetime value and churn risk shown
    clv_run: AnalysisRun | None  # the runs the scores come from; None: not computed yet
    churn_run: AnalysisRun | None
    score_currency: str = field(default_factory=lambda: settings.PATRONAGE_DEFAULT_CURRENCY)

    def sort_keys(self) -> tuple[str, ...]:
        hidden = {*(() if self.program else ("tier", "points")), *(() if self.scores else ("clv", "churn"))}
        return tuple(key for key in SORT_KEYS if key not in hidden)

    def values(self) -> dict[str, Subquery]:
        """The extra columns, as expressions over a query of members."""
        columns = {"last_purchase_at": commerce.last_purchase_column()}
        if self.program is not None:
            columns["tier_id"] = standing.tier_id_column(program=self.program)
            columns["points"] = standing.points_available_column(program=self.program)
        if self.clv_run is not None:
            columns["clv"] = analytics.score_column(run=self.clv_run)
        if self.churn_run is not None:
            columns["churn_risk"] = analytics.score_column(run=self.churn_run)
        return columns

    def sort_value(self, key: str) -> Subquery | F | None:
        """What a sort key orders by; None for a key the viewer may not use or with nothing to sort."""
        if key not in self.sort_keys():
            return None
        if key == "name":
            return F("name_key")  # indexed, and blind to case, accents and spacing
        if key == "joined":
            return F("joined_at")
        if key == "tier" and self.program is not None:
            return standing.tier_rank_column(program=self.program)
        named = {"points": "points", "last_purchase": "last_purchase_at", "clv": "clv", "churn": "churn_risk"}
        return self.values().get(named.get(key, ""))


@dataclass(frozen=True)
class Programs:
    """The programs whose tier and points the list can show, open ones first, and their tiers by rank."""

    programs: list[Program]
    tiers: list[tuple[Program, list[Tier]]]  # programs without tiers left out: the tier picker's groups


def list_programs(*, user: User) -> Programs:
    """The programs and tiers this viewer may see (none without the right to see loyalty); two queries."""
    if not user.has_staff_perm(LOYALTY_VIEW):
        return Programs(programs=[], tiers=[])
    return Programs(programs=list(loyalty_staff.program_all()), tiers=standing.tiers_by_program())


def list_columns(*, user: User, programs: Programs, program: Program | None) -> ListColumns:
    """The columns for this viewer; tier and points of `program`, or of the first program when none is chosen."""
    chosen = program or (programs.programs[0] if programs.programs else None)
    tiers = next((tiers for owner, tiers in programs.tiers if chosen and owner.pk == chosen.pk), [])
    scores = may_see_scores(user)
    return ListColumns(
        program=chosen,
        tiers={tier.pk: tier for tier in tiers},
        scores=scores,
        clv_run=analytics.score_run_latest(kind=AnalysisKind.CLV) if scores else None,
        churn_run=analytics.score_run_latest(kind=AnalysisKind.CHURN) if scores else None,
    )


def customer_query(
    *, members: QuerySet[Member], columns: ListColumns, tier: Tier | None = None, sort: str = ""
) -> QuerySet[Member]:
    """The listed members, of `tier` when given, in the order of `sort` (customers without a value last).

    Only the sort value is computed for every member; page through the ids (`values_list("pk")`, a
    third faster to sort than whole rows on SQLite) and read the page's rows with `customer_rows`."""
    if tier is not None:
        members = members.filter(pk__in=standing.tier_member_ids(tier=tier))
    value = columns.sort_value(sort.removeprefix("-"))
    if value is None:
        return members.order_by("-pk")
    descending = sort.startswith("-")
    ordered = F("sort_value").desc(nulls_last=True) if descending else F("sort_value").asc(nulls_last=True)
    return members.alias(sort_value=value).order_by(ordered, "-pk" if descending else "pk")


@dataclass(frozen=True)
class CustomerRow:
    member: Member
    email: str
    card_number: str
    tier: Tier | None
    points: int | None  # None: not enrolled in the program
    last_purchase_at: datetime | None
    clv: float | None
    churn_risk: float | None


def customer_rows(member_ids: Sequence[int], columns: ListColumns) -> list[CustomerRow]:
    """The rows of these customers, in this order: their files with the extra columns in one query, and
    their primary e-mail and card in another."""
    extra = columns.values()
    members = with_primary_identities(Member.objects.filter(pk__in=member_ids).annotate(**extra))
    found = {member.pk: member for member in members}
    rows = []
    for base in member_rows(found[pk] for pk in member_ids if pk in found):
        member = base.member
        rows.append(
            CustomerRow(
                member=member,
                email=base.email,
                card_number=base.card_number,
                tier=columns.tiers.get(getattr(member, "tier_id", None) or 0),
                points=getattr(member, "points", None),
                last_purchase_at=getattr(member, "last_purchase_at", None),
                clv=getattr(member, "clv", None),
                churn_risk=getattr(member, "churn_risk", None),
            )
        )
    return rows


@dataclass(frozen=True)
class Heading:
    """A column heading of the list; a sortable one links to the list sorted by it."""

    label: str
    key: str = ""  # the sort key; empty for a column that does not sort
    sorted: str = ""  # "ascending" or "descending" when the list is sorted by this column (aria-sort)
    next_sort: str = ""  # the sort a click on the heading asks for


# Names sort A to Z first; dates, points, values and risks largest or latest first.
_ASCENDING_FIRST = ("name",)


def _heading(label: str, key: str, sort: str) -> Heading:
    if sort == key:
        return Heading(label, key, "ascending", f"-{key}")
    if sort == f"-{key}":
        return Heading(label, key, "descending", key)
    return Heading(label, key, next_sort=key if key in _ASCENDING_FIRST else f"-{key}")


def sort_headings(columns: ListColumns, sort: str) -> list[Heading]:
    """The list's headings in the order of its columns, in the reader's language."""
    keys = columns.sort_keys()
    headings = [_heading(_("Name"), "name", sort), Heading(_("E-mail")), Heading(_("Card number"))]
    headings += [Heading(_("City")), Heading(_("Source"))]
    if columns.program is not None:
        headings += [_heading(_("Tier"), "tier", sort), _heading(_("Points"), "points", sort)]
    headings.append(_heading(_("Last purchase"), "last_purchase", sort))
    if columns.scores:
        headings += [_heading(_("Lifetime value"), "clv", sort), _heading(_("Churn risk"), "churn", sort)]
    headings += [_heading(_("Joined"), "joined", sort), Heading(_("Status"))]
    return [heading for heading in headings if not heading.key or heading.key in keys]


# --- the export --------------------------------------------------------------------------------------

EXPORT_CHUNK = 2000
# A spreadsheet runs a cell that starts with one of these as a formula: such text is written with a
# leading apostrophe, so a name typed as "=HYPERLINK(...)" stays a name in the file.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _local_date(moment: datetime | None) -> str:
    # The export streams after the request's clock is gone: the business's zone is named here.
    return timezone.localtime(moment, business_zone()).date().isoformat() if moment else ""


def _number(value: float | int | None, places: int = 0) -> str:
    return "" if value is None else f"{Decimal(value):.{places}f}"


def export_header(columns: ListColumns) -> list[str]:
    """The export's first line, in the reader's language."""
    header = [_("Id"), _("Name"), _("E-mail"), _("Card number"), _("City"), _("Source"), _("Joined")]
    header.append(_("Status"))
    if columns.program is not None:
        name = columns.program.name
        header += [
            _("Tier in %(program)s") % {"program": name},
            _("Points in %(program)s") % {"program": name},
        ]
    header.append(_("Last purchase"))
    if columns.scores:
        header += [
            _("Lifetime value (%(currency)s)") % {"currency": columns.score_currency},
            _("Churn risk (%)"),
        ]
    return header


def export_line(row: CustomerRow, columns: ListColumns) -> list[str]:
    """One customer as the export writes them: dates in the business's time zone, plain numbers."""
    member = row.member
    line = [str(member.pk), _text(member.name), _text(row.email), _text(row.card_number), _text(member.city)]
    line += [_text(member.source), _local_date(member.joined_at), str(member.get_status_display())]
    if columns.program is not None:
        line += [_text(row.tier.name) if row.tier else "", _number(row.points)]
    line.append(_local_date(row.last_purchase_at))
    if columns.scores:
        churn = row.churn_risk * 100 if row.churn_risk is not None else None
        line += [_number(row.clv, 2), _number(churn, 1)]
    return line


def export_lines(query: QuerySet[Member], columns: ListColumns) -> Iterator[list[str]]:
    """The header, then every customer of the query in its order, read EXPORT_CHUNK at a time."""
    yield export_header(columns)
    chunk: list[int] = []
    for member_id in query.values_list("pk", flat=True).iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(member_id)
        if len(chunk) == EXPORT_CHUNK:
            yield from (export_line(row, columns) for row in customer_rows(chunk, columns))
            chunk = []
    yield from (export_line(row, columns) for row in customer_rows(chunk, columns))


def filters_described(filters: dict[str, Any], *, tier: Tier | None, sort: str) -> dict[str, Any]:
    """The choices behind a list as the audit log keeps them: only those made, dates as ISO text."""
    chosen = {**filters, "tier": f"{tier.program.code}/{tier.code}" if tier else "", "sort": sort}
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in chosen.items()
        if value not in ("", None)
    }


class _Echo:
    """The file-like object csv.writer needs, handing back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_stream(lines: Iterable[list[str]]) -> Iterator[str]:
    """Lines as CSV text, after a byte-order mark so that spreadsheets read the file as UTF-8 (Hangul,
    kana and kanji names stay readable in Excel)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for line in lines:
        yield writer.writerow(line)
