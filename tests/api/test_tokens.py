"""Personal API tokens: created on the settings page and shown once, stored hashed, used
as a Bearer token, touched when used, and dead once revoked."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from portal.models import ApiToken, Role, User, Visibility
from portal.services import API_TOKENS_PER_USER, api_token_create
from tests.factories import PASSWORD, make_product, make_user

pytestmark = pytest.mark.django_db


def _signed_in(email: str = "pm@vendor.test", role: str = Role.PM) -> tuple[Client, User]:
    user = make_user(email=email, role=role)
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client, user


def _bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_new_token_is_shown_once_and_only_its_digest_is_stored() -> None:
    client, user = _signed_in()
    response = client.post("/settings/tokens/", {"name": "CRM sync"})
    assert response.status_code == 201
    token = ApiToken.objects.get(user=user)
    secret = response.context["secret"]
    assert secret.startswith(token.prefix)
    assert len(secret) > 40
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.digest}
    again = client.get("/settings/tokens/").content.decode()
    assert secret not in again
    assert "CRM sync" in again
    assert token.prefix in again


def test_a_token_authenticates_as_its_user_and_records_its_last_use() -> None:
    owner = make_user(email="ann@acme.test")
    product = make_product(visibility=Visibility.PRIVATE, allowed_email_domains="acme.test")
    token, secret = api_token_create(user=owner, name="script")
    assert token.last_used_at is None
    assert APIClient().get(f"/api/v1/products/{product.slug}/").status_code == 404
    assert _bearer(secret).get(f"/api/v1/products/{product.slug}/").status_code == 200
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    # Used again within the minute: no write. Later: recorded again.
    _bearer(secret).get("/api/v1/products/")
    token.refresh_from_db()
    assert token.last_used_at == first_use
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        _bearer(secret).get("/api/v1/products/")
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_revoking_a_token_stops_it_at_once() -> None:
    client, user = _signed_in()
    client.post("/settings/tokens/", {"name": "CI"})
    secret = client.post("/settings/tokens/", {"name": "Old script"}).context["secret"]
    token = ApiToken.objects.get(user=user, name="Old script")
    assert _bearer(secret).get("/api/v1/accounts/").status_code == 200
    response = client.post(f"/settings/tokens/{token.pk}/revoke/", follow=True)
    assert "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = _bearer(secret).get("/api/v1/accounts/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert ApiToken.objects.get(user=user, name="CI").revoked_at is None


def test_no_one_revokes_another_users_token() -> None:
    _, owner = _signed_in(email="owner@vendor.test")
    token, secret = api_token_create(user=owner, name="mine")
    intruder, _ = _signed_in(email="intruder@vendor.test")
    assert intruder.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    assert Client().post(f"/settings/tokens/{token.pk}/revoke/").status_code == 302  # sign in
    token.refresh_from_db()
    assert token.revoked_at is None
    assert _bearer(secret).get("/api/v1/products/").status_code == 200


def test_bad_tokens_and_inactive_users_are_refused() -> None:
    user = make_user()
    _, secret = api_token_create(user=user, name="x")
    assert _bearer(secret + "x").get("/api/v1/products/").status_code == 401
    malformed = APIClient()
    malformed.credentials(HTTP_AUTHORIZATION="Bearer two words")
    assert malformed.get("/api/v1/products/").status_code == 401
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _bearer(secret).get("/api/v1/products/").status_code == 401


def test_a_token_needs_a_name_and_the_form_says_so() -> None:
    client, user = _signed_in()
    response = client.post("/settings/tokens/", {"name": "   "})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_number_of_active_tokens_is_capped() -> None:
    client, user = _signed_in()
    for n in range(API_TOKENS_PER_USER):
        api_token_create(user=user, name=f"t{n}")
    response = client.post("/settings/tokens/", {"name": "one too many"})
    assert response.status_code == 400
    assert "Revoke one" in response.content.decode()
    assert 'value="one too many"' in response.content.decode()


def test_the_tokens_page_needs_signing_in_and_links_from_the_menu() -> None:
    assert Client().get("/settings/tokens/").status_code == 302
    client, _ = _signed_in()
    assert 'href="/settings/tokens/"' in client.get("/settings/tokens/").content.decode()


@pytest.mark.parametrize("count", [1, 15])
def test_the_tokens_page_queries_do_not_grow_with_tokens(count: int) -> None:
    """Guards against a query per listed token (e.g. its user)."""
    client, user = _signed_in()
    for n in range(count):
        api_token_create(user=user, name=f"t{n}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/settings/tokens/").status_code == 200
    assert len(queries) <= 5, [q["sql"] for q in queries]
