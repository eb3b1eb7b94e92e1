"""Throttling: each API token has its own budget; anonymous clients one per address."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from portal.services import api_token_create
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/min", "anonymous": "2/min"},
    }


def _bearer(secret: str) -> APIClient:
    client = APIClient(REMOTE_ADDR="192.0.2.10")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_over_its_rate_gets_429_and_another_token_does_not(low_rates: None) -> None:
    user = make_user()
    _, first = api_token_create(user=user, name="busy")
    _, second = api_token_create(user=user, name="quiet")
    codes = [_bearer(first).get("/api/v1/products/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = _bearer(first).get("/api/v1/products/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert _bearer(second).get("/api/v1/products/").status_code == 200


def test_anonymous_clients_are_counted_per_address(low_rates: None) -> None:
    here = APIClient(REMOTE_ADDR="203.0.113.7")
    there = APIClient(REMOTE_ADDR="203.0.113.8")
    assert [here.get("/api/v1/products/").status_code for _ in range(3)] == [200, 200, 429]
    assert there.get("/api/v1/products/").status_code == 200
