"""Duplicate cases merged into one, and anonymous cases matched to the member they turn out to be.

A customer who writes twice about one problem (the form, then an e-mail) must get one answer, one set of
targets and one compensation. Merging keeps both cases: the duplicate stops where it stands (its clocks
stop without counting as answered, its entries stay readable) and points to the case that carries on;
whatever the customer writes to the duplicate afterwards lands on that case (services).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from patronage.care import legs
from patronage.care import timeline_kinds as kinds
from patronage.care.flows import status_on_timeline
from patronage.care.models import OPEN_STATUSES, Case, CaseEntry, CaseStatus, EntryKind
from patronage.care.notify import case_event
from patronage.core import clock
from patronage.core.errors import Conflict, ValidationFailed
from patronage.core.models import User
from patronage.members.models import Identity, IdentityKind, Member
from patronage.members.selectors import member_find_by_identity
from patronage.members.services import timeline_record


def case_merge(*, duplicate: Case, into: Case, actor: User | None, note: str = "") -> Case:
    """Merges `duplicate` into `into`, both open; returns the case that carries on."""
    if duplicate.pk == into.pk:
        raise ValidationFailed(_("a case cannot be merged into itself"), field="into")
    now = clock.now()
    with transaction.atomic(durable=True):
        # Locked in one order, so two agents merging the same pair either way round queue up, not deadlock.
        locked = {
            case.pk: case
            for case in Case.objects.select_for_update(of=("self",))
            .select_related("member", "category", "assignee")
            .filter(pk__in=[duplicate.pk, into.pk])
            .order_by("pk")
        }
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        _mergeable(duplicate, into)
        if into.member_id is None and duplicate.member_id is not None:
            into.member = duplicate.member
        for field in ("contact_name", "contact_email", "contact_phone", "language"):
            if not getattr(into, field):
                setattr(into, field, getattr(duplicate, field))
        into.updated_at = now
        into.save()
        old = duplicate.status
        legs.legs_pause(case=duplicate)  # stopped for good: neither answered nor late
        duplicate.status, duplicate.merged_into, duplicate.updated_at = CaseStatus.MERGED, into, now
        duplicate.save(update_fields=["status", "merged_into", "updated_at"])
        CaseEntry.objects.create(
            case=duplicate,
            kind=EntryKind.MERGED,
            at=now,
            actor=actor,
            body=note.strip(),
            public=True,
            data={"into": into.reference},
        )
        CaseEntry.objects.create(
            case=into,
            kind=EntryKind.MERGED,
            at=now,
            actor=actor,
            body=duplicate.description or duplicate.summary,
            data={"from": duplicate.reference, "summary": duplicate.summary},
        )
        status_on_timeline(duplicate, old=old, to=CaseStatus.MERGED, at=now, actor=actor)
        case_event(
            duplicate,
            topic="case.updated",
            key="merged",
            at=now,
            change={"status": [old, CaseStatus.MERGED], "merged_into": into.reference},
        )
        case_event(
            into,
            topic="case.updated",
            key=f"merged:{duplicate.pk}",
            at=now,
            change={"merged": duplicate.reference},
        )
    return into


def _mergeable(duplicate: Case, into: Case) -> None:
    for field, case in (("case", duplicate), ("into", into)):
        if case.status == CaseStatus.MERGED:
            raise Conflict(
                _("%(reference)s was already merged into %(into)s")
                % {
                    "reference": case.reference,
                    "into": case.merged_into.reference if case.merged_into else "-",
                },
                field=field,
            )
        if case.status not in OPEN_STATUSES:
            raise Conflict(
                _("%(reference)s is closed: reopen it before merging") % {"reference": case.reference},
                field=field,
            )
    if duplicate.member_id and into.member_id and duplicate.member_id != into.member_id:
        raise Conflict(
            _("%(one)s and %(other)s are two customers' cases; only one customer's cases can be merged")
            % {"one": duplicate.reference, "other": into.reference},
            field="into",
        )


def case_carrying_on(case: Case) -> Case:
    """The case that carries on for `case`: itself, or the case it was merged into (followed to the end)."""
    seen = {case.pk}
    while case.status == CaseStatus.MERGED and case.merged_into_id is not None:
        following = Case.objects.select_related("member").get(pk=case.merged_into_id)
        if following.pk in seen:  # cannot happen through case_merge; never loop on a hand-made cycle
            break
        seen.add(following.pk)
        case = following
    return case


# Matching anonymous cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchReport:
    matched: int


MATCH_BATCH = 500


def cases_match(*, limit: int = MATCH_BATCH) -> MatchReport:
    """Files each anonymous case under the member whose e-mail it gave (or phone, when it gave no e-mail:
    as at intake, care.services), once the member exists (they signed up, were imported or told us a new
    address after complaining). Two runs at once match a case once: the row is locked and checked again."""
    known = Identity.objects.filter(member__erased_at__isnull=True)
    by_email = known.filter(kind=IdentityKind.EMAIL, value=OuterRef("contact_email"))
    by_phone = known.filter(kind=IdentityKind.PHONE, value=OuterRef("contact_phone"))
    waiting = (
        Case.objects.filter(member__isnull=True)
        .exclude(status=CaseStatus.MERGED)
        .filter(
            Q(~Q(contact_email=""), Exists(by_email))
            | Q(Exists(by_phone), contact_email="", contact_phone__gt="")
        )
        .values_list("pk", flat=True)[:limit]
    )
    matched = 0
    for pk in list(waiting):
        with transaction.atomic(durable=True):
            case = Case.objects.select_for_update(of=("self",)).filter(pk=pk, member__isnull=True).first()
            if case is None:
                continue
            member = member_by_contact(email=case.contact_email, phone=case.contact_phone)
            if member is None:
                continue
            _match(case, member)
            matched += 1
    return MatchReport(matched=matched)


def member_by_contact(*, email: str, phone: str) -> Member | None:
    """An anonymous case's customer, recognised by the e-mail they gave, or by the phone when they gave no
    e-mail. Never by the phone beside another e-mail: anyone can type a stranger's number, and the answers
    (with what the stranger's file says) would go to the e-mail given. At intake (care.services) and later."""
    if email:
        return member_find_by_identity(value=email, kind=IdentityKind.EMAIL)
    return member_find_by_identity(value=phone, kind=IdentityKind.PHONE) if phone else None


def _match(case: Case, member: Member) -> None:
    now = clock.now()
    case.member, case.updated_at = member, now
    case.language = case.language or member.locale
    case.save(update_fields=["member", "language", "updated_at"])
    CaseEntry.objects.create(case=case, kind=EntryKind.MATCHED, at=now, data={"member": member.pk})
    timeline_record(
        member=member,
        kind=kinds.CASE_OPENED.code,
        occurred_at=case.created_at,
        summary=case.summary,
        data={"reference": case.reference, "type": case.type, "channel": case.channel},
        source=case,
    )
    case_event(case, topic="case.updated", key=f"matched:{member.pk}", at=now, change={"member": member.pk})
