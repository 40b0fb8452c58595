"""Customer information for a content or marketing system: topics, and items published to the members whose
topics (and segment) they fit. Each endpoint parses, checks the scope, and calls one service or selector of
patronage.segments.
"""

# No `from __future__ import annotations` here: ninja reads the parameters' annotations at import time.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from patronage.api.auth import acting_user, require_scope
from patronage.api.pagination import LimitOffset
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.information import (
    InformationCreateIn,
    InformationIn,
    InformationOut,
    InformationTopicOut,
    TopicIn,
)
from patronage.segments.information_selectors import (
    information_item_get,
    information_item_list,
    information_topic_list,
)
from patronage.segments.information_services import (
    InformationInput,
    TopicInput,
    information_item_create,
    information_item_retire,
    information_item_update,
    information_topic_create,
)
from patronage.segments.models import InformationItem, InformationTopic

router = Router(tags=["information"])

READ = require_scope("segments:read")
WRITE = require_scope("segments:write")


def _input(payload: InformationIn, *, code: str) -> InformationInput:
    return InformationInput(
        code=code,
        kind=payload.kind,
        title=payload.title,
        title_translations=payload.title_translations or {},
        body=payload.body,
        body_translations=payload.body_translations or {},
        topics=payload.topics,
        categories=payload.categories,
        brands=payload.brands,
        segment=payload.segment or "",
        published_at=payload.published_at,
        expires_at=payload.expires_at,
    )


@router.get(
    "/information/topics", response={200: list[InformationTopicOut], PROBLEM_STATUSES: Problem}, auth=READ
)
@paginate(LimitOffset)
def list_topics(request: HttpRequest) -> QuerySet[InformationTopic]:
    """The topics members may choose, by code, with how many chose each."""
    return information_topic_list()


@router.post(
    "/information/topics", response={201: InformationTopicOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def create_topic(request: HttpRequest, payload: TopicIn) -> Status[InformationTopic]:
    """A new topic (201); a code in use is 409."""
    data = TopicInput(code=payload.code, name=payload.name, name_translations=payload.name_translations or {})
    created = information_topic_create(data=data, actor=acting_user(request))
    return Status(201, information_topic_list().get(pk=created.pk))


@router.get("/information", response={200: list[InformationOut], PROBLEM_STATUSES: Problem}, auth=READ)
@paginate(LimitOffset)
def list_items(request: HttpRequest) -> QuerySet[InformationItem]:
    """Every item, the newest publication first (retired ones too, with `retired_at`)."""
    return information_item_list()


@router.post("/information", response={201: InformationOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def create_item(request: HttpRequest, payload: InformationCreateIn) -> Status[InformationItem]:
    """Publishes an item from `published_at` (201). A code in use is 409; unknown topics, categories, brands
    or segment 422."""
    created = information_item_create(data=_input(payload, code=payload.code), actor=acting_user(request))
    return Status(201, information_item_get(item_id=created.pk))


@router.get("/information/{item_id}", response={200: InformationOut, PROBLEM_STATUSES: Problem}, auth=READ)
def get_item(request: HttpRequest, item_id: PathId) -> InformationItem:
    return information_item_get(item_id=item_id)


@router.put("/information/{item_id}", response={200: InformationOut, PROBLEM_STATUSES: Problem}, auth=WRITE)
def update_item(request: HttpRequest, item_id: PathId, payload: InformationIn) -> InformationItem:
    """Rewrites an item (its code stays); members it was sent to are not sent it again."""
    item = information_item_get(item_id=item_id)
    information_item_update(item=item, data=_input(payload, code=item.code), actor=acting_user(request))
    return information_item_get(item_id=item_id)


@router.post(
    "/information/{item_id}/retire", response={200: InformationOut, PROBLEM_STATUSES: Problem}, auth=WRITE
)
def retire_item(request: HttpRequest, item_id: PathId) -> InformationItem:
    """Takes the item off the portal and out of digests not yet sent; again changes nothing."""
    information_item_retire(item=information_item_get(item_id=item_id), actor=acting_user(request))
    return information_item_get(item_id=item_id)
