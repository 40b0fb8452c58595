"""Request and response shapes of the segment endpoints.

A segment's `rules` are a tree (docs/guide/segments.md): `{"all": [...]}`, `{"any": [...]}`, `{"not": {...}}`
and conditions `{"field": "city", "op": "eq", "value": "Seoul"}` (purchase fields take `"days": 90`). The
document states the tree's shape; the fields, their operators and the type of each value are checked by the
server, a problem answered 422 naming its path (`rules.all.1.value`). `GET /segments/fields` lists them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, StringConstraints, WithJsonSchema

from patronage.api.schemas.common import NOT_BLANK, SAFE_TEXT, Id, Instant, whole
from patronage.api.schemas.loyalty import MAX_LANGUAGES, LanguageCode, translations_schema
from patronage.api.schemas.transactions import Money
from patronage.core.inputs import CODE_PATTERN as CODE_PATTERN_CHECKED
from patronage.segments.campaign_services import BODY_MAX, GOAL_DAYS_MAX, HOLDOUT_MAX, SUBJECT_MAX
from patronage.segments.event_services import CAPACITY_MAX
from patronage.segments.models import CampaignGoal, ClubEventKind, Segment, SegmentKind
from patronage.segments.rules import CONDITIONS_MAX, DEPTH_MAX

NOT_GIVEN: Any = None
CODE_PATTERN = CODE_PATTERN_CHECKED.pattern  # core.inputs's, for JSON Schema
NAME_MAX, DESCRIPTION_MAX = 100, 300
MEMBERS_MAX = 10_000  # ids in one request; a longer list goes up as a file in the console

RULES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "a condition {field, op, value, days?} or a group {all: [...]}, {any: [...]}, {not: {...}}; "
        f"at most {CONDITIONS_MAX} conditions, {DEPTH_MAX} levels deep"
    ),
    "minProperties": 1,
    "example": {
        "all": [
            {"field": "city", "op": "eq", "value": "Seoul"},
            {"field": "purchase_count", "op": "gte", "value": 3, "days": 90},
        ]
    },
}
Rules = Annotated[dict[str, Any], WithJsonSchema(RULES_SCHEMA)]
NameTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=NAME_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(NAME_MAX)),
]
DescriptionTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(DESCRIPTION_MAX)),
]
SubjectTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=SUBJECT_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(SUBJECT_MAX)),
]
BodyTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=BODY_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(BODY_MAX)),
]
# A whole number of days (30.0 is 30, as JSON Schema reads it).
GoalDays = Annotated[int, Field(strict=True, ge=1, le=GOAL_DAYS_MAX), BeforeValidator(whole)]
CapacityInt = Annotated[int, Field(strict=True, ge=1, le=CAPACITY_MAX), BeforeValidator(whole)]
TRANSLATIONS = "the text in the business's other languages, by language code (en, ko, ja, zh-hans)"


class SegmentIn(Schema):
    """What a segment says; its code and kind are given when it is created and never change."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=NAME_MAX, pattern=NOT_BLANK, description="e.g. Seoul regulars")
    name_translations: NameTexts = Field(NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES)
    description: str = Field("", max_length=DESCRIPTION_MAX, pattern=SAFE_TEXT)
    description_translations: DescriptionTexts = Field(
        NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES
    )
    rules: Rules = Field(
        NOT_GIVEN, description="required for a segment kept by rules; none for a static list"
    )


class SegmentCreateIn(SegmentIn):
    code: str = Field(
        ..., pattern=CODE_PATTERN, description="up to 32 lower-case letters, digits, - or _; unique"
    )
    kind: SegmentKind = Field(
        SegmentKind.RULES, description="`rules` (kept by its rules) or `static` (a list)"
    )


class SegmentOut(Schema):
    id: int
    code: str
    name: str = Field(description="in the business's main language")
    name_translations: dict[str, str]
    description: str
    description_translations: dict[str, str]
    kind: str
    rules: dict[str, Any] | None
    count: int = Field(description="members now")
    time_based: bool = Field(description="time alone can move members in or out")
    active: bool
    refreshed_at: datetime | None = Field(description="last evaluated in full")
    created_at: datetime

    @staticmethod
    def resolve_rules(segment: Segment) -> dict[str, Any] | None:
        return segment.rules or None

    @staticmethod
    def resolve_count(segment: Segment) -> int:
        return segment.member_count


