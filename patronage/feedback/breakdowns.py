"""A survey's scores group by group (tier, store, channel, agent, lifetime-value band, language). Pure: no
database.

The database counts each group's answers per point of each scale (one grouped query); each group's NPS,
CSAT and CES come from those counts through the same functions as the survey's own scores (scores.py), so
a group's NPS is exactly the survey's NPS over that group's answers. A score over fewer than MIN_ANSWERS
answers is too few to read: its interval spans most of the scale, and the console greys it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from patronage.feedback.questions import QuestionType
from patronage.feedback.scores import Score, ces, csat, nps

__all__ = ["MIN_ANSWERS", "SCORED", "GroupScores", "group_scores", "too_few"]

MIN_ANSWERS = 5
SCORED = (QuestionType.NPS, QuestionType.CSAT, QuestionType.CES)
# Answers per point of one scale: {9: 12, 10: 30, ...}
PointCounts = Mapping[int, int]


@dataclass(frozen=True)
class GroupScores:
    key: str  # what the group is in data (a channel's code, a store's id); "" for responses outside any
    label: str  # as a reader names it
    responses: int
    nps: Score
    csat: Score
    ces: Score

    @property
    def too_few(self) -> bool:
        """None of the group's scores rests on enough answers to read."""
        return all(too_few(score) for score in (self.nps, self.csat, self.ces))


def too_few(score: Score) -> bool:
    return score.n < MIN_ANSWERS


def _answers(counts: PointCounts) -> np.ndarray:
    points = np.fromiter(counts.keys(), dtype=np.float64, count=len(counts))
    return np.repeat(points, np.fromiter(counts.values(), dtype=np.int64, count=len(counts)))


def group_scores(
    *, key: str, label: str, responses: int, counts: Mapping[QuestionType, PointCounts]
) -> GroupScores:
    """The group's scores from its answers per point of each scored question (a missing scale: no answers)."""
    return GroupScores(
        key=key,
        label=label,
        responses=responses,
        nps=nps(_answers(counts.get(QuestionType.NPS, {}))),
        csat=csat(_answers(counts.get(QuestionType.CSAT, {}))),
        ces=ces(_answers(counts.get(QuestionType.CES, {}))),
    )
