from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("", views.idea_list, name="list"),
    path("ideas/new/", views.idea_new, name="new"),
    path("ideas/similar/", views.idea_similar, name="similar"),
    path("ideas/confirm/<str:token>/", views.idea_confirm, name="confirm"),
    path("ideas/<int:idea_id>/", views.idea_detail, name="detail"),
    path("ideas/<int:idea_id>/vote/", views.idea_vote, name="vote"),
    path("ideas/<int:idea_id>/follow/", views.idea_follow, name="follow"),
    path("ideas/<int:idea_id>/comments/", views.idea_comment, name="comment"),
    path("ideas/<int:idea_id>/proxy-votes/", views.idea_proxy_vote, name="proxy_vote"),
    path(
        "ideas/<int:idea_id>/proxy-votes/<int:proxy_id>/withdraw/",
        views.proxy_vote_withdraw,
        name="proxy_vote_withdraw",
    ),
    path("my-votes/", views.my_votes, name="my_votes"),
    path("ideas/unsubscribe/<str:token>/", views.idea_unsubscribe, name="unsubscribe"),
]
