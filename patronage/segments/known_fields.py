"""The fields rules can name over the customer file, purchases, loyalty, complaints, feedback and other
segments (analytics registers its scores itself: analytics/segments_hooks.py)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from patronage.care.models import OPEN_STATUSES, Case
from patronage.commerce.models import Category, Channel, Order, OrderKind, OrderLine, Store
from patronage.core.business import business_zone
from patronage.core.names import in_reader_language, language_name
from patronage.feedback.models import Answer
from patronage.feedback.questions import QuestionType
from patronage.feedback.scores import DETRACTOR_UP_TO, PROMOTER_FROM, NpsGroup
from patronage.loyalty.models import Account, Tier
from patronage.members.models import Consent, ConsentPurpose, Member
from patronage.members.selectors import tag_name_list
from patronage.segments.fields import (
    SegmentField,
    aggregate_condition,
    among,
    compare,
    crossed,
    date_condition,
    field_register,
    member_ids,
    window_days,
)
from patronage.segments.models import Segment, SegmentMember
from patronage.segments.rules import Condition, FieldShape, Kind

PURCHASES = frozenset({"purchase", "return"})
POINTS = frozenset({"points_earned", "points_returned", "points_adjusted", "points_redeemed", "tier_changed"})


# --- the customer file -------------------------------------------------------------------------------


def _text(lookup: str) -> Callable[[Condition, datetime], Q]:
    def condition(cond: Condition, now: datetime) -> Q:
        if cond.op == "in":
            matches = Q()
            for item in cond.value:
                matches |= Q(**{f"{lookup}__iexact": item})
            return matches
        if cond.op == "contains":
            return Q(**{f"{lookup}__icontains": cond.value})
        equal = Q(**{f"{lookup}__iexact": cond.value})
        return ~equal if cond.op == "ne" else equal

    return condition


def _locale(cond: Condition, now: datetime) -> Q:
    return compare("locale", cond.op, cond.value)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _age(cond: Condition, now: datetime) -> Q:
    """Whole years since the birth date, on the business's calendar; no birth date meets no condition."""
    today = now.astimezone(business_zone()).date()

    def at_least(years: int) -> Q:
        return Q(birth_date__lte=_years_before(today, years))

    def at_most(years: int) -> Q:
        return Q(birth_date__gt=_years_before(today, years + 1))

    op, value = cond.op, cond.value
    known = Q(birth_date__isnull=False)
    if op == "between":
        return known & at_least(math.ceil(value[0])) & at_most(math.floor(value[1]))
    if op in ("eq", "ne"):
        exactly = at_least(int(value)) & at_most(int(value)) if float(value).is_integer() else Q(pk__in=[])
        return known & (~exactly if op == "ne" else exactly)
    limits = {
        "gte": lambda: at_least(math.ceil(value)),
        "gt": lambda: at_least(math.floor(value) + 1),
        "lte": lambda: at_most(math.floor(value)),
        "lt": lambda: at_most(math.ceil(value) - 1),
    }
    return known & limits[op]()


def _birthdays(cond: Condition, since: datetime, until: datetime) -> QuerySet[Any]:
    """Members whose birthday fell between the two instants (29 February counts on 1 March)."""
    zone = business_zone()
    first, last = since.astimezone(zone).date() + timedelta(1), until.astimezone(zone).date()
    days = Q(pk__in=[])
    day = first
    while day <= last and day - first < timedelta(days=366):
        days |= Q(birth_date__month=day.month, birth_date__day=day.day)
        if (day.month, day.day) == (3, 1):
            days |= Q(birth_date__month=2, birth_date__day=29)
        day += timedelta(1)
    return Member.objects.filter(days).values_list("pk", flat=True)


def _joined(cond: Condition, now: datetime) -> Q:
    return date_condition("joined_at", cond, now)


def _joined_crossing(cond: Condition, since: datetime, until: datetime) -> QuerySet[Any]:
    return Member.objects.filter(crossed("joined_at", window_days(cond), since, until)).values_list(
        "pk", flat=True
    )


def _tags(cond: Condition, now: datetime) -> Q:
    names = list(cond.value) if cond.op == "in" else [cond.value]
    through = Member.tags.through.objects.filter(member=OuterRef("pk"), tag__name__in=names)
    return Q(Exists(through))


