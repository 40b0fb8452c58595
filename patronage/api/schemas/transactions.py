"""Request and response shapes of purchases and returns (one by one and in bulk) and of the simulator.

Money and quantities are decimal strings ("15000.50"; a JSON integer is exact and accepted too): a JSON
number with a fraction is a binary float, which cannot hold 0.10 exactly, so it is refused with a message
naming the field. The member is our id (a JSON integer) or an identity (a string).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, WithJsonSchema
from pydantic_core import PydanticCustomError

from patronage.api.schemas.common import MAX_ID, NOT_BLANK, Instant, Problem, ValueSchema, whole
from patronage.api.schemas.loyalty import EvaluationOut, TierRef
from patronage.core import clock
from patronage.loyalty import rules
from patronage.loyalty.models import Program
from patronage.loyalty.services import LineInput, TransactionInput, TransactionResult
from patronage.members.models import Member

MAX_BULK = 1000
MAX_LINES = 500  # as services.transactions.MAX_LINES
CENTS = Decimal("0.01")
MAX_MEMBER_REF = 254

# ---- input types -------------------------------------------------------------------------------------


# Decimal strings as the document states them and the server checks them, to the letter: digits, at most
# one point, no sign, no exponent, no spaces. Amounts below 10^12 with up to 2 places; quantities above
# zero and below 10^9, up to 3 places.
MONEY_PATTERN = r"^(?:(?:0*[1-9][0-9]{0,11}|0+)(?:\.[0-9]{1,2})?|\.[0-9]{1,2})$"
QUANTITY_PATTERN = r"^0*(?:[1-9][0-9]{0,8}(?:\.[0-9]{1,3})?|\.(?:[1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9]))$"


def decimal_parser(
    pattern: str, *, places: int, below: int, positive: bool = False
) -> Callable[[Any], Decimal]:
    """A parser of decimal strings matching `pattern` (and JSON integers in the same range)."""
    written = re.compile(pattern)

    def parse(value: Any) -> Decimal:
        value = whole(value)
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise PydanticCustomError(
                "decimal_string",
                'send a decimal string such as "15000.50", not {given}',
                {
                    "given": "a JSON number with a fraction"
                    if isinstance(value, float)
                    else type(value).__name__
                },
            )
        if isinstance(value, int):
            if value < 0 or (positive and value == 0):
                message = "must be greater than zero" if positive else "cannot be negative"
                raise PydanticCustomError("decimal_range", message, {})
            if value >= below:
                raise PydanticCustomError("decimal_range", "is too large", {})
            return Decimal(value)
        if not written.match(value) or value.endswith("\n"):
            _explain(value, places=places, below=below, positive=positive)
            raise PydanticCustomError(
                "decimal_string",
                "'{value}' is not written as a decimal string such as \"15000.50\"",
                {"value": value[:40]},
            )
        return Decimal(value)

    return parse


def _explain(value: str, *, places: int, below: int, positive: bool) -> None:
    """Raises the plain reason a decimal string is refused, when there is one more precise than its form."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise PydanticCustomError(
            "decimal_string", "'{value}' is not a decimal number", {"value": value[:40]}
        ) from None
    if not number.is_finite():
        raise PydanticCustomError("decimal_string", "must be a finite number", {})
    if number < 0 or (positive and number == 0):
        message = "must be greater than zero" if positive else "cannot be negative"
        raise PydanticCustomError("decimal_range", message, {})
    if number >= below:
        raise PydanticCustomError("decimal_range", "is too large", {})
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise PydanticCustomError("decimal_places", "at most {places} decimal places", {"places": places})


def decimal_schema(pattern: str, *, minimum: int, below: int, example: str, description: str) -> Any:
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": pattern},
                {"type": "integer", "minimum": minimum, "maximum": below - 1},
            ],
            "examples": [example],
            "description": description,
        }
    )


Money = Annotated[
    Decimal,
    BeforeValidator(decimal_parser(MONEY_PATTERN, places=2, below=10**12)),
    decimal_schema(
        MONEY_PATTERN, minimum=0, below=10**12, example="15000.50", description="decimal string, 2 places"
    ),
]
Quantity = Annotated[
    Decimal,
    BeforeValidator(decimal_parser(QUANTITY_PATTERN, places=3, below=10**9, positive=True)),
    decimal_schema(
        QUANTITY_PATTERN, minimum=1, below=10**9, example="2", description="decimal string, up to 3 places"
    ),
]


def _member_ref(value: Any) -> int | str:
    value = whole(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return value
    if isinstance(value, str) and len(value) <= MAX_MEMBER_REF and value.strip():
        return value.strip()
    raise PydanticCustomError(
        "member_ref",
        "give our member id (an integer) or an identity such as an e-mail or card number (a string)",
        {},
    )


MemberRef = Annotated[
    int | str,
    BeforeValidator(_member_ref),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                {"type": "string", "pattern": NOT_BLANK, "maxLength": MAX_MEMBER_REF},
            ],
            "description": "our member id (integer), or an e-mail, card number, phone or external id (string)",
        }
    ),
]


