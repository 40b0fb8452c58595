"""A survey's scores from its answers, each with a 95% confidence interval. Pure: no database.

- NPS (net promoter score) = % promoters (9-10) - % detractors (0-6) over the answered NPS questions only,
  from -100 to 100. Its interval treats each answer as one draw of a three-way (multinomial) choice, so the
  variance of the difference of the promoter and detractor shares is (p_p + p_d - (p_p - p_d)²) / n; the
  interval is the normal approximation ± z·√var, clipped to [-100, 100] (Rocks, "Interval estimation for the
  'net promoter score'", The American Statistician 70(4), 2016, the Wald interval). Like every Wald interval
  it shrinks to a point when all answers fall in one group, and is rough below a few dozen answers.
- CSAT = % of answers of 4 or 5 on the 1-5 scale, with Wilson's interval (it stays inside 0-100).
- CES = the mean effort on the 1-7 scale, with Student's t interval (none below two answers).
- Response rate = % of invitations answered, with Wilson's interval.

Percentages are 0-100, as a manager reads them. Answers come as a sequence of ints with None for "not
answered", or a NumPy array with NaN there; both are vectorised, so 100,000 answers take milliseconds. No
answers give n=0 and None for the rest: a dashboard shows "no answers yet", never a division by zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from django.utils.translation import gettext as _
from scipy import stats

from patronage.core.errors import ValidationFailed
from patronage.core.intervals import FloatArray, Interval, mean_interval, wilson_interval
from patronage.feedback.questions import FIXED_SCALES, QuestionType

__all__ = ["NO_ANSWERS", "NpsGroup", "Score", "ces", "csat", "nps", "nps_group", "response_rate"]

# Answers as stored: None where a question was left unanswered; or an array with NaN there.
Answers = Iterable[int | None] | FloatArray

PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6
SATISFIED_FROM = 4
Z_95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Score:
    """A score with the bounds of its 95% confidence interval, over n answers (or invitations)."""

    value: float | None
    low: float | None
    high: float | None
    n: int


NO_ANSWERS = Score(value=None, low=None, high=None, n=0)


class NpsGroup(StrEnum):
    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"


def nps_group(answer: int) -> NpsGroup:
    """Promoter (9-10), passive (7-8) or detractor (0-6)."""
    _answered([answer], QuestionType.NPS)
    if answer >= PROMOTER_FROM:
        return NpsGroup.PROMOTER
    return NpsGroup.DETRACTOR if answer <= DETRACTOR_UP_TO else NpsGroup.PASSIVE


def _answered(answers: Answers, scale: QuestionType) -> FloatArray:
    """The answered values as floats; ValidationFailed when one is off the question type's scale."""
    if isinstance(answers, np.ndarray):
        values = answers.astype(np.float64, copy=False)
    else:
        values = np.fromiter((math.nan if a is None else a for a in answers), dtype=np.float64)
    values = values[~np.isnan(values)]
    low, high = FIXED_SCALES[scale]
    if np.any((values < low) | (values > high) | (values != np.floor(values))):
        raise ValidationFailed(
            _("the answers must be whole numbers from %(low)d to %(high)d") % {"low": low, "high": high},
            field="answers",
        )
    return values


def _percent(interval: Interval, n: int) -> Score:
    return Score(
        value=100 * float(interval.estimate),
        low=100 * float(interval.low),
        high=100 * float(interval.high),
        n=n,
    )


def nps(answers: Answers) -> Score:
    """The net promoter score (-100 to 100) of the answered NPS questions, with its Wald interval."""
    values = _answered(answers, QuestionType.NPS)
    n = values.size
    if n == 0:
        return NO_ANSWERS
    promoters = np.count_nonzero(values >= PROMOTER_FROM) / n
    detractors = np.count_nonzero(values <= DETRACTOR_UP_TO) / n
    net = promoters - detractors
    # max(0, ...): rounding could take a zero variance (all answers in one group) a hair below zero.
    half = Z_95 * math.sqrt(max(0.0, promoters + detractors - net**2) / n)
    return Score(
        value=100 * net, low=max(-100.0, 100 * (net - half)), high=min(100.0, 100 * (net + half)), n=n
    )


def csat(answers: Answers) -> Score:
    """The % of CSAT answers of 4 or 5, with Wilson's interval."""
    values = _answered(answers, QuestionType.CSAT)
    if values.size == 0:
        return NO_ANSWERS
    return _percent(wilson_interval(np.count_nonzero(values >= SATISFIED_FROM), values.size), values.size)


def ces(answers: Answers) -> Score:
    """The mean customer effort (1-7), with Student's t interval (no bounds for a single answer)."""
    values = _answered(answers, QuestionType.CES)
    if values.size == 0:
        return NO_ANSWERS
    interval = mean_interval(values)
    bounds = (None, None) if values.size < 2 else (float(interval.low), float(interval.high))
    return Score(value=float(interval.estimate), low=bounds[0], high=bounds[1], n=values.size)


def response_rate(answered: int, invited: int) -> Score:
    """The % of invitations answered, with Wilson's interval; n is the invitations."""
    if not 0 <= answered <= invited:
        raise ValidationFailed(
            _("the answered invitations must be from 0 to those invited"), field="answered"
        )
    if invited == 0:
        return NO_ANSWERS
    return _percent(wilson_interval(answered, invited), invited)