def _consent(cond: Condition, now: datetime) -> Q:
    purposes = list(cond.value) if cond.op == "in" else [cond.value]
    return Q(Exists(Consent.objects.filter(member=OuterRef("pk"), purpose__in=purposes, granted=True)))


# --- purchases ---------------------------------------------------------------------------------------


def _orders(cond: Condition, now: datetime, kind: str = OrderKind.PURCHASE) -> QuerySet[Order]:
    orders = Order.objects.filter(kind=kind)
    return orders.filter(occurred_at__gte=now - timedelta(days=cond.days)) if cond.days else orders


def _purchase_count(cond: Condition, now: datetime) -> Q:
    return aggregate_condition(_orders(cond, now), Count("pk"), cond.op, cond.value)


def _purchase_amount(cond: Condition, now: datetime) -> Q:
    """Spend: purchases less refunds, in the window."""
    orders = Order.objects.all()
    if cond.days:
        orders = orders.filter(occurred_at__gte=now - timedelta(days=cond.days))
    money = Order._meta.get_field("amount")
    signed = Coalesce(Sum("amount", filter=Q(kind=OrderKind.PURCHASE)), 0, output_field=money) - Coalesce(
        Sum("amount", filter=Q(kind=OrderKind.RETURN)), 0, output_field=money
    )
    return aggregate_condition(orders, signed, cond.op, _money(cond.value))


def _money(value: Any) -> Any:
    """The condition's numbers as Decimal, to compare with money columns exactly."""
    if isinstance(value, tuple):
        return tuple(Decimal(str(item)) for item in value)
    return Decimal(str(value))


def _last_purchase(cond: Condition, now: datetime) -> Q:
    """The latest purchase's time: a member with none meets no condition on it (so `not` one reaches
    them: "no purchase in the last 90 days" includes those who never bought)."""
    if cond.op in ("gt", "gte", "within_days"):
        return Q(
            Exists(
                Order.objects.filter(
                    date_condition("occurred_at", cond, now), member=OuterRef("pk"), kind=OrderKind.PURCHASE
                )
            )
        )
    # One GROUP BY over the purchases, not a latest-purchase subquery for every member.
    latest = (
        Order.objects.filter(kind=OrderKind.PURCHASE, member__isnull=False)
        .values("member")
        .annotate(last_purchase=Max("occurred_at"))
    )
    return among(latest.filter(date_condition("last_purchase", cond, now)).values("member"))


def _purchases_crossing(cond: Condition, since: datetime, until: datetime) -> QuerySet[Any]:
    return member_ids(Order.objects.filter(crossed("occurred_at", window_days(cond), since, until)))


def _bought(line_lookup: str, order_lookup: str | None = None) -> Callable[[Condition, datetime], Q]:
    """A member bought (in the window) a line of one of these categories or products, or an order through
    one of these channels or stores."""

    def condition(cond: Condition, now: datetime) -> Q:
        values = list(cond.value) if cond.op == "in" else [cond.value]
        if order_lookup is not None:
            orders = _orders(cond, now).filter(member=OuterRef("pk"))
            return Q(Exists(orders.filter(**{f"{order_lookup}__in": values})))
        # The lines joined to their orders, the member on the order: an OuterRef inside `order__in=` would
        # name the line, not the member.
        lines = OrderLine.objects.filter(
            order__member=OuterRef("pk"), order__kind=OrderKind.PURCHASE, **{f"{line_lookup}__in": values}
        )
        if cond.days:
            lines = lines.filter(order__occurred_at__gte=now - timedelta(days=cond.days))
        return Q(Exists(lines))

    return condition


def _named(queryset: QuerySet[Any], key: str = "code") -> Callable[[], dict[str, str]]:
    """Each record's key and its name in the reader's language (the first record's, where two share a key:
    tiers of two programs)."""

    def labels() -> dict[str, str]:
        named: dict[str, str] = {}
        for record in queryset.order_by(key, "pk"):
            named.setdefault(getattr(record, key), in_reader_language(record, "name"))
        return named

    return labels


def _keys(labels: Callable[[], Mapping[str, str]]) -> Callable[[], Sequence[str]]:
    return lambda: list(labels())


# --- loyalty, care, feedback, other segments ---------------------------------------------------------


