"""Intake and conversation: ideas, votes, comments, followers, and the email outbox."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest
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
    DEAL_BLOCKER = "deal_blocker", "Deal blocker"


# What a customer may say of their own need; "deal blocker" is for sales to record.
CUSTOMER_IMPORTANCE = [c for c in Importance.choices if c[0] != Importance.DEAL_BLOCKER]


class DecisionKind(models.TextChoices):
    NOT_NOW = "not_now", "Not now"
    WILL_NOT_DO = "will_not_do", "Will not do"
    ALREADY_POSSIBLE = "already_possible", "Already possible"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"


class Source(models.TextChoices):
    CALL = "call", "Call"
    TICKET = "ticket", "Support ticket"
    EMAIL = "email", "Email"
    DEAL = "deal", "Deal"
    MEETING = "meeting", "Meeting"


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


class Theme(models.Model):
    """A pattern heard again and again: PMs tag ideas with themes."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "slug"], name="theme_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class IdeaQuerySet(models.QuerySet["Idea"]):
    def listed(self) -> IdeaQuerySet:
        """Ideas that appear in portal lists: confirmed, approved and not merged away."""
        return self.filter(confirmed_at__isnull=False, is_approved=True).exclude(
            status=Status.MERGED
        )


class Idea(models.Model):
    # No index of its own: every composite index below starts with the product.
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="ideas", db_index=False
    )
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
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        db_index=False,  # a partial index below: most ideas have none
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty while an anonymous submission waits for its email confirmation.",
    )
    is_approved = models.BooleanField(
        default=True,
        help_text="False while a first-time anonymous idea waits in the moderation queue.",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_ideas",
        help_text="The PM who owns this idea.",
        db_index=False,  # a partial index below: most ideas have none
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_ideas",
        db_index=False,  # a partial index below: most ideas have none
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="ideas")
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Demand, kept current by ideas.services.idea_demand_refresh (never counted on views).
    account_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Distinct accounts that asked: voters' and proxy."
    )
    revenue_at_stake = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        default=0,
        editable=False,
        help_text="ARR of the accounts that asked plus open opportunity value, each once.",
    )
    demand_nice_to_have = models.PositiveIntegerField(default=0, editable=False)
    demand_important = models.PositiveIntegerField(default=0, editable=False)
    demand_critical = models.PositiveIntegerField(default=0, editable=False)
    demand_deal_blocker = models.PositiveIntegerField(default=0, editable=False)
    # The current total (0-100) of the product's scorecard, written by scoring through
    # ideas.services.idea_scores_store; 0 until first scored.
    score = models.FloatField(default=0.0, editable=False)
    # ln of the sum of exp((t - epoch) / tau) over votes: orders ideas by recent demand.
    trending_score = models.FloatField(default=0.0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
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
            models.Index(fields=["product", "-score", "-id"], name="idea_product_score_idx"),
            # Partial: a full rescore rewrites every idea's row, and an index whose
            # condition is false for a row costs nothing to keep.
            models.Index(
                fields=["assignee"],
                condition=models.Q(assignee__isnull=False),
                name="idea_assignee_idx",
            ),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="idea_merged_into_idx",
            ),
            models.Index(
                fields=["author_account"],
                condition=models.Q(author_account__isnull=False),
                name="idea_author_account_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StatusChange(models.Model):
    """One move of an idea through the workflow: who, when, from, to, and why."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status.choices)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, help_text="The explanation, in plain words.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["idea", "-at"], name="status_change_idea_idx"),
            models.Index(fields=["at"], name="status_change_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} -> {self.to_status}"


class Decision(models.Model):
    """Why an idea was declined, in plain words, with a workaround where one exists."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    reason = models.TextField(help_text="The reason in plain words.")
    workaround = models.TextField(
        blank=True, help_text="A workaround or an existing feature that helps today."
    )
    workaround_url = models.URLField(blank=True, help_text="A link to it (help article, docs).")
    revisit_on = models.DateField(
        null=True, blank=True, help_text="The idea returns to the inbox on this date."
    )
    revisited_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["idea", "-decided_at"], name="decision_idea_idx"),
            models.Index(
                fields=["revisit_on"],
                condition=models.Q(revisited_at__isnull=True, revisit_on__isnull=False),
                name="decision_due_revisit_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.idea_id}"


class ReplyTemplate(models.Model):
    """A kind, reusable explanation for a decision, per product (or for every product)."""

    product = models.ForeignKey(
        Product,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reply_templates",
        help_text="Empty: offered on every product.",
    )
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    name = models.CharField(max_length=120)
    reason = models.TextField()
    workaround = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Merge(models.Model):
    """A duplicate merged into a surviving idea, with exactly what moved, so that an
    unmerge can put it back."""

    source = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="merges_out")
    target = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="merges_in")
    source_status = models.CharField(max_length=16, choices=Status.choices)
    moved_vote_ids = models.JSONField(default=list)
    moved_proxy_vote_ids = models.JSONField(default=list)
    moved_follow_ids = models.JSONField(default=list)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id}"


