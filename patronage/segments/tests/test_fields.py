"""Every field a segment's rules can name, with every operator it takes, over a small world planted by hand:
who a person building the segment would expect in it, written down member by member.

The clock stands still at Saturday 15 June 2030, noon in Seoul, the business's zone: "after 3 May" starts on
4 May at midnight there, whatever the hour is in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from patronage.care.models import CaseStatus
from patronage.care.services import CaseInput, case_move, case_open
from patronage.commerce.models import Category, Channel, ChannelKind, Store
from patronage.conftest import business_set
from patronage.core import clock
from patronage.feedback.responses import ResponseInput, response_submit
from patronage.feedback.survey_services import QuestionInput, SurveyInput, survey_create, survey_open
from patronage.loyalty.models import Account, Program
from patronage.loyalty.services.orders import LineInput, TransactionInput
from patronage.loyalty.services.points import account_open, points_adjust
from patronage.loyalty.services.programs import tier_save
from patronage.loyalty.services.tiers import tier_floor_set
from patronage.loyalty.services.transactions import transaction_record
from patronage.members.models import ConsentMethod, Member
from patronage.members.services import (
    IdentityInput,
    consent_set,
    member_create,
    member_erase,
    member_merge,
    member_tags_set,
)
from patronage.segments.matching import rules_members, rules_tree
from patronage.segments.models import SegmentKind, SegmentMember
from patronage.segments.services import SegmentInput, segment_create, segment_members_set
from patronage.segments.upkeep import segments_upkeep

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2030, 6, 15, 12, 0, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def frozen(db: None) -> Iterator[None]:
    """The business keeps Seoul's calendar; the clock stands still at NOW."""
    business_set(time_zone="Asia/Seoul")
    with time_machine.travel(NOW, tick=False):
        yield


_numbers = count(1)


def person(name: str, **profile: Any) -> Member:
    """A customer file opened as the console opens one; `joined_at` is when they joined."""
    joined_at = profile.pop("joined_at", None)
    consents = profile.pop("consents", {})
    return member_create(
        actor=None,
        identities=[IdentityInput("email", f"member.{next(_numbers)}@example.com")],
        profile={"name": name, **profile},
        consents=consents,
        consent_method=ConsentMethod.CONSOLE,
        joined_at=joined_at,
    )


def who(rules: Any, now: datetime | None = None) -> set[str]:
    """The names of the members a full evaluation of the rules selects."""
    return {member.name for member in rules_members(rules_tree(rules), now or clock.now())}


def cond(field: str, op: str, value: Any, days: int | None = None) -> dict[str, Any]:
    condition = {"field": field, "op": op, "value": value}
    if days is not None:
        condition["days"] = days
    return condition


@pytest.fixture
def record(program: Program) -> Callable[..., Any]:
    """Sends a purchase (or a return of one, `returns`) through the loyalty engine, as a till would."""
    numbers = count(1)

    def send(
        member: Member,
        amount: str,
        *,
        at: datetime | None = None,
        returns: Any = None,
        lines: tuple[LineInput, ...] = (),
        store: str | None = None,
        channel: str | None = None,
    ) -> Any:
        return transaction_record(
            program=program,
            data=TransactionInput(
                kind="return" if returns is not None else "purchase",
                external_id=f"F-{next(numbers)}",
                member=member,
                amount=Decimal(amount),
                currency="KRW",
                occurred_at=at or clock.now(),
                original_external_id=returns.order.external_id if returns is not None else None,
                lines=lines,
                store=store,
                channel=channel,
            ),
        )

    return send


# --- text: city, country -----------------------------------------------------------------------------


