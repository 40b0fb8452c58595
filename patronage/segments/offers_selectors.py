"""Reading next-best offers: members' histories, the lift table, offers' observed conversion, and a member's
top offers with the reason in words (decision 0032; the method is `offers_method`)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, Mod

from patronage.commerce.models import Category, OrderKind, OrderLine, Product
from patronage.core import clock
from patronage.core.business import business_zone
from patronage.loyalty.models import BenefitUse, Redemption
from patronage.loyalty.selectors.accounts import account_find, member_programs
from patronage.loyalty.selectors.catalogue import benefit_grants, reward_offers
from patronage.members.models import Member
from patronage.segments import offers_method as method
from patronage.segments.models import OfferExposure, OfferKind, OfferTable

HISTORY_DAYS = 365  # what a member did in the last year says what they want next
CONVERSION_DAYS = 14  # an exposure converts when the member takes the offer within this many days
TABLE_MEMBERS = 100_000  # the lift table is fitted on at most about this many members (a sample by id)
TOP = 3
TOP_MAX = 20

KIND_OF_ITEM = {
    method.PRODUCT: OfferKind.PRODUCT,
    method.REWARD: OfferKind.REWARD,
    method.BENEFIT: OfferKind.BENEFIT,
}
ITEM_OF_KIND: dict[str, str] = {kind.value: prefix for prefix, kind in KIND_OF_ITEM.items()}

History = dict[str, int]


def _purchase_lines(since: datetime) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order__kind=OrderKind.PURCHASE, order__occurred_at__gte=since)


def offer_histories(
    *, since: datetime, member_ids: Iterable[int] | None = None, stride: int = 1
) -> dict[int, History]:
    """Per member: purchases (distinct orders) per category and product, redemptions per reward and uses per
    benefit since `since`; of the given members, or of every `stride`-th member by id."""
    found: dict[int, History] = defaultdict(dict)

    def scoped(rows: QuerySet, member: str) -> QuerySet:
        if member_ids is not None:
            return rows.filter(**{f"{member}__in": list(member_ids)})
        if stride > 1:
            return rows.annotate(sampled=Mod(F(member), stride)).filter(sampled=0)
        return rows

    lines = _purchase_lines(since).annotate(cat=Coalesce("category_id", "product__category_id"))
    sources = [
        (
            method.CATEGORY,
            scoped(lines.filter(cat__isnull=False), "order__member_id"),
            "order__member_id",
            "cat",
            "order",
        ),
        (
            method.PRODUCT,
            scoped(lines.filter(product__isnull=False), "order__member_id"),
            "order__member_id",
            "product_id",
            "order",
        ),
        (
            method.REWARD,
            scoped(
                Redemption.objects.filter(reward__isnull=False, created_at__gte=since).exclude(
                    status=Redemption.Status.CANCELLED
                ),
                "account__member_id",
            ),
            "account__member_id",
            "reward_id",
            "pk",
        ),
        (
            method.BENEFIT,
            scoped(BenefitUse.objects.filter(at__gte=since), "grant__account__member_id"),
            "grant__account__member_id",
            "grant__benefit_id",
            "pk",
        ),
    ]
    for prefix, rows, member, key, counted in sources:
        grouped = (
            rows.filter(**{f"{member}__isnull": False})
            .values_list(member, key)
            .annotate(n=Count(counted, distinct=True))
        )
        for member_id, pk, n in grouped.values_list(member, key, "n"):
            found[member_id][method.item(prefix, pk)] = n
    return dict(found)


def offer_table_fit(*, now: datetime | None = None) -> method.LiftTable:
    """The lift table over the last HISTORY_DAYS, fitted on at most about TABLE_MEMBERS members: every
    k-th member by id when there are more, so the cost is bounded whatever the customer file's size."""
    now = now or clock.now()
    members = Member.objects.count()
    stride = max(1, -(-members // TABLE_MEMBERS))
    histories = offer_histories(since=now - timedelta(days=HISTORY_DAYS), stride=stride)
    return method.lift_table(histories.values())


def offer_table_current(*, now: datetime | None = None) -> method.LiftTable:
    """The newest stored table; before the first nightly fit, one fitted now (not stored: a read writes nothing)."""
    stored = OfferTable.objects.first()
    if stored is not None:
        return method.LiftTable.from_json(stored.table)
    return offer_table_fit(now=now)


def offer_conversions(*, now: datetime | None = None) -> dict[str, tuple[int, int]]:
    """Per offer item: exposures judged (converted, or their window over) and conversions."""
    now = now or clock.now()
    judged = Q(converted_at__isnull=False) | Q(shown_at__lt=now - timedelta(days=CONVERSION_DAYS))
    rows = (
        OfferExposure.objects.filter(judged)
        .values_list("kind", "offer_id")
        .annotate(shown=Count("pk"), converted=Count("converted_at"))
    )
    return {
        method.item(ITEM_OF_KIND[kind], pk): (shown, converted)
        for kind, pk, shown, converted in rows.values_list("kind", "offer_id", "shown", "converted")
    }


@dataclass(frozen=True)
class NextOffer:
    kind: str  # OfferKind
    id: int
    code: str  # the product's SKU, the reward's or benefit's code
    name: str  # in the reader's language
    score: float
    explanation: str
    program: str  # the program's code for a reward or benefit, empty for a product

    @property
    def kind_label(self) -> str:
        return str(OfferKind(self.kind).label)


def _candidates(*, member: Member, table: method.LiftTable, now: datetime) -> dict[str, tuple[str, str, str]]:
    """Eligible offers, item -> (code, name, program code): products members bought (in the table), the rewards the
    member can redeem now (tier, balance, stock, limit: loyalty's own blockers) and benefits they hold unused."""
    found: dict[str, tuple[str, str, str]] = {}
    product_ids = [method.item_parts(key)[1] for key in table.counts if key.startswith(method.PRODUCT + ":")]
    for product in Product.objects.filter(pk__in=product_ids).only("pk", "sku", "name"):
        found[method.item(method.PRODUCT, product.pk)] = (product.sku, product.name, "")
    for program in member_programs(member=member):
        account = account_find(program=program, member=member)
        for offer in reward_offers(account=account, program=program):
            if not offer.blocked_by:
                found[method.item(method.REWARD, offer.reward.pk)] = (
                    offer.reward.code,
                    offer.reward.reader_name,
                    program.code,
                )
        if account is not None:
            for grant in benefit_grants(account=account, at=now, usable_only=True):
                found[method.item(method.BENEFIT, grant.benefit_id)] = (
                    grant.benefit.code,
                    grant.benefit.reader_name,
                    program.code,
                )
    return found


def _antecedent_name(key: str) -> str:
    kind, pk = method.item_parts(key)
    model = Category if kind == method.CATEGORY else Product
    return model.objects.filter(pk=pk).values_list("name", flat=True).first() or ""


def _seed(member: Member, now: datetime) -> int:
    """The member's draws for the day: a page shown twice the same day shows the same offers."""
    day = now.astimezone(business_zone()).date()
    return int.from_bytes(hashlib.sha256(f"{member.pk}:{day.isoformat()}".encode()).digest()[:8], "big")


def member_next_offers(*, member: Member, top: int = TOP, now: datetime | None = None) -> list[NextOffer]:
    """The member's `top` next-best offers, best first, each with why in the reader's language."""
    now = now or clock.now()
    table = offer_table_current(now=now)
    history = offer_histories(since=now - timedelta(days=HISTORY_DAYS), member_ids=[member.pk]).get(
        member.pk, {}
    )
    candidates = _candidates(member=member, table=table, now=now)
    scored = method.scores(offers=candidates, history=history, table=table)
    ranked = method.rank(
        scored, seen=offer_conversions(now=now), rng=np.random.default_rng(_seed(member, now)), top=top
    )
    offers = []
    for each in ranked:
        prefix, pk = method.item_parts(each.offer)
        code, name, program = candidates[each.offer]
        words = method.reason_words(
            each.reason,
            offer_kind=prefix,
            antecedent_name=_antecedent_name(each.reason.antecedent) if each.reason.antecedent else "",
        )
        offers.append(NextOffer(KIND_OF_ITEM[prefix], pk, code, name, round(each.score, 3), words, program))
    return offers
