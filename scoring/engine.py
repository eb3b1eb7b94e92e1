"""The scoring maths: pure functions over frozen dataclasses, no Django, no database.

An idea's score is a weighted mean of its metrics, each normalised to 0..1 first, so that no
single input (one huge account, one enthusiastic rating) can swamp the rest:

- rating: the rating's position on its scale, ``(v - min) / (max - min)`` for 1-5 and 1-10;
  for Fibonacci, the index of the nearest allowed value / 6. Cost metrics (effort, risk, job
  size) are inverted, ``1 - position``, so they count against the score (only ratings can be
  costs). A metric not yet rated is listed as missing and gives 0 points: visible, never
  silently zero.
- demand: a log scale against the product's busiest idea, ``log1p(raw) / log1p(max)``, so one
  huge account cannot swamp the rest: with 1,000 and 100,000 of revenue at stake, two ideas
  get 0.60 and 1, not 0.01 and 1.
- goal alignment: the sum over active goals of strength (0-3) x goal weight, divided by the
  most it could be (3 x the sum of active goal weights).

total = 100 x sum(weight x normalised) / sum(weight), 0..100, rounded to 2 decimals.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from operator import attrgetter


class Kind(StrEnum):
    RATING = "rating"
    DEMAND = "demand"
    GOAL_ALIGNMENT = "goal_alignment"


class Signal(StrEnum):
    VOTERS = "voters"
    ACCOUNTS = "accounts"
    REVENUE = "revenue"
    IMPORTANCE = "importance"
    FRESHNESS = "freshness"


class Scale(StrEnum):
    ONE_TO_FIVE = "1-5"
    ONE_TO_TEN = "1-10"
    FIBONACCI = "fibonacci"


SCALE_VALUES: dict[Scale, tuple[float, ...]] = {
    Scale.ONE_TO_FIVE: (1.0, 2.0, 3.0, 4.0, 5.0),
    Scale.ONE_TO_TEN: (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0),
    Scale.FIBONACCI: (1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0),
}

# Points per vote (or proxy vote) of each importance.
IMPORTANCE_POINTS: dict[str, float] = {
    "deal_blocker": 8.0,
    "critical": 4.0,
    "important": 2.0,
    "nice_to_have": 1.0,
}

MAX_GOAL_STRENGTH = 3


@dataclass(frozen=True)
class MetricSpec:
    key: str
    name: str
    kind: Kind
    weight: float
    cost: bool = False
    scale: Scale | None = None
    signal: Signal | None = None
    rubric: str = ""


@dataclass(frozen=True)
class GoalSpec:
    key: str
    name: str
    weight: float
    active: bool = True


@dataclass(frozen=True)
class IdeaInputs:
    idea_id: int
    ratings: Mapping[str, float | None]
    voters: int = 0
    accounts: int = 0
    revenue: float = 0.0
    importance_points: float = 0.0
    fresh_votes: float = 0.0
    goal_strengths: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DemandScale:
    """Product-wide maxima of the demand figures, the top of each demand metric's log scale."""

    voters: float
    accounts: float
    revenue: float
    importance_points: float
    fresh_votes: float


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    kind: Kind
    raw: float | None
    normalised: float | None
    weight: float
    share: float
    contribution: float
    missing: bool


@dataclass(frozen=True)
class Score:
    idea_id: int
    total: float
    components: tuple[Component, ...]
    missing: tuple[str, ...]


# The IdeaInputs (and DemandScale) attribute each demand signal reads.
SIGNAL_FIELDS: dict[Signal, str] = {
    Signal.VOTERS: "voters",
    Signal.ACCOUNTS: "accounts",
    Signal.REVENUE: "revenue",
    Signal.IMPORTANCE: "importance_points",
    Signal.FRESHNESS: "fresh_votes",
}


def _non_negative(value: float) -> float:
    """The value if it is a finite number > 0, else 0 (NaN, infinities, negatives)."""
    return float(value) if 0.0 < value < math.inf else 0.0


def importance_points(counts: Mapping[str, int]) -> float:
    """Deal blocker 8, critical 4, important 2, nice to have 1 point per vote or proxy vote.

    Unknown importance keys are ignored, and so are negative counts.
    """
    return sum(
        IMPORTANCE_POINTS[importance] * max(0, count)
        for importance, count in counts.items()
        if importance in IMPORTANCE_POINTS
    )


def freshness_weight(age_days: float, half_life_days: float) -> float:
    """0.5 ** (age / half_life): a vote's weight halves every half_life days.

    A negative age (a clock ahead of the vote) counts as 0, weight 1.
    """
    if not half_life_days > 0:
        raise ValueError(f"half_life_days must be > 0, not {half_life_days!r}")
    return math.pow(0.5, max(0.0, age_days) / half_life_days)


