"""Reading cases: one by reference, the queue, a member's own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from patronage.care.models import Case
from patronage.core.errors import NotFound
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


def case_by_token(*, token: str) -> Case | None:
    """The case behind a customer's secret link."""
    return _cases().filter(access_token=token).first() if token else None
