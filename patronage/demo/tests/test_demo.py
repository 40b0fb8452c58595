"""The demo business: what `patronage demo` writes, and that its simulation follows the stated models."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Sum
from django.test import RequestFactory

from patronage.care.models import Case, Compensation
from patronage.commerce.models import Order, OrderLine, OrderProblem
from patronage.core.models import AuditEntry, OutboxEvent, User
from patronage.core.roles import Role
from patronage.demo.load import demo_period
from patronage.demo.model import BgNbd, Model, Outcome, Problems
from patronage.demo.simulate import (
    repurchase_counts,
    simulate_chunk,
    simulate_customers,
    simulate_purchases,
)
from patronage.feedback.models import Survey
from patronage.members.duplicates import member_duplicates_find
from patronage.members.models import Consent, ConsentEvent, Identity, Member, TimelineEvent
from patronage.members.normalise import name_key, name_latin
from patronage.messages.models import WebhookDelivery, WebhookEndpoint
from patronage.segments.models import (
    Campaign,
    ClubEvent,
    InformationItem,
    InformationTopic,
    Segment,
    UpkeepMark,
)

MEMBERS = 300
PERIOD = demo_period(date(2023, 6, 1), 2)


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def _demo(*args: str) -> str:
    # The loyalty programmes are tested in test_demo_loyalty.py: replaying points here would slow every test.
    out = io.StringIO()
    call_command(
        "demo", "--start", "2023-06-01", "--no-loyalty", "--no-analytics", *args, stdout=out, verbosity=0
    )
    return out.getvalue()


@pytest.fixture
def demo(db: None, var_dir: Path) -> Path:
    _demo("--members", str(MEMBERS), "--seed", "7")
    return var_dir


def _totals() -> dict[str, Any]:
    return {
        "members": Member.objects.count(),
        "names": list(Member.objects.order_by("pk").values_list("name", "city", "joined_at")[:50]),
        "identities": Identity.objects.count(),
        "consent_events": ConsentEvent.objects.count(),
        "orders": Order.objects.aggregate(n=Count("pk"), total=Sum("amount"), discount=Sum("discount")),
        "lines": OrderLine.objects.aggregate(n=Count("pk"), quantity=Sum("quantity")),
        "problems": OrderProblem.objects.aggregate(n=Count("pk"), detected=Max("detected_at")),
        "cases": Case.objects.aggregate(
            n=Count("pk"), rated=Count("satisfaction"), rating=Sum("satisfaction")
        ),
        "timeline": TimelineEvent.objects.count(),
    }


def _wipe_demo() -> None:
    # The demo chooses its members' ids, so a second load reuses them: their events go with them.
    Campaign.objects.all().delete()
    InformationItem.objects.all().delete()
    InformationTopic.objects.all().delete()
    ClubEvent.objects.all().delete()
    Segment.objects.all().delete()
    UpkeepMark.objects.all().delete()
    OutboxEvent.objects.all().delete()
    WebhookEndpoint.objects.all().delete()
    Survey.objects.all().delete()
    Compensation.objects.all().delete()
    Case.objects.all().delete()
    TimelineEvent.objects.all().delete()
    OrderProblem.objects.all().delete()
    OrderLine.objects.all().delete()
    Order.objects.filter(kind="return").delete()
    Order.objects.all().delete()
    Member.objects.all().delete()
    User.objects.all().delete()


# --- what the command writes -------------------------------------------------------------------


def _planted_duplicates(demo: Path) -> list[list[int]]:
    pairs: list[list[int]] = json.loads((demo / "demo-truth.json").read_text())["duplicates"]["pairs"]
    return pairs


def test_it_creates_members_with_identities_consents_and_searchable_names(demo: Path) -> None:
    assert Member.objects.count() == MEMBERS + len(_planted_duplicates(demo))
    assert Identity.objects.filter(kind="external").count() == MEMBERS
    assert Identity.objects.filter(kind="email").count() > MEMBERS * 0.9
    assert Consent.objects.count() == 3 * MEMBERS
    assert ConsentEvent.objects.filter(method__in=["import", "portal"]).count() >= 3 * MEMBERS
    for member in Member.objects.all()[:50]:
        assert member.name
        assert member.name_key == name_key(member.name)
        assert member.name_latin == name_latin(member.name)  # the bulk writer fills what save() would
        assert (member.locale, member.time_zone) in {
            ("ko", "Asia/Seoul"),
            ("ja", "Asia/Tokyo"),
            ("en", "Asia/Seoul"),
            ("en", "Asia/Tokyo"),
        }
    assert Member.objects.filter(tags__name="newsletter").exists()
    assert {m.city for m in Member.objects.all()} >= {"Seoul", "Tokyo"}


def test_joins_fall_inside_the_period_and_every_member_bought_at_joining(demo: Path) -> None:
    span = Member.objects.aggregate(first=Min("joined_at"), last=Max("joined_at"))
    assert PERIOD.start <= span["first"] < span["last"] < PERIOD.end
    first_purchase = Member.objects.annotate(first=Min("orders__occurred_at")).filter(
        ~Q(first=F("joined_at"))
    )
    assert not first_purchase.exists()


def test_order_lines_sum_to_the_order_amount(demo: Path) -> None:
    orders = Order.objects.annotate(lines_total=Sum("lines__amount"), line_count=Count("lines"))
    assert orders.count() > MEMBERS * 2
    assert not orders.filter(~Q(lines_total=F("amount"))).exists()
    assert not orders.filter(kind="purchase", line_count__gt=4).exists()
    assert not OrderLine.objects.filter(~Q(amount=F("unit_price") * F("quantity"))).exists()
    assert all(
        amount == amount.to_integral_value() for amount in Order.objects.values_list("amount", flat=True)
    )


def test_returns_take_back_an_earlier_purchase_of_the_same_member_within_30_days(demo: Path) -> None:
    returns = Order.objects.filter(kind="return").select_related("original")
    assert returns.exists()
    for refund in returns:
        original = refund.original
        assert original is not None
        assert original.kind == "purchase"
        assert refund.member_id == original.member_id
        assert timedelta(0) < refund.occurred_at - original.occurred_at <= timedelta(days=30)
        assert 0 < refund.amount <= original.amount


def test_problems_are_the_orders_and_each_complaint_of_them_is_a_case(demo: Path) -> None:
    problems = OrderProblem.objects.all()
    assert 0.04 < problems.count() / Order.objects.filter(kind="purchase").count() < 0.13
    assert {p.kind for p in problems} >= {"delay", "defect", "recall"}
    # What the customer said of a problem is on their case, not on the problem.
    complaint_fields = Q(reported_at__isnull=False) | Q(resolved_at__isnull=False)
    assert not problems.filter(complaint_fields | Q(customer_satisfied__isnull=False)).exists()

    truth = json.loads((demo / "demo-truth.json").read_text())
    recent = [case["reference"] for case in truth["care"]["open_recent"]] + [
        truth["care"]["duplicate_merged"]
    ]
    # The survey's follow-up cases are the feedback part's (its own test).
    history = Case.objects.exclude(reference__in=recent).exclude(channel="survey")
    realised = truth["realised"]
    assert history.count() == realised["complaints"] == truth["care"]["history"]["cases"]
    assert set(history.values_list("type", flat=True)) == {"complaint"}
    # Each is about an order whose problem was detected by the time the customer wrote.
    detected = OrderProblem.objects.filter(order=OuterRef("order"), detected_at__lte=OuterRef("created_at"))
    assert not history.exclude(Exists(detected)).exists()
    assert history.filter(status="closed").count() == realised["resolved"]
    assert history.filter(satisfaction__gte=4).count() == realised["satisfied"]
    assert history.filter(status="waiting").count() == realised["complaints"] - realised["resolved"]
    assert set(history.values_list("channel", flat=True)) >= {"web_form", "phone", "email", "store"}
    assert set(history.values_list("language", flat=True)) >= {"ko", "ja"}
    assert history.filter(summary__contains="Electric kettle").exists()  # the recall's answers


def test_every_order_and_problem_has_its_timeline_event(demo: Path) -> None:
    for order in Order.objects.all():
        event = TimelineEvent.objects.get(dedupe_key=f"order:{order.pk}")
        assert event.member_id == order.member_id
        assert event.kind == order.kind
        assert event.occurred_at == order.occurred_at
        assert f"{int(order.amount):,} KRW" in event.summary
    problem_events = TimelineEvent.objects.filter(kind="order_problem")
    assert problem_events.count() == OrderProblem.objects.count()
    assert TimelineEvent.objects.filter(kind="joined").count() == Member.objects.count()


def test_the_logins_file_holds_one_password_for_every_staff_role(demo: Path) -> None:
    logins_file = demo / "demo-logins.json"
    assert logins_file.stat().st_mode & 0o777 == 0o600
    logins = json.loads(logins_file.read_text())
    roles = {login["role"] for login in logins["staff"]}
    assert roles == set(Role.values)
    assert len({login["password"] for login in logins["staff"]}) == 1
    for login in logins["staff"]:
        user = authenticate(
            RequestFactory().post("/"), username=login["username"], password=login["password"]
        )
        assert user is not None
        assert [group.name for group in user.groups.all()] == [login["role"]]
    assert AuditEntry.objects.filter(action="staff.created").count() == 6


def test_the_portal_member_can_log_in_and_has_a_customer_file(demo: Path) -> None:
    member_login = json.loads((demo / "demo-logins.json").read_text())["member"]
    user = authenticate(
        RequestFactory().post("/"), username=member_login["email"], password=member_login["password"]
    )
    assert user is not None
    assert not user.is_staff_member
    assert not user.groups.exists()
    member = Member.objects.get(user=user)
    assert member.identities.filter(kind="email", value="member@example.com").exists()
    assert member.orders.exists()


def test_the_top_spenders_have_the_account_manager(demo: Path) -> None:
    managed = Member.objects.filter(account_manager__username="accounts")
    assert managed.count() == 10
    lowest_managed = min(m.orders.filter(kind="purchase").aggregate(s=Sum("amount"))["s"] for m in managed)
    others = Member.objects.filter(account_manager__isnull=True).annotate(
        spent=Sum("orders__amount", filter=Q(orders__kind="purchase"))
    )
    assert not others.filter(spent__gt=lowest_managed).exists()


def test_some_customers_signed_up_twice_and_the_finder_pairs_each_of_them(demo: Path) -> None:
    planted = _planted_duplicates(demo)

    found = {(candidate.first.pk, candidate.second.pk) for candidate in member_duplicates_find()}

    assert len(planted) == 3  # 1 in 250 of the 400 customers, at least 3
    assert {tuple(pair) for pair in planted} <= found


def test_the_truth_files_state_the_parameters_and_the_counts(demo: Path) -> None:
    truth = json.loads((demo / "demo-truth.json").read_text())
    assert truth["seed"] == 7
    assert truth["currency"] == "KRW"
    assert truth["purchases"]["time_unit"] == "week"
    assert set(truth["purchases"]["params"]) == {"r", "alpha", "a", "b"}
    assert set(truth["spend"]["params"]) == {"p", "q", "gamma"}
    assert truth["counts"]["members.Member"] == MEMBERS + len(truth["duplicates"]["pairs"])
    assert truth["counts"]["commerce.Order"] == Order.objects.count()
    assert truth["counts"]["members.TimelineEvent"] == TimelineEvent.objects.count()
    assert truth["counts"]["care.Case"] == Case.objects.count()
    with (demo / "demo-truth-customers.csv").open() as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == MEMBERS  # the simulated customers; their second sign-ups bought nothing
    twins = {second for _first, second in truth["duplicates"]["pairs"]}
    assert {int(row["member_id"]) for row in rows} == set(Member.objects.values_list("pk", flat=True)) - twins
    deal_seekers = [int(row["member_id"]) for row in rows if row["is_deal_seeker"] == "1"]
    promoted = Order.objects.filter(kind="purchase").exclude(promotion_code="")
    share = (
        promoted.filter(member__in=deal_seekers).count()
        / Order.objects.filter(kind="purchase", member__in=deal_seekers).count()
    )
    others = (
        promoted.exclude(member__in=deal_seekers).count()
        / Order.objects.filter(kind="purchase").exclude(member__in=deal_seekers).count()
    )
    assert share > 0.6
    assert others < 0.15


def test_if_empty_leaves_a_loaded_database_alone(demo: Path) -> None:
    before = _totals()
    assert _demo("--members", "50", "--if-empty").strip() == "demo data already loaded"
    assert _totals() == before


def test_without_if_empty_a_database_with_members_is_refused(demo: Path) -> None:
    before = Member.objects.count()
    with pytest.raises(CommandError, match="already holds members"):
        _demo("--members", "50")
    assert Member.objects.count() == before


def test_the_till_is_registered_for_webhooks_and_hears_nothing_of_the_past(demo: Path) -> None:
    till = WebhookEndpoint.objects.get()
    assert till.url == "http://127.0.0.1:8765/"
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
    assert not WebhookDelivery.objects.exists()


def test_the_same_seed_gives_the_same_data(demo: Path) -> None:
    first = _totals()
    _wipe_demo()
    _demo("--members", str(MEMBERS), "--seed", "7")
    assert _totals() == first
    _wipe_demo()
    _demo("--members", str(MEMBERS), "--seed", "8")
    assert _totals()["orders"] != first["orders"]


def test_it_rejects_a_bad_start_date(db: None, var_dir: Path) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("demo", "--start", "1 June", verbosity=0)
    assert not Member.objects.exists()


# --- the simulation follows the stated models (no database) -----------------------------------


def hyp2f1(a: float, b: float, c: float, z: np.ndarray) -> np.ndarray:
    """Gauss's hypergeometric series, for 0 <= z < 1. scipy is not installed in this project, so the
    closed form of E[X(t)] is evaluated with this series (checked below against a known case)."""
    term = np.ones_like(z)
    total = term.copy()
    for k in range(20_000):
        term = term * (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total += term
        if np.all(np.abs(term) <= 1e-13 * np.abs(total)):
            break
    return total


def expected_repeat_purchases(params: BgNbd, t: np.ndarray) -> np.ndarray:
    """E[X(t)] of BG/NBD: Fader, Hardie & Lee (2005), equation 7."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


