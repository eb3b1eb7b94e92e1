"""Reads for scoring: the engine's inputs loaded in a fixed number of queries, and what the
scoring pages show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import F, QuerySet, Window
from django.db.models.functions import Rank
from django.utils import timezone

from ideas.models import Idea, Status, Vote
from portal.models import Product
from scoring import engine
from scoring.models import Goal, IdeaGoal, IdeaScore, Metric, Rating, Scorecard, ScoreHistory

IMPORTANCE_FIELDS = {
    "nice_to_have": "demand_nice_to_have",
    "important": "demand_important",
    "critical": "demand_critical",
    "deal_blocker": "demand_deal_blocker",
}


def active_scorecard(*, product: Product) -> Scorecard | None:
    return Scorecard.objects.filter(product=product, active=True).first()


def metric_specs(*, scorecard: Scorecard) -> list[engine.MetricSpec]:
    return [metric_spec(m) for m in scorecard.metrics.all()]


def metric_spec(metric: Metric) -> engine.MetricSpec:
    return engine.MetricSpec(
        key=metric.key,
        name=metric.name,
        kind=engine.Kind(metric.kind),
        weight=metric.weight,
        cost=metric.cost,
        scale=engine.Scale(metric.scale) if metric.scale else None,
        signal=engine.Signal(metric.signal) if metric.signal else None,
        rubric=metric.rubric,
    )


def goal_specs(*, product: Product) -> list[engine.GoalSpec]:
    return [
        engine.GoalSpec(key=str(g.pk), name=g.name, weight=float(g.weight), active=g.active)
        for g in Goal.objects.filter(product=product)
    ]


def product_goals(*, product: Product) -> QuerySet[Goal]:
    """The product's goals, active or not, in their order."""
    return Goal.objects.filter(product=product)


def scored_ideas(*, product: Product) -> QuerySet[Idea]:
    """The ideas a product's scorecard ranks: confirmed and not merged away."""
    return Idea.objects.filter(product=product, confirmed_at__isnull=False).exclude(
        status=Status.MERGED
    )


FRESH_VOTES_SQL = """
    SELECT v.idea_id,
           SUM(POWER(0.5::float8,
               GREATEST(EXTRACT(EPOCH FROM (%s - v.created_at))::float8, 0) / 86400.0 / %s))
    FROM ideas_vote v JOIN ideas_idea i ON i.id = v.idea_id
    WHERE i.product_id = %s AND (%s::bigint[] IS NULL OR v.idea_id = ANY(%s::bigint[]))
    GROUP BY v.idea_id
"""


