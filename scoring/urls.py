"""Scoring pages of the PM area, under /pm/<product>/. Only the product's PMs and admins."""

from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("scores/", views.ranking, name="ranking"),
    path("scores/chart/", views.chart, name="chart"),
    path("ideas/<int:idea_id>/rate/", views.rate, name="rate"),
    path("ideas/<int:idea_id>/score/", views.why, name="why"),
    path("ideas/<int:idea_id>/goals/", views.align, name="align"),
    path("compare/", views.compare, name="compare"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard/what-if/", views.what_if, name="what_if"),
    path("scorecard/preset/", views.preset, name="preset"),
    path("scorecard/goals/", views.goal_save, name="goal_new"),
    path("scorecard/goals/<int:goal_id>/", views.goal_save, name="goal_save"),
]
