"""The customer file for integrations: each endpoint parses, checks the scope, and calls one service or selector."""

# No `from __future__ import annotations` here: ninja reads `Query[...]` parameters at import time.

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.members import (
    ConsentIn,
    ConsentsOut,
    DuplicateOut,
    ErasedOut,
    EraseIn,
    MemberCreateIn,
    MemberFilters,
    MemberOut,
    MemberUpdateIn,
    MergeIn,
    TimelineEventOut,
    TimelineFilters,
)
from patronage.core.errors import Conflict
from patronage.members import selectors, services
from patronage.members.duplicates import DuplicateCandidate, member_duplicates_find
from patronage.members.models import ConsentMethod, Member, TimelineEvent
from patronage.members.permissions import MEMBERS_MERGE

router = Router(tags=["members"])

READ = require_scope("members:read")
WRITE = require_scope("members:write")
PRIVACY = require_scope("members:privacy")
# Merging is a heavier act than editing: staff need the console's merge permission for it too.
MERGE = require_scope("members:write", staff_permission=MEMBERS_MERGE)

RELATIONS = ("identities", "tags", "consents")


def with_relations(member: Member) -> Member:
    """The member with what MemberOut reads loaded in three queries, however many fields read it."""
    prefetch_related_objects([member], *RELATIONS)
    return member


@router.post("", response={200: MemberOut, 201: MemberOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def create_member(request: HttpRequest, payload: MemberCreateIn) -> Status[Member]:
    """Opens a customer file (201). Sending an external_id that already has a file returns that file
    unchanged (200), so a retry never makes a second member."""
    try:
        member = services.member_create(
            actor=acting_user(request),
            identities=payload.identity_inputs(),
            profile=payload.profile_values(),
            consents={purpose.value: granted for purpose, granted in payload.consents.items()},
            consent_method=ConsentMethod.API,
            source=payload.source,
            joined_at=payload.joined_at,
        )
    except Conflict as conflict:
        existing = _member_retried(payload, conflict)
        if existing is None:
            raise
        return Status(200, with_relations(existing))
    return Status(201, with_relations(member))


def _member_retried(payload: MemberCreateIn, conflict: Conflict) -> Member | None:
    # The unique external id, not a look-up before the insert, decides: two racing retries cannot both create.
    if conflict.field != "external_id":
        return None
    return selectors.member_find_by_identity(value=payload.external_id, kind="external")


@router.get("", response={200: list[MemberOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> QuerySet[Member]:
    """Members matching a search by any identity, name or '#id', and the filters; newest first."""
    members = selectors.member_list(
        search=filters.q,
        city=filters.city,
        tag=filters.tag,
        source=filters.source,
        status=filters.status,
        joined_from=filters.joined_from,
        joined_to=filters.joined_to,
    )
    return members.prefetch_related(*RELATIONS)


@router.get("/duplicates", response={200: list[DuplicateOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_duplicates(request: HttpRequest) -> Sequence[DuplicateCandidate]:
    """Pairs of members who are probably one person, likeliest first, with a score and the reasons; pairs
    staff marked as two people are left out."""
    return member_duplicates_find()


@router.post("/merge", response={200: MemberOut, PROBLEM_STATUSES: Problem}, auth=MERGE)
def merge_members(request: HttpRequest, payload: MergeIn) -> Member:
    """Folds the duplicate's file into the survivor's; returns the survivor."""
    survivor = selectors.member_get(member_id=payload.survivor_id)
    duplicate = selectors.member_get(member_id=payload.duplicate_id)
    if duplicate.pk == survivor.pk:
        # Merged already (a retry), or one file named twice: either way there is nothing to fold, and the
        # answer is the file that stays. (The document cannot say "two different ids", so it is not refused.)
        return with_relations(survivor)
    merged = services.member_merge(
        survivor=survivor,
        duplicate=duplicate,
        # member_merge is typed for staff only; integrations merge with no staff actor, as elsewhere.
        actor=acting_user(request),
    )
    return with_relations(merged)


@router.get("/{member_id}", response={200: MemberOut, PROBLEM_STATUSES: Problem}, auth=READ)
def get_member(request: HttpRequest, member_id: PathId) -> Member:
    """One member. The id of a merged member answers with the surviving file, under its own id."""
    return with_relations(selectors.member_get(member_id=member_id))


@router.patch("/{member_id}", response={200: MemberOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def update_member(request: HttpRequest, member_id: PathId, payload: MemberUpdateIn) -> Member:
    """Changes the fields sent, and only those; an identity sent becomes the primary of its kind."""
    member = services.member_update(
        member=selectors.member_get(member_id=member_id),
        actor=acting_user(request),
        profile=payload.profile_values(),
        identities=payload.identity_inputs(),
    )
    return with_relations(member)


@router.get(
    "/{member_id}/timeline", response={200: list[TimelineEventOut], PROBLEM_STATUSES: Problem}, auth=READ
)
@paginate(LimitOffset)
def member_timeline(
    request: HttpRequest, member_id: PathId, filters: Query[TimelineFilters]
) -> QuerySet[TimelineEvent]:
    """Everything that happened to the member, newest first."""
    member = selectors.member_get(member_id=member_id)
    return selectors.member_timeline(member=member, kinds=[filters.kind] if filters.kind else None)


@router.post("/{member_id}/consents", response={200: ConsentsOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def set_consent(request: HttpRequest, member_id: PathId, payload: ConsentIn) -> dict[str, Any]:
    """Records a grant or withdrawal and how it was given; returns every current answer."""
    member = selectors.member_get(member_id=member_id)
    changed = services.consent_set(
        member=member,
        actor=acting_user(request),
        purpose=payload.purpose,
        granted=payload.granted,
        method=payload.method,
        evidence=payload.evidence,
    )
    return {"changed": changed, "consents": MemberOut.resolve_consents(member)}


@router.get("/{member_id}/export", response={200: dict[str, Any], PROBLEM_STATUSES: Problem}, auth=PRIVACY)
def export_member(request: HttpRequest, member_id: PathId) -> dict[str, Any]:
    """Everything held about the person, as JSON (the right of access)."""
    member = selectors.member_get(member_id=member_id)
    return services.member_export(member=member, actor=acting_user(request))


@router.post("/{member_id}/erase", response={200: ErasedOut, PROBLEM_STATUSES: Problem}, auth=PRIVACY)
def erase_member(request: HttpRequest, member_id: PathId, payload: EraseIn) -> Member:
    """Removes the person's personal data for good; totals stay true. Erasing again is harmless."""
    member = selectors.member_get(member_id=member_id, include_inactive=True)
    return services.member_erase(member=member, actor=acting_user(request), reason=payload.reason)
