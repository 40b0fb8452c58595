"""Request and response shapes of the members endpoints.

Input fields are declared without `| None` and with an unused default: leaving a field out means
"not given" (PATCH changes only what is sent), while sending null for it is refused with 422.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import available_timezones

from django.conf import settings
from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, WithJsonSchema

from patronage.api.schemas.common import NOT_BLANK, WHITESPACE, Day, Id, Instant, StoredJson
from patronage.core.errors import ValidationFailed
from patronage.members import selectors
from patronage.members.models import ConsentMethod, ConsentPurpose, Member, MemberStatus, TimelineEvent
from patronage.members.services import IDENTITY_FIELDS, PROFILE_FIELDS, IdentityInput
from patronage.members.timeline import kind_get

NOT_GIVEN: Any = None
MISSING_IDENTITY = "give at least one of email, phone, card_number or external_id"

# The identities as the API takes them, each a pattern the document states and the schema checks; the
# services then store their normal form (members.normalise), which accepts everything these allow.
# Characters that Unicode compatibility normalisation (NFKC, which the stored form goes through) turns into
# a space or an @ (a spacing accent such as ¯, a full-width @): no address holds them.
_NFKC_SPACE_OR_AT = (
    r"\u00a8\u00af\u00b4\u00b8\u02d8-\u02dd\u037a\u0384-\u0385\u1fbd\u1fbf-\u1fc1\u1fcd-\u1fcf"
    r"\u1fdd-\u1fdf\u1fed-\u1fee\u1ffd-\u1ffe\u2017\u203e\u309b-\u309c\ufc5e-\ufc63\ufdfa-\ufdfb"
    r"\ufe49-\ufe4c\ufe6b\ufe70\ufe72\ufe74\ufe76\ufe78\ufe7a\ufe7c\ufe7e\uff20\uffe3"
)
_MAIL = rf"[^@{WHITESPACE}{_NFKC_SPACE_OR_AT}\u0000]+"
EMAIL_PATTERN = rf"^[{WHITESPACE}]*{_MAIL}@{_MAIL}\.{_MAIL}[{WHITESPACE}]*$"
# 6 to 16 digits, with spaces, dots, dashes and brackets between them; a leading + (or 00, which stands
# for it and is not counted).
_SEP = r"[ ().-]*"
PHONE_PATTERN = (
    rf"^(?:\+{_SEP}(?:[0-9]{_SEP}){{6,16}}|{_SEP}0{_SEP}0{_SEP}(?:[0-9]{_SEP}){{6,16}}"
    rf"|{_SEP}[1-9]{_SEP}(?:[0-9]{_SEP}){{5,15}}|{_SEP}0{_SEP}[1-9]{_SEP}(?:[0-9]{_SEP}){{4,14}})$"
)
CARD_PATTERN = r"^ *(?:[A-Za-z0-9-] *){4,40}$"
COUNTRY_PATTERN = r"^(?:[A-Za-z]{2})?$"
LOCALES = ["", *(code for code, _label in settings.LANGUAGES)]
TIME_ZONES = ["", *sorted(available_timezones())]

Locale = Annotated[str, WithJsonSchema({"type": "string", "enum": LOCALES})]
TimeZone = Annotated[str, WithJsonSchema({"type": "string", "enum": TIME_ZONES})]


class MemberFields(Schema):
    """Identity and profile fields, shared by create and update."""

    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(
        NOT_GIVEN,
        max_length=128,
        pattern=NOT_BLANK,
        description="your system's id for this customer (1 to 128 characters); makes creation idempotent",
    )
    email: str = Field(NOT_GIVEN, max_length=254, pattern=EMAIL_PATTERN)
    phone: str = Field(NOT_GIVEN, max_length=40, pattern=PHONE_PATTERN, description="6 to 16 digits")
    card_number: str = Field(
        NOT_GIVEN, max_length=80, pattern=CARD_PATTERN, description="4 to 40 letters, digits or dashes"
    )
    # Lengths are the columns' own: PostgreSQL refuses longer values with an error, not a message.
    name: str = Field(NOT_GIVEN, max_length=200)
    birth_date: Day | None = Field(NOT_GIVEN, description="not in the future")
    locale: Locale = Field(NOT_GIVEN, description="en, ko, ja or zh-hans; empty for none")
    time_zone: TimeZone = Field(NOT_GIVEN, description="IANA name, e.g. Asia/Seoul; empty for none")
    address: str = Field(NOT_GIVEN, max_length=300)
    city: str = Field(NOT_GIVEN, max_length=100)
    postal_code: str = Field(NOT_GIVEN, max_length=20)
    country: str = Field(
        NOT_GIVEN, pattern=COUNTRY_PATTERN, description="ISO 3166-1 alpha-2 (any case); empty for none"
    )
    preferences: StoredJson = Field(NOT_GIVEN)

    def identity_inputs(self) -> list[IdentityInput]:
        """The identities sent, external id first: on a retry its conflict is the one that finds the member."""
        given = self.model_dump(exclude_unset=True, include=set(IDENTITY_FIELDS))
        ordered = sorted(given, key=lambda field: field != "external_id")
        return [IdentityInput(IDENTITY_FIELDS[field], given[field]) for field in ordered]

    def profile_values(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, include=set(PROFILE_FIELDS))


class MemberCreateIn(MemberFields):
    # At least one identity, stated in the document; null for one of them is not one.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"anyOf": [{"required": [field]} for field in IDENTITY_FIELDS]},
    )

    consents: dict[ConsentPurpose, StrictBool] = Field(
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

    purpose: ConsentPurpose = Field(
        description="email_marketing, sms_marketing, phone_marketing, profiling or third_party"
    )
    granted: StrictBool
    method: ConsentMethod = Field(
        ConsentMethod.API, description="how the answer was given: api, portal, paper, phone, ..."
    )
    evidence: str = Field("", max_length=300, description="wording shown, form id or call reference")


class ConsentsOut(Schema):
    changed: bool = Field(description="false when the answer repeated the current one")
    consents: dict[str, bool]


class EraseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=300, pattern=NOT_BLANK, description="why, e.g. the request's reference")


class ErasedOut(Schema):
    id: int
    status: MemberStatus


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    survivor_id: Id = Field(description="the file that stays")
    duplicate_id: Id = Field(description="the file folded into the survivor (the same id: nothing to do)")


class MemberRef(Schema):
    id: int
    name: str


class DuplicateOut(Schema):
    first: MemberRef = Field(description="the file with the lower id")
    second: MemberRef
    score: int = Field(description="55 to 100: 90 and more is very likely one person, 70 and more likely")
    reasons: list[str] = Field(description="what the two files have in common, in words")
    doubts: list[str] = Field(description="what speaks against, in words (different birth dates ...)")
