"""Request and response shapes of the members endpoints.

Input fields are declared without `| None` and with an unused default: leaving a field out means
"not given" (PATCH changes only what is sent), while sending null for it is refused with 422.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from patronage.api.schemas.common import Day, Instant
from patronage.core.errors import ValidationFailed
from patronage.members import selectors
from patronage.members.models import Member, MemberStatus, TimelineEvent
from patronage.members.services import IDENTITY_FIELDS, PROFILE_FIELDS, IdentityInput
from patronage.members.timeline import kind_get

NOT_GIVEN: Any = None
MISSING_IDENTITY = "give at least one of email, phone, card_number or external_id"


class MemberFields(Schema):
    """Identity and profile fields, shared by create and update."""

    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(
        NOT_GIVEN, description="your system's id for this customer; makes creation idempotent"
    )
    email: str = Field(NOT_GIVEN)
    phone: str = Field(NOT_GIVEN)
    card_number: str = Field(NOT_GIVEN)
    # Lengths are the columns' own: PostgreSQL refuses longer values with an error, not a message.
    name: str = Field(NOT_GIVEN, max_length=200)
    birth_date: Day | None = Field(NOT_GIVEN)
    locale: str = Field(NOT_GIVEN, description="en, ko, ja or zh-hans")
    time_zone: str = Field(NOT_GIVEN, description="IANA name, e.g. Asia/Seoul")
    address: str = Field(NOT_GIVEN, max_length=300)
    city: str = Field(NOT_GIVEN, max_length=100)
    postal_code: str = Field(NOT_GIVEN, max_length=20)
    country: str = Field(NOT_GIVEN, description="ISO 3166-1 alpha-2")
    preferences: dict[str, Any] = Field(NOT_GIVEN)

    def identity_inputs(self) -> list[IdentityInput]:
        """The identities sent, external id first: on a retry its conflict is the one that finds the member."""
        given = self.model_dump(exclude_unset=True, include=set(IDENTITY_FIELDS))
        ordered = sorted(given, key=lambda field: field != "external_id")
        return [IdentityInput(IDENTITY_FIELDS[field], given[field]) for field in ordered]

    def profile_values(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, include=set(PROFILE_FIELDS))


class MemberCreateIn(MemberFields):
    consents: dict[str, bool] = Field(
        default_factory=dict, description='purpose → granted, e.g. {"email_marketing": true}'
    )
    source: str = Field("", max_length=32, description="the channel the member joined through")
    joined_at: Instant | None = Field(None, description="defaults to now")

    def identity_inputs(self) -> list[IdentityInput]:
        """As for any member fields; a new member needs at least one, and the error names every choice."""
        identities = super().identity_inputs()
        if not identities:
            raise ValidationFailed(
                MISSING_IDENTITY,
                errors=[{"field": field, "message": MISSING_IDENTITY} for field in IDENTITY_FIELDS],
            )
        return identities


class MemberUpdateIn(MemberFields):
    pass


class MemberOut(Schema):
    id: int
    external_id: str | None
    email: str | None
    phone: str | None
    card_number: str | None
    name: str
    birth_date: date | None
    locale: str
    time_zone: str
    address: str
    city: str
    postal_code: str
    country: str
    preferences: dict[str, Any]
    source: str
    status: MemberStatus
    joined_at: datetime
    tags: list[str]
    consents: dict[str, bool]

    # Identities, tags and consents are read from prefetched relations (see routers.members.with_relations).
    @staticmethod
    def resolve_external_id(member: Member) -> str | None:
        return selectors.member_identities(member=member).get("external_id")

    @staticmethod
    def resolve_email(member: Member) -> str | None:
        return selectors.member_identities(member=member).get("email")

    @staticmethod
    def resolve_phone(member: Member) -> str | None:
        return selectors.member_identities(member=member).get("phone")

    @staticmethod
    def resolve_card_number(member: Member) -> str | None:
        return selectors.member_identities(member=member).get("card_number")

    @staticmethod
    def resolve_tags(member: Member) -> list[str]:
        return [tag.name for tag in member.tags.all()]

    @staticmethod
    def resolve_consents(member: Member) -> dict[str, bool]:
        return {consent.purpose: consent.granted for consent in member.consents.all()}


class MemberFilters(Schema):
    q: str = Field("", description="an e-mail, phone, card number or external id, a name, or '#id'")
    city: str = ""
    tag: str = ""
    source: str = ""
    status: MemberStatus = MemberStatus.ACTIVE
    joined_from: Day | None = None
    joined_to: Day | None = None


class TimelineFilters(Schema):
    kind: str = Field("", description="only events of this kind, e.g. 'joined' or 'consent_changed'")


class TimelineEventOut(Schema):
    kind: str
    label: str
    occurred_at: datetime
    summary: str
    data: dict[str, Any]
    source_type: str
    source_id: str

    @staticmethod
    def resolve_label(event: TimelineEvent) -> str:
        return str(kind_get(event.kind).label)


class ConsentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(
        description="email_marketing, sms_marketing, phone_marketing, profiling or third_party"
    )
    granted: bool
    method: str = Field("api", description="how the answer was given: api, portal, paper, phone, ...")
    evidence: str = Field("", max_length=300, description="wording shown, form id or call reference")


class ConsentsOut(Schema):
    changed: bool = Field(description="false when the answer repeated the current one")
    consents: dict[str, bool]


class EraseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description="why, e.g. the request's reference")


class ErasedOut(Schema):
    id: int
    status: MemberStatus


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    survivor_id: int = Field(description="the file that stays")
    duplicate_id: int = Field(description="the file folded into the survivor")


class MemberRef(Schema):
    id: int
    name: str


class DuplicateOut(Schema):
    first: MemberRef
    second: MemberRef
    reasons: list[str]
