"""Portal-wide pages: the list of portals, the health check, a user's own data (download
and deletion), and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal import selectors
from portal.access import get_product_and_pm, products_for_user, require_admin
from portal.forms import DeleteAccountForm
from portal.models import User
from portal.services import user_data_export, user_delete


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    products = list(products_for_user(request.user))
    if len(products) == 1:
        return redirect("ideas:list", product_slug=products[0].slug)
    return render(request, "portal/home.html", {"products": products})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:
        return False


def _redis_ok() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        return bool(client.ping())
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    checks = {"database": _database_ok()}
    if settings.REDIS_URL:
        checks["redis"] = _redis_ok()
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{k: "ok" if v else "down" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


# --- A user's own data --------------------------------------------------------------------


def _privacy_page(request: HttpRequest, form: DeleteAccountForm, status: int = 200) -> HttpResponse:
    return render(request, "portal/privacy.html", {"form": form}, status=status)


@login_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    return _privacy_page(request, DeleteAccountForm(user=request.user))


@never_cache
@login_required
@require_GET
def privacy_export(request: HttpRequest) -> HttpResponse:
    """Everything the portal holds about the signed-in user, as a JSON download."""
    assert isinstance(request.user, User)
    response = JsonResponse(user_data_export(user=request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-ideas-portal-data.json"'
    return response


@login_required
@require_http_methods(["POST"])
def privacy_delete(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    user = request.user
    form = DeleteAccountForm(request.POST, user=user)
    if not form.is_valid():
        return _privacy_page(request, form, status=400)
    user_delete(user=user, by=user)
    logout(request)
    messages.success(
        request,
        "Your account is deleted. Your ideas and comments stay, shown as a former user's; "
        "your votes are withdrawn.",
    )
    return redirect("home")


# --- The audit log --------------------------------------------------------------------------


def _audit_filters(request: HttpRequest) -> selectors.AuditFilters:
    def value(name: str, length: int) -> str:
        # PostgreSQL refuses NUL in text: a filter holding one can match nothing anyway.
        return request.GET.get(name, "")[:length].replace("\x00", "")

    return selectors.AuditFilters(
        action=value("action", 40), actor=value("actor", 254), product=value("product", 60)
    )


@require_GET
def audit_product(request: HttpRequest, product_slug: str) -> HttpResponse:
    """What the product's PMs and admins did, newest first (the product's PMs only)."""
    product, _ = get_product_and_pm(request.user, product_slug)
    filters = _audit_filters(request)
    log = selectors.audit_log(product=product, filters=filters, page=request.GET.get("page", ""))
    return render(
        request,
        "portal/audit.html",
        {"product": product, "pm_tab": "audit", "log": log, "filters": filters},
    )


@require_GET
def audit_site(request: HttpRequest) -> HttpResponse:
    """Every audited action on the site, for admins."""
    require_admin(request.user)
    filters = _audit_filters(request)
    log = selectors.audit_log(product=None, filters=filters, page=request.GET.get("page", ""))
    return render(request, "portal/audit.html", {"log": log, "filters": filters})
