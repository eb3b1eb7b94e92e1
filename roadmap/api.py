"""The REST API of the roadmap: read only. The product's PMs get every item with its why
(as on the board); everyone else gets the public roadmap's view and nothing more."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers

from portal.access import get_product_for_user, is_product_pm
from portal.api.pagination import Cursor
from portal.text import render_markdown
from roadmap import selectors
from roadmap.models import Horizon, ItemStatus, RoadmapItem


class ReleaseRef(serializers.Serializer[Any]):
    name = serializers.CharField()
    target_date = serializers.DateField(allow_null=True)


class GoalRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class InternalItemSerializer(serializers.Serializer[Any]):
    """What only the product's PMs see of an item."""

    title = serializers.CharField(help_text="The team's name for it.")
    is_public = serializers.BooleanField()
    release = ReleaseRef(allow_null=True)
    goals = GoalRef(many=True)
    ideas = serializers.ListField(child=serializers.IntegerField())
    owner = serializers.EmailField(allow_null=True)
    internal_notes = serializers.CharField()
    pm_score = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    score_source = serializers.CharField(
        help_text="'pm' when a PM gave the score, else the title of the idea that gives it."
    )
    accounts = serializers.IntegerField(help_text="Distinct accounts that asked.")
    revenue_at_stake = serializers.DecimalField(max_digits=16, decimal_places=2)
    shipped_at = serializers.DateTimeField(allow_null=True)


class RoadmapItemSerializer(serializers.Serializer[RoadmapItem]):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(source="shown_title", read_only=True)
    description = serializers.CharField(source="public_description", read_only=True)
    description_html = serializers.SerializerMethodField()
    horizon = serializers.ChoiceField(choices=Horizon.choices, read_only=True)
    status = serializers.ChoiceField(choices=ItemStatus.choices, read_only=True)
    asked = serializers.SerializerMethodField(help_text="People who asked (distinct voters).")
    internal = serializers.SerializerMethodField(help_text="For the product's PMs; else null.")

    def get_description_html(self, item: RoadmapItem) -> str:
        return str(render_markdown(item.public_description))

    def get_asked(self, item: RoadmapItem) -> int:
        asked: int = self.context["asked"].get(item.pk, 0)
        return asked

    @extend_schema_field(InternalItemSerializer(allow_null=True))
    def get_internal(self, item: RoadmapItem) -> dict[str, Any] | None:
        whys = self.context.get("whys")
        if whys is None:
            return None
        why = whys[item.pk]
        return InternalItemSerializer(
            {
                "title": item.title,
                "is_public": item.is_public,
                "release": item.release,
                "goals": list(item.goals.all()),
                "ideas": [idea.pk for idea in item.ideas.all()],
                "owner": item.owner.email if item.owner else None,
                "internal_notes": item.internal_notes,
                "pm_score": item.pm_score,
                "score": why.score,
                "score_source": why.score_source,
                "accounts": len(why.accounts),
                "revenue_at_stake": why.revenue,
                "shipped_at": item.shipped_at,
            }
        ).data


class RoadmapCursor(Cursor):
    ordering = ("position", "id")


class RoadmapItems(generics.ListAPIView[RoadmapItem]):
    """The roadmap. The product's PMs get every item with its why (score, goals, accounts,
    revenue at stake); everyone else the public roadmap: public items not yet shipped,
    their public titles and descriptions, and how many people asked."""

    serializer_class = RoadmapItemSerializer
    pagination_class = RoadmapCursor

    def get_queryset(self) -> QuerySet[RoadmapItem]:
        product = get_product_for_user(self.request.user, self.kwargs["product_slug"])
        self.is_pm = is_product_pm(self.request.user, product)
        if self.is_pm:
            return selectors.items_for_board(product=product)
        return selectors.public_items(product=product)

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = list(super().paginate_queryset(queryset) or [])
        self.page_context: dict[str, Any]
        if self.is_pm:
            whys = selectors.item_whys(page)
            self.page_context = {
                "whys": whys,
                "asked": {pk: why.voters for pk, why in whys.items()},
            }
        else:
            self.page_context = {"asked": selectors.asked_counts(page)}
        return page

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **getattr(self, "page_context", {})}
