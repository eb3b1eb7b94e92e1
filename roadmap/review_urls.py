"""The weekly roadmap review, under /pm/<product>/review/. Only the product's PMs."""

from django.urls import path

from roadmap import review_views

app_name = "review"

urlpatterns = [
    path("review/", review_views.review, name="current"),
]