@pytest.fixture
def addresses(db: None) -> None:
    person("Alice", city="Seoul", country="KR")
    person("Bob", city="Osaka", country="JP")
    person("Chul", city="  SEOUL ", country="kr")
    person("Dana")  # no address given


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("city", "eq", "seoul"), {"Alice", "Chul"}),
        (cond("city", "ne", "Seoul"), {"Bob", "Dana"}),
        (cond("city", "in", ["osaka", "Busan"]), {"Bob"}),
        (cond("city", "in", ["SEOUL", "Osaka"]), {"Alice", "Bob", "Chul"}),
        (cond("city", "contains", "eou"), {"Alice", "Chul"}),
        (cond("city", "contains", "SAK"), {"Bob"}),
        (cond("country", "eq", "kr"), {"Alice", "Chul"}),
        (cond("country", "ne", "KR"), {"Bob", "Dana"}),
        (cond("country", "in", ["JP", "us"]), {"Bob"}),
        (cond("country", "contains", "j"), {"Bob"}),
    ],
)
def test_it_matches_text_fields_whatever_their_case(addresses, condition, expected):
    assert who(condition) == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("locale", "eq", "ko"), {"Alice"}),
        (cond("locale", "ne", "ko"), {"Bob", "Chul"}),
        (cond("locale", "in", ["ko", "ja"]), {"Alice", "Bob"}),
    ],
)
def test_it_selects_members_by_their_language(db, condition, expected):
    person("Alice", locale="ko")
    person("Bob", locale="ja")
    person("Chul")  # English, the default

    assert who(condition) == expected


# --- age ----------------------------------------------------------------------------------------------


@pytest.fixture
def ages(db: None) -> None:
    person("Thirty today", birth_date=date(2000, 6, 15))
    person("Thirty tomorrow", birth_date=date(2000, 6, 16))
    person("Forty", birth_date=date(1990, 1, 1))
    person("Unknown")  # no birth date given


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("age", "eq", 30), {"Thirty today"}),
        (cond("age", "ne", 30), {"Thirty tomorrow", "Forty"}),
        (cond("age", "gt", 29), {"Thirty today", "Forty"}),
        (cond("age", "gte", 30), {"Thirty today", "Forty"}),
        (cond("age", "gte", 31), {"Forty"}),
        (cond("age", "lt", 30), {"Thirty tomorrow"}),
        (cond("age", "lte", 30), {"Thirty today", "Thirty tomorrow"}),
        (cond("age", "lte", 29), {"Thirty tomorrow"}),
        (cond("age", "between", [29, 30]), {"Thirty today", "Thirty tomorrow"}),
        (cond("age", "between", [30, 40]), {"Thirty today", "Forty"}),
    ],
)
def test_it_counts_age_in_whole_years_from_the_birthday(ages, condition, expected):
    assert who(condition) == expected


def test_a_member_without_a_birth_date_has_no_age_but_a_not_group_reaches_them(ages):
    assert "Unknown" not in who(cond("age", "lt", 200))
    assert who({"not": cond("age", "gte", 30)}) == {"Thirty tomorrow", "Unknown"}


def test_a_birthday_counts_from_midnight_in_the_business_zone(ages):
    # 00:30 on 16 June in Seoul is still 15 June in UTC: the birthday has come in Seoul.
    just_after_midnight = datetime(2030, 6, 16, 0, 30, tzinfo=SEOUL)
    assert "Thirty tomorrow" in who(cond("age", "eq", 30), just_after_midnight)
    assert "Thirty tomorrow" not in who(cond("age", "eq", 30), just_after_midnight - timedelta(hours=1))


def test_someone_born_on_29_february_comes_of_age_on_1_march_in_other_years(db):
    person("Leap", birth_date=date(2012, 2, 29))
    eighteen = cond("age", "gte", 18)

    assert who(eighteen, datetime(2030, 2, 28, 12, 0, tzinfo=SEOUL)) == set()
    assert who(eighteen, datetime(2030, 3, 1, 0, 0, tzinfo=SEOUL)) == {"Leap"}
    # In a leap year the birthday itself is there.
    assert who(cond("age", "eq", 20), datetime(2032, 2, 28, 12, 0, tzinfo=SEOUL)) == set()
    assert who(cond("age", "eq", 20), datetime(2032, 2, 29, 0, 0, tzinfo=SEOUL)) == {"Leap"}


# --- joined -------------------------------------------------------------------------------------------


