"""The internal roadmap, under /pm/<product>/. Only the product's PMs and admins."""

from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("roadmap/", views.board, name="board"),
    path("roadmap/export.csv", views.board_csv, name="export_csv"),
    path("roadmap/print/", views.board_print, name="print"),
    path("roadmap/promote/", views.promote, name="promote"),
    path("roadmap/releases/new/", views.release_new, name="release_new"),
    path("roadmap/items/new/", views.item_new, name="item_new"),
    path("roadmap/items/<int:item_id>/", views.item_edit, name="item"),
    path("roadmap/items/<int:item_id>/move/", views.item_move, name="item_move"),
    path("roadmap/items/<int:item_id>/status/", views.item_status, name="item_status"),
]
