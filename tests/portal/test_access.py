"""Who may see which product: every case of ``portal.access``."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client

from portal.access import can_view_product, get_product_for_user, is_product_pm, products_for_user
from portal.models import Role, Visibility
from tests.factories import make_idea, make_product, make_user

pytestmark = pytest.mark.django_db


def test_public_product_is_visible_to_everyone() -> None:
    product = make_product()
    assert can_view_product(AnonymousUser(), product)
    assert can_view_product(make_user(), product)


def test_private_product_is_visible_only_to_allowed_domains_team_and_admins() -> None:
    pm = make_user(role=Role.PM)
    product = make_product(
        visibility=Visibility.PRIVATE, allowed_email_domains="acme.test, beta.test", team=[pm]
    )
    assert not can_view_product(AnonymousUser(), product)
    assert not can_view_product(make_user(email="eve@other.test"), product)
    assert not can_view_product(make_user(email="mallory@notacme.test"), product)
    assert can_view_product(make_user(email="ann@acme.test"), product)
    assert can_view_product(make_user(email="bob@BETA.test"), product)
    assert can_view_product(pm, product)
    assert can_view_product(make_user(role=Role.ADMIN), product)
    assert not can_view_product(make_user(email="gone@acme.test", is_active=False), product)


def test_get_product_for_user_is_404_for_unknown_and_forbidden_products() -> None:
    private = make_product(visibility=Visibility.PRIVATE)
    with pytest.raises(Http404):
        get_product_for_user(AnonymousUser(), "no-such-product")
    with pytest.raises(Http404):
        get_product_for_user(make_user(), private.slug)


def test_products_for_user_lists_exactly_what_they_may_see() -> None:
    public = make_product()
    mine = make_product(visibility=Visibility.PRIVATE, allowed_email_domains="acme.test")
    make_product(visibility=Visibility.PRIVATE, allowed_email_domains="ample.test")
    user = make_user(email="ann@acme.test")
    assert set(products_for_user(user)) == {public, mine}
    assert set(products_for_user(AnonymousUser())) == {public}


def test_only_pms_of_the_product_and_admins_manage_it() -> None:
    pm = make_user(role=Role.PM)
    product = make_product(team=[pm])
    assert is_product_pm(pm, product)
    assert is_product_pm(make_user(role=Role.ADMIN), product)
    assert not is_product_pm(make_user(role=Role.PM), product)
    assert not is_product_pm(make_user(role=Role.SALES), product)
    assert not is_product_pm(AnonymousUser(), product)


def test_every_page_of_a_private_product_is_404_to_outsiders(client: Client) -> None:
    product = make_product(visibility=Visibility.PRIVATE, allowed_email_domains="acme.test")
    idea = make_idea(product=product, author=make_user(email="ann@acme.test"))
    pages = [
        f"/p/{product.slug}/",
        f"/p/{product.slug}/ideas/new/",
        f"/p/{product.slug}/ideas/{idea.pk}/",
        f"/p/{product.slug}/ideas/similar/?title=idea",
    ]
    for url in pages:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/p/{product.slug}/ideas/{idea.pk}/vote/").status_code == 404
    client.force_login(make_user(email="eve@elsewhere.test"))
    for url in pages:
        assert client.get(url).status_code == 404, url
    client.force_login(make_user(email="bob@acme.test"))
    for url in pages:
        assert client.get(url).status_code == 200, url
