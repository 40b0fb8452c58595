"""Reading stored analyses: runs, the latest finished one per kind, per-customer scores and their exports."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from patronage.analytics.models import (
    ACTIVE_STATUSES,
    AnalysisKind,
    AnalysisRun,
    CustomerScore,
    RunStatus,
)
from patronage.core.errors import Conflict, NotFound, ValidationFailed
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
