"""Stored analyses: requesting a run, computing it once, keeping the last result readable, and failing clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.conf import settings as django_settings

from patronage.analytics import compute as compute_module
from patronage.analytics import tasks as analytics_tasks
from patronage.analytics.models import AnalysisRun, CustomerScore, RunStatus
from patronage.analytics.params import params_clean
from patronage.analytics.selectors import (
    analysis_latest,
    analysis_overview,
    customer_score_list,
    scores_export,
)
from patronage.analytics.services import (
    STANDARD,
    analysis_execute,
    analysis_request,
    analytics_refresh,
)
from patronage.analytics.tasks import analysis_enqueue, analytics_refresh_task
from patronage.analytics.tests.demo import demo_load
from patronage.core.errors import Conflict, ValidationFailed

KINDS = ("clv", "churn", "loyalty", "deal_seekers", "service", "whatif")
MEMBERS = 300


@pytest.fixture
def business(db: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.VAR_DIR = tmp_path
    return demo_load(tmp_path, members=MEMBERS)


def _run(kind: str, **params: Any) -> AnalysisRun:
    run = analysis_request(kind=kind, params=params, actor=None, enqueue=None)
    return analysis_execute(run_id=run.pk)


# --- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("clv", {"model": "lifetimes"}, "model"),
        ("clv", {"horizon_days": -5}, "horizon_days"),
        ("clv", {"margin": "a lot"}, "margin"),
        ("clv", {"calibration_end": "yesterday"}, "calibration_end"),
        ("churn", {"window": 3}, "window"),
        ("whatif", {"problem_rate": 1.5}, "problem_rate"),
        ("clv", {"window_start": "2025-01-01", "window_end": "2024-01-01"}, "window_end"),
        ("horoscope", {}, "kind"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field_and_nothing_is_queued(db, kind, params, field):
    with pytest.raises(ValidationFailed) as refused:
        analysis_request(kind=kind, params=params, actor=None, enqueue=None)

    assert refused.value.field == field
    assert AnalysisRun.objects.count() == 0


def test_the_parameters_are_stored_with_their_defaults_and_the_window(business, analyst):
    run = analysis_request(kind="clv", params={"horizon_days": 180}, actor=analyst, enqueue=None)

    assert run.params == params_clean(kind="clv", params={"horizon_days": 180})
    assert run.params["model"] == "bgnbd"
    assert run.params["horizon_days"] == 180
    assert run.status == RunStatus.QUEUED
    assert run.created_by == analyst
    # Without a window end the data's own end is used: the last purchase, not today.
    assert run.window_end.date().isoformat() <= business["period"]["end"][:10]


# --- computing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_run_on_the_demo_business_completes_and_stores_its_results(business, kind):
    run = _run(kind, **({"calibrate": True} if kind == "whatif" else {}))

    assert run.status == RunStatus.DONE, run.error
    assert run.progress == 100
    assert run.finished_at is not None
    assert run.started_at is not None
    assert run.result["window"]["orders"] > 0
    assert analysis_latest(kind=kind) == run


def test_a_clv_run_stores_fitted_parameters_and_every_customers_scores(business):
    run = _run("clv")

    fit = run.result["fit"]
    assert set(fit["params"]) == {"r", "alpha", "a", "b"}
    assert set(fit["standard_errors"]) == {"r", "alpha", "a", "b"}
    assert fit["log_likelihood"] < 0
    assert CustomerScore.objects.filter(run=run).count() == MEMBERS
    best = customer_score_list(run=run).first()
    assert best is not None
    assert best.clv == pytest.approx(run.result["top"][0]["clv"])
    assert 0 <= best.p_alive <= 1
    assert best.rfm_segment
    assert sum(row["customers"] for row in run.result["by_segment"]) == MEMBERS


def test_a_clv_run_with_a_calibration_end_reports_the_holdout(business):
    run = _run("clv", calibration_end="2024-12-01")

    validation = run.result["validation"]
    assert validation["actual"] > 0
    # A fitted BG/NBD predicts the holdout's purchases within a third on a small business.
    assert validation["predicted"] == pytest.approx(validation["actual"], rel=0.35)


def test_a_churn_run_scores_active_customers_with_their_reasons(business):
    run = _run("churn")

    scored = CustomerScore.objects.filter(run=run)
    assert scored.count() == run.result["scored_customers"] > 0
    riskiest = customer_score_list(run=run).first()
    assert riskiest is not None
    assert 0 <= riskiest.churn_risk <= 1
    assert all(reason in run.result["model"]["features"] for reason in riskiest.churn_reasons)
    assert run.result["cohorts"]["rows"]
    assert run.result["rates"]


def test_the_last_finished_run_stays_readable_while_the_next_one_computes(business):
    first = _run("loyalty")
    queued = analysis_request(kind="loyalty", params={}, actor=None, enqueue=None)

    assert analysis_latest(kind="loyalty") == first
    assert CustomerScore.objects.filter(run=first).count() == MEMBERS

    second = analysis_execute(run_id=queued.pk)

    assert analysis_latest(kind="loyalty") == second
    assert CustomerScore.objects.filter(run=second).count() == MEMBERS
    assert not CustomerScore.objects.filter(run=first).exists()
    assert AnalysisRun.objects.get(pk=first.pk).result  # the old run's summary stays in the history


def test_a_second_request_while_one_is_queued_joins_it(business):
    first = analysis_request(kind="clv", params={}, actor=None, enqueue=None)
    second = analysis_request(kind="clv", params={"horizon_days": 30}, actor=None, enqueue=None)

    assert second.pk == first.pk
    assert AnalysisRun.objects.filter(kind="clv").count() == 1


def test_a_run_is_computed_once_however_often_it_is_delivered(business, monkeypatch):
    calls: list[str] = []
    real = compute_module.COMPUTE["service"]

    def counted(*args: Any) -> Any:
        calls.append("service")
        return real(*args)

    monkeypatch.setitem(compute_module.COMPUTE, "service", counted)
    run = analysis_request(kind="service", params={}, actor=None, enqueue=None)

    analysis_execute(run_id=run.pk)
    again = analysis_execute(run_id=run.pk)

    assert calls == ["service"]
    assert again.status == RunStatus.DONE


def test_a_run_another_worker_has_claimed_is_left_to_it(business, monkeypatch):
    run = analysis_request(kind="service", params={}, actor=None, enqueue=None)
    AnalysisRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, heartbeat_at=run.created_at)
    monkeypatch.setitem(compute_module.COMPUTE, "service", lambda *a: pytest.fail("computed twice"))

    left = analysis_execute(run_id=run.pk)

    assert left.status == RunStatus.RUNNING


def test_a_failing_run_is_marked_failed_with_its_error_and_does_not_block_the_next(business, monkeypatch):
    def broken(*args: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(compute_module.COMPUTE, "deal_seekers", broken)
    failed = _run("deal_seekers")

    assert failed.status == RunStatus.FAILED
    assert "ZeroDivisionError: division by zero" in failed.error
    assert analysis_latest(kind="deal_seekers") is None
    monkeypatch.undo()
    assert _run("deal_seekers").status == RunStatus.DONE


def test_a_run_on_an_empty_window_fails_saying_why(business):
    run = _run("clv", window_start="2030-01-01", window_end="2030-02-01")

    assert run.status == RunStatus.FAILED
    assert "no purchases" in run.error


def test_the_celery_task_computes_the_run_once_the_request_commits(
    business, django_capture_on_commit_callbacks
):
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = analysis_request(kind="loyalty", params={}, actor=None, enqueue=analysis_enqueue)
    finally:
        app.conf.task_always_eager = False

    assert AnalysisRun.objects.get(pk=run.pk).status == RunStatus.DONE


def test_the_nightly_refresh_requests_every_standard_analysis(
    business, monkeypatch, django_capture_on_commit_callbacks
):
    handed: list[int] = []
    monkeypatch.setattr(analytics_tasks.analysis_execute_task, "delay", handed.append)
    with django_capture_on_commit_callbacks(execute=True):
        run_ids = analytics_refresh_task()

    runs = list(AnalysisRun.objects.filter(pk__in=run_ids))
    assert sorted(run.kind for run in runs) == sorted(STANDARD)
    assert all(run.status == RunStatus.QUEUED for run in runs)
    assert next(run for run in runs if run.kind == "whatif").params["calibrate"] is True
    # Each run is handed to a worker once its request commits.
    assert sorted(handed) == sorted(run_ids)
    # Asked again while they wait, nothing more is queued.
    assert {run.pk for run in analytics_refresh(enqueue=None)} == set(run_ids)


def test_the_refresh_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}

    assert "analytics.refresh" in tasks


def test_the_overview_shows_each_analysis_with_its_last_run(business):
    done = _run("service")
    queued = analysis_request(kind="service", params={}, actor=None, enqueue=None)

    overview = {row.kind: row for row in analysis_overview()}

    assert set(overview) == set(KINDS)
    assert overview["service"].latest == done
    assert overview["service"].active == queued
    assert overview["clv"].latest is None


# --- exports ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "columns"),
    [
        (
            "clv",
            [
                "member_id",
                "rfm_segment",
                "frequency",
                "recency",
                "T",
                "monetary",
                "p_alive",
                "expected_purchases",
                "expected_spend",
                "clv",
            ],
        ),
        ("churn", ["member_id", "rfm_segment", "churn_risk", "churn_reasons"]),
        ("loyalty", ["member_id", "rfm_segment", "loyalty_index"]),
        ("deal_seekers", ["member_id", "rfm_segment", "deal_seeker"]),
    ],
)
def test_the_exports_hold_the_kinds_columns_in_csv_and_parquet(business, kind, columns, tmp_path):
    run = _run(kind)

    csv_bytes, csv_type, csv_name = scores_export(run=run, format="csv")
    parquet_bytes, _, parquet_name = scores_export(run=run, format="parquet")

    from_csv = pl.read_csv(csv_bytes)
    (tmp_path / parquet_name).write_bytes(parquet_bytes)
    from_parquet = pl.read_parquet(tmp_path / parquet_name)
    assert from_csv.columns == columns == from_parquet.columns
    assert from_csv.height == from_parquet.height == CustomerScore.objects.filter(run=run).count()
    assert csv_type.startswith("text/csv")
    assert csv_name.endswith(".csv")


def test_an_unfinished_run_has_no_export(business):
    run = analysis_request(kind="clv", params={}, actor=None, enqueue=None)

    # The run's state refuses it, not the request: a conflict (409 through the API).
    with pytest.raises(Conflict) as refused:
        scores_export(run=run, format="csv")
    assert refused.value.field == "run_id"
