"""Next-best offers as the API writes them (decision 0032)."""

from __future__ import annotations

from ninja import Field, Schema

from patronage.segments.offers_selectors import TOP_MAX


class NextOffersIn(Schema):
    top: int = Field(3, ge=1, le=TOP_MAX, description="how many offers, best first")
    shown: bool = Field(
        False,
        description="true when the caller shows these offers to the member: records the exposure (once a "
        "member, offer and day) so each offer's conversion is learned",
    )


class NextOfferOut(Schema):
    kind: str = Field(description="product, reward or benefit")
    id: int
    code: str = Field(description="the product's SKU, or the reward's or benefit's code in its program")
    name: str = Field(description="in the language asked (Accept-Language), else the business's")
    program: str = Field(description="the program's code for a reward or benefit; empty for a product")
    score: float = Field(description="the ranking's value, higher first: comparable within one member's list")
    explanation: str = Field(description="why, in words, with the numbers")
