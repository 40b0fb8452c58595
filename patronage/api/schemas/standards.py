"""Request and response shapes of the service standard endpoints: standards, their measurements and their
compliance.

The document states every rule it can (the code's form, lengths, the numbers' bounds, how many items); the
rules it states only in words (the minimum lies beyond the target in the standard's direction; a team, store
or staff member named must exist) are answered 422 naming the field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints, WithJsonSchema

from patronage.api.schemas.common import NOT_BLANK, SAFE_TEXT, Instant, ValueSchema
from patronage.api.schemas.loyalty import MAX_LANGUAGES, LanguageCode, translations_schema
from patronage.care.models import CaseChannel
from patronage.core.inputs import CODE_PATTERN as CODE_PATTERN_CHECKED
from patronage.standards.models import Direction, Period, Source, Standard
from patronage.standards.services import EXTERNAL_ID_MAX, ITEMS_MAX, VALUE_LIMIT

NOT_GIVEN: Any = None
# A code as core.inputs.CODE_PATTERN checks it, written for JSON Schema's regex dialect.
CODE_PATTERN = CODE_PATTERN_CHECKED.pattern
NAME_MAX, UNIT_MAX = 100, 30
# A staff member's username or e-mail address, a team's name, a store's code: as long as the records allow.
EMPLOYEE_MAX, TEAM_MAX, STORE_MAX = 254, 100, 32

# A measured number (a value, a target, a minimum): a JSON number within what a chart shows truthfully.
Number = Annotated[float, Field(strict=True, ge=-VALUE_LIMIT, le=VALUE_LIMIT, allow_inf_nan=False)]
Share = Annotated[float, Field(strict=True, gt=0, le=1, allow_inf_nan=False)]
NameTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=NAME_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(NAME_MAX)),
]
UnitTexts = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=UNIT_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(UNIT_MAX)),
]
TRANSLATIONS = "the text in the business's other languages, by language code (en, ko, ja, zh-hans)"


class StandardIn(Schema):
    """What a standard says; its code and source are given when it is created and never change (its
    measurements were taken under them). With `lower` better, the minimum is at or above the target; with
    `higher` better, at or below it (422 naming `minimum` otherwise)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        ..., max_length=NAME_MAX, pattern=NOT_BLANK, description="e.g. Phone answered within 2 rings"
    )
    name_translations: NameTexts = Field(NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES)
    unit: str = Field(..., max_length=UNIT_MAX, pattern=NOT_BLANK, description="e.g. rings, seconds, minutes")
    unit_translations: UnitTexts = Field(NOT_GIVEN, description=TRANSLATIONS, max_length=MAX_LANGUAGES)
    direction: Direction = Field(..., description="`lower` or `higher` is better")
    target: Number = Field(..., description="a measurement as good as this meets the target")
    minimum: Number = Field(..., description="no measurement should be worse than this")
    target_share: Share = Field(
        0.95, description="the share of measurements that should meet the target, e.g. 0.95 for 95%"
    )
    period: Period = Field(Period.WEEK, description="the period it is judged over: day, week or month")
    channel: CaseChannel = Field(NOT_GIVEN, description="the contact channel it applies to")
    team: str = Field(
        NOT_GIVEN, max_length=TEAM_MAX, pattern=NOT_BLANK, description="the name of the team it applies to"
    )
    store: str = Field(
        NOT_GIVEN, max_length=STORE_MAX, pattern=NOT_BLANK, description="the code of the store it applies to"
    )
    owner: str = Field(
        NOT_GIVEN,
        max_length=EMPLOYEE_MAX,
        pattern=NOT_BLANK,
        description="the staff member (username or e-mail) warned when a period breaches the minimum",
    )


class StandardCreateIn(StandardIn):
    code: str = Field(
        ..., pattern=CODE_PATTERN, description="up to 32 lower-case letters, digits, - or _; unique"
    )
    source: Source = Field(
        Source.MEASURED,
        description="`measured` (sent through the API or uploaded), or derived from the product's own "
        "data: `first_response` (minutes), `resolution` (hours) of cases, `satisfaction` (rating 1 to 5)",
    )


