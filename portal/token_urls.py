"""The signed-in user's personal API tokens, under /settings/tokens/."""

from django.urls import path

from portal import token_views

app_name = "tokens"

urlpatterns = [
    path("", token_views.tokens, name="list"),
    path("<int:token_id>/revoke/", token_views.revoke, name="revoke"),
]
