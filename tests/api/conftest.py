"""The API's test world: a private product with its team and customers, and the people
of another private product, each with a personal API token."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from rest_framework.test import APIClient

from ideas.models import Idea
from portal.models import Product, Role, User, Visibility
from portal.services import api_token_create
from tests.factories import make_account, make_idea, make_product, make_user

_ip = itertools.count(1)

# High rates for every API test but the throttling ones, which set their own.
RATES = {"client": "100000/min", "anonymous": "100000/min"}


@pytest.fixture(autouse=True)
def _api_rates(settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}


def client_for(user: User | None) -> APIClient:
    """A client from an address of its own (throttles count per address), with a token."""
    client = APIClient(REMOTE_ADDR=f"198.51.{next(_ip) // 250}.{next(_ip) % 250 + 1}")
    if user is not None:
        _, secret = api_token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@dataclass
class World:
    product: Product
    other: Product
    users: dict[str, User | None]
    idea: Idea
    clients: dict[str, APIClient] = field(default_factory=dict)

    def url(self, tail: str = "") -> str:
        return f"/api/v1/products/{self.product.slug}/{tail}"

    def idea_url(self, tail: str = "") -> str:
        return self.url(f"ideas/{self.idea.pk}/{tail}")


ROLES = ["anonymous", "customer", "other_customer", "other_sales", "other_pm", "pm"]


def build_world() -> World:
    pm = make_user(email="pm@vendor.test", role=Role.PM)
    sales = make_user(email="sales@vendor.test", role=Role.SALES)
    other_pm = make_user(email="pm@othervendor.test", role=Role.PM)
    other_sales = make_user(email="sales@othervendor.test", role=Role.SALES)
    make_account(name="Acme", domains=["acme.test"], arr=50_000)
    make_account(name="Other Co", domains=["other.test"], arr=20_000)
    customer = make_user(email="ann@acme.test")
    other_customer = make_user(email="olly@other.test")
    product = make_product(
        visibility=Visibility.PRIVATE, allowed_email_domains="acme.test", team=[pm, sales]
    )
    other = make_product(
        visibility=Visibility.PRIVATE,
        allowed_email_domains="other.test",
        team=[other_pm, other_sales],
    )
    idea = make_idea(product=product, author=customer, title="Export reports to Excel")
    users: dict[str, User | None] = {
        "anonymous": None,
        "customer": customer,
        "other_customer": other_customer,
        "other_sales": other_sales,
        "other_pm": other_pm,
        "pm": pm,
        "sales": sales,
    }
    world = World(product=product, other=other, users=users, idea=idea)
    world.clients = {role: client_for(user) for role, user in users.items()}
    return world


@pytest.fixture
def world(db: None) -> World:
    return build_world()