@pytest.fixture
def joiners(db: None) -> None:
    person("2 May late", joined_at=datetime(2030, 5, 2, 23, 30, tzinfo=SEOUL))
    person("3 May late", joined_at=datetime(2030, 5, 3, 23, 30, tzinfo=SEOUL))
    person("4 May early", joined_at=datetime(2030, 5, 4, 0, 30, tzinfo=SEOUL))  # 3 May in UTC
    person("5 May", joined_at=datetime(2030, 5, 5, 10, 0, tzinfo=SEOUL))


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("joined", "gt", "2030-05-03"), {"4 May early", "5 May"}),
        (cond("joined", "gte", "2030-05-03"), {"3 May late", "4 May early", "5 May"}),
        (cond("joined", "lt", "2030-05-03"), {"2 May late"}),
        (cond("joined", "lte", "2030-05-03"), {"2 May late", "3 May late"}),
        (cond("joined", "between", ["2030-05-03", "2030-05-04"]), {"3 May late", "4 May early"}),
        (cond("joined", "between", ["2030-05-04", "2030-05-04"]), {"4 May early"}),
        # 42 days before noon on 15 June is noon on 4 May: a rolling window, not calendar days.
        (cond("joined", "within_days", 42), {"5 May"}),
        (cond("joined", "within_days", 43), {"3 May late", "4 May early", "5 May"}),
    ],
)
def test_it_reads_join_dates_on_the_business_calendar(joiners, condition, expected):
    assert who(condition) == expected


# --- tags and consent ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("tags", "contains", "vip"), {"Alice"}),
        (cond("tags", "contains", "staff"), {"Alice", "Bob"}),
        (cond("tags", "in", ["vip", "vip-lapsed"]), {"Alice", "Chul"}),
        (cond("tags", "in", ["press"]), {"Chul"}),
    ],
)
def test_it_selects_members_by_their_tags(db, condition, expected):
    member_tags_set(member=person("Alice"), actor=None, names=["VIP", "staff"])
    member_tags_set(member=person("Bob"), actor=None, names=["staff"])
    member_tags_set(member=person("Chul"), actor=None, names=["vip-lapsed", "press"])
    untagged = person("Eun")  # tagged once, the tag taken off since
    member_tags_set(member=untagged, actor=None, names=["press"])
    member_tags_set(member=untagged, actor=None, names=[])
    person("Dana")

    assert who(condition) == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("consent", "contains", "email_marketing"), {"Alice"}),
        (cond("consent", "contains", "sms_marketing"), {"Bob"}),
        (cond("consent", "in", ["email_marketing", "sms_marketing"]), {"Alice", "Bob"}),
        (cond("consent", "in", ["profiling"]), set()),
    ],
)
def test_only_consent_still_given_counts(db, condition, expected):
    person("Alice", consents={"email_marketing": True})
    person("Bob", consents={"sms_marketing": True, "email_marketing": False})
    withdrawn = person("Chul", consents={"email_marketing": True, "profiling": True})
    for purpose in ("email_marketing", "profiling"):
        consent_set(member=withdrawn, actor=None, purpose=purpose, granted=False, method=ConsentMethod.PORTAL)
    person("Dana")

    assert who(condition) == expected


# --- purchases: how many, how much, when --------------------------------------------------------------


@pytest.fixture
def shoppers(record: Callable[..., Any]) -> None:
    alice = person("Alice")  # three purchases, two in the last 30 days
    for days in (1, 10, 100):
        record(alice, "10000", at=NOW - timedelta(days=days))
    record(person("Bob"), "10000", at=NOW - timedelta(days=5))  # one purchase
    person("Chul")  # never bought
    dana = person("Dana")  # two purchases, one returned in full: still two purchases
    record(dana, "10000", at=NOW - timedelta(days=3))
    returned = record(dana, "20000", at=NOW - timedelta(days=2))
    record(dana, "20000", at=NOW - timedelta(days=1), returns=returned)
    eun = person("Eun")  # one purchase, 40 days ago
    record(eun, "10000", at=NOW - timedelta(days=40))


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("purchase_count", "eq", 1), {"Bob", "Eun"}),
        (cond("purchase_count", "ne", 1), {"Alice", "Chul", "Dana"}),
        (cond("purchase_count", "gt", 2), {"Alice"}),
        (cond("purchase_count", "gte", 2), {"Alice", "Dana"}),
        (cond("purchase_count", "gte", 3), {"Alice"}),
        (cond("purchase_count", "lt", 2), {"Bob", "Chul", "Eun"}),
        (cond("purchase_count", "lte", 1), {"Bob", "Chul", "Eun"}),
        (cond("purchase_count", "eq", 0), {"Chul"}),
        (cond("purchase_count", "between", [1, 2]), {"Bob", "Dana", "Eun"}),
        (cond("purchase_count", "gte", 2, days=30), {"Alice", "Dana"}),
        (cond("purchase_count", "eq", 1, days=30), {"Bob"}),
        (cond("purchase_count", "eq", 0, days=30), {"Chul", "Eun"}),
        (cond("purchase_count", "lt", 1, days=30), {"Chul", "Eun"}),
        (cond("purchase_count", "gte", 1, days=40), {"Alice", "Bob", "Dana", "Eun"}),
        (cond("purchase_count", "gte", 1, days=39), {"Alice", "Bob", "Dana"}),
    ],
)
def test_it_counts_purchases_and_members_who_never_bought_count_zero(shoppers, condition, expected):
    assert who(condition) == expected


