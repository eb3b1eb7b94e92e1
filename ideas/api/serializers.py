"""Ideas as the API shows them, and what a client may send. Every writable field is named
here; counts, scores, authors, statuses and products are never taken from a client."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ideas.forms import COMMENT_MAX, PROBLEM_MAX, TITLE_MAX, TITLE_MIN
from ideas.models import (
    CUSTOMER_IMPORTANCE,
    Comment,
    Decision,
    DecisionKind,
    Idea,
    Importance,
    ProxyVote,
    Source,
    Status,
)
from ideas.selectors import Sort
from ideas.services.workflow import SETTABLE
from portal.text import render_markdown

# --- Reading -----------------------------------------------------------------------------


class CategoryRef(serializers.Serializer[Any]):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


def _web_url(idea: Idea, slug: str) -> str:
    return reverse("ideas:detail", args=[slug, idea.pk])


class IdeaSummarySerializer(serializers.Serializer[Idea]):
    """An idea in a list: only what the list query loads."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    vote_count = serializers.IntegerField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    category = CategoryRef(read_only=True, allow_null=True)
    voted = serializers.SerializerMethodField(help_text="Whether you voted for it.")
    web_url = serializers.SerializerMethodField(help_text="The idea's page on the portal.")

    def get_voted(self, idea: Idea) -> bool:
        return idea.pk in self.context.get("voted_ids", set())

    def get_web_url(self, idea: Idea) -> str:
        return _web_url(idea, self.context["product_slug"])


class IdeaPageSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(
        allow_null=True, read_only=True, help_text="The next page, or null on the last one."
    )
    results = IdeaSummarySerializer(many=True, read_only=True)


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    # A plain string: empty when the decision names no link, which no "uri" format allows.
    workaround_url = serializers.CharField(
        read_only=True, help_text="A link to the workaround, or empty."
    )

    class Meta:
        model = Decision
        fields = ["kind", "reason", "workaround", "workaround_url", "revisit_on", "decided_at"]
        read_only_fields = fields


class DemandSerializer(serializers.Serializer[Idea]):
    """Who asked, as the team sees it on the idea page."""

    account_count = serializers.IntegerField(read_only=True)
    revenue_at_stake = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    nice_to_have = serializers.IntegerField(source="demand_nice_to_have", read_only=True)
    important = serializers.IntegerField(source="demand_important", read_only=True)
    critical = serializers.IntegerField(source="demand_critical", read_only=True)
    deal_blocker = serializers.IntegerField(source="demand_deal_blocker", read_only=True)


class IdeaDetailSerializer(serializers.Serializer[Idea]):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    problem = serializers.CharField(read_only=True, help_text="Markdown, as written.")
    problem_html = serializers.SerializerMethodField(help_text="Sanitised HTML.")
    importance = serializers.ChoiceField(choices=Importance.choices, read_only=True)
    workaround = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    category = CategoryRef(read_only=True, allow_null=True)
    author_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    vote_count = serializers.IntegerField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)
    merged_into = serializers.IntegerField(
        source="merged_into_id", read_only=True, allow_null=True, help_text="The surviving idea."
    )
    voted = serializers.SerializerMethodField(help_text="Whether you voted for it.")
    decision = serializers.SerializerMethodField(help_text="Why it was declined, if it was.")
    demand = serializers.SerializerMethodField(help_text="For the product team only; else null.")
    web_url = serializers.SerializerMethodField(help_text="The idea's page on the portal.")

    def get_problem_html(self, idea: Idea) -> str:
        return str(render_markdown(idea.problem))

    def get_author_name(self, idea: Idea) -> str:
        return idea.author.display_name if idea.author else "a visitor"

    def get_voted(self, idea: Idea) -> bool:
        return bool(self.context.get("voted"))

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, idea: Idea) -> dict[str, Any] | None:
        decision = self.context.get("decision")
        return DecisionSerializer(decision).data if decision is not None else None

    @extend_schema_field(DemandSerializer(allow_null=True))
    def get_demand(self, idea: Idea) -> dict[str, Any] | None:
        return DemandSerializer(idea).data if self.context.get("is_team") else None

    def get_web_url(self, idea: Idea) -> str:
        return _web_url(idea, idea.product.slug)