def _tier(cond: Condition, now: datetime) -> Q:
    codes = list(cond.value) if cond.op == "in" else [cond.value]
    holding = Q(Exists(Account.objects.filter(member=OuterRef("pk"), tier__code__in=codes)))
    return ~holding if cond.op == "ne" else holding


def _points(cond: Condition, now: datetime) -> Q:
    return aggregate_condition(Account.objects.all(), Sum("active"), cond.op, cond.value)


def _open_cases(cond: Condition, now: datetime) -> Q:
    return aggregate_condition(
        Case.objects.filter(status__in=OPEN_STATUSES), Count("pk"), cond.op, cond.value
    )


NPS_RANGES = {
    NpsGroup.PROMOTER: (PROMOTER_FROM, 10),
    NpsGroup.PASSIVE: (DETRACTOR_UP_TO + 1, PROMOTER_FROM - 1),
    NpsGroup.DETRACTOR: (0, DETRACTOR_UP_TO),
}


def _nps_group(cond: Condition, now: datetime) -> Q:
    """The group of the member's latest answer to a likelihood-to-recommend question.

    Set-wise, not a latest-answer subquery for every member: the answers no later answer of the same member
    follows (by the response's time, then the answer's id), joined once.
    """
    # Only answers sent count, as in the survey's own results (feedback.selectors.counted): a partial save
    # the customer never sent is no opinion, and writes no survey_answered event to follow.
    answers = Answer.objects.filter(
        question__type=QuestionType.NPS,
        number__isnull=False,
        response__member__isnull=False,
        response__complete=True,
        response__test=False,
    )
    later = answers.filter(response__member=OuterRef("response__member")).filter(
        Q(response__created_at__gt=OuterRef("response__created_at"))
        | Q(response__created_at=OuterRef("response__created_at"), pk__gt=OuterRef("pk"))
    )
    groups = list(cond.value) if cond.op == "in" else [cond.value]
    wanted = Q(pk__in=[])
    for group in groups:
        wanted |= Q(number__range=NPS_RANGES[NpsGroup(group)])
    latest = answers.exclude(Exists(later))
    # "Not a promoter" is among those who answered: their latest answer is in another group.
    chosen = latest.exclude(wanted) if cond.op == "ne" else latest.filter(wanted)
    return among(chosen.values("response__member"), column="response__member")


def _segment(cond: Condition, now: datetime) -> Q:
    codes = list(cond.value) if cond.op == "in" else [cond.value]
    inside = Q(Exists(SegmentMember.objects.filter(member=OuterRef("pk"), segment__code__in=codes)))
    return ~inside if cond.op == "ne" else inside


def _segment_reads(cond: Condition) -> frozenset[str]:
    codes = cond.value if cond.op == "in" else (cond.value,)
    return frozenset(f"segment:{code}" for code in codes)


def _segment_names() -> dict[str, str]:
    return _named(Segment.objects.all())()


def _language_names() -> dict[str, str]:
    return {code: language_name(code) for code, _name in settings.LANGUAGES}


def _consent_names() -> dict[str, str]:
    return {str(code): str(label) for code, label in ConsentPurpose.choices}


NPS_GROUP_NAMES = {
    NpsGroup.PROMOTER: _("Promoters (9 or 10)"),
    NpsGroup.PASSIVE: _("Passives (7 or 8)"),
    NpsGroup.DETRACTOR: _("Detractors (0 to 6)"),
}


def _nps_group_names() -> dict[str, str]:
    return {str(group): str(label) for group, label in NPS_GROUP_NAMES.items()}


_CUSTOMER, _BUYING, _LOYALTY, _SERVICE = (
    _("Customer"),
    _("Purchases"),
    _("Loyalty"),
    _("Service and feedback"),
)
_WINDOWED = FieldShape(Kind.NUMBER, windowed=True)