@pytest.fixture
def spenders(record: Callable[..., Any]) -> None:
    alice = person("Alice")  # exactly 500,000
    record(alice, "300000", at=NOW - timedelta(days=20))
    record(alice, "200000", at=NOW - timedelta(days=10))
    bob = person("Bob")  # 600,000 less a 150,000 refund: 450,000
    bought = record(bob, "600000", at=NOW - timedelta(days=8))
    record(bob, "150000", at=NOW - timedelta(days=2), returns=bought)
    person("Chul")  # never bought: 0
    record(person("Dana"), "900000", at=NOW - timedelta(days=100))  # long ago


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("purchase_amount", "gte", 500_000), {"Alice", "Dana"}),
        (cond("purchase_amount", "gt", 500_000), {"Dana"}),
        (cond("purchase_amount", "eq", 500_000), {"Alice"}),
        (cond("purchase_amount", "ne", 500_000), {"Bob", "Chul", "Dana"}),
        (cond("purchase_amount", "lt", 500_000), {"Bob", "Chul"}),
        (cond("purchase_amount", "lte", 450_000), {"Bob", "Chul"}),
        (cond("purchase_amount", "lt", 450_000), {"Chul"}),
        (cond("purchase_amount", "eq", 0), {"Chul"}),
        (cond("purchase_amount", "between", [450_000, 500_000]), {"Alice", "Bob"}),
        (cond("purchase_amount", "between", [450_000.5, 500_000]), {"Alice"}),
        (cond("purchase_amount", "gte", 500_000, days=90), {"Alice"}),
        (cond("purchase_amount", "lt", 100_000, days=90), {"Chul", "Dana"}),
        (cond("purchase_amount", "gte", 200_000, days=15), {"Alice", "Bob"}),
        (cond("purchase_amount", "gte", 200_000, days=5), set()),  # Bob's refund alone is in the window
    ],
)
def test_it_counts_refunds_against_spend(spenders, condition, expected):
    assert who(condition) == expected


@pytest.fixture
def last_buyers(record: Callable[..., Any]) -> None:
    record(person("Alice"), "1000", at=datetime(2030, 5, 3, 23, 30, tzinfo=SEOUL))
    record(person("Bob"), "1000", at=datetime(2030, 5, 4, 0, 30, tzinfo=SEOUL))  # 3 May in UTC
    person("Chul")  # never bought
    dana = person("Dana")  # bought on 1 May, and last on 10 May
    record(dana, "1000", at=datetime(2030, 5, 1, 12, 0, tzinfo=SEOUL))
    record(dana, "1000", at=datetime(2030, 5, 10, 12, 0, tzinfo=SEOUL))
    record(person("Eun"), "1000", at=datetime(2030, 5, 2, 9, 0, tzinfo=SEOUL))


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("last_purchase", "gt", "2030-05-03"), {"Bob", "Dana"}),
        (cond("last_purchase", "gte", "2030-05-03"), {"Alice", "Bob", "Dana"}),
        (cond("last_purchase", "lt", "2030-05-03"), {"Eun"}),
        (cond("last_purchase", "lte", "2030-05-03"), {"Alice", "Eun"}),
        (cond("last_purchase", "between", ["2030-05-03", "2030-05-04"]), {"Alice", "Bob"}),
        # Dana bought on 1 May too, but her last purchase is on 10 May.
        (cond("last_purchase", "between", ["2030-05-01", "2030-05-04"]), {"Alice", "Bob", "Eun"}),
        (cond("last_purchase", "within_days", 36), {"Dana"}),
        (cond("last_purchase", "within_days", 42), {"Dana"}),
        (cond("last_purchase", "within_days", 43), {"Alice", "Bob", "Dana"}),
    ],
)
def test_it_reads_the_last_purchase_on_the_business_calendar(last_buyers, condition, expected):
    assert who(condition) == expected


