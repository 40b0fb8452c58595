"""RFM segments: quintile scores of recency, frequency and monetary value, named by a stated rule table.

Scores (1 to 5, 5 best) come from each customer's share of customers they beat, with ties sharing a
score: score = ceil(5 x average rank / customers), ranks running from worst to best. Recency is the
days since the last purchase (fewer is better), frequency the days with a purchase, monetary the mean
spend per purchase. Ranks with ties matter: most customers bought once, and one-time buyers must all
get the same frequency score rather than be spread over several by an arbitrary order.

Segments, the first matching rule winning (R, F, M the scores):

| segment | rule |
| --- | --- |
| Champions | R >= 4, F >= 4, M >= 4 |
| Loyal | R >= 3, F >= 4 |
| Potential loyalists | R >= 4, F 2-3 |
| New | R >= 4, F = 1 |
| Need attention | R = 3, F 2-3 |
| Promising | R = 3, F = 1 |
| Can't lose them | R <= 2, F >= 4, M >= 4 |
| At risk | R <= 2, F >= 3 |
| Hibernating | R = 2, F <= 2 |
| Lost | everyone else (R = 1, F <= 2) |

A frequency score of 1 means the lowest fifth; on a log where more than a fifth bought once, every
one-time buyer scores F = 1 or 2 (the tie's average rank decides which), so "New" may also show as
"Potential loyalists" on such data: read the table with the scores it shows.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SEGMENTS = (
    "Champions",
    "Loyal",
    "Potential loyalists",
    "New",
    "Need attention",
    "Promising",
    "Can't lose them",
    "At risk",
    "Hibernating",
    "Lost",
)

# Each segment as the reader reads it (the names above are the stored values).
SEGMENT_LABELS: dict[str, str | Promise] = {
    "Champions": _("Champions"),
    "Loyal": _("Loyal"),
    "Potential loyalists": _("Potential loyalists"),
    "New": _("New"),
    "Need attention": _("Need attention"),
    "Promising": _("Promising"),
    "Can't lose them": _("Can't lose them"),
    "At risk": _("At risk"),
    "Hibernating": _("Hibernating"),
    "Lost": _("Lost"),
}


def quintile_score(values: pl.Expr, *, higher_is_better: bool = True) -> pl.Expr:
    """1-5 from the average rank among all rows; equal values share a score."""
    ranked = values if higher_is_better else -values
    rank = ranked.rank(method="average")
    return (5 * rank / pl.len()).ceil().clip(1, 5).cast(pl.Int8)


def _segment() -> pl.Expr:
    r, f, m = pl.col("r_score"), pl.col("f_score"), pl.col("m_score")
    rules = [
        ((r >= 4) & (f >= 4) & (m >= 4), "Champions"),
        ((r >= 3) & (f >= 4), "Loyal"),
        ((r >= 4) & f.is_between(2, 3), "Potential loyalists"),
        ((r >= 4) & (f == 1), "New"),
        ((r == 3) & f.is_between(2, 3), "Need attention"),
        ((r == 3) & (f == 1), "Promising"),
        ((r <= 2) & (f >= 4) & (m >= 4), "Can't lose them"),
        ((r <= 2) & (f >= 3), "At risk"),
        ((r == 2) & (f <= 2), "Hibernating"),
    ]
    expression: Any = pl.when(rules[0][0]).then(pl.lit(rules[0][1]))
    for condition, name in rules[1:]:
        expression = expression.when(condition).then(pl.lit(name))
    return expression.otherwise(pl.lit("Lost"))


def rfm_segments(*, facts: pl.DataFrame, customer_col: str) -> pl.DataFrame:
    """Per customer of `facts` (`customer_facts`): r_score, f_score, m_score, rfm ("545") and segment."""
    if facts.height == 0:
        return (
            facts.select(customer_col)
            .with_columns(
                pl.lit(None, dtype=pl.Int8).alias(name) for name in ("r_score", "f_score", "m_score")
            )
            .with_columns(
                pl.lit(None, dtype=pl.String).alias("rfm"), pl.lit(None, dtype=pl.String).alias("segment")
            )
        )
    scored = facts.select(
        customer_col,
        quintile_score(pl.col("recency_days"), higher_is_better=False).alias("r_score"),
        quintile_score(pl.col("purchase_days").cast(pl.Float64)).alias("f_score"),
        quintile_score(pl.col("mean_spend")).alias("m_score"),
    )
    return scored.with_columns(
        pl.concat_str([pl.col(name).cast(pl.String) for name in ("r_score", "f_score", "m_score")]).alias(
            "rfm"
        ),
        _segment().alias("segment"),
    )