def demand_scale(ideas: Iterable[IdeaInputs]) -> DemandScale:
    """The maxima of each demand figure over the ideas (0 when there are none).

    Negative and non-finite figures count as 0.
    """
    ideas = list(ideas)

    def top(name: str) -> float:
        figures = map(attrgetter(name), ideas)
        return float(max((figure for figure in figures if 0 < figure < math.inf), default=0.0))

    return DemandScale(**{name: top(name) for name in SIGNAL_FIELDS.values()})


def _active_goals(goals: Sequence[GoalSpec]) -> tuple[tuple[str, float], ...]:
    return tuple((goal.key, _non_negative(goal.weight)) for goal in goals if goal.active)


def _alignment_sum(strengths: Mapping[str, int], active: tuple[tuple[str, float], ...]) -> float:
    total = 0.0
    for key, weight in active:
        strength = strengths.get(key)
        if strength is not None and strength > 0:
            total += min(strength, MAX_GOAL_STRENGTH) * weight
    return total


def alignment(strengths: Mapping[str, int], goals: Sequence[GoalSpec]) -> tuple[float, float]:
    """(sum over active goals of strength x weight, the most it could be: 3 x active weights).

    Strengths are clamped to 0..3; strengths for unknown or inactive goals are ignored, and
    so are negative goal weights.
    """
    active = _active_goals(goals)
    maximum = float(MAX_GOAL_STRENGTH * sum(weight for _, weight in active))
    return _alignment_sum(strengths, active), maximum


def _nearest_index(values: tuple[float, ...], value: float) -> int:
    """Index of the allowed value nearest to value; halfway between two, the lower one."""
    index = bisect_left(values, value)
    if index == 0:
        return 0
    if index == len(values):
        return len(values) - 1
    below, above = values[index - 1], values[index]
    return index - 1 if value - below <= above - value else index


def normalise_rating(value: float, scale: Scale, cost: bool) -> float:
    """The rating's position on its scale, 0..1; for a cost metric, 1 - that.

    1-5 and 1-10: (v - min) / (max - min). Fibonacci: the index of the nearest allowed
    value / 6 (halfway between two, the lower). Values outside the scale are clamped to it.
    """
    value = float(value)
    if math.isnan(value):
        raise ValueError("A rating must be a number, not NaN.")
    values = SCALE_VALUES[scale]
    if scale == Scale.FIBONACCI:
        position = _nearest_index(values, value) / (len(values) - 1)
    else:
        low, high = values[0], values[-1]
        position = (min(high, max(low, value)) - low) / (high - low)
    return 1.0 - position if cost else position


def _unit(value: float) -> float:
    """Clamped to 0..1 (NaN counts as 0)."""
    return min(1.0, value) if value > 0.0 else 0.0


def _normalise_demand(raw: float, log_max: float) -> float:
    """log1p(raw) / log1p(max), 0..1: the log scale keeps one huge figure from swamping."""
    return _unit(math.log1p(_non_negative(raw)) / log_max) if log_max > 0 else 0.0


def _normalise_alignment(raw: float, maximum: float) -> float:
    return _unit(raw / maximum) if maximum > 0 else 0.0


class _Term:
    """One metric of a scorecard, ready to score many ideas.

    A component depends only on its metric and raw value, and ratings take few values, so
    each distinct component is built once and shared (components are immutable): scoring a
    product is then mostly dictionary look-ups.
    """

    __slots__ = (
        "components",
        "figure",
        "key",
        "kind",
        "metric",
        "normalise",
        "points",
        "share",
        "weight",
    )

    def __init__(
        self,
        metric: MetricSpec,
        share: float,
        normalise: Callable[[float], float],
        figure: Callable[[IdeaInputs], float] | None,
    ) -> None:
        self.metric = metric
        self.key = metric.key
        self.kind = metric.kind
        self.weight = _non_negative(metric.weight)  # negative or non-finite weights count as 0
        self.share = share
        self.points = 100.0 * share  # the contribution of a normalised 1
        self.normalise = normalise
        self.figure = figure  # demand metrics: reads the idea's figure
        self.components: dict[float | None, Component] = {}

    def build(self, raw: float | None) -> Component:
        """The component for a raw value not seen before, kept for the ideas that share it.

        Equal raw values (3 and 3.0) share a component, which holds float(raw).
        """
        value = None if raw is None else float(raw)
        normalised = None if value is None else self.normalise(value)
        component = self.components[raw] = Component(
            key=self.key,
            name=self.metric.name,
            kind=self.kind,
            raw=value,
            normalised=normalised,
            weight=self.weight,
            share=self.share,
            contribution=0.0 if normalised is None else round(self.points * normalised, 2),
            missing=normalised is None,
        )
        return component


