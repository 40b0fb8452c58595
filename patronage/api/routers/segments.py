"""Segments for marketing systems and data teams: define a segment by its rules, read its count, its members
and its size over time, preview what rules select, set a static list. Each endpoint parses, checks the
scope, and calls one service or selector of patronage.segments.
"""

# No `from __future__ import annotations` here: ninja reads the parameters' annotations at import time.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.segments import (
    FieldOut,
    MovesOut,
    PreviewIn,
    PreviewOut,
    SegmentCreateIn,
    SegmentIn,
    SegmentListIn,
    SegmentMemberOut,
    SegmentOut,
    SizeOut,
    TreatmentIn,
    TreatmentOut,
)
from patronage.core.errors import NotFound, ValidationFailed
from patronage.loyalty.models import Benefit
from patronage.loyalty.selectors.accounts import program_get
from patronage.loyalty.selectors.catalogue import benefit_get
from patronage.segments.models import Segment, SegmentKind, SegmentMember
from patronage.segments.selectors import (
    FieldEntry,
    SizePoint,
    segment_earn_rules,
    segment_fields,
    segment_get,
    segment_list,
    segment_members,
    segment_preview,
    segment_sizes,
    segment_treatment_counts,
)
from patronage.segments.services import SegmentInput, segment_create, segment_members_set, segment_update
from patronage.segments.treatment_services import TreatmentInput, segment_treatment_set
from patronage.segments.upkeep import Moves

router = Router(tags=["segments"])

READ = require_scope("segments:read")
WRITE = require_scope("segments:write")


def _input(payload: SegmentIn, *, code: str = "", kind: str = "rules") -> SegmentInput:
    return SegmentInput(
        code=code,
        name=payload.name,
        rules=payload.rules,
        kind=kind,
        description=payload.description,
        name_translations=payload.name_translations or {},
        description_translations=payload.description_translations or {},
    )