for registered in (
    SegmentField(
        "city", _("City"), FieldShape(Kind.TEXT), frozenset({"profile_changed"}), _text("city"), _CUSTOMER
    ),
    SegmentField(
        "country",
        _("Country"),
        FieldShape(Kind.TEXT),
        frozenset({"profile_changed"}),
        _text("country"),
        _CUSTOMER,
        help=_("two letters, such as KR or JP"),
    ),
    SegmentField(
        "locale",
        _("Language"),
        FieldShape(Kind.CHOICE, choices=_keys(_language_names)),
        frozenset({"profile_changed"}),
        _locale,
        _CUSTOMER,
        labels=_language_names,
    ),
    SegmentField(
        "age",
        _("Age"),
        FieldShape(Kind.NUMBER),
        frozenset({"profile_changed"}),
        _age,
        _CUSTOMER,
        help=_("whole years, from the birth date"),
        crossing=_birthdays,
        ticks_always=True,
    ),
    SegmentField(
        "joined",
        _("Joined"),
        FieldShape(Kind.DATE),
        frozenset(),
        _joined,
        _CUSTOMER,
        crossing=_joined_crossing,
    ),
    SegmentField(
        "tags",
        _("Tags"),
        FieldShape(Kind.SET, choices=tag_name_list),
        frozenset({"tags_changed"}),
        _tags,
        _CUSTOMER,
    ),
    SegmentField(
        "consent",
        _("Consent given"),
        FieldShape(Kind.SET, choices=_keys(_consent_names)),
        frozenset({"consent_changed"}),
        _consent,
        _CUSTOMER,
        labels=_consent_names,
    ),
    SegmentField(
        "purchase_count",
        _("Number of purchases"),
        _WINDOWED,
        PURCHASES,
        _purchase_count,
        _BUYING,
        crossing=_purchases_crossing,
    ),
    SegmentField(
        "purchase_amount",
        _("Spend (purchases less refunds)"),
        _WINDOWED,
        PURCHASES,
        _purchase_amount,
        _BUYING,
        crossing=_purchases_crossing,
    ),
    SegmentField(
        "last_purchase",
        _("Last purchase"),
        FieldShape(Kind.DATE),
        PURCHASES,
        _last_purchase,
        _BUYING,
        crossing=_purchases_crossing,
    ),
    SegmentField(
        "bought_category",
        _("Bought in category"),
        FieldShape(Kind.SET, windowed=True, choices=_keys(_named(Category.objects.all()))),
        PURCHASES,
        _bought("category__code"),
        _BUYING,
        crossing=_purchases_crossing,
        labels=_named(Category.objects.all()),
    ),
    SegmentField(
        "bought_product",
        _("Bought product (SKU)"),
        FieldShape(Kind.SET, windowed=True),
        PURCHASES,
        _bought("sku"),
        _BUYING,
        help=_("the product's SKU as the tills send it"),
        crossing=_purchases_crossing,
    ),
    SegmentField(
        "bought_channel",
        _("Bought through channel"),
        FieldShape(Kind.SET, windowed=True, choices=_keys(_named(Channel.objects.all()))),
        PURCHASES,
        _bought("", "channel__code"),
        _BUYING,
        crossing=_purchases_crossing,
        labels=_named(Channel.objects.all()),
    ),
    SegmentField(
        "bought_store",
        _("Bought in store"),
        FieldShape(Kind.SET, windowed=True, choices=_keys(_named(Store.objects.all()))),
        PURCHASES,
        _bought("", "store__code"),
        _BUYING,
        crossing=_purchases_crossing,
        labels=_named(Store.objects.all()),
    ),
    SegmentField(
        "tier",
        _("Tier"),
        FieldShape(Kind.CHOICE, choices=_keys(_named(Tier.objects.all()))),
        frozenset({"tier_changed"}),
        _tier,
        _LOYALTY,
        labels=_named(Tier.objects.all()),
    ),
    SegmentField("points", _("Points balance"), FieldShape(Kind.NUMBER), POINTS, _points, _LOYALTY),
    SegmentField(
        "segment",
        _("In segment"),
        FieldShape(Kind.CHOICE, choices=_keys(_segment_names)),
        frozenset(),
        _segment,
        _LOYALTY,
        reads_of=_segment_reads,
        labels=_segment_names,
    ),
    SegmentField(
        "open_cases",
        _("Open complaints"),
        FieldShape(Kind.NUMBER),
        frozenset({"case_opened", "case_status"}),
        _open_cases,
        _SERVICE,
    ),
    SegmentField(
        "nps_group",
        _("Recommends us (NPS group)"),
        FieldShape(Kind.CHOICE, choices=_keys(_nps_group_names)),
        frozenset({"survey_answered"}),
        _nps_group,
        _SERVICE,
        labels=_nps_group_names,
    ),
):
    field_register(registered)