def test_someone_who_never_bought_has_no_last_purchase_but_is_among_the_lapsed(last_buyers):
    assert "Chul" not in who(cond("last_purchase", "lt", "2030-06-15"))
    assert who({"not": cond("last_purchase", "within_days", 40)}) == {"Alice", "Bob", "Chul", "Eun"}


# --- what was bought, where ---------------------------------------------------------------------------


@pytest.fixture
def baskets(record: Callable[..., Any]) -> None:
    for code in ("shoes", "bags"):
        Category.objects.create(code=code, name=code.title())
    Channel.objects.create(code="web", name="Web shop", kind=ChannelKind.ONLINE)
    shop = Channel.objects.create(code="shop", name="Shops", kind=ChannelKind.STORE)
    Store.objects.create(code="gangnam", name="Gangnam", channel=shop)
    Store.objects.create(code="myeongdong", name="Myeongdong", channel=shop)

    def line(sku: str, category: str) -> LineInput:
        return LineInput(sku=sku, quantity=Decimal(1), unit_price=Decimal(10000), category=category)

    record(
        person("Alice"), "10000", at=NOW - timedelta(days=10), store="gangnam", lines=(line("SH-1", "shoes"),)
    )
    record(person("Bob"), "10000", at=NOW - timedelta(days=100), channel="web", lines=(line("BG-1", "bags"),))
    record(
        person("Chul"),
        "20000",
        at=NOW - timedelta(days=1),
        channel="web",
        lines=(line("SH-2", "shoes"), line("BG-1", "bags")),
    )
    person("Dana")  # never bought


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("bought_category", "contains", "shoes"), {"Alice", "Chul"}),
        (cond("bought_category", "in", ["bags"]), {"Bob", "Chul"}),
        (cond("bought_category", "in", ["shoes", "bags"]), {"Alice", "Bob", "Chul"}),
        (cond("bought_category", "contains", "bags", days=30), {"Chul"}),
        (cond("bought_category", "contains", "shoes", days=5), {"Chul"}),
        (cond("bought_product", "contains", "BG-1"), {"Bob", "Chul"}),
        (cond("bought_product", "in", ["SH-1", "SH-9"]), {"Alice"}),
        (cond("bought_product", "contains", "BG-1", days=90), {"Chul"}),
        (cond("bought_channel", "contains", "web"), {"Bob", "Chul"}),
        (cond("bought_channel", "contains", "shop"), {"Alice"}),  # the store's channel
        (cond("bought_channel", "in", ["web", "shop"], days=30), {"Alice", "Chul"}),
        (cond("bought_store", "contains", "gangnam"), {"Alice"}),
        (cond("bought_store", "in", ["myeongdong"]), set()),
        (cond("bought_store", "contains", "gangnam", days=5), set()),
    ],
)
def test_it_selects_members_by_what_they_bought_and_where(baskets, condition, expected):
    assert who(condition) == expected


def test_a_not_group_reaches_members_who_never_bought_in_a_category(baskets):
    assert who({"not": cond("bought_category", "contains", "shoes")}) == {"Bob", "Dana"}


# --- loyalty: tier and points -------------------------------------------------------------------------


