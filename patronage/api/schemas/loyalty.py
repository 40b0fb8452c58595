"""Request and response shapes of the loyalty endpoints: programs and their catalogue, accounts, ledgers,
redemptions, events, benefits and tier history. Purchases and returns are in schemas/transactions.py.

Points are JSON integers, checked strictly: "5", 5.0 or true are refused rather than guessed at. Sentences
(rule explanations, tier progress) come rendered in the request's language, with the template and
parameters they were made from, so an integration may render them itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.utils.translation import gettext
from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from patronage.api.schemas.common import NOT_BLANK, SAFE_TEXT, Instant, JsonInt, PathId, ValueSchema
from patronage.core import clock
from patronage.core.errors import ValidationFailed
from patronage.loyalty.explanation import Explanation, decimal_text
from patronage.loyalty.models import BenefitGrant, LedgerEntry, Program, Redemption, Reward, Tier, TierChange
from patronage.loyalty.selectors import Liability, TierStatus
from patronage.loyalty.selectors.integration import AccountView
from patronage.loyalty.services.points import MAX_POINTS
from patronage.loyalty.services.programs import DESCRIPTION_MAX, NAME_MAX

# The ledger records the key as an adjustment's cause, whose column holds 64 characters.
MAX_KEY_LENGTH = 64

KEY_DESCRIPTION = "your id for this request, unique per program; a retry with it changes nothing"
# Leaving a field out is "not given"; sending null for it is refused (as for members).
NOT_GIVEN: Any = None
# As loyalty.rules_params checks an event rule's name.
EVENT_PATTERN = r"^(?:signup|birthday|referral|survey_answered|custom:[a-z0-9][a-z0-9_.-]{0,63})$"

# ---- names in each language (decision 0021) --------------------------------------------------------

# A key is a language of the product, as settings.LANGUAGES writes it ("zh-hans"); the document states it,
# and any other key is a 422 naming the field and the key.
LANGUAGE_PATTERN = "^(?:" + "|".join(code for code, _name in settings.LANGUAGES) + ")$"
LanguageCode = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]
MAX_LANGUAGES = len(settings.LANGUAGES)


def translations_schema(max_length: int) -> dict[str, Any]:
    """An object from language code to text, as the document states it: pydantic would write
    `patternProperties`, which leaves any other key valid to a reader of the document."""
    return {
        "type": "object",
        "propertyNames": {"type": "string", "pattern": LANGUAGE_PATTERN},
        "additionalProperties": {"type": "string", "maxLength": max_length, "pattern": SAFE_TEXT},
        "maxProperties": MAX_LANGUAGES,
    }


NameTranslations = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=NAME_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(NAME_MAX)),
]
DescriptionTranslations = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX, pattern=SAFE_TEXT)]],
    WithJsonSchema(translations_schema(DESCRIPTION_MAX)),
]
NAMES_DESCRIPTION = (
    "the name in other languages, by language code (en, ko, ja, zh-hans); `name` is the text in the "
    "business's main language"
)
DESCRIPTIONS_DESCRIPTION = "the description in other languages, by language code, as name_translations"


class ProgramNamesIn(Schema):
    """A program's name to write in other languages (a program has no description); each language given
    replaces that language's text, an empty text removes it, a language left out keeps its text."""

    model_config = ConfigDict(extra="forbid")

    name_translations: NameTranslations = Field(
        NOT_GIVEN, description=NAMES_DESCRIPTION, max_length=MAX_LANGUAGES
    )


class TranslationsIn(ProgramNamesIn):
    """Names and descriptions to write, as ProgramNamesIn."""

    description_translations: DescriptionTranslations = Field(
        NOT_GIVEN, description=DESCRIPTIONS_DESCRIPTION, max_length=MAX_LANGUAGES
    )


class NamesOut(Schema):
    code: str
    name: str = Field(description="in the business's main language")
    name_translations: dict[str, str] = Field(description=NAMES_DESCRIPTION)
    description: str | None = Field(description="null for a program, which has none")
    description_translations: dict[str, str] | None = Field(description=DESCRIPTIONS_DESCRIPTION)

    @staticmethod
    def of(item: Any) -> NamesOut:
        return NamesOut(
            code=item.code,
            name=item.name,
            name_translations=item.name_translations,
            description=getattr(item, "description", None),
            description_translations=getattr(item, "description_translations", None),
        )


