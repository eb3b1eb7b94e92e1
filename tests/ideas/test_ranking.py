"""Trending arithmetic: pure functions, no database."""

from __future__ import annotations

import math
from datetime import timedelta

from ideas import ranking

T0 = ranking.EPOCH + timedelta(days=400)


def test_adding_then_removing_an_event_restores_the_score() -> None:
    score = ranking.from_events([T0, T0 + timedelta(days=1)])
    added = ranking.with_event(score, T0 + timedelta(days=3))
    assert math.isclose(ranking.without_event(added, T0 + timedelta(days=3)), score, rel_tol=1e-9)


def test_a_recent_vote_outweighs_an_old_one_by_the_half_life() -> None:
    old = ranking.from_events([T0])
    recent = ranking.from_events([T0 + ranking.HALF_LIFE])
    two_old = ranking.from_events([T0, T0])
    assert math.isclose(recent, two_old, rel_tol=1e-9)
    assert recent > old


def test_recent_demand_beats_more_but_older_demand() -> None:
    many_old = ranking.from_events([T0] * 10)
    few_new = ranking.from_events([T0 + timedelta(days=35)] * 2)  # five half-lives later
    assert few_new > many_old


def test_removing_the_only_event_leaves_an_empty_score() -> None:
    assert ranking.without_event(ranking.from_events([T0]), T0) == ranking.EMPTY
    assert ranking.without_event(ranking.EMPTY, T0) == ranking.EMPTY