class CommentSerializer(serializers.ModelSerializer[Comment]):
    author_name = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField(help_text="Sanitised HTML.")

    class Meta:
        model = Comment
        fields = ["id", "author_name", "body", "body_html", "is_internal", "created_at"]
        read_only_fields = fields

    def get_author_name(self, comment: Comment) -> str:
        return comment.author.display_name if comment.author else "Someone"

    def get_body_html(self, comment: Comment) -> str:
        return str(render_markdown(comment.body))


class ProxyVoteSerializer(serializers.ModelSerializer[ProxyVote]):
    account = serializers.IntegerField(source="account_id", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = ProxyVote
        fields = [
            "id",
            "account",
            "account_name",
            "importance",
            "source",
            "note",
            "opportunity_value",
            "expected_close_date",
            "contact_name",
            "contact_email",
            "recorded_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_recorded_by(self, proxy: ProxyVote) -> str | None:
        return proxy.recorded_by.email if proxy.recorded_by else None


# --- Writing -------------------------------------------------------------------------------


class IdeaListQuery(serializers.Serializer[Any]):
    sort = serializers.ChoiceField(choices=[s.value for s in Sort], default=Sort.TOP.value)
    status = serializers.ChoiceField(
        choices=[s.value for s in Status if s is not Status.MERGED], required=False
    )
    category = serializers.SlugField(max_length=80, required=False)
    q = serializers.CharField(max_length=200, required=False, help_text="Words to search for.")
    cursor = serializers.CharField(
        max_length=100, required=False, help_text="From the previous page's `next`."
    )


class IdeaCreateSerializer(serializers.Serializer[Any]):
    """A new idea, by the signed-in user, who votes for it and follows it at once."""

    title = serializers.CharField(min_length=TITLE_MIN, max_length=TITLE_MAX)
    problem = serializers.CharField(
        max_length=PROBLEM_MAX, help_text="What you are trying to do, and why. Markdown."
    )
    importance = serializers.ChoiceField(
        choices=CUSTOMER_IMPORTANCE, default=Importance.IMPORTANT.value
    )
    workaround = serializers.CharField(
        max_length=PROBLEM_MAX, required=False, allow_blank=True, default=""
    )
    category = serializers.SlugField(
        max_length=80, required=False, allow_null=True, help_text="A category's slug."
    )

    def validate_title(self, value: str) -> str:
        title = " ".join(value.split())
        if len(title) < TITLE_MIN:
            raise serializers.ValidationError(
                f"Make the title at least {TITLE_MIN} characters long."
            )
        return title

    def validate_problem(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(
                "Tell us what you are trying to do, so we understand the need."
            )
        return value


class VoteSerializer(serializers.Serializer[Any]):
    importance = serializers.ChoiceField(
        choices=CUSTOMER_IMPORTANCE,
        required=False,
        allow_blank=True,
        default="",
        help_text="How important it is to you (optional).",
    )


class VoteStateSerializer(serializers.Serializer[Any]):
    voted = serializers.BooleanField(read_only=True)
    vote_count = serializers.IntegerField(read_only=True)


class CommentCreateSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=COMMENT_MAX, help_text="Markdown.")
    is_internal = serializers.BooleanField(
        default=False, help_text="Seen only by the team; the product's PMs may write these."
    )

    def validate_body(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Write something before posting.")
        return value


class ProxyVoteCreateSerializer(serializers.Serializer[Any]):
    """That an account wants the idea. Give the account by id or by one of its domains;
    recording again for the same account updates its proxy vote."""

    account = serializers.IntegerField(required=False, min_value=1)
    account_domain = serializers.CharField(required=False, max_length=253)
    importance = serializers.ChoiceField(choices=Importance.choices)
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=PROBLEM_MAX
    )
    opportunity_value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        default=None,
    )
    expected_close_date = serializers.DateField(required=False, allow_null=True, default=None)
    contact_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=150
    )
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("account") and not attrs.get("account_domain"):
            raise serializers.ValidationError(
                {"account": "Which account wants this? Give its id or account_domain."}
            )
        return attrs


class StatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in SETTABLE],
        help_text="Declining needs a decision (POST …/decline/); merging is done on the web.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=COMMENT_MAX
    )


class StatusResultSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    changed = serializers.BooleanField(read_only=True)


class DeclineSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    reason = serializers.CharField(max_length=PROBLEM_MAX, help_text="Why, in plain words.")
    workaround = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=PROBLEM_MAX
    )
    workaround_url = serializers.URLField(
        required=False, allow_blank=True, default="", max_length=200
    )
    revisit_on = serializers.DateField(required=False, allow_null=True, default=None)