@pytest.fixture
def loyal(program: Program) -> None:
    silver = tier_save(
        program=program, code="silver", name="Silver", rank=1, threshold=Decimal(10**8), actor=None
    )
    gold = tier_save(program=program, code="gold", name="Gold", rank=2, threshold=Decimal(10**9), actor=None)
    for name, tier, points in (("Alice", gold, 500), ("Bob", silver, 100), ("Chul", None, 0)):
        account = account_open(program=program, member=person(name))
        if tier is not None:
            tier_floor_set(account=account, tier=tier, actor=None, reason="a test")
        if points:
            points_adjust(account=account, points=points, reason="a test", idempotency_key=name, actor=None)
    person("Dana")  # not in the program at all


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("tier", "eq", "gold"), {"Alice"}),
        (cond("tier", "ne", "gold"), {"Bob", "Chul", "Dana"}),  # without a tier (or account) too
        (cond("tier", "in", ["silver", "gold"]), {"Alice", "Bob"}),
        (cond("tier", "in", ["silver"]), {"Bob"}),
        (cond("points", "eq", 0), {"Chul", "Dana"}),
        (cond("points", "ne", 0), {"Alice", "Bob"}),
        (cond("points", "gt", 100), {"Alice"}),
        (cond("points", "gte", 100), {"Alice", "Bob"}),
        (cond("points", "gt", 500), set()),
        (cond("points", "lt", 100), {"Chul", "Dana"}),
        (cond("points", "lte", 100), {"Bob", "Chul", "Dana"}),
        (cond("points", "between", [100, 500]), {"Alice", "Bob"}),
        (cond("points", "between", [0, 99]), {"Chul", "Dana"}),
    ],
)
def test_it_selects_members_by_tier_and_points_balance(loyal, condition, expected):
    assert not Account.objects.filter(member__name="Dana").exists()
    assert who(condition) == expected


# --- other segments -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("segment", "eq", "seoul"), {"Alice", "Chul"}),
        (cond("segment", "ne", "seoul"), {"Bob", "Dana"}),
        (cond("segment", "in", ["seoul", "hand-picked"]), {"Alice", "Chul", "Dana"}),
        (cond("segment", "eq", "hand-picked"), {"Dana"}),
    ],
)
def test_it_selects_members_by_the_segments_they_are_in(db, condition, expected):
    person("Alice", city="Seoul")
    person("Bob", city="Osaka")
    person("Chul", city="seoul")
    dana = person("Dana", city="Busan")
    segment_create(
        data=SegmentInput(code="seoul", name="Seoul", rules=cond("city", "eq", "Seoul")), actor=None
    )
    listed = segment_create(
        data=SegmentInput(code="hand-picked", name="Picked", kind=SegmentKind.STATIC), actor=None
    )
    segment_members_set(segment=listed, member_ids={dana.pk}, actor=None)

    assert who(condition) == expected


# --- complaints and feedback --------------------------------------------------------------------------


@pytest.fixture
def complainers(db: None) -> None:
    def complaint(member: Member) -> Any:
        data = CaseInput(
            type="complaint", channel="web_form", summary="The sofa arrived scratched", member=member
        )
        return case_open(data=data).case

    alice = person("Alice")  # two open complaints
    complaint(alice)
    complaint(alice)
    case_move(case=complaint(person("Bob")), to=CaseStatus.CLOSED, actor=None)  # one, closed
    chul = person("Chul")  # one open, one closed
    complaint(chul)
    case_move(case=complaint(chul), to=CaseStatus.CLOSED, actor=None)
    person("Dana")  # never complained


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("open_cases", "eq", 0), {"Bob", "Dana"}),
        (cond("open_cases", "ne", 1), {"Alice", "Bob", "Dana"}),
        (cond("open_cases", "gt", 1), {"Alice"}),
        (cond("open_cases", "gte", 1), {"Alice", "Chul"}),
        (cond("open_cases", "lt", 2), {"Bob", "Chul", "Dana"}),
        (cond("open_cases", "lte", 2), {"Alice", "Bob", "Chul", "Dana"}),
        (cond("open_cases", "between", [1, 2]), {"Alice", "Chul"}),
    ],
)
def test_it_counts_only_open_complaints(complainers, condition, expected):
    assert who(condition) == expected