class LineIn(ValueSchema):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    category: str | None = Field(None, max_length=64, description="a category code")
    quantity: Quantity
    unit_price: Money
    amount: Money | None = Field(
        None, description="what was paid for the line; quantity times unit_price if left out"
    )

    def as_input(self) -> LineInput:
        return LineInput(
            sku=self.sku,
            category=self.category,
            quantity=self.quantity,
            unit_price=self.unit_price,
            amount=self.amount,
        )

    def as_rule_line(self) -> rules.Line:
        return rules.Line(
            sku=self.sku,
            category=self.category,
            quantity=self.quantity,
            unit_price=self.unit_price,
            amount=self.as_input().paid,
        )


class PurchaseFields(ValueSchema):
    model_config = ConfigDict(extra="forbid")

    amount: Money = Field(description="the total paid, tax and shipping included")
    currency: str = Field(
        pattern=r"^[A-Za-z]{3}$", description="the program's currency (ISO 4217, any case), e.g. KRW"
    )
    lines: list[LineIn] = Field(default_factory=list, max_length=MAX_LINES)
    tax: Money = Field(
        Decimal(0), description="tax included in the amount; tax and shipping together at most the amount"
    )
    shipping: Money = Field(
        Decimal(0),
        description="shipping included in the amount; tax and shipping together at most the amount",
    )
    channel: str | None = Field(None, max_length=32, description="a channel code: app, web, store, ...")
    store: str | None = Field(
        None, max_length=32, description="a store code; its channel counts when none is sent"
    )


class SimulationIn(PurchaseFields):
    member: MemberRef | None = Field(
        None, description="counts the member's tier and what capped rules gave them"
    )
    occurred_at: Instant | None = Field(None, description="defaults to now")

    def purchase(self) -> rules.Purchase:
        return rules.Purchase(
            amount=self.amount,
            currency=self.currency.upper(),
            tax=self.tax,
            shipping=self.shipping,
            occurred_at=self.occurred_at or clock.now(),
            channel=self.channel,
            store=self.store,
            lines=tuple(line.as_rule_line() for line in self.lines),
        )


# ---- transactions ------------------------------------------------------------------------------------


class TransactionIn(PurchaseFields):
    program: str = Field(description="the program's code")
    type: Literal["purchase", "return"]
    external_id: str = Field(
        min_length=1, max_length=128, description="your id for the purchase or return; the idempotency key"
    )
    member: MemberRef
    occurred_at: Instant = Field(description="when it happened at the till or in the shop")
    original_external_id: str | None = Field(
        None,
        max_length=128,
        description="a return's purchase (its external_id): required for a return, refused on a purchase",
    )
    promotion_code: str = Field("", max_length=64)
    source: str = Field(
        "", max_length=32, description="the sending system; external ids are unique per source (default none)"
    )
    redemption_code: str | None = Field(
        None,
        max_length=32,
        description="a purchase paid partly with points: the code of the redemption that paid (returning the "
        "purchase gives those points back in proportion); refused on a return",
    )
    historical: StrictBool = Field(
        False,
        description="true to record a transaction from before the program existed (crediting past purchases "
        "at a launch); without it such a date is refused with 409",
    )

    def as_input(self, *, member: Member) -> TransactionInput:
        return TransactionInput(
            kind=self.type,
            external_id=self.external_id,
            member=member,
            amount=self.amount,
            currency=self.currency,
            occurred_at=self.occurred_at,
            lines=tuple(line.as_input() for line in self.lines),
            original_external_id=self.original_external_id,
            tax=self.tax,
            shipping=self.shipping,
            channel=self.channel,
            store=self.store,
            promotion_code=self.promotion_code,
            source=self.source,
            redemption_code=self.redemption_code,
            historical=self.historical,
        )


class TransactionOut(ValueSchema):
    order_id: int
    external_id: str
    type: str = Field(description="purchase or return")
    program: str
    member: int = Field(description="the member's id (a merged member's survivor)")
    amount: Decimal
    points: int = Field(description="earned (purchase) or taken back (return, negative)")
    evaluation: EvaluationOut | None = Field(
        description="a purchase's points rule by rule; null for a return, and in bulk answers unless "
        "explain=true"
    )
    tier: TierRef | None = Field(description="the member's tier after it")
    tier_changed: bool = Field(description="true on the request that moved the tier (false on a replay)")
    points_refunded: int = Field(
        0, description="a return: the points spent on the purchase that came back to the member"
    )

    @staticmethod
    def of(program: Program, result: TransactionResult, *, explain: bool = True) -> TransactionOut:
        order = result.order
        return TransactionOut(
            order_id=order.pk,
            external_id=order.external_id,
            type=order.kind,
            program=program.code,
            member=order.member_id or 0,
            amount=Decimal(order.amount).quantize(CENTS),  # as stored: a replay reads it back
            points=result.points,
            evaluation=EvaluationOut.of(result.evaluation) if explain else None,
            tier=TierRef.of(result.tier),
            tier_changed=result.tier_changed,
            points_refunded=result.refunded,
        )


class BulkIn(ValueSchema):
    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(
        min_length=1,
        max_length=MAX_BULK,
        description=f"1 to {MAX_BULK} transactions, each as POST /transactions",
    )


class BulkItemOut(ValueSchema):
    index: int = Field(description="the item's place in the request, from 0")
    status: int = Field(description="201 recorded, 200 already recorded (replayed), or the error's status")
    result: TransactionOut | None = None
    error: Problem | None = None


class BulkOut(ValueSchema):
    results: list[BulkItemOut]
    count: int
    created: int
    replayed: int
    failed: int
