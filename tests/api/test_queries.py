"""Every list and detail of the API costs the same number of queries whatever the rows.

Guards against a query per row: per idea's category or vote, per comment's author, per
proxy vote's account, per account's domains, per roadmap item's goals or ideas, per
score's rank."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ideas.services import comment_add, proxy_vote_record, vote_cast
from portal.models import User
from roadmap.models import RoadmapItem
from scoring.models import Goal
from tests.api.conftest import World, build_world
from tests.factories import make_account, make_category, make_idea, make_user

pytestmark = pytest.mark.django_db

ENDPOINTS: dict[str, Callable[[World], str]] = {
    "products": lambda w: "/api/v1/products/",
    "product": lambda w: w.url(),
    "ideas": lambda w: w.url("ideas/"),
    "ideas searched": lambda w: w.url("ideas/?sort=new&q=idea"),
    "idea": lambda w: w.idea_url(),
    "comments": lambda w: w.idea_url("comments/"),
    "proxy votes": lambda w: w.idea_url("proxy-votes/"),
    "score": lambda w: w.idea_url("score/"),
    "goals": lambda w: w.url("goals/"),
    "scores": lambda w: w.url("scores/"),
    "roadmap": lambda w: w.url("roadmap/"),
    "accounts": lambda w: "/api/v1/accounts/",
}


def _fill(world: World, rows: int) -> None:
    pm, sales, customer = (world.users[r] for r in ("pm", "sales", "customer"))
    assert isinstance(pm, User)
    assert isinstance(sales, User)
    assert isinstance(customer, User)
    category = make_category(product=world.product)
    for n in range(rows):
        voter = make_user(email=f"voter{n}@acme.test")
        idea = make_idea(product=world.product, author=voter, category=category)
        vote_cast(idea=idea, user=customer)
        comment_add(idea=world.idea, author=voter, body=f"Comment {n}")
        comment_add(idea=world.idea, author=pm, body=f"Note {n}", is_internal=True)
        account = make_account(owner=sales)
        proxy_vote_record(
            idea=world.idea,
            account=account,
            recorded_by=sales,
            importance="critical",
            source="call",
        )
        goal = Goal.objects.create(product=world.product, name=f"Goal {n}")
        item = RoadmapItem.objects.create(product=world.product, title=f"Item {n}", owner=pm)
        item.goals.add(goal)
        item.ideas.add(idea, world.idea)


def _counts(rows: int, role: str) -> dict[str, int]:
    """Queries per endpoint that answers 200, in a world undone afterwards."""
    counts = {}
    with transaction.atomic():
        world = build_world()
        _fill(world, rows)
        client = world.clients[role]
        for name, path in ENDPOINTS.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path(world))
            if response.status_code == 200:
                counts[name] = len(queries)
        transaction.set_rollback(True)
    return counts


@pytest.mark.parametrize("role", ["pm", "customer"])
def test_query_counts_do_not_grow_with_rows(role: str) -> None:
    small = _counts(2, role)
    large = _counts(12, role)
    assert small == large
    assert max(large.values()) <= 15, large
    if role == "pm":
        assert set(large) == set(ENDPOINTS)
    if role == "customer":
        assert set(large) == {
            "products",
            "product",
            "ideas",
            "ideas searched",
            "idea",
            "comments",
            "roadmap",
        }
