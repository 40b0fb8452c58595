from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictBool, create_model
from pydantic import Field as PydanticField

from patronage.analytics.models import AnalysisRun
from patronage.analytics.selectors import NpsOutcomes
from patronage.analytics.whatif import TARP_MINOR
from patronage.api.errors import UNWRAPPED_PREFIXES
from patronage.api.schemas.common import Day, whole


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


MAX_CUSTOMERS = 10**10
MAX_VALUE = 10**12

# As analytics.params.KINDS (a test keeps the two the same).
AnalysisKind = Literal["clv", "churn", "loyalty", "deal_seekers", "service", "whatif"]


class _Params(BaseModel):
    """An analysis' parameters as the API takes them: JSON numbers, booleans and ISO dates, each within
    the bounds analytics.params checks (a test keeps the two the same); null or left out: the default."""

    model_config = ConfigDict(extra="forbid")

    window_start: Day | None = None
    window_end: Day | None = PydanticField(
        None, description="the last day read; not before window_start (422 otherwise, naming window_end)"
    )


# Bounded numbers, the bounds inside the optional type so that the document states them.
def _whole(low: int, high: int) -> Any:
    return Annotated[int, PydanticField(strict=True, ge=low, le=high), BeforeValidator(whole)] | None


def _number(low: float, high: float) -> Any:
    return Annotated[float, PydanticField(strict=True, ge=low, le=high)] | None


class ClvParams(_Params):
    model: Literal["bgnbd", "pareto"] | None = None
    time_unit: Literal["D", "W", "M"] | None = None
    calibration_end: Day | None = PydanticField(
        None, description="the last day of the calibration period; before window_end (422 otherwise)"
    )
    horizon_days: _whole(1, 3650) = None  # type: ignore[valid-type]
    margin: _number(0, 1) = None  # type: ignore[valid-type]
    discount_rate: _number(0, 1) = None  # type: ignore[valid-type]


class ChurnParams(_Params):
    horizon_days: _whole(7, 730) = None  # type: ignore[valid-type]
    method: Literal["logistic", "boosting"] | None = None
    period: Literal["W", "M", "Q"] | None = None
    active_within_days: _whole(1, 3650) = None  # type: ignore[valid-type]


class LoyaltyParams(_Params):
    half_life_days: _number(1, 3650) = None  # type: ignore[valid-type]
    full_tenure_days: _number(1, 7300) = None  # type: ignore[valid-type]


class DealSeekersParams(_Params):
    share_threshold: _number(0, 1) = None  # type: ignore[valid-type]
    min_purchases: _whole(1, 1000) = None  # type: ignore[valid-type]
    horizon_days: _whole(7, 730) = None  # type: ignore[valid-type]


class ServiceParams(_Params):
    repurchase_days: _whole(7, 1460) = None  # type: ignore[valid-type]
    quick_hours: _number(0.1, 720) = None  # type: ignore[valid-type]


class WhatIfParams(ServiceParams):
    calibrate: StrictBool | None = None
    change: _number(0.01, 0.99) = None  # type: ignore[valid-type]
    customers: _number(0, MAX_CUSTOMERS) = None  # type: ignore[valid-type]
    value: _number(0, MAX_VALUE) = None  # type: ignore[valid-type]
    problem_rate: _number(0, 1) = None  # type: ignore[valid-type]
    complaint_rate: _number(0, 1) = None  # type: ignore[valid-type]
    resolution_rate: _number(0, 1) = None  # type: ignore[valid-type]
    quick_rate: _number(0, 1) = None  # type: ignore[valid-type]
    repurchase_none: _number(0, 1) = None  # type: ignore[valid-type]
    repurchase_silent: _number(0, 1) = None  # type: ignore[valid-type]
    repurchase_unresolved: _number(0, 1) = None  # type: ignore[valid-type]
    repurchase_slow: _number(0, 1) = None  # type: ignore[valid-type]
    repurchase_quick: _number(0, 1) = None  # type: ignore[valid-type]


PARAMS_BY_KIND: dict[str, type[_Params]] = {
    "clv": ClvParams,
    "churn": ChurnParams,
    "loyalty": LoyaltyParams,
    "deal_seekers": DealSeekersParams,
    "service": ServiceParams,
    "whatif": WhatIfParams,
}


class RunRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str
    params: _Params

    def given(self) -> dict[str, Any]:
        """The parameters sent, as analytics.params takes them (dates as text)."""
        return self.params.model_dump(exclude_unset=True, mode="json")


def _run_request(kind: str, params: type[_Params]) -> type[RunRequest]:
    return create_model(
        f"{params.__name__.removesuffix('Params')}RunRequestIn",
        __base__=RunRequest,
        kind=(Literal[kind], Field(description="the analysis")),  # type: ignore[arg-type]
        params=(params, Field(default_factory=params, description="see docs/guide/analytics.md")),
    )


ClvRunIn = _run_request("clv", ClvParams)
ChurnRunIn = _run_request("churn", ChurnParams)
LoyaltyRunIn = _run_request("loyalty", LoyaltyParams)
DealSeekersRunIn = _run_request("deal_seekers", DealSeekersParams)
ServiceRunIn = _run_request("service", ServiceParams)
WhatIfRunIn = _run_request("whatif", WhatIfParams)
# An error in a kind's parameters names the parameter, as analytics.params does.
UNWRAPPED_PREFIXES.update((kind, "params") for kind in PARAMS_BY_KIND)
# One shape per kind, told apart by `kind`: the document lists each kind's own parameters.
RunRequestIn = Annotated[
    ClvRunIn | ChurnRunIn | LoyaltyRunIn | DealSeekersRunIn | ServiceRunIn | WhatIfRunIn,  # type: ignore[valid-type]
    PydanticField(discriminator="kind"),
]


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
    kind: AnalysisKind | None = None


class WhatIfIn(Schema):
    """The study's inputs (TARP's published figures by default); shares and rates are fractions."""

    # JSON numbers only: "0.5" or true is refused rather than guessed at.
    model_config = ConfigDict(extra="forbid", strict=True)

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


class ShareOut(Schema):
    """`count` of `of` customers, as a share (0-1) with Wilson's 95% interval; null when `of` is 0."""

    count: int
    of: int
    value: float | None
    low: float | None
    high: float | None


class NpsGroupOut(Schema):
    group: Literal["promoter", "passive", "detractor"]
    customers: int = Field(..., description="customers whose latest NPS answer is in the group")
    repurchase: ShareOut = Field(
        ...,
        description="bought again within repurchase_days of answering, of those who answered that long ago",
    )
    churn: ShareOut = Field(..., description="predicted (churn_run) or observed churned")


class NpsOutcomesOut(Schema):
    """Repurchase and churn of promoters, passives and detractors (docs/guide/analytics-methods.md)."""

    as_of: datetime
    repurchase_days: int
    churn_method: Literal["predicted", "observed"]
    churn_run: int | None = Field(..., description="the churn run whose risks of 0.5 or more predict churn")
    churn_days: int = Field(
        ..., description="the churn horizon: the run's, or the days without a purchase that count as churned"
    )
    groups: list[NpsGroupOut]

    @staticmethod
    def resolve_churn_method(outcomes: NpsOutcomes) -> str:
        return "predicted" if outcomes.churn_run is not None else "observed"

    @staticmethod
    def resolve_churn_run(outcomes: NpsOutcomes) -> int | None:
        return outcomes.churn_run.pk if outcomes.churn_run is not None else None