# ---- shared output pieces ----------------------------------------------------------------------------


class TierRef(ValueSchema):
    code: str
    name: str

    @staticmethod
    def of(tier: Tier | None) -> TierRef | None:
        return TierRef(code=tier.code, name=tier.name) if tier is not None else None


class ExplanationOut(ValueSchema):
    message: str = Field(description="the sentence, in the request's language")
    template: str = Field(description="the English template the sentence was made from")
    params: dict[str, Any]

    @staticmethod
    def of(stored: Mapping[str, Any]) -> ExplanationOut:
        explanation = Explanation(str(stored.get("template", "")), dict(stored.get("params") or {}))
        return ExplanationOut(
            message=_rendered(explanation), template=explanation.template, params=dict(explanation.params)
        )


def _rendered(explanation: Explanation) -> str:
    try:
        return explanation.render(gettext)
    except (KeyError, TypeError, ValueError):  # a translation that lost a parameter: the English one is right
        return explanation.render()


class ContributionOut(ValueSchema):
    rule: str
    points: int
    explanation: ExplanationOut
    note: ExplanationOut | None = Field(description="set when a cap reduced the contribution")


class SkippedOut(ValueSchema):
    rule: str
    explanation: ExplanationOut = Field(description="why the rule gave nothing")


class EvaluationOut(ValueSchema):
    total: int
    contributions: list[ContributionOut] = Field(description="the rules that gave points, in their order")
    skipped: list[SkippedOut]

    @staticmethod
    def of(stored: Mapping[str, Any] | None) -> EvaluationOut | None:
        """From the evaluation as the engine stores it (selectors.evaluation_as_dict); None if there is none."""
        if not stored or "contributions" not in stored:
            return None
        return EvaluationOut(
            total=stored["total"],
            contributions=[
                ContributionOut(
                    rule=c["rule"],
                    points=c["points"],
                    explanation=ExplanationOut.of(c["explanation"]),
                    note=ExplanationOut.of(c["note"]) if c.get("note") else None,
                )
                for c in stored["contributions"]
            ],
            skipped=[
                SkippedOut(rule=s["rule"], explanation=ExplanationOut.of(s["explanation"]))
                for s in stored["skipped"]
            ],
        )


# ---- programs and the catalogue ------------------------------------------------------------------------


class ProgramOut(Schema):
    code: str
    name: str = Field(description="in the business's main language")
    name_translations: dict[str, str] = Field(description=NAMES_DESCRIPTION)
    currency: str
    time_zone: str
    pending_days: int = Field(description="days new points stay pending (the return window)")
    expiry_policy: str = Field(
        description="never, days_after_earning, end_of_month, end_of_year or inactivity"
    )
    expiry_days: int | None
    return_policy: str = Field(description="pending_only, within_balance or allow_negative")
    point_value: Decimal = Field(description="money value of one point, in the program's currency")


class TierOut(Schema):
    code: str
    name: str = Field(description="in the business's main language")
    name_translations: dict[str, str] = Field(description=NAMES_DESCRIPTION)
    rank: int = Field(description="higher is better")
    threshold: Decimal = Field(description="the qualifying value that reaches the tier (inclusive)")
    invitation_only: bool
    description: str
    description_translations: dict[str, str] = Field(description=DESCRIPTIONS_DESCRIPTION)


class ProgramDetailOut(ProgramOut):
    active: bool = Field(description="false once the program is closed: its history stays readable")
    enrolment: str = Field(description="signup or first_purchase")
    rounding: str = Field(description="down or half_up, applied rule by rule")
    exclude_tax: bool
    exclude_shipping: bool
    tier_basis: str = Field(description="points, spend or visits, counted over the tier window")
    tier_window: str = Field(description="rolling, calendar_year, anniversary or lifetime")
    tier_window_days: int | None
    tier_downgrade: str = Field(description="one_level or recompute, at the member's review only")
    tier_grace_days: int
    adjustment_ceiling: int = Field(
        description="the most points one adjustment may add or remove, by an integration or by staff "
        "without the unlimited permission"
    )
    adjustment_confirm_above: int = Field(
        description="the console asks staff to confirm an adjustment of more points; the API asks nothing"
    )
    tiers: list[TierOut] = Field(description="lowest rank first")

    @staticmethod
    def of(program: Program, tiers: list[Tier]) -> ProgramDetailOut:
        fields = {name: getattr(program, name) for name in ProgramDetailOut.model_fields if name != "tiers"}
        return ProgramDetailOut(**fields, tiers=[TierOut.model_validate(tier) for tier in tiers])