class TreatmentBenefitRef(Schema):
    model_config = ConfigDict(extra="forbid")

    program: str = Field(..., max_length=32, pattern=CODE_PATTERN, description="the program's code")
    code: str = Field(..., max_length=48, pattern=NOT_BLANK, description="the benefit's code in it")


class TreatmentIn(Schema):
    """What each member entering from now on gets; left out or empty, no benefit and no welcome. Bonus
    points are an earn rule of the `segment` kind (POST /programs/{code}/rules)."""

    model_config = ConfigDict(extra="forbid")

    benefit: TreatmentBenefitRef | None = Field(
        None, description="given once per stay to members of its program"
    )
    welcome_subject: str = Field("", max_length=SUBJECT_MAX, pattern=SAFE_TEXT)
    welcome_subject_translations: SubjectTexts = Field(
        NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES
    )
    welcome_body: str = Field("", max_length=BODY_MAX, pattern=SAFE_TEXT)
    welcome_body_translations: BodyTexts = Field(
        NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES
    )


class TreatmentOut(Schema):
    benefit: TreatmentBenefitRef | None
    welcome_subject: str
    welcome_subject_translations: dict[str, str]
    welcome_body: str
    welcome_body_translations: dict[str, str]
    since: datetime | None = Field(description="members entering from then on are treated")
    treated: int = Field(description="stays treated so far")
    benefits: int = Field(description="benefits given so far")
    welcomes: int = Field(description="welcome messages queued so far")
    earn_rules: list[str] = Field(description="`<program>/<rule>` of the earn rules naming this segment")


class SegmentMemberOut(Schema):
    member: int = Field(description="the customer's id (GET /members/{id})")
    entered_at: datetime

    @staticmethod
    def resolve_member(place: Any) -> int:
        return int(place.member_id)


class PreviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    rules: Rules


class PreviewOut(Schema):
    count: int = Field(description="members the rules select now")
    sample: list[int] = Field(description="up to 10 of them, newest files first")


class SegmentListIn(Schema):
    """The members of a static list, by customer id."""

    model_config = ConfigDict(extra="forbid")

    members: list[Id] = Field(..., min_length=1, max_length=MEMBERS_MAX)
    replace: bool = Field(
        True, strict=True, description="true: the list becomes these; false: these are added"
    )


class MovesOut(Schema):
    entered: int
    left: int


class SizeOut(Schema):
    day: date
    members: int


class FieldOut(Schema):
    name: str
    label: str
    group: str
    kind: str = Field(description="text, number, date, choice, set or bool")
    operators: list[str]
    windowed: bool = Field(description="takes `days`: only what happened in the last N days counts")
    help: str
    choices: list[str] | None
    labels: dict[str, str] = Field(
        description="the name a person reads for each choice, in the reader's language"
    )


