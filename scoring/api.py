"""The REST API of scoring: goals, ranked scores, and why an idea has its score. Read
only, and for the product's PMs (and admins) only, as the scoring pages are."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ideas.access import get_idea_for_user
from ideas.models import Idea, Status
from ideas.selectors import idea_ranks
from portal.access import get_product_for_pm, is_product_pm
from portal.api.pagination import Cursor
from scoring import selectors
from scoring.models import Goal, ScoreEvent

# --- Serializers ------------------------------------------------------------------------


class GoalSerializer(serializers.ModelSerializer[Goal]):
    class Meta:
        model = Goal
        fields = ["id", "name", "description", "weight", "time_frame", "active", "order"]
        read_only_fields = fields


class ScoreRowSerializer(serializers.Serializer[Idea]):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    score = serializers.FloatField(read_only=True, help_text="0-100.")
    rank = serializers.SerializerMethodField(help_text="1 is the highest score.")
    vote_count = serializers.IntegerField(read_only=True)
    account_count = serializers.IntegerField(read_only=True)
    revenue_at_stake = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    def get_rank(self, idea: Idea) -> int | None:
        rank: int | None = self.context.get("ranks", {}).get(idea.pk)
        return rank


class ComponentSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    raw = serializers.FloatField(allow_null=True)
    normalised = serializers.FloatField(allow_null=True)
    weight = serializers.FloatField(allow_null=True)
    share = serializers.FloatField()
    contribution = serializers.FloatField(allow_null=True)
    missing = serializers.BooleanField(help_text="A rating no PM has given yet.")


class GoalLinkSerializer(serializers.Serializer[Any]):
    goal = serializers.IntegerField(source="goal_id")
    name = serializers.CharField(source="goal.name")
    strength = serializers.IntegerField(help_text="0 (not at all) to 3 (directly).")


class HistorySerializer(serializers.Serializer[Any]):
    total = serializers.FloatField()
    previous = serializers.FloatField(allow_null=True)
    event = serializers.ChoiceField(choices=ScoreEvent.choices)
    at = serializers.DateTimeField()


class ScoreExplanationSerializer(serializers.Serializer[Any]):
    idea = serializers.IntegerField()
    total = serializers.FloatField(allow_null=True, help_text="Null until first scored.")
    computed_at = serializers.DateTimeField(allow_null=True)
    scorecard = serializers.CharField(allow_null=True)
    rank = serializers.IntegerField()
    of = serializers.IntegerField()
    components = ComponentSerializer(many=True)
    goals = GoalLinkSerializer(many=True)
    history = HistorySerializer(many=True)
    note = serializers.CharField(help_text="How demand figures are normalised.")


# --- Views ------------------------------------------------------------------------------


class GoalCursor(Cursor):
    ordering = ("order", "id")


class GoalList(generics.ListAPIView[Goal]):
    """The product's goals, which ideas and roadmap items are weighed against."""

    serializer_class = GoalSerializer
    pagination_class = GoalCursor

    def get_queryset(self) -> QuerySet[Goal]:
        product = get_product_for_pm(self.request.user, self.kwargs["product_slug"])
        return selectors.product_goals(product=product)


class ScoreCursor(Cursor):
    ordering = ("-score", "-id")


class ScoreList(generics.ListAPIView[Idea]):
    """The product's ideas by score, highest first, each with its rank."""

    serializer_class = ScoreRowSerializer
    pagination_class = ScoreCursor

    def get_queryset(self) -> QuerySet[Idea]:
        product = get_product_for_pm(self.request.user, self.kwargs["product_slug"])
        return selectors.scored_ideas(product=product).only(
            "pk",
            "title",
            "status",
            "score",
            "vote_count",
            "account_count",
            "revenue_at_stake",
            "product_id",
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **getattr(self, "_rank_context", {})}

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        # Two queries for the page's ranks, whatever its size.
        self._rank_context = {"ranks": idea_ranks(idea_ids=[i.pk for i in page or []])}
        return page


class ScoreExplanation(APIView):
    """Why an idea has its score: each metric's raw and normalised value, weight and
    contribution, the goals it serves, and how its score moved."""

    @extend_schema(responses=ScoreExplanationSerializer)
    def get(self, request: Request, product_slug: str, idea_id: int) -> Response:
        idea = get_idea_for_user(request.user, product_slug, idea_id)
        if not is_product_pm(request.user, idea.product):
            raise Http404("No such idea")
        why = selectors.why_context(idea=idea)
        detail = why["detail"]
        data = {
            "idea": idea.pk,
            "total": detail.total if detail else None,
            "computed_at": detail.computed_at if detail else None,
            "scorecard": detail.scorecard.name if detail else None,
            "rank": why["rank"],
            "of": why["of"],
            "components": why["components"],
            "goals": why["links"],
            "history": why["history"],
            "note": why["log_note"],
        }
        return Response(ScoreExplanationSerializer(data).data)
