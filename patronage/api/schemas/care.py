"""Request and response shapes of the care endpoints: cases, their steps, replies, notes and compensation.

The document states every rule it can (lengths, the e-mail and phone forms the customer file takes, an
amount above zero); the rules it states only in words (a promise needs its date, not in the past; points
and benefits need the case's customer) are answered 422 naming the field.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, StrictBool, StringConstraints, WithJsonSchema

from patronage.api.schemas.common import NOT_BLANK, SAFE_TEXT, Day, Id, Instant, PathId, whole
from patronage.api.schemas.loyalty import LanguageCode, translations_schema
from patronage.api.schemas.members import EMAIL_PATTERN, PHONE_PATTERN
from patronage.api.schemas.transactions import decimal_parser, decimal_schema
from patronage.care import legs as leg_clock
from patronage.care.classify import TAG_MAX, TAGS_MAX
from patronage.care.compensation import MAX_VALUE
from patronage.care.flows import moves_from
from patronage.care.models import (
    Case,
    CaseAttachment,
    CaseChannel,
    CaseStatus,
    CaseType,
    Compensation,
    CompensationKind,
    NoticeKind,
    Severity,
    SlaLeg,
)
from patronage.care.notices import MAX_LISTED, MESSAGE_MAX, TITLE_MAX
from patronage.care.services import DESCRIPTION_MAX, REPLY_MAX, SUMMARY_MAX
from patronage.loyalty.services.points import MAX_POINTS

NOT_GIVEN: Any = None
# An amount above zero, below the largest compensation, with at most two decimals.
VALUE_PATTERN = r"^(?:0*[1-9][0-9]{0,7}(?:\.[0-9]{1,2})?|0*\.(?:0[1-9]|[1-9][0-9]?))$"
Value = Annotated[
    Decimal,
    BeforeValidator(decimal_parser(VALUE_PATTERN, places=2, below=int(MAX_VALUE), positive=True)),
    decimal_schema(
        VALUE_PATTERN,
        minimum=1,
        below=int(MAX_VALUE),
        example="20000",
        description="its worth in money, 2 places",
    ),
]
# Whole points, bounded before 5.0 is read as 5, so that the document states the bounds (as common.Id).
Points = Annotated[int, Field(strict=True, ge=1, le=MAX_POINTS), BeforeValidator(whole)]


class CaseIn(Schema):
    """A case to file. `external_id` makes it idempotent: the same id from the same channel files one case."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"required": ["member"]},
                {"required": ["contact_email"]},
                {"required": ["contact_phone"]},
            ]
        },
    )

    type: CaseType = Field(CaseType.COMPLAINT, description="complaint, inquiry, compliment or suggestion")
    channel: CaseChannel = Field(
        CaseChannel.API, description="where the customer spoke: api, phone, store, chat, email, ..."
    )
    summary: str = Field(
        ..., max_length=SUMMARY_MAX, pattern=NOT_BLANK, description="one line, the customer's words"
    )
    description: str = Field("", max_length=DESCRIPTION_MAX, pattern=SAFE_TEXT)
    member: Id = Field(
        NOT_GIVEN, description="the member's id; else the contact details, matched to a member"
    )
    contact_name: str = Field("", max_length=200, pattern=SAFE_TEXT)
    contact_email: str = Field(NOT_GIVEN, max_length=254, pattern=EMAIL_PATTERN)
    contact_phone: str = Field(NOT_GIVEN, max_length=40, pattern=PHONE_PATTERN, description="6 to 16 digits")
    language: Literal["", "en", "ko", "ja", "zh-hans"] = Field(
        "", description="the customer's; else the member's"
    )
    category: Id = Field(NOT_GIVEN, description="a category's id")
    severity: Severity = Severity.MINOR
    product: Id = Field(NOT_GIVEN, description="a product's id")
    order: Id = Field(NOT_GIVEN, description="an order's id")
    store: Id = Field(NOT_GIVEN, description="a store's id")
    external_id: str = Field(
        "", max_length=100, pattern=SAFE_TEXT, description="your system's id for this case"
    )


class CaseFilters(Schema):
    member: PathId | None = Field(None, description="only this member's cases")
    status: CaseStatus | None = Field(None, description="only cases in this status")
    open: bool | None = Field(None, description="true: open cases only; false: closed and merged only")
    breached: bool | None = Field(None, description="true: cases with a missed target")
    assignee: str | None = Field(None, max_length=150, description="the agent's username")
    category: PathId | None = Field(None, description="in this category or one directly under it")
    updated_since: Instant | None = Field(None, description="changed at or after this moment")


