from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from scoring import services
from scoring.models import (
    Goal,
    IdeaGoal,
    IdeaScore,
    Metric,
    Rating,
    Scorecard,
    ScorecardChange,
    ScoreHistory,
)


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin[Goal]):
    list_display = ["name", "product", "weight", "time_frame", "active", "order"]
    list_filter = ["product", "active"]
    search_fields = ["name", "description"]

    def save_model(
        self, request: HttpRequest, obj: Goal, form: forms.ModelForm[Goal], change: bool
    ) -> None:
        # Through the service, so a weight change is recorded and rescoring is queued.
        assert request.user.is_authenticated
        services.goal_save(
            product=obj.product,
            by=request.user,
            name=obj.name,
            weight=obj.weight,
            description=obj.description,
            time_frame=obj.time_frame,
            active=obj.active,
            goal=Goal.objects.get(pk=obj.pk) if change else None,
        )


class MetricInline(admin.TabularInline[Metric, Scorecard]):
    model = Metric
    extra = 0
    fields = ["order", "key", "name", "kind", "scale", "signal", "cost", "weight", "rubric"]
    readonly_fields = ["weight"]
    can_delete = False


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin[Scorecard]):
    list_display = ["name", "product", "preset", "active", "half_life_days", "created_at"]
    list_filter = ["product", "active", "preset"]
    inlines = [MetricInline]
    readonly_fields = ["active", "preset", "demand_scale"]
    fields = ["product", "name", "preset", "active", "half_life_days", "demand_scale"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # new scorecards start from a preset on the product's scorecard page


@admin.register(IdeaGoal)
class IdeaGoalAdmin(admin.ModelAdmin[IdeaGoal]):
    list_display = ["idea", "goal", "strength"]
    list_filter = ["goal"]
    raw_id_fields = ["idea"]
    list_select_related = ["idea", "goal"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin[Rating]):
    list_display = ["idea", "metric", "value", "rated_by", "rated_at"]
    list_filter = ["metric__scorecard__product", "metric"]
    raw_id_fields = ["idea", "rated_by"]
    list_select_related = ["idea", "metric", "rated_by"]
    readonly_fields = ["idea", "metric", "value", "rated_by", "rated_at"]


@admin.register(IdeaScore)
class IdeaScoreAdmin(admin.ModelAdmin[IdeaScore]):
    list_display = ["idea", "total", "scorecard", "computed_at"]
    list_select_related = ["idea", "scorecard"]
    readonly_fields = ["idea", "scorecard", "total", "components", "missing", "computed_at"]
    search_fields = ["idea__title"]


@admin.register(ScoreHistory)
class ScoreHistoryAdmin(admin.ModelAdmin[ScoreHistory]):
    list_display = ["idea", "previous", "total", "event", "at"]
    list_filter = ["event"]
    list_select_related = ["idea"]
    readonly_fields = ["idea", "previous", "total", "event", "at"]


@admin.register(ScorecardChange)
class ScorecardChangeAdmin(admin.ModelAdmin[ScorecardChange]):
    list_display = ["scorecard", "by", "at", "note"]
    list_select_related = ["scorecard", "by"]
    readonly_fields = ["scorecard", "by", "at", "before", "after", "note"]
