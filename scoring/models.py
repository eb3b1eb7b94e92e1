"""Goals, scorecards, metrics, ratings, and the stored scores with their history.

The maths lives in scoring/engine.py; these models hold its inputs and outputs. The idea's
current total is also stored on the idea itself (``Idea.score``) so lists sort by it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ideas.models import Idea
from portal.models import Product

# The engine's enums (scoring.engine.Kind, Scale, Signal), as database choices.
KIND_CHOICES = [
    ("rating", "Rating"),
    ("demand", "Demand signal"),
    ("goal_alignment", "Goal alignment"),
]
SCALE_CHOICES = [("1-5", "1 to 5"), ("1-10", "1 to 10"), ("fibonacci", "Fibonacci (1-21)")]
SIGNAL_CHOICES = [
    ("voters", "Voters"),
    ("accounts", "Distinct accounts"),
    ("revenue", "Revenue at stake"),
    ("importance", "Importance-weighted votes"),
    ("freshness", "Fresh votes"),
]


class Goal(models.Model):
    """A product goal ideas are weighed against (e.g. "Win enterprise deals")."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(
        default=1, help_text="How much this goal matters compared with the others (0-10)."
    )
    time_frame = models.CharField(max_length=60, blank=True, help_text="e.g. “2027 H1”.")
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__lte=10), name="goal_weight_at_most_10"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IdeaGoal(models.Model):
    """How strongly an idea serves a goal: 0 (not at all) to 3 (directly)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="goal_links")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="idea_links")
    strength = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "goal"], name="idea_goal_once"),
            models.CheckConstraint(
                condition=models.Q(strength__lte=3), name="idea_goal_strength_0_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} serves {self.goal_id} ({self.strength})"


class Scorecard(models.Model):
    """An ordered set of weighted metrics. One is active per product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="scorecards")
    name = models.CharField(max_length=120)
    preset = models.CharField(max_length=40, blank=True, help_text="The preset it started from.")
    active = models.BooleanField(default=True)
    half_life_days = models.PositiveSmallIntegerField(
        default=30, help_text="Freshness: a vote's weight halves every this many days."
    )
    # The product-wide demand maxima of the last full rescore; scoring one idea in between
    # normalises against them (or its own figures, when higher).
    demand_scale = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(active=True),
                name="one_active_scorecard_per_product",
            ),
            models.CheckConstraint(
                condition=models.Q(half_life_days__gte=1), name="scorecard_half_life_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Metric(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="metrics")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    rubric = models.TextField(blank=True, help_text="What the lowest and highest ratings mean.")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    weight = models.FloatField(default=1.0)
    cost = models.BooleanField(default=False, help_text="Counts against the score (effort, risk).")
    scale = models.CharField(max_length=12, blank=True, choices=SCALE_CHOICES)
    signal = models.CharField(max_length=12, blank=True, choices=SIGNAL_CHOICES)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "key"], name="metric_key_once"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0), name="metric_weight_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """A PM's rating of an idea on a rating metric."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="ratings")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="ratings")
    value = models.FloatField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "metric"], name="rating_once_per_metric"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} {self.metric_id}={self.value}"


class ScoreEvent(models.TextChoices):
    DEMAND = "demand", "Votes or accounts changed"
    RATING = "rating", "A rating changed"
    GOAL = "goal", "Goal alignment changed"
    WEIGHTS = "weights", "Scorecard weights changed"
    SCORECARD = "scorecard", "Scorecard changed"


class IdeaScore(models.Model):
    """An idea's current score with every component, as the engine explained it."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="score_detail")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="+")
    total = models.FloatField()
    components = models.JSONField(default=list)
    missing = models.JSONField(default=list)
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.total}"


class ScoreHistory(models.Model):
    """A row whenever an idea's total changes, with the event that moved it."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="score_history")
    total = models.FloatField()
    previous = models.FloatField(null=True)
    event = models.CharField(max_length=12, choices=ScoreEvent.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["idea", "-at"], name="score_history_idea_idx"),
            models.Index(fields=["at"], name="score_history_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.previous} -> {self.total}"


class ScorecardChange(models.Model):
    """Who changed a scorecard's weights (or switched scorecards), when, from what to what."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.scorecard_id} changed {self.at:%Y-%m-%d}"