@router.post("/segments", response={201: SegmentOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def create_segment(request: HttpRequest, payload: SegmentCreateIn) -> Status[Segment]:
    """Defines a segment and finds its members at once (201 with its `id` and `count`; a static list starts
    empty). A code in use is 409; every problem of the input is 422, each naming its field or rule path."""
    segment = segment_create(
        data=_input(payload, code=payload.code, kind=payload.kind), actor=acting_user(request)
    )
    return Status(201, segment)


@router.get("/segments", response={200: list[SegmentOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_segments(request: HttpRequest) -> QuerySet[Segment]:
    """Every segment by code, retired ones too (`active` false)."""
    return segment_list(include_retired=True)


@router.get("/segments/fields", response={200: list[FieldOut], PROBLEM_STATUSES: Problem}, auth=READ)
def list_segment_fields(request: HttpRequest) -> list[FieldEntry]:
    """The fields rules can name, with their operators, whether they take `days`, and their choices."""
    return segment_fields()


@router.post("/segments/preview", response={200: PreviewOut, PROBLEM_STATUSES: Problem}, auth=READ)
def preview_segment(request: HttpRequest, payload: PreviewIn) -> dict[str, Any]:
    """How many members the rules select now, and a sample; nothing is saved."""
    preview = segment_preview(rules=payload.rules)
    return {"count": preview.count, "sample": [member.pk for member in preview.sample]}


@router.get("/segments/{segment_id}", response={200: SegmentOut, PROBLEM_STATUSES: Problem}, auth=READ)
def get_segment(request: HttpRequest, segment_id: PathId) -> Segment:
    return segment_get(segment_id=segment_id)


@router.put("/segments/{segment_id}", response={200: SegmentOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def update_segment(request: HttpRequest, segment_id: PathId, payload: SegmentIn) -> Segment:
    """Rewrites a segment's words and rules; new rules apply to everyone at once (left out, the rules stay).
    Code and kind stay; a static list takes no rules (422)."""
    segment = segment_get(segment_id=segment_id)
    data = _input(payload, code=segment.code, kind=segment.kind)
    if data.rules is None and segment.kind == SegmentKind.RULES:
        data.rules = segment.rules
    return segment_update(segment=segment, data=data, actor=acting_user(request))


@router.get(
    "/segments/{segment_id}/members",
    response={200: list[SegmentMemberOut], PROBLEM_STATUSES: Problem},
    auth=READ,
)
@paginate(LimitOffset)
def list_segment_members(request: HttpRequest, segment_id: PathId) -> QuerySet[SegmentMember]:
    """The segment's members now, the latest to enter first."""
    return segment_members(segment=segment_get(segment_id=segment_id))


@router.put("/segments/{segment_id}/members", response={200: MovesOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def set_segment_members(request: HttpRequest, segment_id: PathId, payload: SegmentListIn) -> dict[str, int]:
    """Sets (or adds to, `replace` false) a static list's members, by customer id. A segment kept by its
    rules takes no list (409); an id that is no active customer is 422 and nothing changes."""
    moves: Moves = segment_members_set(
        segment=segment_get(segment_id=segment_id),
        member_ids=set(payload.members),
        actor=acting_user(request),
        replace=payload.replace,
    )
    return {"entered": len(moves.entered), "left": len(moves.left)}


@router.get(
    "/segments/{segment_id}/sizes", response={200: list[SizeOut], PROBLEM_STATUSES: Problem}, auth=READ
)
def list_segment_sizes(request: HttpRequest, segment_id: PathId) -> list[SizePoint]:
    """The segment's size at the end of each day of the last 90 (in the business's zone), and today's."""
    return segment_sizes(segment=segment_get(segment_id=segment_id))


def _treatment(segment: Segment) -> dict[str, Any]:
    counts = segment_treatment_counts(segment=segment)
    benefit = segment.benefit
    return {
        "benefit": {"program": benefit.program.code, "code": benefit.code} if benefit else None,
        "welcome_subject": segment.welcome_subject,
        "welcome_subject_translations": segment.welcome_subject_translations,
        "welcome_body": segment.welcome_body,
        "welcome_body_translations": segment.welcome_body_translations,
        "since": segment.treatment_since,
        "treated": counts.entries,
        "benefits": counts.benefits,
        "welcomes": counts.welcomes,
        "earn_rules": [f"{rule.program.code}/{rule.code}" for rule in segment_earn_rules(segment=segment)],
    }


def _benefit(payload: TreatmentIn) -> Benefit | None:
    if payload.benefit is None:
        return None
    try:
        return benefit_get(program=program_get(code=payload.benefit.program), code=payload.benefit.code)
    except NotFound as error:
        part = "program" if error.field == "program" else "code"
        raise ValidationFailed(error.message, field=f"benefit.{part}") from error


@router.get(
    "/segments/{segment_id}/treatment", response={200: TreatmentOut, PROBLEM_STATUSES: Problem}, auth=READ
)
def get_segment_treatment(request: HttpRequest, segment_id: PathId) -> dict[str, Any]:
    """The segment's own offer: its benefit and welcome for members who enter, what was given so far, and
    the earn rules that give its members bonus points."""
    return _treatment(segment_get(segment_id=segment_id))


@router.put(
    "/segments/{segment_id}/treatment", response={200: TreatmentOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def set_segment_treatment(request: HttpRequest, segment_id: PathId, payload: TreatmentIn) -> dict[str, Any]:
    """Sets the benefit and welcome each member entering from now on gets, once per stay (members already
    in get nothing: write them a campaign). An unknown benefit or a subject without a message is 422."""
    segment = segment_treatment_set(
        segment=segment_get(segment_id=segment_id),
        data=TreatmentInput(
            benefit=_benefit(payload),
            welcome_subject=payload.welcome_subject,
            welcome_body=payload.welcome_body,
            welcome_subject_translations=payload.welcome_subject_translations or {},
            welcome_body_translations=payload.welcome_body_translations or {},
        ),
        actor=acting_user(request),
    )
    return _treatment(segment)
