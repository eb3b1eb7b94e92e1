"""Every address of the REST API, /api/v1/... One file, so the API's shape reads at a
glance; each app keeps its views beside its code (``<app>/api``)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from ideas.api import views as ideas
from portal.api import views as portal
from roadmap import api as roadmap
from scoring import api as scoring

app_name = "api"

IDEA = "products/<slug:product_slug>/ideas/<int:idea_id>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", portal.ApiDocs.as_view(), name="docs"),
    path("products/", portal.ProductList.as_view(), name="products"),
    path("products/<slug:product_slug>/", portal.ProductDetail.as_view(), name="product"),
    path("products/<slug:product_slug>/ideas/", ideas.IdeaList.as_view(), name="ideas"),
    path(IDEA, ideas.IdeaDetail.as_view(), name="idea"),
    path(f"{IDEA}vote/", ideas.IdeaVote.as_view(), name="idea_vote"),
    path(f"{IDEA}comments/", ideas.IdeaComments.as_view(), name="idea_comments"),
    path(f"{IDEA}proxy-votes/", ideas.IdeaProxyVotes.as_view(), name="idea_proxy_votes"),
    path(
        f"{IDEA}proxy-votes/<int:proxy_id>/",
        ideas.ProxyVoteWithdraw.as_view(),
        name="idea_proxy_vote",
    ),
    path(f"{IDEA}status/", ideas.IdeaStatus.as_view(), name="idea_status"),
    path(f"{IDEA}decline/", ideas.IdeaDecline.as_view(), name="idea_decline"),
    path(f"{IDEA}score/", scoring.ScoreExplanation.as_view(), name="idea_score"),
    path("products/<slug:product_slug>/goals/", scoring.GoalList.as_view(), name="goals"),
    path("products/<slug:product_slug>/scores/", scoring.ScoreList.as_view(), name="scores"),
    path(
        "products/<slug:product_slug>/roadmap/",
        roadmap.RoadmapItems.as_view(),
        name="roadmap",
    ),
    path("accounts/", portal.AccountList.as_view(), name="accounts"),
    path("accounts/<int:account_id>/", portal.AccountDetail.as_view(), name="account"),
    re_path(
        r"^accounts/by-domain/(?P<domain>[A-Za-z0-9.-]{1,253})/$",
        portal.AccountByDomain.as_view(),
        name="account_by_domain",
    ),
]