class TransitionIn(Schema):
    """A move to another step. `solution` goes with `proposed`; `promise` and `promised_by` (not in the
    past) with `promised`; `note` is kept with the move."""

    model_config = ConfigDict(extra="forbid")

    to: CaseStatus
    note: str = Field("", max_length=REPLY_MAX, pattern=SAFE_TEXT)
    solution: str = Field("", max_length=REPLY_MAX, pattern=SAFE_TEXT)
    promise: str = Field("", max_length=REPLY_MAX, pattern=SAFE_TEXT)
    promised_by: Day = Field(NOT_GIVEN, description="the date the fix will be done by")


class ReplyIn(Schema):
    """A message on the case: from an agent to the customer (sent by e-mail and shown in the portal), or
    the customer's own, relayed by a chat or call-centre system."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(..., max_length=REPLY_MAX, pattern=NOT_BLANK)
    author: Literal["agent", "customer"] = "agent"


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(..., max_length=REPLY_MAX, pattern=NOT_BLANK)


class CaseMergeIn(Schema):
    """Merges this case, a duplicate, into `into`: both open, one customer's."""

    model_config = ConfigDict(extra="forbid")

    into: str = Field(
        ..., max_length=20, pattern=NOT_BLANK, description="the reference of the case that carries on"
    )
    note: str = Field("", max_length=REPLY_MAX, pattern=SAFE_TEXT)


class CompensationIn(Schema):
    """Value given to put things right. `points` (with `program` when there are several) for points,
    `benefit` for a benefit: both need the case's customer. Over the caller's limit: 403 naming it, or,
    with `request_approval`, 202 and the compensation waits for a lead."""

    model_config = ConfigDict(extra="forbid")

    kind: CompensationKind
    value: Value
    idempotency_key: str = Field(..., min_length=1, max_length=150, pattern=NOT_BLANK)
    points: Points = Field(NOT_GIVEN, description="how many, for points")
    program: Id = Field(NOT_GIVEN, description="the program the points go to")
    benefit: Id = Field(NOT_GIVEN, description="the benefit given")
    reference: str = Field(
        "", max_length=100, pattern=SAFE_TEXT, description="the replacement order or refund"
    )
    note: str = Field("", max_length=500, pattern=SAFE_TEXT)
    request_approval: StrictBool = Field(False, description="over your limit: ask a lead instead of failing")


class ClassificationIn(Schema):
    """What the case is about and why it happened. A field left out keeps its value; null clears one. `tags`
    replaces the case's tags (kept in lower case, each once); a root cause no longer in use is refused
    (422 naming `root_cause`), and an id that does not exist is not found (404 naming its field)."""

    model_config = ConfigDict(extra="forbid")

    category: Id | None = Field(NOT_GIVEN, description="a category's id")
    root_cause: Id | None = Field(NOT_GIVEN, description="a root cause's id (one in use)")
    severity: Severity = Field(NOT_GIVEN, description="minor, major or critical")
    product: Id | None = Field(NOT_GIVEN, description="a product's id")
    tags: list[Annotated[str, StringConstraints(min_length=1, max_length=TAG_MAX, pattern=NOT_BLANK)]] = (
        Field(NOT_GIVEN, max_length=TAGS_MAX, description="the case's tags, replacing those it has")
    )


class LegOut(Schema):
    kind: str = Field(..., description="first_response, next_response, resolution or follow_up")
    started_at: datetime
    target_seconds: int = Field(..., description="in business time")
    due_at: datetime | None = Field(..., description="null while the case waits for the customer")
    met_at: datetime | None
    breached: bool
    breached_at: datetime | None = Field(..., description="the due time it missed")
    late_seconds: int = Field(..., description="business seconds late (growing while it runs)")

    @staticmethod
    def resolve_breached(leg: SlaLeg) -> bool:
        return leg.breached_at is not None

    @staticmethod
    def resolve_late_seconds(leg: SlaLeg) -> int:
        return leg_clock.late_seconds(leg, now=timezone.now())


class CompensationOut(Schema):
    id: int
    kind: str
    status: str = Field(..., description="granted, awaiting (a lead's approval) or declined")
    value: Decimal
    currency: str
    points: int | None
    voucher_code: str
    reference: str
    note: str
    requested_by: str | None
    decided_by: str | None
    created_at: datetime

    @staticmethod
    def resolve_requested_by(compensation: Compensation) -> str | None:
        return compensation.requested_by.get_username() if compensation.requested_by else None

    @staticmethod
    def resolve_decided_by(compensation: Compensation) -> str | None:
        return compensation.decided_by.get_username() if compensation.decided_by else None