def _fresh_votes(idea_ids: list[int] | None, product: Product, half_life: int) -> dict[int, float]:
    """Sum over each idea's votes of 0.5 ** (age in days / half-life): one query."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(FRESH_VOTES_SQL, [now, half_life, product.pk, idea_ids, idea_ids])
            return {idea_id: float(total) for idea_id, total in cursor.fetchall()}
    votes = Vote.objects.filter(idea__product=product)
    if idea_ids is not None:
        votes = votes.filter(idea_id__in=idea_ids)
    fresh: dict[int, float] = defaultdict(float)
    for idea_id, created in votes.values_list("idea_id", "created_at"):
        fresh[idea_id] += engine.freshness_weight(_age_days(now, created), half_life)
    return dict(fresh)


def _age_days(now: datetime, then: datetime) -> float:
    return max((now - then).total_seconds(), 0.0) / 86400.0


@dataclass(frozen=True)
class ScoringInputs:
    scorecard: Scorecard
    metrics: list[engine.MetricSpec]
    goals: list[engine.GoalSpec]
    ideas: list[engine.IdeaInputs]


def scoring_inputs(
    *, product: Product, scorecard: Scorecard, idea_ids: Iterable[int] | None = None
) -> ScoringInputs:
    """Everything the engine needs for these ideas (or all the product's), in five queries
    whatever their number: ideas with stored demand, ratings, goal links, fresh votes, and
    the metrics and goals themselves."""
    ids = list(idea_ids) if idea_ids is not None else None
    ideas = scored_ideas(product=product)
    if ids is not None:
        ideas = ideas.filter(pk__in=ids)
    rows = list(
        ideas.values_list(
            "pk", "vote_count", "account_count", "revenue_at_stake", *IMPORTANCE_FIELDS.values()
        )
    )
    row_ids = [row[0] for row in rows]
    metrics = list(scorecard.metrics.all())
    by_metric = {m.pk: m.key for m in metrics}
    ratings: dict[int, dict[str, float | None]] = defaultdict(dict)
    rating_rows = Rating.objects.filter(metric__scorecard=scorecard)
    if ids is not None:
        rating_rows = rating_rows.filter(idea_id__in=row_ids)
    for idea_id, metric_id, value in rating_rows.values_list("idea_id", "metric_id", "value"):
        ratings[idea_id][by_metric[metric_id]] = value
    strengths: dict[int, dict[str, int]] = defaultdict(dict)
    link_rows = IdeaGoal.objects.filter(goal__product=product)
    if ids is not None:
        link_rows = link_rows.filter(idea_id__in=row_ids)
    for idea_id, goal_id, strength in link_rows.values_list("idea_id", "goal_id", "strength"):
        strengths[idea_id][str(goal_id)] = strength
    fresh = _fresh_votes(row_ids if ids is not None else None, product, scorecard.half_life_days)
    inputs = []
    for pk, voters, accounts, revenue, *counts in rows:
        inputs.append(
            engine.IdeaInputs(
                idea_id=pk,
                ratings={**ratings.get(pk, {}), **_textbook_inputs(voters)},
                voters=voters,
                accounts=accounts,
                revenue=float(revenue),
                importance_points=engine.importance_points(
                    dict(zip(IMPORTANCE_FIELDS, counts, strict=True))
                ),
                fresh_votes=fresh.get(pk, 0.0),
                goal_strengths=strengths.get(pk, {}),
            )
        )
    return ScoringInputs(
        scorecard=scorecard,
        metrics=[metric_spec(m) for m in metrics],
        goals=goal_specs(product=product),
        ideas=inputs,
    )


def _textbook_inputs(voters: int) -> dict[str, float | None]:
    """RICE's reach is the number of people who asked (not a rating)."""
    return {"reach": float(voters)}


def stored_scale(scorecard: Scorecard) -> engine.DemandScale:
    data = scorecard.demand_scale or {}
    return engine.DemandScale(
        voters=float(data.get("voters", 0)),
        accounts=float(data.get("accounts", 0)),
        revenue=float(data.get("revenue", 0)),
        importance_points=float(data.get("importance_points", 0)),
        fresh_votes=float(data.get("fresh_votes", 0)),
    )


def widened(scale: engine.DemandScale, ideas: Iterable[engine.IdeaInputs]) -> engine.DemandScale:
    """The stored maxima, raised where these ideas go beyond them."""
    own = engine.demand_scale(ideas)
    return engine.DemandScale(
        voters=max(scale.voters, own.voters),
        accounts=max(scale.accounts, own.accounts),
        revenue=max(scale.revenue, own.revenue),
        importance_points=max(scale.importance_points, own.importance_points),
        fresh_votes=max(scale.fresh_votes, own.fresh_votes),
    )


def score_detail(*, idea: Idea) -> IdeaScore | None:
    return IdeaScore.objects.filter(idea=idea).select_related("scorecard").first()


def expand_components(detail: IdeaScore, metrics: list[Metric]) -> list[dict[str, Any]]:
    """The stored compact components, with each metric's name and kind, and its share of
    the total weight."""
    by_key = {m.key: m for m in metrics}
    rows = [c for c in detail.components if isinstance(c, list) and len(c) == 5]
    total_weight = sum(float(c[3] or 0) for c in rows)
    expanded = []
    for key, raw, normalised, weight, contribution in rows:
        metric = by_key.get(key)
        expanded.append(
            {
                "key": key,
                "name": metric.name if metric else key,
                "kind": metric.kind if metric else "",
                "raw": raw,
                "normalised": normalised,
                "weight": weight,
                "share": (float(weight) / total_weight) if total_weight else 0.0,
                "contribution": contribution,
                "missing": raw is None and metric is not None and metric.kind == "rating",
            }
        )
    return expanded


def score_history(*, idea: Idea, limit: int = 60) -> list[ScoreHistory]:
    return list(ScoreHistory.objects.filter(idea=idea)[:limit])


def idea_rank(*, idea: Idea) -> tuple[int, int]:
    """(rank, of how many) among the product's scored ideas; two queries."""
    ideas = scored_ideas(product=idea.product)
    return ideas.filter(score__gt=idea.score).count() + 1, ideas.count()


def log_scale_note() -> str:
    return (
        "Demand figures use a log scale: log(1 + value) / log(1 + the highest value in the "
        "product), so one huge account cannot swamp the rest."
    )


# --- Pages ------------------------------------------------------------------------------

RANKING_LIMIT = 50
RANKING_SORTS = {
    "score": ("-score", "-pk"),
    "votes": ("-vote_count", "-pk"),
    "revenue": ("-revenue_at_stake", "-pk"),
    "newest": ("-created_at", "-pk"),
}
OPEN_STATUSES = [Status.NEW, Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS]


@dataclass
class RankingRow:
    idea: Idea
    rank: int
    ratings: dict[str, float | None]
    missing: list[str]
    cells: list[RatingCell] = field(default_factory=list)


@dataclass
class RatingCell:
    """One inline rating input: the metric, the current value, and the scale's options
    with the current one marked (worked out here, not per option in the template)."""

    metric: Metric
    current: float | None
    options: list[tuple[str, bool]]


@dataclass
class RankingPage:
    rows: list[RankingRow]
    rating_metrics: list[Metric]
    scale_values: dict[str, list[str]]
    sort: str
    show: str
    scorecard: Scorecard | None
    offset: int = 0
    has_more: bool = False


def ranking_page(
    *,
    product: Product,
    sort: str = "score",
    show: str = "open",
    idea_ids: list[int] | None = None,
    limit: int = RANKING_LIMIT,
    offset: int = 0,
) -> RankingPage:
    """Ideas with their score, rank and ratings, ``limit`` from ``offset``. Four queries
    whatever the rows: the scorecard, its metrics, the ideas, their ratings (ranks come
    from one window query). With ``idea_ids``, those ideas, each ranked by a count."""
    sort = sort if sort in RANKING_SORTS else "score"
    show = show if show in {"open", "all"} else "open"
    card = active_scorecard(product=product)
    rating_metrics = [m for m in card.metrics.all() if m.kind == "rating"] if card else []
    ideas = scored_ideas(product=product)
    if show == "open":
        ideas = ideas.filter(status__in=OPEN_STATUSES)
    ranked = ideas.annotate(
        rank=Window(expression=Rank(), order_by=[F("score").desc()])
    ).select_related("category")
    has_more = False
    if idea_ids is not None:
        # A window over the product's ideas filtered afterwards would read them all: a
        # rank is one plus the ideas scoring higher (as Rank() counts ties).
        rows = list(ideas.filter(pk__in=idea_ids).select_related("category"))
        ranks = {i.pk: ideas.filter(score__gt=i.score).count() + 1 for i in rows}
    else:
        window = list(ranked.order_by(*RANKING_SORTS[sort])[offset : offset + limit + 1])
        has_more = len(window) > limit
        ranks = {i.pk: i.rank for i in window}
        rows = list[Idea](window[:limit])
    values: dict[int, dict[str, float | None]] = defaultdict(dict)
    by_metric = {m.pk: m.key for m in rating_metrics}
    for idea_id, metric_id, value in Rating.objects.filter(
        idea_id__in=[i.pk for i in rows], metric_id__in=by_metric
    ).values_list("idea_id", "metric_id", "value"):
        values[idea_id][by_metric[metric_id]] = value
    scale_values = {
        m.key: [f"{v:g}" for v in engine.SCALE_VALUES[engine.Scale(m.scale)]]
        for m in rating_metrics
    }

    def cell(metric: Metric, current: float | None) -> RatingCell:
        chosen = "" if current is None else f"{current:g}"
        return RatingCell(
            metric=metric,
            current=current,
            options=[(v, v == chosen) for v in scale_values[metric.key]],
        )

    return RankingPage(
        rows=[
            RankingRow(
                idea=i,
                rank=ranks[i.pk],
                ratings=values.get(i.pk, {}),
                missing=[m.key for m in rating_metrics if m.key not in values.get(i.pk, {})],
                cells=[cell(m, values.get(i.pk, {}).get(m.key)) for m in rating_metrics],
            )
            for i in rows
        ],
        rating_metrics=rating_metrics,
        scale_values=scale_values,
        offset=offset,
        has_more=has_more,
        sort=sort,
        show=show,
        scorecard=card,
    )


def why_context(*, idea: Idea) -> dict[str, Any]:
    """Everything "why this score" shows, in a fixed number of queries."""
    detail = score_detail(idea=idea)
    rank, of = idea_rank(idea=idea)
    links = list(IdeaGoal.objects.filter(idea=idea).select_related("goal").order_by("goal__order"))
    history = score_history(idea=idea)
    card = active_scorecard(product=idea.product)
    components = expand_components(detail, list(detail.scorecard.metrics.all())) if detail else []
    textbook = None
    if card is not None and card.preset in engine.PRESETS:
        ratings = {c["key"]: c["raw"] for c in components} | _textbook_inputs(idea.vote_count)
        textbook = engine.PRESETS[card.preset].textbook(ratings)
    return {
        "detail": detail,
        "components": components,
        "rank": rank,
        "of": of,
        "links": links,
        "strengths": {link.goal_id: link.strength for link in links},
        "history": history,
        "history_chart": history_points(list(reversed(history))),
        "card": card,
        "textbook": textbook,
        "log_note": log_scale_note(),
    }


def history_points(
    history: list[ScoreHistory], width: int = 560, height: int = 140
) -> dict[str, Any]:
    """An SVG polyline of the total over time (oldest first), 0-100 on the y axis."""
    if not history:
        return {"points": "", "dots": [], "width": width, "height": height}
    n = len(history)
    dots = []
    for index, row in enumerate(history):
        x = 20 + (width - 40) * (index / (n - 1) if n > 1 else 0.5)
        y = height - 15 - (height - 30) * (row.total / 100)
        dots.append({"x": round(x, 1), "y": round(y, 1), "row": row})
    return {
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "dots": dots,
        "width": width,
        "height": height,
    }


def compare_context(*, ideas: list[Idea]) -> dict[str, Any]:
    """Two to four ideas metric by metric, and the metric whose contributions differ most
    between the top two (the difference that decides)."""
    found_scores = list(
        IdeaScore.objects.filter(idea__in=ideas)
        .select_related("scorecard")
        .prefetch_related("scorecard__metrics")
    )
    expanded = {
        d.idea_id: expand_components(d, list(d.scorecard.metrics.all())) for d in found_scores
    }
    keys: list[tuple[str, str]] = []
    for components in expanded.values():
        for c in components:
            if (c["key"], c["name"]) not in keys:
                keys.append((c["key"], c["name"]))
    table = []
    for key, name in keys:
        cells = []
        for idea in ideas:
            component = next((c for c in expanded.get(idea.pk, []) if c["key"] == key), None)
            cells.append(component)
        table.append({"key": key, "name": name, "cells": cells})
    ordered = sorted(ideas, key=lambda i: -i.score)
    decisive = None
    if len(ordered) >= 2:
        first, second = ordered[0].pk, ordered[1].pk

        def gap(row: dict[str, Any]) -> float:
            a = row["cells"][ideas.index(ordered[0])]
            b = row["cells"][ideas.index(ordered[1])]
            return float((a or {}).get("contribution") or 0) - float(
                (b or {}).get("contribution") or 0
            )

        if table and first in expanded and second in expanded:
            decisive = max(table, key=lambda row: abs(gap(row)))["key"]
    return {
        "ideas": ideas,
        "table": table,
        "decisive": decisive,
        "leader": ordered[0] if ordered else None,
    }


def value_effort_points(*, product: Product) -> dict[str, Any]:
    """Open ideas as points: effort (the first cost rating) across, score up. One query
    for the ideas, one for their effort ratings."""
    card = active_scorecard(product=product)
    cost = (
        next((m for m in card.metrics.all() if m.kind == "rating" and m.cost), None)
        if card
        else None
    )
    ideas = list(
        scored_ideas(product=product).filter(status__in=OPEN_STATUSES).only("pk", "title", "score")
    )
    efforts = (
        dict(Rating.objects.filter(metric=cost, idea__in=ideas).values_list("idea_id", "value"))
        if cost
        else {}
    )
    width, height, pad = 640, 380, 40
    scale = engine.SCALE_VALUES[engine.Scale(cost.scale)] if cost else (1.0, 5.0)
    lo, hi = min(scale), max(scale)
    points = []
    for n, idea in enumerate(i for i in ideas if i.pk in efforts):
        effort = efforts[idea.pk]
        jitter = ((n * 37) % 11 - 5) * 1.6  # spread points that share a rating
        x = pad + (width - 2 * pad) * ((effort - lo) / ((hi - lo) or 1)) + jitter
        y = height - pad - (height - 2 * pad) * (idea.score / 100)
        points.append({"idea": idea, "effort": effort, "x": round(x, 1), "y": round(y, 1)})
    return {
        "points": points,
        "unrated": len(ideas) - len(points),
        "cost_metric": cost,
        "width": width,
        "height": height,
        "pad": pad,
        "y_ticks": [
            {"label": str(v), "y": round(height - pad - (height - 2 * pad) * v / 100, 1)}
            for v in (0, 25, 50, 75, 100)
        ],
        "ticks": [
            {
                "label": f"{v:g}",
                "x": round(pad + (width - 2 * pad) * ((v - lo) / ((hi - lo) or 1)), 1),
            }
            for v in scale
        ],
    }


WHAT_IF_CANDIDATES = 2_000


def what_if(
    *,
    product: Product,
    scorecard: Scorecard,
    weights: dict[str, float] | None,
    goal_weights: dict[int, int] | None = None,
) -> dict[str, Any]:
    """The top 20 with these weights (None: the saved ones) beside today's ranks. The
    ideas currently scored highest are the candidates, so it stays fast on big products."""
    candidates = list(
        scored_ideas(product=product)
        .filter(status__in=OPEN_STATUSES)
        .order_by("-score", "-pk")
        .values_list("pk", flat=True)[:WHAT_IF_CANDIDATES]
    )
    inputs = scoring_inputs(product=product, scorecard=scorecard, idea_ids=candidates)
    metrics = [
        replace(m, weight=weights.get(m.key, m.weight)) if weights else m for m in inputs.metrics
    ]
    goals = [
        replace(g, weight=float(goal_weights.get(int(g.key), g.weight))) if goal_weights else g
        for g in inputs.goals
    ]
    scale = widened(stored_scale(scorecard), inputs.ideas)
    scores = sorted(
        (engine.score_idea(i, metrics, goals, scale) for i in inputs.ideas),
        key=lambda s: (-s.total, -s.idea_id),
    )
    now_rank = {pk: n + 1 for n, pk in enumerate(candidates)}
    top = scores[:20]
    titles = dict(Idea.objects.filter(pk__in=[s.idea_id for s in top]).values_list("pk", "title"))
    return {
        "rows": [
            {
                "idea_id": s.idea_id,
                "title": titles.get(s.idea_id, ""),
                "total": s.total,
                "rank": n + 1,
                "was": now_rank.get(s.idea_id),
                "moved": (now_rank.get(s.idea_id) or 0) - (n + 1),
            }
            for n, s in enumerate(top)
        ],
        "weights": weights,
        "candidates": len(candidates),
    }