class _Scorer:
    """The work done once per scorecard, then applied to each idea."""

    def __init__(
        self, metrics: Sequence[MetricSpec], goals: Sequence[GoalSpec], scale: DemandScale
    ) -> None:
        weight_sum = sum(_non_negative(metric.weight) for metric in metrics)
        self.active_goals = _active_goals(goals)
        goal_max = float(MAX_GOAL_STRENGTH * sum(weight for _, weight in self.active_goals))
        terms = []
        for metric in metrics:
            # Plain strings ("rating") become enum members here, or fail loudly if unknown.
            metric = replace(metric, kind=Kind(metric.kind))
            share = _non_negative(metric.weight) / weight_sum if weight_sum > 0 else 0.0
            figure: Callable[[IdeaInputs], float] | None = None
            normalise: Callable[[float], float]
            if metric.kind is Kind.RATING:
                if metric.scale is None:
                    raise ValueError(f'Rating metric "{metric.key}" has no scale.')
                normalise = partial(normalise_rating, scale=Scale(metric.scale), cost=metric.cost)
            elif metric.kind is Kind.DEMAND:
                if metric.signal is None:
                    raise ValueError(f'Demand metric "{metric.key}" has no signal.')
                name = SIGNAL_FIELDS[Signal(metric.signal)]
                figure = attrgetter(name)
                normalise = partial(
                    _normalise_demand, log_max=math.log1p(_non_negative(getattr(scale, name)))
                )
            else:
                normalise = partial(_normalise_alignment, maximum=goal_max)
            terms.append(_Term(metric, share, normalise, figure))
        self.terms = tuple(terms)

    def score(self, idea: IdeaInputs) -> Score:
        components = []
        missing = []
        total = 0.0
        ratings = idea.ratings
        for term in self.terms:
            raw: float | None
            if term.kind is Kind.RATING:
                raw = ratings.get(term.key)
                if raw is not None and raw != raw:  # NaN: no usable rating
                    raw = None
            elif term.figure is not None:
                raw = term.figure(idea)
            else:
                raw = _alignment_sum(idea.goal_strengths, self.active_goals)
            component = term.components.get(raw) or term.build(raw)
            components.append(component)
            if component.normalised is None:
                missing.append(term.key)
            else:
                total += term.points * component.normalised
        return Score(
            idea_id=idea.idea_id,
            total=round(min(100.0, max(0.0, total)), 2),
            components=tuple(components),
            missing=tuple(missing),
        )


def score_idea(
    idea: IdeaInputs,
    metrics: Sequence[MetricSpec],
    goals: Sequence[GoalSpec],
    scale: DemandScale,
) -> Score:
    """One idea's score, its demand normalised against the given product-wide maxima.

    Raises ValueError for a rating metric without a scale or a demand metric without a
    signal; negative or non-finite weights count as 0 (``validate`` reports both).
    """
    return _Scorer(metrics, goals, scale).score(idea)


def score_all(
    ideas: Sequence[IdeaInputs], metrics: Sequence[MetricSpec], goals: Sequence[GoalSpec]
) -> list[Score]:
    """Every idea's score, demand normalised against the maxima over these ideas."""
    scorer = _Scorer(metrics, goals, demand_scale(ideas))
    return [scorer.score(idea) for idea in ideas]


def rank(scores: Iterable[Score]) -> dict[int, int]:
    """idea_id -> rank, 1 the highest total; equal totals share a rank (1, 2, 2, 4)."""
    ranks: dict[int, int] = {}
    previous: float | None = None
    current = 0
    for position, score in enumerate(sorted(scores, key=lambda s: -s.total), start=1):
        if score.total != previous:
            current, previous = position, score.total
        ranks[score.idea_id] = current
    return ranks


