"""The access ladder: every PM, sales, admin and team page and action, tried by people who
may not use it (anonymous, a customer, a sales user and a PM of another product), answers
404 or sends them to sign in, and changes nothing. Routes come from the resolver, so a new
page is tried as soon as it is routed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from portal.models import Role, Visibility
from tests.factories import make_idea, make_product, make_user
from tests.security.conftest import (
    ADMIN,
    DJANGO_ADMIN,
    OWN,
    PM,
    PORTAL,
    SALES,
    TEAM_ON_PORTAL,
    Attackers,
    Route,
    Target,
    all_routes,
    classify,
    routes_of,
    url_for,
)

# A body that would change something if a check were missing.
FORGED = {
    "status": "planned",
    "note": "forged",
    "kind": "will_not_do",
    "reason": "forged",
    "body": "forged",
    "title": "forged",
    "name": "forged",
    "weight": "9",
    "horizon": "now",
    "metric": "value",
    "value": "5",
    "action": "status",
    "ideas": "1",
    "account": "halcyon.test",
    "importance": "deal_blocker",
    "source": "deal",
    "preset": "rice",
    "url": "https://attacker.example.com/",
    "is_active": "on",
}


def _table_sizes() -> dict[str, int]:
    """Rows in every table of the portal's apps: an attack must change none of them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname ~ "
            "'^(portal|ideas|scoring|roadmap)_'"
        )
        tables = [name for name, _ in cursor.fetchall()]
        sizes = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg
            sizes[table] = cursor.fetchone()[0]
    return sizes


def _refused(response: Any) -> bool:
    """404, 405 (wrong method, before any data), or a redirect to a sign-in page."""
    if response.status_code in {404, 405}:
        return True
    if response.status_code in {301, 302, 303}:
        location = str(response["Location"])
        return location.startswith(("/accounts/login/", "/admin/login/"))
    if response.status_code == 204 and "HX-Redirect" in response:
        return str(response["HX-Redirect"]).startswith("/accounts/login/")
    return False


def test_every_url_pattern_is_classified() -> None:
    unclassified = [r.pattern for r in all_routes() if classify(r) is None]
    assert not unclassified, f"classify these in tests/security/conftest.py: {unclassified}"


def _ids(routes: list[Route]) -> list[str]:
    return [r.name or r.pattern for r in routes]


def _try_all(clients: dict[str, Client], url: str) -> list[str]:
    leaks = []
    for who, client in clients.items():
        for method in ("get", "post"):
            response = getattr(client, method)(url, FORGED if method == "post" else None)
            if not _refused(response):
                leaks.append(f"{who} {method.upper()} {url}: {response.status_code}")
    return leaks


def _clients(*users: tuple[str, Any]) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for name, user in users:
        client = Client()
        client.force_login(user)
        clients[name] = client
    return clients


PM_ROUTES = routes_of(PM)


@pytest.mark.parametrize("route", PM_ROUTES, ids=_ids(PM_ROUTES))
def test_pm_pages_refuse_everyone_but_the_products_pms(
    route: Route, target: Target, attackers: Attackers
) -> None:
    clients = _clients(
        ("customer", attackers.customer),
        ("sales of another product", attackers.other_sales),
        ("PM of another product", attackers.other_pm),
        ("sales of this product", target.sales),
    )
    before = _table_sizes()
    assert not _try_all(clients, url_for(route, target))
    assert _table_sizes() == before
    # The product's own PM does get in: the refusals above were about who asked.
    pm = Client()
    pm.force_login(target.pm)
    assert pm.get(url_for(route, target)).status_code in {200, 302, 405}


SALES_ROUTES = routes_of(SALES, TEAM_ON_PORTAL)


@pytest.mark.parametrize("route", SALES_ROUTES, ids=_ids(SALES_ROUTES))
def test_sales_pages_refuse_anonymous_visitors_and_customers(
    route: Route, target: Target, attackers: Attackers
) -> None:
    clients = _clients(("customer", attackers.customer), ("author", target.customer))
    before = _table_sizes()
    assert not _try_all(clients, url_for(route, target))
    assert _table_sizes() == before


def test_a_sales_user_of_another_product_cannot_use_this_products_proxy_votes_when_private(
    target: Target, attackers: Attackers
) -> None:
    type(target.product).objects.filter(pk=target.product.pk).update(visibility=Visibility.PRIVATE)
    clients = _clients(("sales of another product", attackers.other_sales))
    before = _table_sizes()
    for route in routes_of(TEAM_ON_PORTAL, PORTAL):
        assert not _try_all(clients, url_for(route, target)), route.pattern
    assert _table_sizes() == before


ADMIN_ROUTES = routes_of(ADMIN)


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=_ids(ADMIN_ROUTES))
def test_admin_pages_refuse_everyone_but_admins(
    route: Route, target: Target, attackers: Attackers
) -> None:
    clients = _clients(("customer", attackers.customer), ("sales", target.sales), ("PM", target.pm))
    assert not _try_all(clients, url_for(route, target))


def test_the_django_admin_refuses_everyone_but_staff(target: Target) -> None:
    clients = _clients(("customer", target.customer), ("PM", target.pm), ("sales", target.sales))
    urls = [
        r.pattern.replace("<path:object_id>", str(target.idea.pk))
        for r in routes_of(DJANGO_ADMIN)
        if "<" not in r.pattern.replace("<path:object_id>", "")
    ]
    assert len(urls) > 40
    for url in ["admin/", "admin/portal/user/", "admin/ideas/idea/", "admin/portal/auditentry/"]:
        assert not _try_all(clients, f"/{url}"), url


PORTAL_ROUTES = routes_of(PORTAL, TEAM_ON_PORTAL)


@pytest.mark.parametrize("route", PORTAL_ROUTES, ids=_ids(PORTAL_ROUTES))
def test_a_private_products_pages_refuse_outsiders(
    route: Route, target: Target, attackers: Attackers
) -> None:
    type(target.product).objects.filter(pk=target.product.pk).update(
        visibility=Visibility.PRIVATE, allowed_email_domains="halcyon.test"
    )
    clients = _clients(
        ("customer of another domain", attackers.customer),
        ("PM of another product", attackers.other_pm),
    )
    before = _table_sizes()
    assert not _try_all(clients, url_for(route, target))
    assert _table_sizes() == before


def test_an_allowed_domain_gets_into_the_private_product_the_refusals_are_about_who(
    db: None,
) -> None:
    product = make_product(visibility=Visibility.PRIVATE, allowed_email_domains="acme.test")
    idea = make_idea(product=product)
    client = Client()
    client.force_login(make_user(email="amy@acme.test"))
    assert client.get(f"/p/{product.slug}/ideas/{idea.pk}/").status_code == 200
    client.force_login(make_user(role=Role.PM))
    assert client.get(f"/p/{product.slug}/ideas/{idea.pk}/").status_code == 404


OWN_ROUTES = routes_of(OWN)


@pytest.mark.parametrize("route", OWN_ROUTES, ids=_ids(OWN_ROUTES))
def test_own_account_pages_send_anonymous_visitors_to_sign_in_and_touch_only_their_user(
    route: Route, target: Target, attackers: Attackers
) -> None:
    before = _table_sizes()
    assert not _try_all(_clients(), url_for(route, target))
    # Another signed-in user reaches only their own data: the PM's token stays active.
    client = Client()
    client.force_login(attackers.customer)
    client.post(url_for(route, target), {"email": target.pm.email})
    target.api_token.refresh_from_db()
    assert target.api_token.revoked_at is None
    assert type(target.pm).objects.filter(pk=target.pm.pk).exists()
    assert _table_sizes() == before