def test_the_hypergeometric_series_matches_a_closed_form() -> None:
    z = np.array([0.1, 0.5, 0.9, 0.99])
    assert np.allclose(hyp2f1(1, 1, 2, z), -np.log(1 - z) / z, rtol=1e-10)


def _pure_bgnbd(n: int, seed: int) -> tuple[Model, np.ndarray, np.ndarray, np.ndarray]:
    """Customers of the stated BG/NBD process alone: no deal-seekers and no problems."""
    model = replace(Model(), deal_seeker_share=0.0, problems=Problems(rate=0.0))
    rng = np.random.default_rng(seed)
    customers = simulate_customers(model, n, PERIOD.weeks, rng)
    purchases, _alive = simulate_purchases(model, customers, PERIOD, rng)
    repeats = np.bincount(purchases.customer, minlength=n) - 1
    return model, PERIOD.weeks - customers.t_join, repeats, purchases.spend


def test_repeat_purchases_match_the_bgnbd_expectation() -> None:
    model, age, repeats, _spend = _pure_bgnbd(20_000, seed=1)
    expected = expected_repeat_purchases(model.purchases, age).mean()
    assert repeats.mean() == pytest.approx(expected, rel=0.03)


def test_the_share_without_repeat_purchases_matches_the_bgnbd_closed_form() -> None:
    """P(X(t) = 0) = (alpha / (alpha + t))^r: nobody drops out before their first repeat purchase."""
    model, age, repeats, _spend = _pure_bgnbd(20_000, seed=2)
    params = model.purchases
    expected = ((params.alpha / (params.alpha + age)) ** params.r).mean()
    assert (repeats == 0).mean() == pytest.approx(expected, abs=0.01)


