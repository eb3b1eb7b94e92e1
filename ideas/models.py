"""Intake and conversation: ideas, votes, comments, followers, and the email outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.models import Account, Product


class Status(models.TextChoices):
    NEW = "new", "New"
    UNDER_REVIEW = "under_review", "Under review"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"
    DECLINED = "declined", "Declined"
    MERGED = "merged", "Merged"


class Importance(models.TextChoices):
    NICE_TO_HAVE = "nice_to_have", "Nice to have"
    IMPORTANT = "important", "Important"
    CRITICAL = "critical", "Critical"


class Category(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["product", "slug"], name="category_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class IdeaQuerySet(models.QuerySet["Idea"]):
    def listed(self) -> IdeaQuerySet:
        """Ideas that appear in portal lists: confirmed and not merged away."""
        return self.filter(confirmed_at__isnull=False).exclude(status=Status.MERGED)


class Idea(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(max_length=140)
    problem = models.TextField(
        help_text="What are you trying to do, and why does it matter? Markdown."
    )
    importance = models.CharField(
        max_length=16, choices=Importance.choices, default=Importance.IMPORTANT
    )
    workaround = models.TextField(blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    author_email = models.EmailField(
        blank=True, help_text="For an anonymous submission: where the confirmation link went."
    )
    author_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty while an anonymous submission waits for its email confirmation.",
    )
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # ln of the sum of exp((t - epoch) / tau) over votes: orders ideas by recent demand.
    trending_score = models.FloatField(default=0.0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-vote_count", "-id"]
        indexes = [
            models.Index(fields=["product", "-vote_count", "-id"], name="idea_product_top_idx"),
            models.Index(fields=["product", "-created_at", "-id"], name="idea_product_new_idx"),
            models.Index(
                fields=["product", "-trending_score", "-id"], name="idea_product_trending_idx"
            ),
            models.Index(fields=["product", "status"], name="idea_product_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Vote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="vote_one_per_user_per_idea"),
        ]
        indexes = [models.Index(fields=["user", "idea"], name="vote_user_idea_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.idea_id}"


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField()
    is_internal = models.BooleanField(
        default=False, help_text="Seen only by the product team, never by customers."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["idea", "created_at"], name="comment_idea_created_idx")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on idea {self.idea_id}"


class Follow(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="follow_one_per_user_per_idea"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.idea_id}"


class OutboundEmail(models.Model):
    """An email written in the same transaction as the change that causes it (the outbox).

    A Celery task sends it after commit; a periodic sweep re-sends what is still pending,
    so neither a crash nor an unreachable Redis loses it.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    reason = models.CharField(max_length=64, help_text="Why it was sent, e.g. idea_submitted.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created_idx")]

    def __str__(self) -> str:
        return f"{self.reason} to {self.to}"
