import os

from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/privacy/", views.privacy, name="privacy"),
    path("accounts/privacy/data.json", views.privacy_export, name="privacy_export"),
    path("accounts/privacy/delete/", views.privacy_delete, name="privacy_delete"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("portal.api_urls")),
    path("settings/tokens/", include("portal.token_urls")),
    path("p/<slug:product_slug>/", include("ideas.urls")),
    path("p/<slug:product_slug>/", include("roadmap.public_urls")),
    path("sales/", include("ideas.sales_urls")),
    path("audit/", views.audit_site, name="audit_site"),
    path("pm/<slug:product_slug>/audit/", views.audit_product, name="audit_product"),
    path("pm/<slug:product_slug>/", include("ideas.pm_urls")),
    path("pm/<slug:product_slug>/", include("scoring.urls")),
    path("pm/<slug:product_slug>/", include("roadmap.urls")),
    path("pm/<slug:product_slug>/", include("roadmap.review_urls")),
]

if os.environ.get("PORTAL_BENCH_REFERENCE") == "1":
    # The load benchmark's reference page (bench/load); never routed otherwise.
    from portal import bench_views

    urlpatterns.append(
        path("bench/reference/<slug:product_slug>/", bench_views.reference, name="bench_reference")
    )

# A database that cannot be reached answers 503 with a plain page (portal/errors.py).
handler500 = "portal.errors.server_error"