class StandardOut(Schema):
    id: int
    code: str
    name: str = Field(description="in the business's main language")
    name_translations: dict[str, str]
    unit: str
    unit_translations: dict[str, str]
    direction: str
    target: float
    minimum: float
    target_share: float
    source: str
    period: str
    channel: str | None
    team: str | None = Field(description="the team's name")
    store: str | None = Field(description="the store's code")
    owner: str | None = Field(description="the owner's username")
    active: bool
    created_at: datetime

    @staticmethod
    def resolve_channel(standard: Standard) -> str | None:
        return standard.channel or None

    @staticmethod
    def resolve_team(standard: Standard) -> str | None:
        return standard.team.name if standard.team else None

    @staticmethod
    def resolve_store(standard: Standard) -> str | None:
        return standard.store.code if standard.store else None

    @staticmethod
    def resolve_owner(standard: Standard) -> str | None:
        return standard.owner.get_username() if standard.owner else None


# Plain values (ValueSchema, not ninja's Schema): a bulk body carries thousands; the items' validation was
# half of the request's time.
class MeasurementIn(ValueSchema):
    """One measured interaction. A staff member, team or store named must exist (422 naming
    `items.<n>.<field>` otherwise); `external_id` makes it count once however often it is sent."""

    model_config = ConfigDict(extra="forbid")

    value: Number = Field(..., description="in the standard's unit")
    at: Instant
    employee: str = Field(
        NOT_GIVEN,
        max_length=EMPLOYEE_MAX,
        pattern=NOT_BLANK,
        description="a staff member's username or e-mail",
    )
    team: str = Field(NOT_GIVEN, max_length=TEAM_MAX, pattern=NOT_BLANK, description="a team's name")
    store: str = Field(NOT_GIVEN, max_length=STORE_MAX, pattern=NOT_BLANK, description="a store's code")
    external_id: str = Field(
        NOT_GIVEN,
        max_length=EXTERNAL_ID_MAX,
        pattern=SAFE_TEXT,
        description="the sending system's id: the same one again changes nothing",
    )


class MeasurementsIn(ValueSchema):
    model_config = ConfigDict(extra="forbid")

    items: list[MeasurementIn] = Field(
        ...,
        min_length=1,
        max_length=ITEMS_MAX,
        description=f"at most {ITEMS_MAX:,} at once; one bad item refuses them all",
    )


class MeasurementsOut(Schema):
    created: int
    unchanged: int = Field(description="items whose external_id was known: nothing was recorded for them")


class ComplianceFilters(Schema):
    period: Literal["day", "week", "month", "all"] = Field(
        NOT_GIVEN, description="day, week, month or all (all time); the standard's own period if left out"
    )
    group: Literal["employee", "team", "store", "none"] = Field(
        "none", description="one row per employee, team or store in each period, or `none`: everyone"
    )
    since: Instant = Field(NOT_GIVEN, description="measurements at or after this time")
    until: Instant = Field(NOT_GIVEN, description="measurements before this time")


class GroupOut(Schema):
    id: int
    name: str


class ComplianceRowOut(Schema):
    period_start: date | None = Field(description="the period's first day in the business's zone; null: all")
    group: GroupOut | None = Field(
        description="the employee, team or store; null with `group=none`, or for measurements naming none"
    )
    count: int
    meeting_target: int
    meeting_target_share: float
    below_minimum: int = Field(description="measurements worse than the minimum")
    below_minimum_share: float
    median: float
    p90: float = Field(description="the 90th percentile, interpolated as PostgreSQL's percentile_cont")
    meets_standard: bool = Field(
        description="the share meeting the target reaches target_share and nothing is worse than the minimum"
    )


class ComplianceOut(Schema):
    standard: StandardOut
    period: str
    group: str
    rows: list[ComplianceRowOut]
