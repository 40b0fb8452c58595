"""Requesting and running the stored analyses. Analytics reads the other apps and never writes them.

Concurrency rules:
- At most one queued or running run per kind, kept by a partial unique constraint: a second request
  while one is pending gets that run back rather than queueing a second computation.
- A worker claims a run with a conditional update (queued -> running); of two workers handed the same
  run only one gets it. A running run whose heartbeat has stopped (its worker died) can be claimed again.
- A run's progress is written outside any transaction, so pages polling it see each step.
- A finished run's result and scores are stored in one transaction, and the previous runs' scores of the
  same kind are dropped in it: readers see the last finished run whole until the next one replaces it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from patronage.analytics.compute import COMPUTE, NEEDS_PROBLEMS, Computed, Data
from patronage.analytics.extract import PROBLEM_SCHEMA, data_end, naive_utc, problems_read, purchases_read
from patronage.analytics.models import ACTIVE_STATUSES, AnalysisRun, CustomerScore, RunStatus
from patronage.analytics.params import KINDS, params_clean
from patronage.analytics.selectors import analysis_run_get
from patronage.core import clock
from patronage.core.audit import audit_record
from patronage.core.errors import ApplicationError, Conflict
from patronage.core.models import User
from patronage.core.sql import TableWriter

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=30)
# Every per-customer column of CustomerScore, in the model's order (the run is written beside them).
SCORE_FIELDS = tuple(f.name for f in CustomerScore._meta.concrete_fields if f.name not in ("id", "run"))
# What the nightly refresh computes: every analysis with its default parameters, the what-if study
# calibrated from the business's own data.
STANDARD: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS} | {"whatif": {"calibrate": True}}


def _day_start(day: str | None) -> datetime | None:
    if not day:
        return None
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time.min))


def _day_end(day: str | None) -> datetime | None:
    start = _day_start(day)
    return start + timedelta(days=1) - timedelta(microseconds=1) if start is not None else None


def analysis_request(
    *,
    kind: str,
    params: Mapping[str, Any] | None = None,
    actor: User | None,
    enqueue: Callable[[int], object] | None,
) -> AnalysisRun:
    """Queues a run with its checked parameters and data window, handed to `enqueue` once this commits;
    while a run of the kind is queued or running, returns that one instead."""
    # The caller (a view, an endpoint, the nightly task) says how a run reaches a worker: a service
    # never imports a task. None leaves it queued for the caller to compute (tests, scripts).
    cleaned = params_clean(kind=kind, params=params)
    now = clock.now()
    _stale_fail(kind=kind, now=now)
    try:
        with transaction.atomic(durable=True):
            run = AnalysisRun.objects.create(
                kind=kind,
                params=cleaned,
                window_start=_day_start(cleaned["window_start"]),
                window_end=_day_end(cleaned["window_end"]) or data_end(now=now),
                status=RunStatus.QUEUED,
                progress_message="waiting for a worker",
                created_by=actor,
                created_at=now,
            )
            audit_record(actor=actor, action="analysis.request", target=run, kind=kind)
            if enqueue is not None:
                transaction.on_commit(partial(enqueue, run.pk))
    except IntegrityError:
        # The unique constraint, not a look-up first, decides: two racing requests cannot both queue.
        active = AnalysisRun.objects.filter(kind=kind, status__in=ACTIVE_STATUSES).first()
        if active is None:
            raise Conflict(
                "another run was being queued at the same moment: try again", field="kind"
            ) from None
        return active
    return run


def _stale_fail(*, kind: str, now: datetime) -> None:
    """Marks failed the runs whose worker stopped reporting, so they no longer block a new request."""
    stale = Q(status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER) | Q(
        status=RunStatus.QUEUED, created_at__lt=now - 4 * STALE_AFTER
    )
    AnalysisRun.objects.filter(stale, kind=kind).update(
        status=RunStatus.FAILED, finished_at=now, error="the worker stopped reporting progress"
    )


def _claim(run_id: int) -> bool:
    now = clock.now()
    claimable = Q(status=RunStatus.QUEUED) | Q(status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    return bool(
        AnalysisRun.objects.filter(claimable, pk=run_id).update(
            status=RunStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            progress=1,
            progress_message="reading the data",
            error="",
        )
    )


def analysis_progress_set(*, run_id: int, percent: int, message: str) -> None:
    """Records how far a running run is (and that its worker is alive); committed at once."""
    AnalysisRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        progress=max(1, min(99, percent)), progress_message=message[:200], heartbeat_at=clock.now()
    )


def analysis_execute(*, run_id: int) -> AnalysisRun:
    """Claims a queued run and computes it through the pure analyses; a run claimed elsewhere is left alone."""
    if not _claim(run_id):
        return analysis_run_get(run_id=run_id)
    run = analysis_run_get(run_id=run_id)
    try:
        data = _data_read(run)
        analysis_progress_set(run_id=run.pk, percent=5, message="computing")

        def progress(percent: int, message: str) -> None:
            analysis_progress_set(run_id=run.pk, percent=percent, message=message)

        computed = COMPUTE[run.kind](data, run.params, progress)
        analysis_progress_set(run_id=run.pk, percent=90, message="storing the results")
        _store(run, computed, data)
    except ApplicationError as error:
        _fail(run, error.message)
    except Exception as error:  # anything unexpected: the run says what, and the next one starts afresh
        logger.exception("analysis run %s failed", run.pk)
        _fail(run, f"{type(error).__name__}: {error}")
    return analysis_run_get(run_id=run.pk)


def _data_read(run: AnalysisRun) -> Data:
    if run.kind == "whatif" and not run.params.get("calibrate"):
        empty = pl.DataFrame()
        return Data(purchases=empty, problems=empty, start=None, end=naive_utc(run.window_end))
    purchases = purchases_read(start=run.window_start, end=run.window_end)
    problems = (
        problems_read(start=run.window_start, end=run.window_end, purchases=purchases)
        if run.kind in NEEDS_PROBLEMS
        else pl.DataFrame(schema=PROBLEM_SCHEMA)
    )
    start = naive_utc(run.window_start) if run.window_start else None
    return Data(purchases=purchases, problems=problems, start=start, end=naive_utc(run.window_end))


def _store(run: AnalysisRun, computed: Computed, data: Data) -> None:
    result = computed.result | {"window": _window_read(data)}
    with transaction.atomic(durable=True):
        if computed.scores is not None:
            _scores_write(run, computed.scores)
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, progress=100, progress_message="", result=result, finished_at=clock.now()
        )
        # One set of scores per kind: the new run's replaces the last one in the same commit.
        older = AnalysisRun.objects.filter(kind=run.kind).exclude(pk=run.pk).values("pk")
        CustomerScore.objects.filter(run__in=older).delete()


def _window_read(data: Data) -> dict[str, Any]:
    """The span of the orders actually read, next to the window asked for."""
    when = data.purchases["when"] if "when" in data.purchases.columns else pl.Series([], dtype=pl.Datetime)
    first, last = when.min(), when.max()
    return {
        "first_order": first.replace(tzinfo=UTC).isoformat() if isinstance(first, datetime) else None,
        "last_order": last.replace(tzinfo=UTC).isoformat() if isinstance(last, datetime) else None,
        "orders": data.purchases.height,
    }


def _scores_write(run: AnalysisRun, scores: pl.DataFrame) -> None:
    """Every customer's scores in batched INSERTs (no model instance per customer)."""
    frame = scores
    columns = []
    for name in SCORE_FIELDS:
        if name == "churn_reasons":
            # Reasons are feature names (plain identifiers): JSON text without escaping.
            value = (
                pl.when(pl.col(name).list.len() > 0)
                .then(pl.concat_str([pl.lit('["'), pl.col(name).list.join('", "'), pl.lit('"]')]))
                .otherwise(pl.lit("[]"))
                if name in frame.columns
                else pl.lit("[]")
            )
        elif name == "rfm_segment":
            value = pl.col(name).fill_null("") if name in frame.columns else pl.lit("")
        elif name in frame.columns:
            value = pl.col(name).fill_nan(None) if frame.schema[name].is_float() else pl.col(name)
        else:
            value = pl.lit(None)
        columns.append(value.alias(name))
    rows = frame.select(pl.lit(run.pk).alias("run"), *columns).iter_rows()
    TableWriter().insert(CustomerScore, ["run", *SCORE_FIELDS], rows)


def _fail(run: AnalysisRun, message: str) -> None:
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=message[:2000], finished_at=clock.now(), progress_message=""
    )


def analytics_refresh(
    *, actor: User | None = None, enqueue: Callable[[int], object] | None
) -> list[AnalysisRun]:
    """Requests every standard analysis (the nightly job); one already pending is not queued again."""
    return [
        analysis_request(kind=kind, params=params, actor=actor, enqueue=enqueue)
        for kind, params in STANDARD.items()
    ]