def test_mean_spend_matches_the_gamma_gamma_expectation() -> None:
    model, _age, _repeats, spend = _pure_bgnbd(20_000, seed=3)
    assert model.spend.mean_spend == pytest.approx(6.0 * 36_000 / 2.8)
    assert spend.mean() == pytest.approx(model.spend.mean_spend, rel=0.03)


def test_repurchase_after_problems_follows_the_tarp_calibration() -> None:
    orders = np.zeros(len(Outcome.NAMES), dtype=np.int64)
    again = np.zeros_like(orders)
    for first in range(0, 100_000, 20_000):
        chunk = simulate_chunk(Model(), PERIOD, 20_000, first, seed=11)
        counted, repurchased = repurchase_counts(chunk, PERIOD, 52)
        orders += counted
        again += repurchased
    rate = again / orders
    satisfied = (
        again[[Outcome.SATISFIED_SLOW, Outcome.SATISFIED_QUICK]].sum()
        / orders[[Outcome.SATISFIED_SLOW, Outcome.SATISFIED_QUICK]].sum()
    )
    assert rate[Outcome.NONE] == pytest.approx(0.83, abs=0.02)
    assert satisfied == pytest.approx(0.90, abs=0.03)
    assert rate[Outcome.SATISFIED_QUICK] > rate[Outcome.SATISFIED_SLOW]
    assert max(rate[Outcome.SILENT], rate[Outcome.UNRESOLVED]) < rate[Outcome.NONE] - 0.1
    assert rate[Outcome.UNSATISFIED] < rate[Outcome.NONE]


def test_the_demo_queues_every_standard_analysis_for_the_worker(db, settings, tmp_path):
    from patronage.analytics.models import AnalysisRun

    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", "--members", "50", "--no-loyalty", "--truth", str(tmp_path / "t.json"), stdout=out)

    assert AnalysisRun.objects.filter(status="queued").count() == 6
    assert "6 analyses queued" in out.getvalue()
