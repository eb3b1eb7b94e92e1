"""The PM area of a product, under /pm/<product>/. Only the product's PMs and admins."""

from django.urls import path

from ideas import data_views, pm_views, theme_views, webhook_views

app_name = "pm"

urlpatterns = [
    path("", pm_views.inbox, name="inbox"),
    path("bulk/", pm_views.bulk_action, name="bulk"),
    path("ideas/<int:idea_id>/", pm_views.idea_manage, name="idea"),
    path("ideas/<int:idea_id>/similar/", pm_views.idea_similar, name="idea_similar"),
    path("ideas/<int:idea_id>/status/", pm_views.idea_status, name="idea_status"),
    path("ideas/<int:idea_id>/decline/", pm_views.idea_decline, name="idea_decline"),
    path("ideas/<int:idea_id>/merge/", pm_views.idea_merge, name="idea_merge"),
    path("merges/<int:merge_id>/undo/", pm_views.merge_undo, name="merge_undo"),
    path("ideas/<int:idea_id>/assign/", pm_views.idea_assign, name="idea_assign"),
    path("ideas/<int:idea_id>/themes/", pm_views.idea_themes, name="idea_themes"),
    path("ideas/<int:idea_id>/approve/", pm_views.idea_approve, name="idea_approve"),
    path("ideas/<int:idea_id>/comment/", pm_views.idea_internal_comment, name="idea_comment"),
    path("themes/", theme_views.themes, name="themes"),
    path("themes/new/", theme_views.theme_new, name="theme_new"),
    path("themes/suggestions/", theme_views.theme_suggestions, name="theme_suggestions"),
    path("themes/suggestions/accept/", theme_views.theme_accept, name="theme_accept"),
    path("import/", data_views.import_ideas, name="import"),
    path("export/<slug:what>.csv", data_views.export_csv, name="export"),
    path("webhooks/", webhook_views.webhooks, name="webhooks"),
    path("webhooks/<int:webhook_id>/", webhook_views.webhook_edit, name="webhook"),
    path("webhooks/<int:webhook_id>/active/", webhook_views.webhook_active, name="webhook_active"),
    path("webhooks/<int:webhook_id>/test/", webhook_views.webhook_test, name="webhook_test"),
    path("webhooks/<int:webhook_id>/secret/", webhook_views.webhook_secret, name="webhook_secret"),
]