class RewardFilters(Schema):
    member: PathId | None = Field(
        None, description="a member's id: say for each reward whether they can redeem it"
    )


class RewardOut(Schema):
    code: str
    name: str = Field(description="in the business's main language")
    name_translations: dict[str, str] = Field(description=NAMES_DESCRIPTION)
    description: str
    description_translations: dict[str, str] = Field(description=DESCRIPTIONS_DESCRIPTION)
    points_price: int
    stock: int | None = Field(description="null: unlimited")
    per_member_limit: int | None = Field(description="null: no limit")
    min_tier: TierRef | None = Field(description="the lowest tier that may redeem it")
    available: bool | None = Field(None, description="with ?member=: whether that member can redeem it now")
    blocked_by: str | None = Field(None, description="with ?member=: why they cannot, in plain words")

    @staticmethod
    def of(reward: Reward, blocked_by: str | None = None) -> RewardOut:
        return RewardOut(
            code=reward.code,
            name=reward.name,
            name_translations=reward.name_translations,
            description=reward.description,
            description_translations=reward.description_translations,
            points_price=reward.points_price,
            stock=reward.stock,
            per_member_limit=reward.per_member_limit,
            min_tier=TierRef.of(reward.min_tier),
            available=None if blocked_by is None else not blocked_by,
            blocked_by=blocked_by or None,
        )


# ---- accounts ----------------------------------------------------------------------------------------


class PointsOnOut(Schema):
    points: int


class ExpiringOut(PointsOnOut):
    expires_at: datetime = Field(
        description="the earliest moment on this day that some of these points expire"
    )


class PendingOut(PointsOnOut):
    available_at: datetime = Field(
        description="the earliest moment on this day that these points can be spent"
    )


class TierProgressOut(Schema):
    value: str = Field(description="the qualifying value so far in the window (points, spend or visits)")
    basis: str = Field(description="points, spend or visits")
    floor: TierRef | None = Field(description="a tier given by hand: the member never goes below it")
    next_tier: TierRef | None
    needed_for_next: str | None = Field(description="how much more reaches the next tier")
    keep_needed: str | None = Field(description="how much more by review_at keeps the current tier")
    review_at: datetime | None = Field(
        description="when the tier is next reviewed (the only time it can go down)"
    )
    messages: list[str] = Field(description='"X more to reach Gold", "Y needed by DATE to keep Gold"')


class AccountOut(Schema):
    program: str
    member: int = Field(description="the member's id; a merged member's id answers with the survivor's")
    enrolled: bool = Field(description="false before the member's first points in this program: all zeros")
    active: int = Field(description="points that can be spent now")
    pending: int = Field(description="points earned but not yet available (the return window)")
    owed: int = Field(description="points taken back for returns beyond the balance")
    balance: int = Field(description="active less owed")
    expiring: list[ExpiringOut] = Field(description="active points by the day they expire, soonest first")
    pending_until: list[PendingOut] = Field(description="pending points by the day they become available")
    tier: TierRef | None = Field(description="null before any tier is reached")
    tier_progress: TierProgressOut | None = Field(
        description="null before the member's first points, or when the program has no tiers"
    )

    @staticmethod
    def of(view: AccountView) -> AccountOut:
        summary, status = view.summary, view.tier
        return AccountOut(
            program=summary.program.code,
            member=summary.member.pk,
            enrolled=summary.enrolled,
            active=summary.active,
            pending=summary.pending,
            owed=summary.owed,
            balance=summary.balance,
            expiring=[ExpiringOut(points=day.points, expires_at=day.at) for day in summary.expiring],
            pending_until=[
                PendingOut(points=day.points, available_at=day.at) for day in summary.pending_until
            ],
            tier=TierRef.of(status.tier) if status else None,
            tier_progress=_progress(status) if status else None,
        )


