"""Churn-risk score per customer from behavioural features, with its main reasons (scikit-learn).

- Features at a cutoff (`facts.py`, purchases at or before it): recency, frequency (purchase days),
  mean spend, tenure, regularity of the inter-purchase time (its coefficient of variation), how overdue
  the customer is against their usual gap, share of promotion purchases, share returned, and any
  per-customer counts given (problems, complaints, unresolved cases), missing counts taken as 0.
- Label: churned = no purchase in the `horizon_days` after the cutoff.
- Validation is out of time: the model is fitted on the features at `cutoff - horizon` labelled by the
  window (cutoff - horizon, cutoff], and scored on the features at `cutoff` labelled by
  (cutoff, cutoff + horizon], which it never saw. Its ROC AUC there is reported next to that of recency
  alone (the baseline any churn score must beat).
- Models: logistic regression on standardised log1p features (the default; missing values take the
  training median), or histogram gradient boosting (missing values handled natively).
- Reasons: the features that push the customer's risk up the most. For logistic regression, the
  contribution of feature j is coef_j x z_j, its standardised (transformed) value times its coefficient:
  exactly its share of the log-odds against an average customer. For gradient boosting, the
  contribution is the risk minus the risk with feature j set to the training median ("what if this
  customer were typical in j"), one batch prediction per feature. Only positive contributions are
  reasons.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import numpy as np
import polars as pl
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from threadpoolctl import threadpool_limits

from patronage.analytics.clv._fitting import FloatArray
from patronage.analytics.facts import customer_facts
from patronage.analytics.rfm import as_datetime
from patronage.core.errors import ValidationFailed

Method = Literal["logistic", "boosting"]
BASE_FEATURES = ("recency_days", "purchase_days", "mean_spend", "tenure_days", "ipt_cv", "overdue")
REASONS = 3


@dataclass(frozen=True)
class ChurnModel:
    """A fitted churn model: its method, feature names, the pipeline and the training medians."""

    method: Method
    features: tuple[str, ...]
    pipeline: Pipeline
    medians: FloatArray

    def risk(self, frame: pl.DataFrame) -> FloatArray:
        """Probability of churn in the horizon for each row."""
        matrix = _matrix(frame, self.features)
        with _threads(matrix.shape[0]):
            probabilities: FloatArray = self.pipeline.predict_proba(matrix)[:, 1]
        return probabilities


@dataclass(frozen=True)
class ChurnStudy:
    """The model, its holdout AUC against recency alone's, and the holdout customers' scores."""

    model: ChurnModel
    auc: float
    baseline_auc: float
    train_customers: int
    holdout_customers: int
    holdout: pl.DataFrame


def _threads(rows: int) -> AbstractContextManager[object]:
    """One OpenMP thread below 100,000 rows: there, gradient boosting's threads cost more than they save,
    and on a busy machine their spin-waits made a 0.3 s fit take 6 s."""
    return threadpool_limits(1, user_api="openmp") if rows < 100_000 else nullcontext()


def _matrix(frame: pl.DataFrame, features: tuple[str, ...]) -> FloatArray:
    matrix: FloatArray = frame.select(pl.col(features).cast(pl.Float64)).to_numpy()
    return matrix


def churn_dataset(
    *,
    transactions: pl.DataFrame,
    customer_col: str,
    date_col: str,
    cutoff: date | datetime,
    horizon_days: int,
    amount_col: str | None = None,
    promo_col: str | None = None,
    return_col: str | None = None,
    problems: pl.DataFrame | None = None,
    active_within_days: float | None = None,
    labelled: bool = True,
) -> pl.DataFrame:
    """Features at the cutoff for every customer who bought by it, and (if labelled) `churned`.

    `problems` holds per-customer numeric columns (e.g. problems, complaints, unresolved) keyed by
    `customer_col`; they become features, 0 for customers without a row. With `active_within_days`, only
    customers who bought within that many days before the cutoff are kept: the ones a retention team can
    still save, and a harder test than telling long-gone customers from active ones."""
    if horizon_days <= 0:
        raise ValidationFailed("the horizon must be a positive number of days", field="horizon_days")
    cut = as_datetime(cutoff)
    frame = customer_facts(
        transactions=transactions,
        customer_col=customer_col,
        date_col=date_col,
        as_of=cut,
        amount_col=amount_col,
        promo_col=promo_col,
        return_col=return_col,
    )
    if active_within_days is not None:
        frame = frame.filter(pl.col("recency_days") <= active_within_days)
    shares = [name for name, given in (("promo_share", promo_col), ("return_share", return_col)) if given]
    frame = frame.select(customer_col, *BASE_FEATURES, *shares)
    if problems is not None:
        if customer_col not in problems.columns:
            raise ValidationFailed(f"the problems have no column {customer_col!r}", field="problems")
        extra = [c for c in problems.columns if c != customer_col]
        frame = frame.join(problems, on=customer_col, how="left").with_columns(
            pl.col(extra).cast(pl.Float64).fill_null(0.0)
        )
    if not labelled:
        return frame
    when = pl.col(date_col).cast(pl.Datetime("us"))
    window = (when > cut) & (when <= cut + timedelta(days=horizon_days))
    buyers = transactions.filter(window).select(pl.col(customer_col).unique(), pl.lit(False).alias("churned"))
    return frame.join(buyers, on=customer_col, how="left").with_columns(pl.col("churned").fill_null(True))


def _features(frame: pl.DataFrame, customer_col: str) -> tuple[str, ...]:
    return tuple(c for c in frame.columns if c not in (customer_col, "churned"))


def _log1p(x: FloatArray) -> FloatArray:
    return np.log1p(np.maximum(x, 0.0))


def _pipeline(method: Method, seed: int) -> Pipeline:
    if method == "logistic":
        return make_pipeline(
            SimpleImputer(strategy="median"),
            FunctionTransformer(_log1p),
            StandardScaler(),
            LogisticRegression(C=1.0, max_iter=1000),
        )
    if method == "boosting":
        return make_pipeline(
            HistGradientBoostingClassifier(
                max_iter=150,
                learning_rate=0.05,
                max_leaf_nodes=7,
                min_samples_leaf=50,
                l2_regularization=1.0,
                random_state=seed,
            )
        )
    raise ValidationFailed(f"unknown method {method!r}: use logistic or boosting", field="method")


def churn_model_fit(
    *, dataset: pl.DataFrame, customer_col: str, method: Method = "logistic", seed: int = 0
) -> ChurnModel:
    """Fits the model to a labelled dataset (`churn_dataset`)."""
    labels = dataset["churned"].to_numpy()
    if labels.all() or not labels.any():
        raise ValidationFailed(
            "the training window needs both churned and retained customers", field="cutoff"
        )
    features = _features(dataset, customer_col)
    matrix = _matrix(dataset, features)
    with _threads(matrix.shape[0]):
        pipeline = _pipeline(method, seed).fit(matrix, labels)
    medians = np.nanmedian(matrix, axis=0)
    return ChurnModel(method=method, features=features, pipeline=pipeline, medians=np.nan_to_num(medians))


def churn_contributions(model: ChurnModel, frame: pl.DataFrame) -> FloatArray:
    """Per customer and feature, how much the feature raises the risk (see the module's docstring)."""
    matrix = _matrix(frame, model.features)
    if model.method == "logistic":
        *transforms, logistic = (step for _, step in model.pipeline.steps)
        transformed = matrix
        for step in transforms:
            transformed = step.transform(transformed)
        contributions: FloatArray = transformed * logistic.coef_[0]
        return contributions
    risk = model.risk(frame)
    result = np.empty_like(matrix)
    for j in range(matrix.shape[1]):  # one batch prediction per feature, never one per customer
        typical = matrix.copy()
        typical[:, j] = model.medians[j]
        with _threads(matrix.shape[0]):
            result[:, j] = risk - model.pipeline.predict_proba(typical)[:, 1]
    return result


def churn_risk(*, model: ChurnModel, frame: pl.DataFrame, customer_col: str) -> pl.DataFrame:
    """customer, churn_risk, and reason_1..3 (feature names, null where fewer features raise the risk)."""
    if frame.height == 0:
        reasons_schema = {f"reason_{k + 1}": pl.String for k in range(min(REASONS, len(model.features)))}
        return frame.select(customer_col).with_columns(
            pl.lit(None, dtype=pl.Float64).alias("churn_risk"),
            *(pl.lit(None, dtype=kind).alias(name) for name, kind in reasons_schema.items()),
        )
    risk = model.risk(frame)
    contributions = churn_contributions(model, frame)
    order = np.argsort(-contributions, axis=1, kind="stable")[:, :REASONS]
    names = np.array(model.features, dtype=object)
    top = np.take_along_axis(contributions, order, axis=1)
    reasons = np.where(top > 0, names[order], np.array(None, dtype=object))
    columns: dict[str, Any] = {customer_col: frame[customer_col], "churn_risk": risk}
    for k in range(min(REASONS, len(model.features))):
        columns[f"reason_{k + 1}"] = pl.Series(reasons[:, k].tolist(), dtype=pl.String)
    return pl.DataFrame(columns)


def churn_study(
    *,
    transactions: pl.DataFrame,
    customer_col: str,
    date_col: str,
    cutoff: date | datetime,
    horizon_days: int = 90,
    method: Method = "logistic",
    seed: int = 0,
    amount_col: str | None = None,
    promo_col: str | None = None,
    return_col: str | None = None,
    problems: pl.DataFrame | None = None,
    active_within_days: float | None = None,
) -> ChurnStudy:
    """Fits on the window before `cutoff`, validates on the window after it (see the module's docstring)."""
    options: dict[str, Any] = {
        "transactions": transactions,
        "customer_col": customer_col,
        "date_col": date_col,
        "horizon_days": horizon_days,
        "amount_col": amount_col,
        "promo_col": promo_col,
        "return_col": return_col,
        "problems": problems,
        "active_within_days": active_within_days,
    }
    cut = as_datetime(cutoff)
    train = churn_dataset(cutoff=cut - timedelta(days=horizon_days), **options)
    holdout = churn_dataset(cutoff=cut, **options)
    model = churn_model_fit(dataset=train, customer_col=customer_col, method=method, seed=seed)
    scores = churn_risk(model=model, frame=holdout, customer_col=customer_col)
    labels = holdout["churned"].to_numpy()
    if labels.all() or not labels.any():
        raise ValidationFailed("the holdout window needs both churned and retained customers", field="cutoff")
    return ChurnStudy(
        model=model,
        auc=float(roc_auc_score(labels, scores["churn_risk"].to_numpy())),
        baseline_auc=float(roc_auc_score(labels, holdout["recency_days"].to_numpy())),
        train_customers=train.height,
        holdout_customers=holdout.height,
        holdout=scores.with_columns(holdout["churned"]),
    )
