"""Next-best offers for a till, an app or a marketing system: a member's top offers with why, in words
(decision 0032). The endpoint parses, checks the scope, and calls one selector (or, when the caller shows
the offers, the service that also records it) of patronage.segments.
"""

# No `from __future__ import annotations` here: ninja reads `Query[...]` parameters at import time.

from django.http import HttpRequest
from ninja import Query, Router

from patronage.api.auth import require_scope
from patronage.api.schemas.common import PROBLEM_STATUSES, PathId, Problem
from patronage.api.schemas.offers import NextOfferOut, NextOffersIn
from patronage.members.selectors import member_get
from patronage.segments.offers_selectors import NextOffer, member_next_offers
from patronage.segments.offers_services import next_offers_show

router = Router(tags=["offers"])

READ = require_scope("segments:read")


@router.get(
    "/members/{member_id}/next-offers",
    response={200: list[NextOfferOut], PROBLEM_STATUSES: Problem},
    auth=READ,
)
def next_offers(request: HttpRequest, member_id: PathId, filters: Query[NextOffersIn]) -> list[NextOffer]:
    """The member's next-best offers, best first: products, rewards they can redeem now and benefits they
    hold unused. `shown=true` records that they were shown (idempotent within a day)."""
    member = member_get(member_id=member_id)
    if filters.shown:
        return next_offers_show(member=member, top=filters.top)
    return member_next_offers(member=member, top=filters.top)