class Mute(models.Model):
    """An address that followed the unsubscribe link of an idea's emails. By address, not
    user, because contacts recorded by sales may have no login."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="mutes")
    email = models.EmailField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "email"], name="mute_one_per_address_per_idea"),
        ]

    def __str__(self) -> str:
        return f"{self.email} muted {self.idea_id}"


class Vote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    importance = models.CharField(
        max_length=16,
        choices=CUSTOMER_IMPORTANCE,
        blank=True,
        help_text="How important the voter said it is to them (optional).",
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


class ProxyVote(models.Model):
    """Sales or support recording that an account wants an idea: evidence, not an order.

    One per account per idea; recording again updates it, and every version is kept as a
    ``ProxyVoteRevision``."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="proxy_votes")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="proxy_votes")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="recorded_proxy_votes",
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_proxy_votes",
        help_text="The account's user who asked, when they have a login.",
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    importance = models.CharField(max_length=16, choices=Importance.choices)
    opportunity_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Value of the prospect or expansion deal this helps win.",
    )
    expected_close_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    note = models.TextField(blank=True, help_text="A note or the customer's own words.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "account"], name="proxy_vote_one_per_account_per_idea"
            ),
            models.CheckConstraint(
                condition=models.Q(opportunity_value__gte=0)
                | models.Q(opportunity_value__isnull=True),
                name="proxy_vote_opportunity_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["account", "idea"], name="proxy_vote_account_idx")]

    def __str__(self) -> str:
        return f"{self.account} wants {self.idea_id}"

    def opportunity_is_open(self, today: date) -> bool:
        return self.opportunity_value is not None and (
            self.expected_close_date is None or self.expected_close_date >= today
        )


# An importance's rank, highest first in every sales list: "" (not said) ranks lowest.
IMPORTANCE_RANK = {
    "": 0,
    Importance.NICE_TO_HAVE: 1,
    Importance.IMPORTANT: 2,
    Importance.CRITICAL: 3,
    Importance.DEAL_BLOCKER: 4,
}


def _rank_of(field: str) -> models.Case:
    return models.Case(
        *(
            models.When(**{field: value}, then=rank)
            for value, rank in IMPORTANCE_RANK.items()
            if rank
        ),
        default=0,
    )


class AccountRequest(models.Model):
    """That an account asks for an idea, through its users' votes, a proxy vote, or both:
    one row per account and idea, so a sales rep's lists read an account's requests from
    an index instead of every vote of its users.

    Kept by the services that change what it counts: votes (``intake``), proxy votes and
    demand refreshes (``demand``, which also covers merges, imports and users changing
    account); ``requests_refresh`` rebuilds any ideas' rows from the votes and proxy
    votes, and ``reconcile_counts`` checks them. The idea's product and status are copied
    here, so a list filters and counts without reading the ideas, and kept by a trigger
    on the idea (migration ideas 0013) whatever changes them."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="requests", db_index=False
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="account_requests")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", db_index=False)
    status = models.CharField(max_length=16, choices=Status.choices)
    voters = models.PositiveIntegerField(
        default=0, help_text="How many of the account's users voted for the idea."
    )
    voters_nice_to_have = models.PositiveIntegerField(default=0)
    voters_important = models.PositiveIntegerField(default=0)
    voters_critical = models.PositiveIntegerField(default=0)
    proxy_importance = models.CharField(
        max_length=16,
        choices=Importance.choices,
        blank=True,
        help_text="The importance of the account's proxy vote; empty when it has none.",
    )
    # The highest importance anyone of the account gave: what the lists sort by first.
    importance_rank = models.GeneratedField(
        expression=Greatest(
            _rank_of("proxy_importance"),
            models.Case(
                models.When(voters_critical__gt=0, then=IMPORTANCE_RANK[Importance.CRITICAL]),
                models.When(voters_important__gt=0, then=IMPORTANCE_RANK[Importance.IMPORTANT]),
                models.When(
                    voters_nice_to_have__gt=0, then=IMPORTANCE_RANK[Importance.NICE_TO_HAVE]
                ),
                default=0,
            ),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idea"], name="request_one_per_account_idea"
            ),
        ]
        indexes = [
            # An account's requests by importance: a list's first rows without a sort.
            models.Index(
                "account", models.F("importance_rank").desc(), name="request_account_rank_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} asks for {self.idea_id}"

    @property
    def importance(self) -> str:
        return RANKED_IMPORTANCE[self.importance_rank]


RANKED_IMPORTANCE = {rank: value for value, rank in IMPORTANCE_RANK.items()}


class ProxyVoteRevision(models.Model):
    """One version of a proxy vote, kept when it is recorded, updated or withdrawn."""

    class Action(models.TextChoices):
        RECORDED = "recorded", "Recorded"
        UPDATED = "updated", "Updated"
        WITHDRAWN = "withdrawn", "Withdrawn"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="proxy_vote_history")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=12, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    importance = models.CharField(max_length=16, choices=Importance.choices)
    opportunity_value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    expected_close_date = models.DateField(null=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    note = models.TextField(blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["idea", "account", "-at"], name="proxy_rev_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.account_id} on {self.idea_id}"


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
    dedupe_key = models.CharField(
        max_length=200,
        blank=True,
        help_text="One email per key: a second enqueue with the same key is ignored.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="outbox_unique_dedupe_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} to {self.to}"


# --- Webhooks and imports --------------------------------------------------------------


class WebhookEvent(models.TextChoices):
    IDEA_CREATED = "idea.created", "Idea created"
    STATUS_CHANGED = "idea.status_changed", "Status changed"
    DECISION = "idea.declined", "Decision (declined, with the reason)"
    VOTE = "vote.changed", "Vote cast or withdrawn"
    COMMENT = "comment.created", "Public comment"
    ITEM_SHIPPED = "roadmap_item.shipped", "Roadmap item shipped"
    PING = "ping", "Test event"


class Webhook(models.Model):
    """A URL of the product team's that hears about changes, signed with its secret."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=120, blank=True)
    secret = models.CharField(max_length=64, help_text="Signs every delivery (HMAC-SHA256).")
    events = models.JSONField(default=list, help_text="WebhookEvent values it hears.")
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one webhook: written in the change's transaction (an outbox), sent
    after commit, retried with backoff until it succeeds or runs out of attempts."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Gave up"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    dedupe_key = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response_excerpt = models.CharField(max_length=500, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_log_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="webhook_delivery_due_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="webhook_delivery_unique_dedupe_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to webhook {self.webhook_id}"


class ImportSource(models.TextChoices):
    CANNY = "canny", "Canny"
    USERVOICE = "uservoice", "UserVoice"
    FIDER = "fider", "Fider"


class ImportedRecord(models.Model):
    """What an import created from a record of another tool, so that importing the same
    file again finds it instead of creating it twice."""

    class Kind(models.TextChoices):
        IDEA = "idea", "Idea"
        COMMENT = "comment", "Comment"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16, choices=ImportSource.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    external_id = models.CharField(max_length=200)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="imported_from")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "source", "kind", "external_id"],
                name="imported_record_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.external_id}"