class CampaignIn(Schema):
    """What a campaign says; its code is given when it is created and never changes. Written while a draft
    (or missed); a scheduled or sent campaign is 409."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        ..., max_length=NAME_MAX, pattern=NOT_BLANK, description="e.g. New pans for kitchen lovers"
    )
    segment: str = Field(..., pattern=CODE_PATTERN, description="the code of an active segment")
    subject: str = Field(..., max_length=SUBJECT_MAX, pattern=NOT_BLANK)
    subject_translations: SubjectTexts = Field(NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES)
    body: str = Field(..., max_length=BODY_MAX, pattern=NOT_BLANK, description="the message's text")
    body_translations: BodyTexts = Field(NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES)
    goal: CampaignGoal = Field(
        CampaignGoal.PURCHASE, description="chosen before sending: what the uplift is of"
    )
    goal_days: GoalDays = Field(30, description="the window after the start, in days")
    holdout_share: float = Field(
        0.1,
        strict=True,
        ge=0,
        le=HOLDOUT_MAX,
        allow_inf_nan=False,
        description="share of the audience held out",
    )
    offer_cost: Money = Field(NOT_GIVEN, description="the offer's cost per converted customer")


class CampaignCreateIn(CampaignIn):
    code: str = Field(
        ..., pattern=CODE_PATTERN, description="up to 32 lower-case letters, digits, - or _; unique"
    )


class CampaignOut(Schema):
    id: int
    code: str
    name: str
    segment: str
    channel: str
    subject: str
    subject_translations: dict[str, str]
    body: str
    body_translations: dict[str, str]
    goal: str
    goal_days: int
    holdout_share: float
    offer_cost: str | None = Field(description="decimal string")
    status: str
    send_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    audience: int
    held_out: int
    created_at: datetime

    @staticmethod
    def resolve_segment(campaign: Any) -> str:
        return str(campaign.segment.code)

    @staticmethod
    def resolve_offer_cost(campaign: Any) -> str | None:
        return str(campaign.offer_cost) if campaign.offer_cost is not None else None


class ScheduleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    send_at: Instant = Field(NOT_GIVEN, description="when to start; left out: now")


class UpliftOut(Schema):
    treated: float | None
    held_out: float | None
    uplift: float | None
    low: float | None = Field(description="95% interval")
    high: float | None


class PreflightOut(Schema):
    audience: int
    held_out: int
    baseline: float | None = Field(description="the segment's usual rate of the goal over a window as long")
    detectable: float | None = Field(
        description="the smallest uplift detectable with 80% power (0.02: 2 points)"
    )


class ProgressOut(Schema):
    treated: int
    queued: int
    sent: int = Field(description="left us: delivered or bounced")
    skipped: dict[str, int] = Field(description="by reason: no consent, frequency cap, no address...")
    failed: int
    unsubscribed: int
    bounced: int
    delivered: int = Field(description="sent less bounced")
    opened: int = Field(description="of those delivered: the open pixel loaded or a link followed")
    clicked: int = Field(description="of those delivered: a link followed")
    open_rate: float | None = Field(description="opened / delivered; null before any was delivered")
    click_rate: float | None = Field(description="clicked / delivered")


class ResultsOut(Schema):
    window_end: datetime
    complete: bool = Field(description="the window has closed: final")
    treated: int
    held_out: int
    converted: int
    converted_held: int
    conversion: UpliftOut
    revenue: UpliftOut = Field(description="per member: purchases less refunds in the window")
    incremental_conversions: float | None
    incremental_revenue: float | None
    offer_cost: str | None = Field(
        description="the offer's cost for the treated who converted, decimal string"
    )


class CampaignReportOut(Schema):
    campaign: CampaignOut
    preflight: PreflightOut | None = Field(description="before it starts")
    progress: ProgressOut | None = Field(description="once started")
    results: ResultsOut | None = Field(description="once started")


class ClubEventIn(Schema):
    """A club event: who may come (tiers' codes or a segment's; neither: everyone), how many, when, where."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        ..., pattern=CODE_PATTERN, description="up to 32 lower-case letters, digits, - or _; unique"
    )
    kind: ClubEventKind = Field(ClubEventKind.CLUB)
    name: str = Field(..., max_length=NAME_MAX, pattern=NOT_BLANK)
    name_translations: NameTexts = Field(NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES)
    description: str = Field("", max_length=5_000, pattern=SAFE_TEXT)
    place: str = Field("", max_length=200, pattern=SAFE_TEXT)
    link: str = Field("", max_length=500, pattern=r"^(https?://\S+)?$", description="for an event online")
    starts_at: Instant
    ends_at: Instant = Field(..., description="after the start")
    capacity: CapacityInt
    tiers: list[Annotated[str, StringConstraints(pattern=CODE_PATTERN)]] = Field(
        default_factory=list, max_length=20, description="tiers' codes whose members may come"
    )
    segment: str = Field(NOT_GIVEN, pattern=CODE_PATTERN, description="a segment whose members may come")
    program: str = Field(
        NOT_GIVEN, pattern=CODE_PATTERN, description="the loyalty program the points for coming are earned in"
    )
    attendance_points: int = Field(
        0, ge=0, le=1_000_000, description="points earned once, at check-in (needs `program`)"
    )


class ClubEventOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    name_translations: dict[str, str]
    description: str
    place: str
    link: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    registered: int = Field(description="seats taken")
    waiting: int
    tiers: list[str]
    segment: str | None
    program: str | None
    attendance_points: int
    cancelled_at: datetime | None

    @staticmethod
    def resolve_segment(event: Any) -> str | None:
        return event.segment.code if event.segment_id else None

    @staticmethod
    def resolve_program(event: Any) -> str | None:
        return event.program.code if event.program_id else None

    @staticmethod
    def resolve_waiting(event: Any) -> int:
        return int(event.waiting)  # annotated by event_selectors.club_event_list


class RegistrationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    member: Id


class RegistrationOut(Schema):
    member: int
    status: str = Field(description="registered, waiting, cancelled or attended")
    asked_at: datetime
    checked_in_at: datetime | None

    @staticmethod
    def resolve_member(registration: Any) -> int:
        return int(registration.member_id)
