"""Reading stored analyses: runs, the latest finished one per kind, per-customer scores and their exports; and
repurchase and churn by NPS group, read from the surveys' answers and the orders as they are now."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl
from django.db.models import Exists, F, FloatField, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from patronage.analytics.models import (
    ACTIVE_STATUSES,
    AnalysisKind,
    AnalysisRun,
    CustomerScore,
    RunStatus,
)
from patronage.analytics.nps_link import Customer, GroupOutcome, outcomes_by_group
from patronage.analytics.params import params_clean
from patronage.commerce.models import Order, OrderKind
from patronage.core import clock
from patronage.core.errors import Conflict, NotFound, ValidationFailed
from patronage.feedback.models import Answer
from patronage.feedback.questions import QuestionType
from patronage.feedback.selectors import counted
from patronage.members.models import Member

BASE_COLUMNS = ("member_id", "rfm_segment")
# The per-customer columns each analysis fills (the export's columns, after BASE_COLUMNS).
KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    "clv": (
        "frequency",
        "recency",
        "T",
        "monetary",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
    ),
    "churn": ("churn_risk", "churn_reasons"),
    "loyalty": ("loyalty_index",),
    "deal_seekers": ("deal_seeker",),
    "service": (),
    "whatif": (),
}
EXPORT_FORMATS = ("csv", "parquet")
_ORDERING = {"clv": "-clv", "churn": "-churn_risk", "loyalty": "-loyalty_index"}


def analysis_run_get(*, run_id: int) -> AnalysisRun:
    run = AnalysisRun.objects.select_related("created_by").filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("analysis run #%(id)s does not exist") % {"id": run_id}, field="run_id")
    return run


def _kind_checked(kind: str) -> str:
    if kind not in AnalysisKind.values:
        raise ValidationFailed(
            _("unknown analysis %(kind)s: use one of %(kinds)s")
            % {"kind": kind, "kinds": ", ".join(AnalysisKind.values)},
            field="kind",
        )
    return kind


def analysis_run_list(
    *, kind: str | None = None, kinds: Iterable[str] | None = None
) -> QuerySet[AnalysisRun]:
    """Runs, newest first, of one kind or all (of `kinds`, when given); the results are left out (read one
    run for those)."""
    runs = AnalysisRun.objects.select_related("created_by").defer("result").order_by("-created_at", "-id")
    if kinds is not None:
        runs = runs.filter(kind__in=list(kinds))
    return runs.filter(kind=_kind_checked(kind)) if kind else runs


def analysis_latest(*, kind: str) -> AnalysisRun | None:
    """The last finished run of the kind: what pages and the API show while the next one computes."""
    return (
        AnalysisRun.objects.select_related("created_by")
        .filter(kind=_kind_checked(kind), status=RunStatus.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )


def analysis_active(*, kind: str) -> AnalysisRun | None:
    """The queued or running run of the kind, if there is one."""
    return AnalysisRun.objects.filter(kind=_kind_checked(kind), status__in=ACTIVE_STATUSES).first()


@dataclass(frozen=True)
class KindOverview:
    kind: str
    label: str
    latest: AnalysisRun | None
    active: AnalysisRun | None
    last_failed: AnalysisRun | None


def analysis_overview(*, kinds: Iterable[str] | None = None) -> list[KindOverview]:
    """Each analysis (of `kinds`, when given) with its last finished run, the one computing now, and a
    failure since the last success."""
    shown = set(AnalysisKind.values if kinds is None else kinds)
    overview = []
    for kind, label in AnalysisKind.choices:
        if kind not in shown:
            continue
        latest = analysis_latest(kind=kind)
        failed = AnalysisRun.objects.filter(kind=kind, status=RunStatus.FAILED)
        if latest is not None and latest.finished_at is not None:
            failed = failed.filter(created_at__gt=latest.created_at)
        overview.append(
            KindOverview(
                kind=kind,
                label=str(label),
                latest=latest,
                active=analysis_active(kind=kind),
                last_failed=failed.order_by("-created_at").first(),
            )
        )
    return overview


def customer_score_list(*, run: AnalysisRun, segment: str | None = None) -> QuerySet[CustomerScore]:
    """A run's per-customer scores, best first for the kinds that have an order, by member otherwise."""
    scores = CustomerScore.objects.filter(run=run)
    if segment:
        scores = scores.filter(rfm_segment=segment)
    ordering = _ORDERING.get(run.kind)
    return scores.order_by(ordering, "member_id") if ordering else scores.order_by("member_id")


def score_columns(kind: str) -> tuple[str, ...]:
    return (*BASE_COLUMNS, *KIND_COLUMNS[_kind_checked(kind)])


def scores_frame(*, run: AnalysisRun) -> pl.DataFrame:
    """The run's scores in its kind's columns, read in one query."""
    columns = score_columns(run.kind)
    values = customer_score_list(run=run).values_list(*columns)
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        name: pl.Int64
        if name == "member_id"
        else pl.String
        if name == "rfm_segment"
        else pl.List(pl.String)
        if name == "churn_reasons"
        else pl.Boolean
        if name == "deal_seeker"
        else pl.Float64
        for name in columns
    }
    return pl.DataFrame(list(values.iterator(chunk_size=20_000)), schema=schema, orient="row")


