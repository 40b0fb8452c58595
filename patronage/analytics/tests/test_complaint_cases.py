"""What went wrong with a purchase, read from its order problems and its complaint cases: the groups the
complaint-outcome analysis puts it in, and the hours to the first response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest
import time_machine

from patronage.analytics.compute import Data, order_outcomes
from patronage.analytics.extract import problems_merge, problems_read
from patronage.care.merging import case_merge
from patronage.care.models import CaseStatus, SlaPolicy
from patronage.care.services import CaseInput, case_move, case_open, case_rate, case_reply
from patronage.commerce.models import Order, OrderProblem
from patronage.members.models import Member

T = datetime(2025, 3, 3, 9, 0)  # naive UTC, as the frames hold times
END = T + timedelta(days=30)
COMPLAINT_COLUMNS: dict[str, Any] = {
    "case": pl.Int64,
    "order": pl.Int64,
    "member": pl.Int64,
    "created_at": pl.Datetime("us"),
    "resolved_at": pl.Datetime("us"),
    "rating": pl.Int64,
    "rated_at": pl.Datetime("us"),
    "case_first_response_at": pl.Datetime("us"),
    "response_started_at": pl.Datetime("us"),
    "first_response_at": pl.Datetime("us"),
}


def _hours(n: float) -> datetime:
    return T + timedelta(hours=n)


def _complaint(case: int, order: int | None, **fields: Any) -> dict[str, Any]:
    row = dict.fromkeys(COMPLAINT_COLUMNS)
    return row | {"case": case, "order": order, "member": 1, "created_at": T} | fields


def _merged(*complaints: dict[str, Any], problems: list[dict[str, Any]] | None = None) -> pl.DataFrame:
    purchases = pl.DataFrame(
        {
            "order": [10, 11, 12],
            "member": [1, 1, 1],
            "when": [T - timedelta(days=9), T - timedelta(days=2), END],
        },
        schema={"order": pl.Int64, "member": pl.Int64, "when": pl.Datetime("us")},
    )
    problem_frame = pl.DataFrame(
        problems or [], schema={"order": pl.Int64, "member": pl.Int64, "detected_at": pl.Datetime("us")}
    )
    return problems_merge(
        problems=problem_frame,
        complaints=pl.DataFrame(list(complaints), schema=COMPLAINT_COLUMNS),
        purchases=purchases,
        end=END,
    ).sort("order")


def test_resolved_to_satisfaction_is_a_rating_of_4_or_5_or_no_rating_at_all():
    merged = _merged(
        _complaint(1, 1, resolved_at=_hours(5), rating=5, rated_at=_hours(30)),
        _complaint(2, 2, resolved_at=_hours(5), rating=4, rated_at=_hours(30)),
        _complaint(3, 3, resolved_at=_hours(5), rating=3, rated_at=_hours(30)),
        _complaint(4, 4, resolved_at=_hours(5)),  # closed, the follow-up never answered
        _complaint(5, 5),  # still open
        # Rated 1, but after the window's end: at its end, a resolved case nobody had rated.
        _complaint(6, 6, resolved_at=_hours(5), rating=1, rated_at=END + timedelta(days=1)),
        # Resolved after the window's end: unresolved at its end.
        _complaint(7, 7, resolved_at=END + timedelta(hours=1), rating=5, rated_at=END + timedelta(hours=2)),
    )

    assert merged["satisfied"].to_list() == [True, True, False, True, None, True, None]
    assert merged["rating"].to_list() == [5, 4, 3, None, None, None, None]
    assert merged["reported_at"].to_list() == [T] * 7


def test_the_first_response_is_the_first_response_legs_or_else_the_cases_first_reply():
    merged = _merged(
        _complaint(1, 1, response_started_at=T, first_response_at=_hours(2.5)),
        _complaint(2, 2, case_first_response_at=_hours(4)),  # no leg (a policy measuring none)
        _complaint(3, 3, response_started_at=T, first_response_at=END + timedelta(hours=1)),  # not yet
        _complaint(4, 4, response_started_at=T),  # never answered
    )

    assert merged["first_response_hours"].to_list() == [2.5, 4.0, None, None]


def test_a_complaint_naming_no_order_is_about_the_members_last_purchase_before_it():
    merged = _merged(
        _complaint(1, None, created_at=T - timedelta(days=5)),
        _complaint(2, None, created_at=T),
        _complaint(3, None, created_at=T - timedelta(days=20)),  # before any purchase: left out
    )

    assert merged.select("order", "reported_at").rows() == [(10, T - timedelta(days=5)), (11, T)]


def test_a_purchase_with_a_problem_and_complaints_is_one_row_of_its_first_problem_and_complaint():
    merged = _merged(
        _complaint(1, 10, created_at=_hours(3), resolved_at=_hours(9)),
        _complaint(2, 10, created_at=_hours(30)),  # a second complaint about the same order
        _complaint(3, 11, created_at=_hours(1)),  # a complaint with no recorded problem
        problems=[
            {"order": 10, "member": 1, "detected_at": T},
            {"order": 10, "member": 1, "detected_at": _hours(20)},
            {"order": 12, "member": 1, "detected_at": _hours(2)},  # never complained of
        ],
    )

    rows = merged.select("order", "detected_at", "reported_at", "resolved_at").rows()
    assert rows == [
        (10, T, _hours(3), _hours(9)),
        (11, _hours(1), _hours(1), None),
        (12, _hours(2), None, None),
    ]


def test_the_outcome_groups_of_purchases_follow_the_cases():
    problems = _merged(
        _complaint(1, 1, resolved_at=_hours(5), rating=5, rated_at=_hours(9), first_response_at=_hours(1),
                   response_started_at=T),
        _complaint(2, 2, resolved_at=_hours(50), rating=2, rated_at=_hours(60)),
        _complaint(3, 3),
        problems=[{"order": 4, "member": 1, "detected_at": T}],
    )  # fmt: skip
    purchases = pl.DataFrame(
        {"order": [1, 2, 3, 4, 5], "member": [1, 2, 3, 4, 5], "when": [T - timedelta(days=1)] * 5},
        schema={"order": pl.Int64, "member": pl.Int64, "when": pl.Datetime("us")},
    )

    units = order_outcomes(
        Data(purchases=purchases, problems=problems, start=None, end=END), repurchase_days=7
    )

    by_order = {row["order"]: row for row in units.to_dicts()}
    flags = ("problem", "complained", "resolved", "satisfied")
    assert [tuple(by_order[o][f] for f in flags) for o in (1, 2, 3, 4, 5)] == [
        (True, True, True, True),  # resolved, rated 5
        (True, True, False, False),  # resolved, rated 2: not to the customer's satisfaction
        (True, True, False, False),  # open
        (True, False, False, False),  # silent
        (False, False, False, False),
    ]
    assert by_order[1]["resolution_hours"] == 5.0
    assert by_order[1]["first_response_hours"] == 1.0


# --- read from the database ------------------------------------------------------------------------


@pytest.fixture
def bought(alice: Member) -> Order:
    return Order.objects.create(
        external_id="WEB-1",
        member=alice,
        occurred_at=datetime(2025, 3, 1, 10, tzinfo=UTC),
        currency="KRW",
        amount=59_000,
    )


def _filed(member: Member, order: Order | None, at: datetime, kind: str = "complaint") -> Any:
    with time_machine.travel(at, tick=False):
        return case_open(
            data=CaseInput(
                type=kind,
                channel="web_form",
                summary="The pillow went flat",
                member=member,
                order_id=order.pk if order else None,
            )
        ).case


def test_it_reads_complaint_cases_worked_through_the_services(db, alice, agent, bought):
    SlaPolicy.objects.filter(is_default=True).update(calendar=None)  # round the clock: hours are hours
    filed = datetime(2025, 3, 4, 10, tzinfo=UTC)
    case = _filed(alice, bought, filed)
    with time_machine.travel(filed + timedelta(hours=3), tick=False):
        case_reply(case=case, body="We're sorry: a new pillow is on its way.", actor=agent)
    with time_machine.travel(filed + timedelta(hours=20), tick=False):
        case_move(case=case, to=CaseStatus.CLOSED, actor=agent)
    with time_machine.travel(filed + timedelta(days=2), tick=False):
        case_rate(case=case, rating=2, comment="It took a day, and the new one is no better.")
    _filed(alice, bought, filed + timedelta(hours=1), kind="inquiry")  # not a complaint
    OrderProblem.objects.create(order=bought, kind="defect", detected_at=filed - timedelta(days=1))

    frame = problems_read(start=None, end=datetime(2025, 4, 1, tzinfo=UTC))

    [row] = frame.to_dicts()
    assert row["order"] == bought.pk
    assert row["member"] == alice.pk
    assert row["detected_at"] == datetime(2025, 3, 3, 10)
    assert row["reported_at"] == datetime(2025, 3, 4, 10)
    assert row["resolved_at"] == datetime(2025, 3, 5, 6)
    assert (row["rating"], row["satisfied"]) == (2, False)
    assert row["first_response_hours"] == 3.0


def test_a_complaint_not_yet_answered_or_resolved_at_the_windows_end_is_open(db, alice, agent, bought):
    filed = datetime(2025, 3, 4, 10, tzinfo=UTC)
    case = _filed(alice, bought, filed)
    with time_machine.travel(filed + timedelta(days=3), tick=False):
        case_reply(case=case, body="Sorry for the wait.", actor=agent)

    frame = problems_read(start=None, end=filed + timedelta(days=1))

    [row] = frame.to_dicts()
    assert row["reported_at"] == datetime(2025, 3, 4, 10)
    assert (row["resolved_at"], row["satisfied"], row["first_response_hours"]) == (None, None, None)


def test_a_duplicate_merged_into_another_case_is_not_a_complaint_of_its_own(db, alice, agent, bought):
    SlaPolicy.objects.filter(is_default=True).update(calendar=None)
    first_written = _filed(alice, bought, datetime(2025, 3, 4, 9, tzinfo=UTC))  # an e-mail, then the form
    kept = _filed(alice, bought, datetime(2025, 3, 4, 10, tzinfo=UTC))
    with time_machine.travel(datetime(2025, 3, 4, 13, tzinfo=UTC), tick=False):
        case_merge(duplicate=first_written, into=kept, actor=agent)
        case_reply(case=kept, body="We're sorry: a new pillow is on its way.", actor=agent)
    OrderProblem.objects.create(order=bought, kind="defect", detected_at=datetime(2025, 3, 3, tzinfo=UTC))

    [row] = problems_read(start=None, end=datetime(2025, 4, 1, tzinfo=UTC)).to_dicts()

    assert row["reported_at"] == datetime(2025, 3, 4, 10)  # the case answered, not the duplicate left alone
    assert row["first_response_hours"] == 3.0
