"""What the customer reads about their cases: their list, and one case as they see it.

Only what the customer may see reaches the page: the public entries (their own messages, our replies, the
follow-up and their rating), the solution, the promise and the compensation granted, in words. Internal
notes, status bookkeeping and staff accounts never do; of the agent, only their first name.
care.selectors has no reader for these (they are the portal's view of a case), so they live here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from patronage.care.models import (
    Case,
    CaseAttachment,
    CaseEntry,
    CaseStatus,
    CaseType,
    Compensation,
    CompensationKind,
    CompensationStatus,
    EntryKind,
)
from patronage.commerce.models import Order
from patronage.core.names import in_reader_language
from patronage.core.words import money_words, points_words
from patronage.members.models import Member
from patronage.messages.models import Message, MessageChannel, MessageStatus

S = CaseStatus
# Where each status stands in the six recovery steps (1 to 6); waiting stands where it waits.
STEP_OF: dict[str, int] = {
    S.ACKNOWLEDGED: 1,
    S.LISTENING: 2,
    S.REOPENED: 2,
    S.PROPOSED: 3,
    S.COMPENSATED: 4,
    S.PROMISED: 5,
    S.RESOLVED: 6,
    S.CLOSED: 6,
}
RATEABLE = frozenset({S.RESOLVED, S.CLOSED})


@dataclass(frozen=True)
class Step:
    number: int
    label: str
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class PublicEntry:
    at: datetime
    kind: str
    title: str
    body: str
    ours: bool  # written by us (True) or by the customer (False)
    rating: int | None = None
    files: tuple[CaseAttachment, ...] = ()  # sent with it (a photo, a receipt)


@dataclass(frozen=True)
class CasePage:
    case: Case
    status_words: str
    steps: list[Step]
    entries: list[PublicEntry]
    compensations: list[str]
    can_reply: bool
    can_rate: bool


def member_cases(*, member: Member) -> QuerySet[Case]:
    """The member's own cases, the latest change first."""
    return Case.objects.filter(member=member).order_by("-updated_at", "-pk")


def order_by_number(*, number: str, member: Member | None) -> Order | None:
    """The order a customer names by its number: one of theirs when signed in, any when not (the form
    shows nothing of it); None when the number matches no order, or more than one."""
    number = number.strip()
    if not number:
        return None
    orders = Order.objects.filter(external_id=number)
    if member is not None:
        orders = orders.filter(member=member)
    found = list(orders[:2])
    return found[0] if len(found) == 1 else None


def acknowledgement_emailed(*, case: Case) -> bool:
    """Whether the acknowledgement of the case is on its way by e-mail (queued or sent, not skipped)."""
    return Message.objects.filter(
        idempotency_key=f"case_acknowledged:{case.pk}",
        channel=MessageChannel.EMAIL,
        status__in=[MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT],
    ).exists()


def case_page(*, case: Case) -> CasePage:
    """The case as its customer sees it, in the active language."""
    return CasePage(
        case=case,
        status_words=status_words(case),
        steps=_steps(case),
        entries=[
            replace(_public(entry, case), files=tuple(entry.attachments.all()))
            for entry in _public_entries(case)
        ],
        compensations=[compensation_words(c) for c in _granted(case)],
        can_reply=case.status != S.MERGED,
        can_rate=case.status in RATEABLE,
    )


def status_words(case: Case) -> str:
    """Where the case stands, in a sentence."""
    if case.status == S.WAITING:
        return _("We are waiting for your answer. Reply below and we will carry on.")
    words = {
        S.ACKNOWLEDGED: _("We have received your message and will answer soon."),
        S.LISTENING: _("We are looking into it, and may ask you a few questions."),
        S.PROPOSED: _("We have proposed a solution. Tell us whether it works for you."),
        S.COMPENSATED: _("We have proposed a solution and given something to make up for the trouble."),
        S.PROMISED: _("We have promised a fix. We will keep you posted until it is done."),
        S.RESOLVED: _("We believe this is solved. If it is not, just write to us below."),
        S.REOPENED: _("We are looking at it again."),
        S.CLOSED: _(
            "This case is closed. If something is still wrong, write to us below and we will reopen it."
        ),
    }
    if case.status == S.MERGED:
        into = case.merged_into.reference if case.merged_into is not None else ""
        return _("This case was joined with %(reference)s, about the same problem. We answer you there.") % {
            "reference": into
        }
    return str(words.get(S(case.status), case.get_status_display()))


