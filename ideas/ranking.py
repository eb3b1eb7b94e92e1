"""Trending order without counting votes on page views.

An idea's trending score is ``ln(sum(exp((t_i - EPOCH) / TAU)))`` over its votes (and its
own submission). Every vote's weight halves every ``HALF_LIFE``; because the decay
multiplies every idea's sum by the same factor, ordering by this stored number equals
ordering by the decayed vote sum at any moment. Adding or removing one vote only needs
the current score and the vote's time, so the score is updated in place and indexed.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
HALF_LIFE = timedelta(days=7)
TAU_SECONDS = HALF_LIFE.total_seconds() / math.log(2)
# The score of an idea with no weight at all (far below any real vote's exponent).
EMPTY = -1.0e6


def exponent(at: datetime) -> float:
    return (at - EPOCH).total_seconds() / TAU_SECONDS


def with_event(score: float, at: datetime) -> float:
    """The score after adding one event (a vote, a submission) that happened at ``at``."""
    x = exponent(at)
    if score <= EMPTY:
        return x
    high, low = max(score, x), min(score, x)
    return high + math.log1p(math.exp(low - high))


def without_event(score: float, at: datetime) -> float:
    """The score after removing one event that happened at ``at``.

    When the event carried (nearly) all of the weight the result is ``EMPTY``.
    """
    x = exponent(at)
    if score <= EMPTY or x >= score:
        return EMPTY
    remainder = -math.expm1(x - score)
    if remainder <= 1e-12:
        return EMPTY
    return score + math.log(remainder)


def from_events(times: list[datetime]) -> float:
    score = EMPTY
    for at in sorted(times):
        score = with_event(score, at)
    return score