def _progress(status: TierStatus) -> TierProgressOut:
    return TierProgressOut(
        value=decimal_text(status.value),
        basis=status.basis,
        floor=TierRef.of(status.floor),
        next_tier=TierRef.of(status.next_tier),
        needed_for_next=decimal_text(status.needed_for_next) if status.needed_for_next is not None else None,
        keep_needed=decimal_text(status.keep_needed) if status.keep_needed is not None else None,
        review_at=status.review_at,
        messages=[_rendered(sentence) for sentence in status.sentences],
    )


class LiabilityFilters(Schema):
    # An `end` at or before `start` is an empty period, in which nothing moved: the document cannot say
    # "end after start", so the answer has a meaning rather than a refusal (docs/api.md).
    start: Instant = Field(description="first instant of the period, with its offset")
    end: Instant = Field(
        description="the instant after the period, with its offset; at or before start: an empty period"
    )


class LiabilityOut(Schema):
    program: str
    currency: str
    start: datetime
    end: datetime
    active: int = Field(description="outstanding now: points members can spend")
    pending: int = Field(description="outstanding now: points inside the return window")
    owed: int = Field(description="points members owe from returns, netted against their next points")
    outstanding: int = Field(description="active + pending - owed")
    value: Decimal = Field(description="outstanding points at the program's point value, in its currency")
    earned: int = Field(description="in the period: points booked as earned")
    redeemed: int = Field(description="in the period: points redeemed, less cancellations")
    expired: int
    returned: int = Field(description="in the period: points taken back for returns")
    adjusted: int = Field(description="in the period: net manual adjustments")

    @staticmethod
    def of(report: Liability) -> LiabilityOut:
        program = report.program
        return LiabilityOut(
            program=program.code,
            currency=program.currency,
            start=report.start,
            end=report.end,
            active=report.active,
            pending=report.pending,
            owed=report.owed,
            outstanding=report.outstanding,
            value=report.value,
            earned=report.earned,
            redeemed=report.redeemed,
            expired=report.expired,
            returned=report.returned,
            adjusted=report.adjusted,
        )


class ProgramFilter(Schema):
    program: str = Field(description="the program's code")


LedgerFilters = ProgramFilter


class AdjustmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    program: str = Field(description="the program's code")
    points: JsonInt = Field(
        ge=-MAX_POINTS,
        le=MAX_POINTS,
        description="points to add (positive) or remove (negative); never 0",
        json_schema_extra={"not": {"const": 0}},
    )
    reason: str = Field(
        max_length=300,
        pattern=NOT_BLANK,
        description="why, in words a colleague will understand later",
    )
    idempotency_key: str = Field(min_length=1, max_length=MAX_KEY_LENGTH, description=KEY_DESCRIPTION)

    @field_validator("points")
    @classmethod
    def _changes_something(cls, points: int) -> int:
        if points == 0:
            raise PydanticCustomError("points_zero", "an adjustment must change the balance", {})
        return points


class CauseOut(Schema):
    type: str = Field(description="order, redemption, adjustment, event, lot, account, ...")
    id: str


class LedgerEntryOut(Schema):
    id: int
    kind: str = Field(description="earn, activate, redeem, redeem_cancel, adjust, return, expire or settle")
    bucket: str = Field(description="pending, active or owed")
    points: int
    cause: CauseOut
    reason: str
    effective_at: datetime

    @staticmethod
    def resolve_cause(entry: LedgerEntry) -> CauseOut:
        return CauseOut(type=entry.cause_type, id=entry.cause_id)


# ---- redemptions -------------------------------------------------------------------------------------

EXACTLY_ONE = "give either points or reward, not both and not neither"


class RedemptionIn(Schema):
    # Exactly one of points and reward, stated in the document as a oneOf of the two; null is neither.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["points"]}, {"required": ["reward"]}]},
    )

    program: str = Field(description="the program's code")
    points: JsonInt = Field(NOT_GIVEN, gt=0, le=MAX_POINTS, description="points to spend as money off")
    reward: str = Field(NOT_GIVEN, max_length=48, description="a reward's code: spends its points price")
    idempotency_key: str = Field(min_length=1, max_length=MAX_KEY_LENGTH, description=KEY_DESCRIPTION)

    def check_one(self) -> None:
        if ("points" in self.model_fields_set) == ("reward" in self.model_fields_set):
            raise ValidationFailed(
                EXACTLY_ONE,
                errors=[
                    {"field": "points", "message": EXACTLY_ONE},
                    {"field": "reward", "message": EXACTLY_ONE},
                ],
            )


class RedemptionCancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=300)


class RewardRef(Schema):
    code: str
    name: str


class RedemptionOut(Schema):
    id: int
    code: str = Field(description="the code the member shows; cancel or fulfil with it")
    program: str
    member: int
    points: int
    reward: RewardRef | None
    status: Redemption.Status = Field(description="confirmed, fulfilled or cancelled")
    created_at: datetime
    cancelled_at: datetime | None
    fulfilled_at: datetime | None

    @staticmethod
    def resolve_program(redemption: Redemption) -> str:
        return redemption.account.program.code

    @staticmethod
    def resolve_member(redemption: Redemption) -> int:
        return redemption.account.member_id

    @staticmethod
    def resolve_reward(redemption: Redemption) -> RewardRef | None:
        reward = redemption.reward
        return RewardRef(code=reward.code, name=reward.name) if reward is not None else None


# ---- events, benefits, tier history ------------------------------------------------------------------


class EventIn(Schema):
    model_config = ConfigDict(extra="forbid")

    program: str = Field(description="the program's code")
    event: str = Field(
        pattern=EVENT_PATTERN, description="signup, birthday, referral, survey_answered or custom:<name>"
    )
    idempotency_key: str = Field(min_length=1, max_length=MAX_KEY_LENGTH, description=KEY_DESCRIPTION)
    occurred_at: Instant | None = Field(None, description="defaults to now")


class EventOut(Schema):
    program: str
    member: int
    event: str
    points: int = Field(description="what the event earned (0 when no rule of the program rewards it)")
    evaluation: EvaluationOut | None = Field(description="the event rules one by one; null on a replay")


class BenefitRef(Schema):
    code: str
    name: str = Field(description="in the business's main language")
    name_translations: dict[str, str] = Field(description=NAMES_DESCRIPTION)
    kind: str = Field(description="trial, upgrade, trade_in, hotline, event_seat, gift or custom")
    description: str
    description_translations: dict[str, str] = Field(description=DESCRIPTIONS_DESCRIPTION)


class BenefitFilters(ProgramFilter):
    usable: bool = Field(False, description="only grants valid now with uses left")


class BenefitGrantOut(Schema):
    id: int
    benefit: BenefitRef
    quantity: int
    used: int
    remaining: int
    valid_from: datetime
    valid_to: datetime
    usable: bool = Field(description="valid now, not revoked, with uses left")
    source: str = Field(
        description="tier:<code>:<period> for a tier's entitlement, manual for one given by hand"
    )
    reason: str

    @staticmethod
    def resolve_benefit(grant: BenefitGrant) -> BenefitRef:
        benefit = grant.benefit
        return BenefitRef(
            code=benefit.code,
            name=benefit.name,
            name_translations=benefit.name_translations,
            kind=benefit.kind,
            description=benefit.description,
            description_translations=benefit.description_translations,
        )

    @staticmethod
    def resolve_usable(grant: BenefitGrant) -> bool:
        now = clock.now()
        return grant.revoked_at is None and grant.valid_from <= now < grant.valid_to and grant.remaining > 0


class BenefitUseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=300, description="what was given, where, by whom")
    idempotency_key: str = Field(min_length=1, max_length=MAX_KEY_LENGTH, description=KEY_DESCRIPTION)


class BenefitUseOut(Schema):
    id: int
    grant_id: int
    at: datetime
    note: str
    remaining: int = Field(description="uses left on the grant after this one")


class TierChangeOut(Schema):
    from_tier: TierRef | None
    to_tier: TierRef | None
    decision: str = Field(description="upgraded, downgraded, manual (given by hand), ...")
    reason: ExplanationOut
    at: datetime

    @staticmethod
    def resolve_from_tier(change: TierChange) -> TierRef | None:
        return TierRef.of(change.from_tier)

    @staticmethod
    def resolve_to_tier(change: TierChange) -> TierRef | None:
        return TierRef.of(change.to_tier)

    @staticmethod
    def resolve_reason(change: TierChange) -> ExplanationOut:
        return ExplanationOut.of(change.reason)
