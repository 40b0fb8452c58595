from datetime import datetime
from typing import Any

from ninja import Field, Schema

from patronage.analytics.models import AnalysisRun
from patronage.analytics.whatif import TARP_MINOR


class RunSummaryOut(Schema):
    """A run without its result: what it computes, on which data, and how far it is."""

    id: int
    kind: str
    status: str
    params: dict[str, Any]
    window_start: datetime | None
    window_end: datetime
    progress: int
    progress_message: str
    error: str
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_created_by(run: AnalysisRun) -> str | None:
        return run.created_by.get_username() if run.created_by is not None else None


class RunOut(RunSummaryOut):
    """A run with its result: summaries, tables and the series the console's charts draw."""

    result: dict[str, Any]


class RunRequestIn(Schema):
    kind: str = Field(..., description="clv, churn, loyalty, deal_seekers, service or whatif")
    params: dict[str, Any] = Field(default_factory=dict, description="see docs/guide/analytics.md")


class ScoreOut(Schema):
    member_id: int
    rfm_segment: str
    frequency: float | None
    recency: float | None
    T: float | None
    monetary: float | None
    p_alive: float | None
    expected_purchases: float | None
    expected_spend: float | None
    clv: float | None
    churn_risk: float | None
    churn_reasons: list[str]
    loyalty_index: float | None
    deal_seeker: bool | None


class ScoreFilters(Schema):
    segment: str | None = Field(None, description="an RFM segment, e.g. Champions")


class RunFilters(Schema):
    kind: str | None = None


MAX_CUSTOMERS = 10**10
MAX_VALUE = 10**12


class WhatIfIn(Schema):
    """The study's inputs (TARP's published figures by default); shares and rates are fractions."""

    # Bounds far past any business and far inside a float: 1e308 customers overflowed the study.
    customers: float = Field(TARP_MINOR.customers, ge=0, le=MAX_CUSTOMERS)
    problem_rate: float = Field(TARP_MINOR.problem_rate, ge=0, le=1)
    complaint_rate: float = Field(TARP_MINOR.complaint_rate, ge=0, le=1)
    resolution_rate: float = Field(TARP_MINOR.resolution_rate, ge=0, le=1)
    quick_rate: float = Field(TARP_MINOR.quick_rate, ge=0, le=1)
    repurchase_none: float = Field(TARP_MINOR.repurchase_none, ge=0, le=1)
    repurchase_silent: float = Field(TARP_MINOR.repurchase_silent, ge=0, le=1)
    repurchase_unresolved: float = Field(TARP_MINOR.repurchase_unresolved, ge=0, le=1)
    repurchase_slow: float = Field(TARP_MINOR.repurchase_slow, ge=0, le=1)
    repurchase_quick: float = Field(TARP_MINOR.repurchase_quick, ge=0, le=1)
    value: float = Field(TARP_MINOR.value, ge=0, le=MAX_VALUE, description="a customer's yearly value")
    change: float = Field(0.10, gt=0, lt=1, description="the tornado's relative change of each input")


class WhatIfOut(Schema):
    inputs: dict[str, float]
    groups: dict[str, float]
    customers_lost: float
    sales_lost: float
    projects: list[dict[str, Any]]
    tornado: list[dict[str, Any]]
    change: float
