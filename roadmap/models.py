"""Roadmap items built from ideas, horizons and releases, the changelog of what shipped,
and the weekly roadmap review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ideas.models import Idea
from portal.models import Product
from scoring.models import Goal


class Horizon(models.TextChoices):
    NOW = "now", "Now"
    NEXT = "next", "Next"
    LATER = "later", "Later"


class ItemStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"


class Release(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="releases")
    name = models.CharField(max_length=80)
    target_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["target_date", "pk"]

    def __str__(self) -> str:
        return self.name


class RoadmapItem(models.Model):
    """A feature the team will build, delivering one or more ideas."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="roadmap_items")
    title = models.CharField(max_length=140, help_text="The team's name for it.")
    public_title = models.CharField(
        max_length=140, blank=True, help_text="What customers see (the title when empty)."
    )
    public_description = models.TextField(blank=True, help_text="What customers read. Markdown.")
    is_public = models.BooleanField(default=True, help_text="Shown on the public roadmap.")
    horizon = models.CharField(max_length=8, choices=Horizon.choices, default=Horizon.NEXT)
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    goals = models.ManyToManyField(Goal, blank=True, related_name="roadmap_items")
    ideas = models.ManyToManyField(Idea, blank=True, related_name="roadmap_items")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roadmap_items",
    )
    internal_notes = models.TextField(blank=True, help_text="Never shown to customers.")
    pm_score = models.FloatField(
        null=True, blank=True, help_text="0-100. Empty: the highest score of its ideas."
    )
    position = models.PositiveIntegerField(default=0, help_text="Order within its column.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["product", "horizon", "position"], name="roadmap_board_idx"),
            models.Index(fields=["product", "status"], name="roadmap_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pm_score__isnull=True)
                | models.Q(pm_score__gte=0, pm_score__lte=100),
                name="roadmap_pm_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        return self.public_title or self.title


class RoadmapEvent(models.Model):
    """Something that happened to an item: created, moved between horizons, status."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        MOVED = "moved", "Moved"
        STATUS = "status", "Status changed"

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_value = models.CharField(max_length=12, blank=True)
    to_value = models.CharField(max_length=12, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["at"], name="roadmap_event_at_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.from_value}->{self.to_value}"


class ChangelogEntry(models.Model):
    """A public note of what shipped, written when an item ships."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="changelog")
    item = models.OneToOneField(
        RoadmapItem, null=True, on_delete=models.SET_NULL, related_name="changelog_entry"
    )
    title = models.CharField(max_length=140)
    body = models.TextField(blank=True)
    shipped_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-shipped_at", "-pk"]
        verbose_name_plural = "changelog entries"

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """A weekly roadmap review, held: its agenda as it was, notes and attendees."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    since = models.DateTimeField(help_text="The agenda covers what changed after this.")
    held_at = models.DateTimeField(default=timezone.now)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendees = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    agenda = models.JSONField(default=dict, help_text="The agenda as it was when held.")

    class Meta:
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return f"Review of {self.held_at:%Y-%m-%d}"
