"""The public roadmap and changelog of a product's portal, under /p/<product>/."""

from django.urls import path

from roadmap import views

app_name = "public_roadmap"

urlpatterns = [
    path("roadmap/", views.public, name="roadmap"),
    path("changelog/", views.changelog, name="changelog"),
]
