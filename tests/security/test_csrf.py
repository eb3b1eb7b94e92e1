"""CSRF on every state-changing request: a POST without the token is refused with 403 on
every routed page, by the very users who could otherwise make it, and changes nothing. The
only exemptions are the one-click unsubscribe links, whose signed token is the permission."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.security.conftest import API, DJANGO_ADMIN, Route, Target, all_routes, classify, url_for
from tests.security.test_access import FORGED, _table_sizes

# Views that may take a POST without a CSRF token, and why.
EXEMPT = {
    "ideas:unsubscribe": "mail clients post the List-Unsubscribe link in one click",
}

ROUTES = [r for r in all_routes() if classify(r) not in {API, DJANGO_ADMIN}]


def test_only_the_unsubscribe_links_are_exempt_from_csrf() -> None:
    exempt = {r.name for r in ROUTES if getattr(r.callback, "csrf_exempt", False)}
    assert exempt == set(EXEMPT)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name or r.pattern for r in ROUTES])
def test_a_post_without_the_csrf_token_is_refused(route: Route, target: Target) -> None:
    if route.name in EXEMPT:
        pytest.skip(EXEMPT[route.name])
    # The PM is on the product's team and may do everything the PM and portal pages do;
    # sales pages take any team member.
    client = Client(enforce_csrf_checks=True)
    client.force_login(target.pm)
    before = _table_sizes()

    response = client.post(url_for(route, target), FORGED)

    assert response.status_code == 403, response.content[:300]
    assert b"CSRF" in response.content
    assert _table_sizes() == before


def test_the_django_admin_refuses_a_post_without_the_csrf_token(target: Target) -> None:
    from portal.models import Role
    from tests.factories import make_user

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(role=Role.ADMIN, is_staff=True, is_superuser=True))
    before = _table_sizes()
    response = client.post(f"/admin/portal/product/{target.product.pk}/change/", {"name": "Forged"})
    assert response.status_code == 403
    assert _table_sizes() == before