class CaseAttachmentOut(Schema):
    """A file on the case; its content is at GET /cases/{reference}/attachments/{id}."""

    id: int
    name: str = Field(..., description="the file's name as it was sent, cleaned")
    content_type: str = Field(..., description="found from the content: image/*, application/pdf, text/plain")
    size: int = Field(..., description="bytes, as stored (a photo is stored without its metadata)")
    created_at: datetime
    from_customer: bool


class CaseOut(Schema):
    reference: str
    type: str
    channel: str
    status: str
    severity: str
    summary: str
    description: str
    member: int | None = Field(..., description="the member's id, once matched")
    contact_name: str
    contact_email: str
    contact_phone: str
    language: str
    category: int | None
    root_cause: int | None = Field(..., description="why it happened, once classified")
    tags: list[str]
    product: int | None
    order: int | None
    store: int | None
    assignee: str | None
    team: str | None
    solution: str
    promise: str
    promised_by: str | None
    satisfaction: int | None = Field(..., description="the customer's rating, 1 to 5")
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    legs: list[LegOut]
    compensations: list[CompensationOut]
    allowed_moves: list[str] = Field(..., description="the statuses it may move to now")
    merged_into: str | None = Field(..., description="the case that carries on, when this one was merged")
    attachments: list[CaseAttachmentOut]

    @staticmethod
    def resolve_member(case: Case) -> int | None:
        return case.member_id

    @staticmethod
    def resolve_category(case: Case) -> int | None:
        return case.category_id

    @staticmethod
    def resolve_root_cause(case: Case) -> int | None:
        return case.root_cause_id

    @staticmethod
    def resolve_product(case: Case) -> int | None:
        return case.product_id

    @staticmethod
    def resolve_order(case: Case) -> int | None:
        return case.order_id

    @staticmethod
    def resolve_store(case: Case) -> int | None:
        return case.store_id

    @staticmethod
    def resolve_assignee(case: Case) -> str | None:
        return case.assignee.get_username() if case.assignee else None

    @staticmethod
    def resolve_team(case: Case) -> str | None:
        return case.team.name if case.team else None

    @staticmethod
    def resolve_merged_into(case: Case) -> str | None:
        return case.merged_into.reference if case.merged_into else None

    @staticmethod
    def resolve_promised_by(case: Case) -> str | None:
        return case.promised_by.isoformat() if case.promised_by else None

    @staticmethod
    def resolve_legs(case: Case) -> list[SlaLeg]:
        return list(case.legs.all())

    @staticmethod
    def resolve_compensations(case: Case) -> list[Compensation]:
        return list(case.compensations.select_related("requested_by", "decided_by"))

    @staticmethod
    def resolve_attachments(case: Case) -> list[CaseAttachment]:
        return list(case.attachments.all())

    @staticmethod
    def resolve_allowed_moves(case: Case) -> list[str]:
        return moves_from(case.status)


TitleTranslations = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=TITLE_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(TITLE_MAX)),
]
MessageTranslations = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=MESSAGE_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(MESSAGE_MAX)),
]


class NoticeIn(Schema):
    """A problem on the business's side to tell the customers it touches, before they ask: the owners of
    the orders listed, the buyers of a product in a period, and the members listed (any of them). With
    `points`, each is given that many goodwill points once."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [{"required": ["order_numbers"]}, {"required": ["product"]}, {"required": ["members"]}]
        },
    )

    kind: NoticeKind = NoticeKind.DELAY
    title: str = Field(..., max_length=TITLE_MAX, pattern=NOT_BLANK)
    title_translations: TitleTranslations = Field(
        default_factory=dict, description="the title in the business's other languages"
    )
    message: str = Field(
        ..., max_length=MESSAGE_MAX, pattern=NOT_BLANK, description="the apology and what happens now"
    )
    message_translations: MessageTranslations = Field(default_factory=dict)
    order_numbers: list[
        Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=NOT_BLANK)]
    ] = Field(
        NOT_GIVEN, min_length=1, max_length=MAX_LISTED, description="the orders' numbers (their external ids)"
    )
    product: Id = Field(NOT_GIVEN, description="a product's id: its buyers in the period")
    bought_from: Day = Field(NOT_GIVEN)
    bought_to: Day = Field(NOT_GIVEN)
    members: list[Id] = Field(NOT_GIVEN, min_length=1, max_length=MAX_LISTED)
    points: Points = Field(NOT_GIVEN, description="goodwill points to each")
    program: Id = Field(NOT_GIVEN, description="the program of the points (needed when there are several)")


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    message: str
    status: str = Field(..., description="draft, sending or sent")
    points: int | None
    created_at: datetime
    sent_at: datetime | None
    touched: int = Field(..., description="customers it touches (known once sending started)")
    told: int
    opened: int
    compensated: int