def scores_export(*, run: AnalysisRun, format: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the run's scores as CSV or Parquet."""
    if format not in EXPORT_FORMATS:
        raise ValidationFailed(_("format must be csv or parquet"), field="format")
    if run.status != RunStatus.DONE:
        # The run's state, not the request, is what is wrong: a conflict (the API's document says so).
        raise Conflict(_("run #%(id)s has not finished") % {"id": run.pk}, field="run_id")
    frame = scores_frame(run=run)
    name = f"analytics-{run.kind}-run-{run.pk}.{format}"
    buffer = io.BytesIO()
    if format == "parquet":
        frame.write_parquet(buffer)
        return buffer.getvalue(), "application/vnd.apache.parquet", name
    if "churn_reasons" in frame.columns:
        frame = frame.with_columns(pl.col("churn_reasons").list.join(";"))
    frame.write_csv(buffer)
    return buffer.getvalue(), "text/csv; charset=utf-8", name


# The analyses that score each customer with one number, and the column that holds it.
SCORE_OF_KIND = {AnalysisKind.CLV: "clv", AnalysisKind.CHURN: "churn_risk"}


@dataclass(frozen=True)
class MemberScore:
    kind: str
    # The latest finished run that scored the member, or else the latest of the kind; None: never run.
    run: AnalysisRun | None
    value: float | None  # the member's score in `run`; None when it did not score them


def member_score(*, member: Member, kind: str) -> MemberScore:
    """The member's lifetime value or churn risk from the latest finished run that scored them."""
    column = SCORE_OF_KIND[AnalysisKind(_kind_checked(kind))]
    score = (
        CustomerScore.objects.select_related("run")
        .defer("run__result")
        .filter(member=member, run__kind=kind, run__status=RunStatus.DONE)
        .order_by("-run__finished_at", "-run_id")
        .first()
    )
    if score is not None:
        return MemberScore(kind=kind, run=score.run, value=getattr(score, column))
    # Not scored (no purchase in the run's window, or joined since): say which run left them out.
    return MemberScore(kind=kind, run=score_run_latest(kind=kind), value=None)


def score_run_latest(*, kind: str) -> AnalysisRun | None:
    """The last finished run of a kind that scores customers, without its result: its scores are read."""
    return (
        AnalysisRun.objects.filter(kind=_kind_checked(kind), status=RunStatus.DONE)
        .defer("result")
        .order_by("-finished_at", "-id")
        .first()
    )


def score_column(*, run: AnalysisRun, member_field: str = "pk") -> Subquery:
    """Each member's score in the run (lifetime value or churn risk), as a column of a query of members;
    NULL for those the run did not score. One probe per member row into the (run, member) unique index. In
    a query of other rows (survey answers), `member_field` is the path to their member's id."""
    column = SCORE_OF_KIND[AnalysisKind(run.kind)]
    # No ordering: the model's default (run, member) would join both tables into every probe.
    scores = CustomerScore.objects.filter(run=run, member=OuterRef(member_field)).order_by()
    return Subquery(scores.values(column)[:1])


def member_names(member_ids: Iterable[int]) -> dict[int, str]:
    """Names for the few members a results table lists (top customers), in one query."""
    return dict(Member.objects.filter(pk__in=list(member_ids)).values_list("pk", "name"))


# --- repurchase and churn by NPS group ----------------------------------------------------------------

REPURCHASE_DAYS = 90
# A churn risk from here up counts as predicted to churn: the model's even odds of no purchase in its horizon.
PREDICTED_CHURN_FROM = 0.5


@dataclass(frozen=True)
class NpsOutcomes:
    groups: list[GroupOutcome]  # promoters, passives, detractors
    as_of: datetime
    repurchase_days: int
    churn_run: AnalysisRun | None  # the churn run whose risks predict churn; None: churn is observed
    churn_days: int  # the churn horizon: predicted (the run's) or observed (no purchase in so many days)


def nps_group_outcomes(*, now: datetime | None = None) -> NpsOutcomes:
    """Repurchase and churn of promoters, passives and detractors, each customer in the group of their
    latest NPS answer (complete responses of any survey, never a staff try), as nps_link.py describes."""
    now = now or clock.now()
    run = score_run_latest(kind=AnalysisKind.CHURN)
    # A run's parameters are stored cleaned, its horizon with them; before any run, the default horizon.
    churn_days = int((run.params if run else params_clean(kind="churn", params=None))["horizon_days"])
    answered = OuterRef("response__created_at")
    no_risk = Value(None, output_field=FloatField())
    risk_column = score_column(run=run, member_field="response__member_id") if run else no_risk
    purchases = Order.objects.filter(member=OuterRef("response__member_id"), kind=OrderKind.PURCHASE)
    latest = (
        Answer.objects.filter(
            counted("response__"),
            question__type=QuestionType.NPS,
            number__isnull=False,
            response__member__isnull=False,
            response__created_at__lte=now,
        )
        .annotate(
            latest=Window(
                RowNumber(),
                partition_by=[F("response__member_id")],
                order_by=[F("response__created_at").desc(), F("response_id").desc()],
            )
        )
        .filter(latest=1)
        .annotate(
            bought_again=Exists(
                purchases.filter(
                    occurred_at__gt=answered, occurred_at__lte=answered + timedelta(days=REPURCHASE_DAYS)
                )
            ),
            bought_lately=Exists(
                purchases.filter(occurred_at__gt=now - timedelta(days=churn_days), occurred_at__lte=now)
            ),
            churn_risk=risk_column,
        )
        .order_by()
        .values_list("number", "response__created_at", "bought_again", "bought_lately", "churn_risk")
    )
    window_ended = now - timedelta(days=REPURCHASE_DAYS)
    customers = [
        Customer(
            answer=number,
            bought_again=bought_again if created <= window_ended else None,
            churned=(None if risk is None else risk >= PREDICTED_CHURN_FROM) if run else not bought_lately,
        )
        for number, created, bought_again, bought_lately, risk in latest
        if number is not None  # filtered so above; the column may hold none
    ]
    return NpsOutcomes(
        groups=outcomes_by_group(customers),
        as_of=now,
        repurchase_days=REPURCHASE_DAYS,
        churn_run=run,
        churn_days=churn_days,
    )
