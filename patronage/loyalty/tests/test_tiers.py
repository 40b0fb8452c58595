"""Tiers: qualification, upgrades at once, downgrades only at review, windows and progress (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patronage.loyalty.tiers import (
    Downgrade,
    Progress,
    ReviewDecision,
    ReviewOutcome,
    Tier,
    TierBasis,
    TierPolicy,
    TierWindow,
    next_review_at,
    progress,
    progress_explanations,
    review,
    tier_after_activity,
    tier_for,
    tiers_check,
    window_start,
)

SEOUL = ZoneInfo("Asia/Seoul")
BRONZE = Tier("bronze", "Bronze", 1, Decimal(0))
SILVER = Tier("silver", "Silver", 2, Decimal(10_000))
GOLD = Tier("gold", "Gold", 3, Decimal(20_000))
BLACK = Tier("black", "Black", 4, Decimal(20_000), invitation_only=True)
TIERS = (BRONZE, SILVER, GOLD)
WITH_BLACK = (*TIERS, BLACK)
NOT_INVITED: frozenset[str] = frozenset()
BY_SPEND = TierPolicy(basis=TierBasis.SPEND, window=TierWindow.CALENDAR_YEAR)
REVIEW_AT = datetime(2027, 1, 1, tzinfo=SEOUL)
JOINED = datetime(2024, 5, 10, 9, 0, tzinfo=SEOUL)


def D(value: int | str) -> Decimal:
    return Decimal(value)


# The tier table (as ERPNext's test_tier_selection): Bronze 0 / Silver 10,000 / Gold 20,000 by spend


@pytest.mark.parametrize(
    ("spent_so_far", "this_purchase", "tier_after"),
    [
        (0, 6_000, BRONZE),
        (0, 15_000, SILVER),
        (0, 25_000, GOLD),
        (4_000, 500, BRONZE),
        (8_000, 3_000, SILVER),
        (18_000, 3_000, GOLD),
        (22_000, 5_000, GOLD),
    ],
)
def test_tier_selection(spent_so_far: int, this_purchase: int, tier_after: Tier) -> None:
    current = tier_for(D(spent_so_far), TIERS)
    assert tier_after_activity(current, D(spent_so_far + this_purchase), TIERS) == tier_after


def test_boundaries_are_inclusive() -> None:
    assert tier_for(D(10_000), TIERS) == SILVER
    assert tier_for(D("9999.99"), TIERS) == BRONZE
    assert tier_for(D(20_000), TIERS) == GOLD


def test_no_tier_below_the_lowest_threshold() -> None:
    assert tier_for(D(500), (SILVER, GOLD)) is None


def test_the_purchase_that_crosses_the_threshold_counts() -> None:
    assert tier_after_activity(SILVER, D(20_000), TIERS) == GOLD


def test_activity_never_downgrades() -> None:
    assert tier_after_activity(GOLD, D(500), TIERS) == GOLD  # after a return, before the review


def test_activity_never_goes_below_the_manual_floor() -> None:
    assert tier_after_activity(None, D(0), TIERS, manual_floor=SILVER) == SILVER
    assert tier_after_activity(None, D(25_000), TIERS, manual_floor=SILVER) == GOLD


def test_an_invitation_only_tier_is_not_reached_by_value_alone() -> None:
    assert tier_for(D(1_000_000), WITH_BLACK) == GOLD
    assert tier_for(D(1_000_000), WITH_BLACK, invited=frozenset({"black"})) == BLACK
    assert tier_after_activity(GOLD, D(1_000_000), WITH_BLACK) == GOLD


@given(
    values=st.lists(st.decimals(min_value=0, max_value=50_000, places=2), min_size=1, max_size=10),
    floor=st.sampled_from([None, BRONZE, SILVER, GOLD]),
)
def test_between_reviews_a_member_only_moves_up_and_never_below_the_floor(
    values: list[Decimal], floor: Tier | None
) -> None:
    current: Tier | None = None
    for value in values:
        after = tier_after_activity(current, value, TIERS, manual_floor=floor)
        assert after is not None or (current is None and floor is None)
        assert current is None or (after is not None and after.rank >= current.rank)
        assert floor is None or (after is not None and after.rank >= floor.rank)
        current = after


@given(low=st.decimals(min_value=0, max_value=50_000, places=2), more=st.decimals(0, 50_000, places=2))
def test_more_value_never_means_a_lower_tier(low: Decimal, more: Decimal) -> None:
    lower, higher = tier_for(low, TIERS), tier_for(low + more, TIERS)
    assert lower is not None
    assert higher is not None
    assert higher.rank >= lower.rank


# Review: downgrades happen here only


def _review(
    current: Tier | None,
    value: int,
    policy: TierPolicy = BY_SPEND,
    *,
    floor: Tier | None = None,
    at: datetime = REVIEW_AT,
    below_since: datetime | None = None,
    tiers: tuple[Tier, ...] = TIERS,
    invited: frozenset[str] = NOT_INVITED,
) -> ReviewOutcome:
    return review(current, D(value), tiers, policy, floor, invited, at, below_since)


def test_a_member_who_keeps_qualifying_keeps_the_tier() -> None:
    outcome = _review(GOLD, 20_000)
    assert (outcome.new_tier, outcome.decision) == (GOLD, ReviewDecision.KEPT)
    assert outcome.reason.render() == "Gold kept"


def test_an_upgrade_found_at_review_applies_at_once() -> None:
    outcome = _review(SILVER, 30_000)
    assert (outcome.new_tier, outcome.decision, outcome.downgrade_effective_at) == (
        GOLD,
        ReviewDecision.UPGRADED,
        None,
    )


def test_one_level_downgrade_goes_one_rank_down_whatever_the_value() -> None:
    outcome = _review(GOLD, 0, TierPolicy(basis=TierBasis.SPEND, downgrade=Downgrade.ONE_LEVEL))
    assert (outcome.new_tier, outcome.decision) == (SILVER, ReviewDecision.DOWNGRADED)
    assert outcome.downgrade_effective_at == REVIEW_AT
    assert outcome.reason.render() == "moved from Gold to Silver at the review"


def test_recompute_downgrade_goes_to_the_tier_the_value_earns() -> None:
    outcome = _review(GOLD, 0, TierPolicy(basis=TierBasis.SPEND, downgrade=Downgrade.RECOMPUTE))
    assert (outcome.new_tier, outcome.decision) == (BRONZE, ReviewDecision.DOWNGRADED)
    assert _review(GOLD, 12_000, TierPolicy(downgrade=Downgrade.RECOMPUTE)).new_tier == SILVER


def test_one_level_down_passes_over_an_invitation_only_tier_the_member_was_not_invited_to() -> None:
    platinum = Tier("platinum", "Platinum", 5, D(50_000))
    tiers = (*WITH_BLACK, platinum)
    assert _review(platinum, 0, tiers=tiers).new_tier == GOLD
    assert _review(platinum, 0, tiers=tiers, invited=frozenset({"black"})).new_tier == BLACK


def test_a_member_with_no_tier_and_nothing_reached_stays_without() -> None:
    outcome = _review(None, 0, tiers=(SILVER, GOLD))
    assert (outcome.new_tier, outcome.decision) == (None, ReviewDecision.NO_TIER)


def test_the_lowest_tier_can_be_lost_when_it_has_a_threshold() -> None:
    assert _review(SILVER, 0, tiers=(SILVER, GOLD)).new_tier is None


# Grace period


GRACE = TierPolicy(basis=TierBasis.SPEND, grace_days=30)


def test_grace_postpones_the_downgrade() -> None:
    outcome = _review(GOLD, 5_000, GRACE)
    assert (outcome.new_tier, outcome.decision) == (GOLD, ReviewDecision.DOWNGRADE_SCHEDULED)
    assert outcome.downgrade_effective_at == REVIEW_AT + timedelta(days=30)
    assert outcome.below_since == REVIEW_AT
    assert outcome.reason.render() == "Gold kept until 2027-01-31 unless the qualification is reached again"


def test_grace_counts_from_the_first_review_that_found_the_value_short() -> None:
    later = REVIEW_AT + timedelta(days=10)
    outcome = _review(GOLD, 5_000, GRACE, at=later, below_since=REVIEW_AT)
    assert outcome.downgrade_effective_at == REVIEW_AT + timedelta(days=30)
    assert outcome.new_tier == GOLD


def test_when_grace_ends_the_downgrade_applies() -> None:
    end = REVIEW_AT + timedelta(days=30)
    outcome = _review(GOLD, 5_000, GRACE, at=end, below_since=REVIEW_AT)
    assert (outcome.new_tier, outcome.decision, outcome.below_since) == (
        SILVER,
        ReviewDecision.DOWNGRADED,
        None,
    )


def test_qualifying_again_during_grace_cancels_the_downgrade() -> None:
    outcome = _review(GOLD, 21_000, GRACE, at=REVIEW_AT + timedelta(days=20), below_since=REVIEW_AT)
    assert (outcome.new_tier, outcome.decision, outcome.below_since) == (GOLD, ReviewDecision.KEPT, None)


# Manual floor


def test_a_manual_tier_holds_at_review() -> None:
    outcome = _review(GOLD, 0, floor=GOLD)
    assert (outcome.new_tier, outcome.decision) == (GOLD, ReviewDecision.HELD_BY_FLOOR)
    assert outcome.reason.render() == "Gold kept: it was given by hand"


def test_a_downgrade_stops_at_the_manual_floor() -> None:
    recompute = TierPolicy(downgrade=Downgrade.RECOMPUTE)
    assert _review(GOLD, 0, recompute, floor=SILVER).new_tier == SILVER


def test_a_manual_floor_above_the_current_tier_lifts_the_member_at_review() -> None:
    assert _review(BRONZE, 0, floor=SILVER).decision == ReviewDecision.UPGRADED


# Windows


def test_a_lifetime_window_has_no_start_and_no_review() -> None:
    lifetime = TierPolicy(window=TierWindow.LIFETIME)
    assert window_start(lifetime, REVIEW_AT, JOINED) is None
    assert next_review_at(lifetime, JOINED, REVIEW_AT) is None


def test_a_rolling_window_looks_back_its_days_and_is_reviewed_on_the_first_of_each_month() -> None:
    rolling = TierPolicy(window=TierWindow.ROLLING, window_days=365)
    as_of = datetime(2026, 11, 23, 10, 0, tzinfo=SEOUL)
    assert window_start(rolling, as_of, JOINED) == datetime(2025, 11, 23, 10, 0, tzinfo=SEOUL)
    assert next_review_at(rolling, JOINED, as_of) == datetime(2026, 12, 1, tzinfo=SEOUL)
    assert next_review_at(rolling, JOINED, datetime(2026, 12, 31, 23, 0, tzinfo=SEOUL)) == datetime(
        2027, 1, 1, tzinfo=SEOUL
    )
    assert next_review_at(rolling, JOINED, datetime(2026, 12, 1, tzinfo=SEOUL)) == datetime(
        2027, 1, 1, tzinfo=SEOUL
    )


def test_a_rolling_window_needs_its_days() -> None:
    with pytest.raises(ValueError, match="window_days"):
        TierPolicy(window=TierWindow.ROLLING)


def test_the_calendar_year_starts_on_the_programs_1_january() -> None:
    new_year_in_seoul = datetime(2026, 1, 1, 0, 30, tzinfo=SEOUL)  # still 31 December 2025 in UTC
    calendar_year = TierPolicy(window=TierWindow.CALENDAR_YEAR)
    assert window_start(calendar_year, new_year_in_seoul, JOINED) == datetime(2026, 1, 1, tzinfo=SEOUL)
    assert window_start(calendar_year, new_year_in_seoul.astimezone(UTC), JOINED) == datetime(
        2025, 1, 1, tzinfo=UTC
    )
    assert next_review_at(calendar_year, JOINED, new_year_in_seoul) == datetime(2027, 1, 1, tzinfo=SEOUL)


ANNIVERSARY = TierPolicy(window=TierWindow.ANNIVERSARY)


@pytest.mark.parametrize(
    ("as_of", "start", "next_review"),
    [
        (
            datetime(2026, 3, 1, tzinfo=SEOUL),
            datetime(2025, 5, 10, 9, 0, tzinfo=SEOUL),
            datetime(2026, 5, 10, 9, 0, tzinfo=SEOUL),
        ),
        (
            datetime(2026, 5, 10, 9, 0, tzinfo=SEOUL),
            datetime(2026, 5, 10, 9, 0, tzinfo=SEOUL),
            datetime(2027, 5, 10, 9, 0, tzinfo=SEOUL),
        ),
        (
            datetime(2026, 5, 10, 8, 59, tzinfo=SEOUL),
            datetime(2025, 5, 10, 9, 0, tzinfo=SEOUL),
            datetime(2026, 5, 10, 9, 0, tzinfo=SEOUL),
        ),
        (datetime(2024, 6, 1, tzinfo=SEOUL), JOINED, datetime(2025, 5, 10, 9, 0, tzinfo=SEOUL)),
    ],
)
def test_the_anniversary_window_runs_from_the_last_anniversary_of_joining(
    as_of: datetime, start: datetime, next_review: datetime
) -> None:
    assert window_start(ANNIVERSARY, as_of, JOINED) == start
    assert next_review_at(ANNIVERSARY, JOINED, as_of) == next_review


LEAP_JOINER = datetime(2024, 2, 29, 12, 0, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("as_of", "start", "next_review"),
    [
        (
            datetime(2027, 3, 1, tzinfo=SEOUL),
            datetime(2027, 2, 28, 12, 0, tzinfo=SEOUL),
            datetime(2028, 2, 29, 12, 0, tzinfo=SEOUL),
        ),
        (
            datetime(2027, 2, 27, tzinfo=SEOUL),
            datetime(2026, 2, 28, 12, 0, tzinfo=SEOUL),
            datetime(2027, 2, 28, 12, 0, tzinfo=SEOUL),
        ),
        (
            datetime(2028, 3, 1, tzinfo=SEOUL),
            datetime(2028, 2, 29, 12, 0, tzinfo=SEOUL),
            datetime(2029, 2, 28, 12, 0, tzinfo=SEOUL),
        ),
    ],
)
def test_members_who_joined_on_29_february_have_their_anniversary_on_the_28th_in_other_years(
    as_of: datetime, start: datetime, next_review: datetime
) -> None:
    assert window_start(ANNIVERSARY, as_of, LEAP_JOINER) == start
    assert next_review_at(ANNIVERSARY, LEAP_JOINER, as_of) == next_review


def test_windows_refuse_times_without_a_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        window_start(ANNIVERSARY, datetime(2026, 1, 1), JOINED)  # no zone: the mistake under test


# Progress shown to the member


def test_progress_tells_how_much_more_reaches_the_next_tier() -> None:
    shown = progress(SILVER, D(12_500), TIERS, BY_SPEND, REVIEW_AT)
    assert shown == Progress(GOLD, D(7_500), D(0), REVIEW_AT)
    assert [e.render() for e in progress_explanations(shown, SILVER, TierBasis.SPEND)] == [
        "7500 more to spend to reach Gold"
    ]


def test_progress_tells_what_keeping_the_tier_needs_by_the_review() -> None:
    shown = progress(GOLD, D("15000.50"), TIERS, BY_SPEND, REVIEW_AT)
    assert (shown.next_tier, shown.keep_needed, shown.keep_by) == (None, D("4999.50"), REVIEW_AT)
    assert [e.render() for e in progress_explanations(shown, GOLD, TierBasis.SPEND)] == [
        "4999.5 to spend by 2026-12-31 to keep Gold"
    ]


def test_progress_in_points_and_visits() -> None:
    points = progress(BRONZE, D(9_000), TIERS, TierPolicy(), REVIEW_AT)
    assert [e.render() for e in progress_explanations(points, BRONZE, TierBasis.POINTS)] == [
        "1000 more points to reach Silver"
    ]
    visit_tiers = (Tier("regular", "Regular", 1, D(5)), Tier("friend", "Friend", 2, D(12)))
    visits = progress(visit_tiers[1], D(9), visit_tiers, TierPolicy(basis=TierBasis.VISITS), REVIEW_AT)
    assert [e.render() for e in progress_explanations(visits, visit_tiers[1], TierBasis.VISITS)] == [
        "3 visits needed by 2026-12-31 to keep Friend"
    ]


def test_progress_for_a_member_without_a_tier_points_to_the_first() -> None:
    shown = progress(None, D(4_000), (SILVER, GOLD), BY_SPEND, REVIEW_AT)
    assert shown == Progress(SILVER, D(6_000), None, None)


def test_progress_never_points_to_an_invitation_only_tier() -> None:
    assert progress(GOLD, D(30_000), WITH_BLACK, BY_SPEND, REVIEW_AT).next_tier is None
    assert (
        progress(GOLD, D(30_000), WITH_BLACK, BY_SPEND, REVIEW_AT, invited=frozenset({"black"})).next_tier
        == BLACK
    )


def test_a_lifetime_tier_has_nothing_to_keep() -> None:
    shown = progress(SILVER, D(12_000), TIERS, TierPolicy(window=TierWindow.LIFETIME), None)
    assert (shown.keep_needed, shown.keep_by) == (None, None)


# The tier table as set up in the console


def test_a_sound_tier_table_passes() -> None:
    assert tiers_check(WITH_BLACK) == []


def test_a_tier_table_with_clashes_is_refused_naming_the_field() -> None:
    tiers = (BRONZE, Tier("bronze", "Bronze 2", 1, D(5)), Tier("gold", "Gold", 3, D(-1)))
    assert sorted(error.field for error in tiers_check(tiers)) == ["code", "rank", "threshold", "threshold"]
