"""The internal roadmap, under /pm/<product>/. Only the product's PMs and admins."""

from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("roadmap/", views.board, name="board"),
]