def _step_labels() -> list[str]:
    return [
        _("We received it"),
        _("We listen and ask"),
        _("We propose a solution"),
        _("We make up for the trouble"),
        _("We keep our promise"),
        _("We check you are satisfied"),
    ]


def _steps(case: Case) -> list[Step]:
    """The six steps, those behind the case done; a case rated after closing has done them all."""
    if case.status == S.MERGED:
        return []
    status = case.status_before_wait if case.status == S.WAITING else case.status
    at = STEP_OF.get(status, 2)
    if case.status == S.CLOSED and case.satisfaction is not None:
        at = 7
    return [
        Step(number, label, "done" if number < at else "current" if number == at else "todo")
        for number, label in enumerate(_step_labels(), start=1)
    ]


def _public_entries(case: Case) -> QuerySet[CaseEntry]:
    """The entries the customer sees, with their files (an internal note's never among them)."""
    return (
        case.entries.filter(public=True)
        .select_related("actor")
        .prefetch_related("attachments")
        .order_by("at", "pk")
    )


def _public(entry: CaseEntry, case: Case) -> PublicEntry:
    """One public entry in words. Of the staff member, only the first name: never their account."""
    kind = entry.kind
    if kind == EntryKind.CREATED:
        return PublicEntry(entry.at, kind, _("Your message"), entry.body or case.summary, ours=False)
    if kind == EntryKind.ACKNOWLEDGED:
        title = (
            _("We received your complaint. We are sorry for the trouble, and we are on it.")
            if case.type == CaseType.COMPLAINT
            else _("We received your message. Thank you for writing to us.")
        )
        return PublicEntry(entry.at, kind, title, "", ours=True)
    if kind == EntryKind.REPLY_OUT:
        first_name = entry.actor.first_name.strip() if entry.actor else ""
        title = _("%(name)s replied") % {"name": first_name} if first_name else _("We replied")
        return PublicEntry(entry.at, kind, title, entry.body, ours=True)
    if kind == EntryKind.REPLY_IN:
        return PublicEntry(entry.at, kind, _("You wrote"), entry.body, ours=False)
    if kind == EntryKind.FOLLOW_UP and entry.data.get("survey"):
        return PublicEntry(
            entry.at, kind, _("We asked you to answer a short survey on how we did"), "", ours=True
        )
    if kind == EntryKind.FOLLOW_UP:
        return PublicEntry(entry.at, kind, _("We asked how satisfied you are"), "", ours=True)
    if kind == EntryKind.RATED:
        rating = int(entry.data.get("rating") or 0) or None
        return PublicEntry(
            entry.at, kind, _("You rated how we handled it"), entry.body, ours=False, rating=rating
        )
    return PublicEntry(entry.at, kind, str(entry.get_kind_display()), "", ours=True)


def _granted(case: Case) -> QuerySet[Compensation]:
    return case.compensations.filter(status=CompensationStatus.GRANTED).select_related("benefit", "program")


def compensation_words(compensation: Compensation) -> str:
    """'500 points', 'A voucher: ABC123', 'A refund of 12,000 KRW'."""
    kind = compensation.kind
    if kind == CompensationKind.POINTS and compensation.points:
        return points_words(compensation.points, signed=False)
    if kind == CompensationKind.BENEFIT and compensation.benefit is not None:
        return _("A benefit: %(name)s") % {"name": in_reader_language(compensation.benefit, "name")}
    if kind == CompensationKind.VOUCHER:
        if compensation.voucher_code:
            return _("A voucher, code %(code)s") % {"code": compensation.voucher_code}
        return _("A voucher")
    if kind == CompensationKind.REFUND:
        return _("A refund of %(amount)s") % {
            "amount": money_words(compensation.value, compensation.currency)
        }
    if kind == CompensationKind.REPLACEMENT:
        return _("A replacement")
    return str(compensation.get_kind_display())
