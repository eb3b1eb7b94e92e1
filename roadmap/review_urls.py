"""The weekly roadmap review, under /pm/<product>/review/. Only the product's PMs."""

from django.urls import path

from roadmap import review_views

app_name = "review"

urlpatterns = [
    path("review/", review_views.review, name="current"),
    path("review/hold/", review_views.hold, name="hold"),
    path("review/past/", review_views.past, name="past"),
    path("review/<int:review_id>/", review_views.detail, name="detail"),
]