@pytest.fixture
def respondents(db: None) -> None:
    survey = survey_create(
        data=SurveyInput(
            title="Visit", questions=[QuestionInput(type="nps", key="nps", text="Recommend us?")]
        ),
        actor=None,
    )
    survey = survey_open(survey=survey, actor=None)

    def answer(member: Member, score: int, *, days_ago: int, partial: bool = False) -> None:
        with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
            response_submit(
                survey=survey, data=ResponseInput(answers={"nps": score}, member=member, partial=partial)
            )

    answer(person("Alice"), 9, days_ago=3)  # the lowest promoter
    bob = person("Bob")  # a promoter once, a detractor lately: the latest answer counts
    answer(bob, 10, days_ago=20)
    answer(bob, 3, days_ago=2)
    answer(person("Chul"), 7, days_ago=5)  # the lowest passive
    answer(person("Fay"), 6, days_ago=5)  # the highest detractor
    answer(person("Eun"), 2, days_ago=1, partial=True)  # started the survey, never sent it
    person("Dana")  # never answered


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("nps_group", "eq", "promoter"), {"Alice"}),
        (cond("nps_group", "eq", "passive"), {"Chul"}),
        (cond("nps_group", "eq", "detractor"), {"Bob", "Fay"}),
        # Only those who answered are "not promoters": no answer is no opinion.
        (cond("nps_group", "ne", "promoter"), {"Bob", "Chul", "Fay"}),
        (cond("nps_group", "in", ["passive", "detractor"]), {"Bob", "Chul", "Fay"}),
    ],
)
def test_it_groups_members_by_their_latest_sent_answer(respondents, condition, expected):
    assert who(condition) == expected


# --- groups -------------------------------------------------------------------------------------------


@pytest.fixture
def neighbours(db: None) -> None:
    alice = person("Alice", city="Seoul", country="KR")
    member_tags_set(member=alice, actor=None, names=["staff"])  # type: ignore[arg-type]
    person("Bob", city="Osaka", country="JP")
    person("Chul", city="Seoul", country="KR")
    person("Dana", city="Busan", country="KR")


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({"all": [cond("country", "eq", "KR"), {"not": cond("city", "eq", "Seoul")}]}, {"Dana"}),
        ({"all": [cond("city", "eq", "Seoul"), {"not": cond("tags", "contains", "staff")}]}, {"Chul"}),
        ({"any": [cond("city", "eq", "Osaka"), cond("tags", "contains", "staff")]}, {"Alice", "Bob"}),
        ({"not": {"any": [cond("city", "eq", "Osaka"), cond("city", "eq", "Busan")]}}, {"Alice", "Chul"}),
        ({"not": {"not": cond("city", "eq", "Busan")}}, {"Dana"}),
        (
            {
                "any": [
                    {"all": [cond("country", "eq", "KR"), cond("city", "ne", "Seoul")]},
                    cond("country", "eq", "JP"),
                ]
            },
            {"Bob", "Dana"},
        ),
    ],
)
def test_groups_combine_conditions_as_written(neighbours, rules, expected):
    assert who(rules) == expected


def test_merged_and_erased_members_are_never_in_a_segment(neighbours):
    seoul = segment_create(
        data=SegmentInput(code="seoul", name="Seoul", rules=cond("city", "eq", "Seoul")), actor=None
    )
    not_busan = segment_create(
        data=SegmentInput(code="not-busan", name="Not Busan", rules={"not": cond("city", "eq", "Busan")}),
        actor=None,
    )
    alice, chul = Member.objects.get(name="Alice"), Member.objects.get(name="Chul")
    bob = Member.objects.get(name="Bob")
    merged_into = person("Chul again", city="Daegu")
    segments_upkeep()  # the first pass starts reading the timeline here

    member_merge(survivor=merged_into, duplicate=chul, actor=None)
    member_erase(member=alice, actor=None, reason="request R-1")
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        segments_upkeep()

    assert who(cond("city", "eq", "Seoul")) == set()
    assert {member.pk for member in rules_members(rules_tree({"not": cond("city", "eq", "Busan")}), NOW)} == {
        bob.pk,
        merged_into.pk,
    }
    for segment, expected in ((seoul, set()), (not_busan, {bob.pk, merged_into.pk})):
        segment.refresh_from_db()
        assert (
            set(SegmentMember.objects.filter(segment=segment).values_list("member_id", flat=True)) == expected
        )
        assert segment.member_count == len(expected)