def validate(metrics: Sequence[MetricSpec]) -> list[str]:
    """What is wrong with a scorecard, in words a PM can act on; empty when nothing is."""
    if not metrics:
        return ["The scorecard has no metrics; add at least one."]
    problems: list[str] = []
    seen: set[str] = set()
    reported: set[str] = set()
    for metric in metrics:
        label = f'"{metric.key}"' if metric.key else f'"{metric.name}"'
        if not metric.key.strip():
            problems.append(f"Metric {label} has no key.")
        elif metric.key in seen and metric.key not in reported:
            problems.append(
                f'More than one metric uses the key "{metric.key}"; keys must be unique.'
            )
            reported.add(metric.key)
        seen.add(metric.key)
        if not metric.name.strip():
            problems.append(f"Metric {label} has no name.")
        if math.isnan(metric.weight) or math.isinf(metric.weight):
            problems.append(f"Metric {label} has weight {metric.weight}; use a number, 0 or more.")
        elif metric.weight < 0:
            problems.append(
                f"Metric {label} has a negative weight ({metric.weight:g}); use 0 or more."
            )
        if metric.kind == Kind.RATING and metric.scale is None:
            problems.append(f"Rating metric {label} has no scale; choose 1-5, 1-10 or Fibonacci.")
        if metric.kind != Kind.RATING and metric.scale is not None:
            problems.append(f"Metric {label} has a scale, but only rating metrics use one.")
        if metric.kind == Kind.DEMAND and metric.signal is None:
            problems.append(
                f"Demand metric {label} has no signal; choose voters, accounts, revenue, "
                "importance or freshness."
            )
        if metric.kind != Kind.DEMAND and metric.signal is not None:
            problems.append(f"Metric {label} has a signal, but only demand metrics use one.")
        if metric.kind != Kind.RATING and metric.cost:
            problems.append(
                f"Metric {label} is marked as a cost, but only rating metrics can count "
                "against the score."
            )
    if all(_non_negative(metric.weight) == 0 for metric in metrics):
        problems.append(
            "Every metric has weight 0, so every idea would score 0; give at least one a weight."
        )
    return problems


# Presets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    description: str
    metrics: tuple[MetricSpec, ...]
    textbook: Callable[[Mapping[str, float | None]], float | None]


def _rated(ratings: Mapping[str, float | None], *keys: str) -> list[float] | None:
    """The ratings for the keys as numbers, or None if any is missing."""
    values = []
    for key in keys:
        value = ratings.get(key)
        if value is None or math.isnan(value):
            return None
        values.append(float(value))
    return values


def _value_over_effort(ratings: Mapping[str, float | None]) -> float | None:
    values = _rated(ratings, "value", "effort")
    if values is None or values[1] <= 0:
        return None
    value, effort = values
    return value / effort


# RICE impact: the rating 1..5 stands for the textbook multipliers.
RICE_IMPACT: dict[int, float] = {1: 0.25, 2: 0.5, 3: 1.0, 4: 2.0, 5: 3.0}


def _rice(ratings: Mapping[str, float | None]) -> float | None:
    """Reach x impact x confidence / effort; "reach" is the voter count."""
    values = _rated(ratings, "reach", "impact", "confidence", "effort")
    if values is None or values[3] <= 0:
        return None
    reach, impact, confidence, effort = values
    multiplier = RICE_IMPACT[min(5, max(1, round(impact)))]
    fraction = min(5.0, max(1.0, confidence)) / 5  # 1..5 stands for 20%..100%
    return reach * multiplier * fraction / effort


def _ice(ratings: Mapping[str, float | None]) -> float | None:
    values = _rated(ratings, "impact", "confidence", "ease")
    if values is None:
        return None
    impact, confidence, ease = values
    return impact * confidence * ease


def _wsjf(ratings: Mapping[str, float | None]) -> float | None:
    values = _rated(ratings, "business_value", "time_criticality", "risk_reduction", "job_size")
    if values is None or values[3] <= 0:
        return None
    business_value, time_criticality, risk_reduction, job_size = values
    return (business_value + time_criticality + risk_reduction) / job_size


_FIBONACCI_RUBRIC = "1, 2, 3, 5, 8, 13 or 21, relative to the other ideas"

DEFAULT_PRESET = "value_vs_effort"

PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        Preset(
            key="value_vs_effort",
            name="Value vs effort",
            description=(
                "Weighs the value of an idea, the demand for it and how well it serves your "
                "goals against the effort it takes: the default, a good start for most teams."
            ),
            metrics=(
                MetricSpec(
                    key="value",
                    name="Value",
                    kind=Kind.RATING,
                    weight=3,
                    scale=Scale.ONE_TO_FIVE,
                    rubric="1: nice but marginal … 5: changes how customers work",
                ),
                MetricSpec(
                    key="effort",
                    name="Effort",
                    kind=Kind.RATING,
                    weight=2,
                    cost=True,
                    scale=Scale.ONE_TO_FIVE,
                    rubric="1: a day or two … 5: a quarter or more of the team's time",
                ),
                MetricSpec(
                    key="demand",
                    name="Demand",
                    kind=Kind.DEMAND,
                    weight=2,
                    signal=Signal.IMPORTANCE,
                    rubric=(
                        "Votes weighted by importance: deal blocker 8, critical 4, important 2, "
                        "nice to have 1 point each"
                    ),
                ),
                MetricSpec(
                    key="accounts",
                    name="Accounts",
                    kind=Kind.DEMAND,
                    weight=1,
                    signal=Signal.ACCOUNTS,
                    rubric="Distinct customer accounts that asked",
                ),
                MetricSpec(
                    key="goals",
                    name="Goal alignment",
                    kind=Kind.GOAL_ALIGNMENT,
                    weight=3,
                    rubric="How strongly the idea serves each active goal (0-3), times its weight",
                ),
            ),
            textbook=_value_over_effort,
        ),
        Preset(
            key="rice",
            name="RICE",
            description=(
                "Reach x impact x confidence / effort: for comparing many ideas on how many "
                "people they help, when you can estimate reach from demand."
            ),
            metrics=(
                MetricSpec(
                    key="reach",
                    name="Reach",
                    kind=Kind.DEMAND,
                    weight=1,
                    signal=Signal.VOTERS,
                    rubric="People who asked: the voter count is the reach",
                ),
                MetricSpec(
                    key="impact",
                    name="Impact",
                    kind=Kind.RATING,
                    weight=1,
                    scale=Scale.ONE_TO_FIVE,
                    rubric=(
                        "1: minimal (x0.25), 2: low (x0.5), 3: medium (x1), 4: high (x2), "
                        "5: massive (x3)"
                    ),
                ),
                MetricSpec(
                    key="confidence",
                    name="Confidence",
                    kind=Kind.RATING,
                    weight=1,
                    scale=Scale.ONE_TO_FIVE,
                    rubric="1: 20% (a guess), 2: 40%, 3: 60%, 4: 80%, 5: 100% (backed by data)",
                ),
                MetricSpec(
                    key="effort",
                    name="Effort",
                    kind=Kind.RATING,
                    weight=1,
                    cost=True,
                    scale=Scale.FIBONACCI,
                    rubric="Person-months: 1, 2, 3, 5, 8, 13 or 21",
                ),
            ),
            textbook=_rice,
        ),
        Preset(
            key="ice",
            name="ICE",
            description=(
                "Impact x confidence x ease, each 1-10: a quick way to triage experiments "
                "and small ideas when speed matters more than precision."
            ),
            metrics=(
                MetricSpec(
                    key="impact",
                    name="Impact",
                    kind=Kind.RATING,
                    weight=1,
                    scale=Scale.ONE_TO_TEN,
                    rubric="1: barely noticed … 10: transforms the product for many customers",
                ),
                MetricSpec(
                    key="confidence",
                    name="Confidence",
                    kind=Kind.RATING,
                    weight=1,
                    scale=Scale.ONE_TO_TEN,
                    rubric="1: a hunch … 10: proven by data or an experiment",
                ),
                MetricSpec(
                    key="ease",
                    name="Ease",
                    kind=Kind.RATING,
                    weight=1,
                    scale=Scale.ONE_TO_TEN,
                    rubric="1: months of work for many people … 10: done in a day",
                ),
            ),
            textbook=_ice,
        ),
        Preset(
            key="wsjf",
            name="WSJF",
            description=(
                "Weighted shortest job first, cost of delay (business value + time "
                "criticality + risk reduction) / job size: for sequencing work when delay "
                "is costly."
            ),
            # Job size weighs as much as the three cost-of-delay metrics together, as the
            # denominator of the textbook ratio does.
            metrics=(
                MetricSpec(
                    key="business_value",
                    name="Business value",
                    kind=Kind.RATING,
                    weight=1,
                    scale=Scale.FIBONACCI,
                    rubric=_FIBONACCI_RUBRIC,
                ),
                MetricSpec(
                    key="time_criticality",
                    name="Time criticality",
                    kind=Kind.RATING,
                    weight=1,
                    scale=Scale.FIBONACCI,
                    rubric=_FIBONACCI_RUBRIC,
                ),
                MetricSpec(
                    key="risk_reduction",
                    name="Risk reduction / opportunity enablement",
                    kind=Kind.RATING,
                    weight=1,
                    scale=Scale.FIBONACCI,
                    rubric=_FIBONACCI_RUBRIC,
                ),
                MetricSpec(
                    key="job_size",
                    name="Job size",
                    kind=Kind.RATING,
                    weight=3,
                    cost=True,
                    scale=Scale.FIBONACCI,
                    rubric=_FIBONACCI_RUBRIC + " (bigger jobs count against the score)",
                ),
            ),
            textbook=_wsjf,
        ),
    )
}
